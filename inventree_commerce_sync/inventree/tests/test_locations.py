"""Several locations (issue 10 item 5): two InvenTree locations mapped to two Magento MSI
sources and to two Zoho locations; each target location holds exactly its location's stock
(sublocations included) after a push, and after a stock change only what changed is written;
an open order allocated from no location is taken off once, not once per location; the
target check reads, repairs and flags each (SKU, location) pair, and confirming or
dismissing the flag of one pair writes that pair alone."""

from __future__ import annotations

from decimal import Decimal

from company.models import Company
from django.core.exceptions import ValidationError
from InvenTree.unit_test import InvenTreeTestCase
from order.models import SalesOrder, SalesOrderLineItem
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.inventree import locations, repairs, status_report, sync
from inventree_commerce_sync.sandbox import SandboxServer
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.sandbox.zoho import PRIMARY_LOCATION, SECOND_LOCATION, ZohoSandbox

from .helpers import SLUGS, activate_plugins, configure, enable_events, plugin, run_flushes

SKU = "LOC-1"
D = Decimal


class SeveralLocationsTests(InvenTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.north = StockLocation.objects.create(name="LOC north")
        cls.shelf = StockLocation.objects.create(name="LOC shelf", parent=cls.north)
        cls.south = StockLocation.objects.create(name="LOC south")
        cls.elsewhere = StockLocation.objects.create(name="LOC elsewhere")
        cls.part = Part.objects.create(name="LOC part", IPN=SKU, description="locations", salable=True)
        for location, quantity in ((cls.north, 5), (cls.shelf, 2), (cls.south, 9), (cls.elsewhere, 4)):
            StockItem.objects.create(part=cls.part, quantity=quantity, location=location)

    def setUp(self):
        super().setUp()
        self.magento = MagentoSandbox(more_sources=("src_a", "src_b"))
        self.zoho = ZohoSandbox()
        servers = {}
        for name, app in (("magento", self.magento), ("zoho", self.zoho)):
            app.seed({"products": [{"sku": SKU, "name": SKU, "quantity": 0}]})
            servers[name] = SandboxServer(app).start()
            self.addCleanup(servers[name].stop)
        enable_events()
        maps = {"magento": f"{self.north.pk}=src_a, LOC south=src_b",
                "zoho": f"{self.north.pk}={PRIMARY_LOCATION}, {self.south.pk}={SECOND_LOCATION}"}
        for name in SLUGS:
            if name in maps:
                configure(name, servers[name].url, ENABLED=True, DRY_RUN=False, ORDER_IMPORT=False,
                          RECONCILE_MINUTES=60, VERIFY_MINUTES=0, LOCATION_MAP=maps[name])
                plugin(name)._config_row = None
            else:
                configure(name, ENABLED=False, ORDER_IMPORT=False)
        events = self.settings(PLUGIN_TESTING_EVENTS=True, TESTING_TABLE_EVENTS=True)
        events.enable()
        self.addCleanup(events.disable)

    def held(self) -> dict[str, dict[str, Decimal]]:
        return {
            "magento": {code: D(self.magento.source_items[(SKU, code)]["quantity"]) for code in ("src_a", "src_b")},
            "zoho": {code: self.zoho.location_stock(code)[SKU] for code in (PRIMARY_LOCATION, SECOND_LOCATION)},
        }

    def test_each_target_location_holds_its_locations_stock(self):
        for name in ("magento", "zoho"):
            report = sync.sync_parts(plugin(name), [self.part.pk])
            self.assertIsNotNone(report, name)
            self.assertEqual(report.failed, 0, report.results)
        self.assertEqual(self.held(), {"magento": {"src_a": 7, "src_b": 9},
                                       "zoho": {PRIMARY_LOCATION: 7, SECOND_LOCATION: 9}})
        self.assertEqual(self.magento.count("source-items.save"), 1)  # both sources in one write
        self.assertEqual(len(self.zoho.adjustments), 2)  # one per location
        self.assertEqual(D(self.magento.source_items[(SKU, "default")]["quantity"]), 0)  # not mapped
        self.part.refresh_from_db()
        kept = self.part.metadata["commerce_sync_status"]
        self.assertEqual({key: kept[key]["quantity"] for key in kept if key.startswith(("magento", "zoho"))},
                         {"magento@src_a": "7", "magento@src_b": "9",
                          f"zoho@{PRIMARY_LOCATION}": "7", f"zoho@{SECOND_LOCATION}": "9"})

        row = status_report.status_rows(plugin("magento"), [self.part.pk])[0]
        self.assertEqual((row["in_sync"], row["status"], row["quantity"]), (True, "synced", "16"))
        self.assertEqual([(p["location"], p["quantity"], p["pushed_quantity"]) for p in row["locations"]],
                         [("src_a", "7", "7"), ("src_b", "9", "9")])
        self.assertEqual(status_report.out_of_sync_candidates(plugin("zoho")), [])

        # stock received in the south: only that location's figure is written, by the flush
        with self.captureOnCommitCallbacks(execute=True):
            StockItem.objects.create(part=self.part, quantity=3, location=self.south)
        run_flushes()
        self.part.refresh_from_db()
        again = self.part.metadata["commerce_sync_status"]
        for key in ("magento@src_a", f"zoho@{PRIMARY_LOCATION}"):  # unchanged: not written again
            self.assertEqual(again[key]["last_success"], kept[key]["last_success"], key)
        for key in ("magento@src_b", f"zoho@{SECOND_LOCATION}"):
            self.assertGreater(again[key]["last_success"], kept[key]["last_success"], key)
        self.assertEqual(self.held(), {"magento": {"src_a": 7, "src_b": 12},
                                       "zoho": {PRIMARY_LOCATION: 7, SECOND_LOCATION: 12}})
        self.assertEqual(self.magento.count("source-items.save"), 2)
        self.assertEqual(len(self.zoho.adjustments), 3)
        self.assertEqual([line["location_id"] for line in self.zoho.adjustments[-1]["line_items"]],
                         [SECOND_LOCATION])

    def push_both(self) -> None:
        for name in ("magento", "zoho"):
            report = sync.sync_parts(plugin(name), [self.part.pk])
            assert report is not None, name
            self.assertEqual(report.failed, 0, report.results)

    def set_on_shop(self, figures: dict[str, dict[str, int]]) -> None:
        """Quantities edited on the shops themselves (Magento's admin, Zoho's item page)."""
        for code, quantity in figures.get("magento", {}).items():
            self.magento.source_items[(SKU, code)]["quantity"] = D(quantity)
        item = self.zoho._by_sku[SKU][0]
        for code, quantity in figures.get("zoho", {}).items():
            item["stock"][code] = D(quantity)

    def test_an_order_allocated_from_no_location_is_taken_off_once(self):
        customer = Company.objects.create(name="LOC buyer", is_customer=True)
        order = SalesOrder.objects.create(customer=customer, reference=SalesOrder.generate_reference())
        SalesOrderLineItem.objects.create(order=order, part=self.part, quantity=2)
        self.push_both()
        # 16 in the two locations, 2 on order: 14 offered, the 2 taken off at the first location
        self.assertEqual(self.held(), {"magento": {"src_a": 5, "src_b": 9},
                                       "zoho": {PRIMARY_LOCATION: 5, SECOND_LOCATION: 9}})

        row = status_report.status_rows(plugin("magento"), [self.part.pk])[0]
        self.assertEqual((row["quantity"], row["sellable"], row["offer"]), ("14", "14", None))
        # the product, and when it was written: from the locations' entries (there is no entry of the part alone)
        self.assertEqual(row["remote_id"], str(self.magento.products[SKU]["id"]))
        self.assertIsNotNone(row["last_success"])
        north, south = row["locations"]
        self.assertEqual(north["stock_location"], {"pk": self.north.pk, "path": "LOC north"})
        self.assertEqual([(s["label"], s["amount"]) for s in north["offer"]["steps"]],
                         [("in stock at LOC north", "5"), ("in stock at LOC north/LOC shelf", "2"),
                          ("open sales orders (unshipped, allocated or not)", "-2")])
        self.assertEqual((north["unallocated"], north["unallocated_share"]), ("2", "2"))
        self.assertEqual((south["quantity"], south["unallocated_share"], south["offer"]["quantity"]), ("9", "0", "9"))

        # more on order than the first location holds: the rest comes off the next one
        SalesOrderLineItem.objects.create(order=order, part=self.part, quantity=8)
        self.push_both()
        self.assertEqual(self.held(), {"magento": {"src_a": 0, "src_b": 6},
                                       "zoho": {PRIMARY_LOCATION: 0, SECOND_LOCATION: 6}})

    def test_the_target_check_repairs_and_flags_each_location_on_its_own(self):
        self.push_both()  # src_a / primary 7, src_b / second 9
        self.set_on_shop({"magento": {"src_a": 100, "src_b": 6}, "zoho": {PRIMARY_LOCATION: 100, SECOND_LOCATION: 6}})
        for name in ("magento", "zoho"):
            sync.sync_parts(plugin(name), None, verify=True)
        # within the limit: repaired; 7 -> 100 is beyond 10 units and 50 %: flagged, not written
        self.assertEqual(self.held(), {"magento": {"src_a": 100, "src_b": 9},
                                       "zoho": {PRIMARY_LOCATION: 100, SECOND_LOCATION: 9}})
        for name, first, second in (("magento", "src_a", "src_b"), ("zoho", PRIMARY_LOCATION, SECOND_LOCATION)):
            done = {(r["sku"], r["outcome"], r["shop_had"], r["wanted"], r["part"])
                    for r in repairs.repair_status(plugin(name))["recent"]}
            self.assertEqual(done, {(f"{SKU}@{second}", "repaired", "6", "9", self.part.pk),
                                    (f"{SKU}@{first}", "flagged", "100", "7", self.part.pk)}, name)

        # both locations now far off: two flags; confirming one writes that location alone
        self.set_on_shop({"magento": {"src_b": 60}, "zoho": {SECOND_LOCATION: 60}})
        for name in ("magento", "zoho"):
            sync.sync_parts(plugin(name), None, verify=True)
        writes = self.magento.count("source-items.save")
        answer, code = repairs.confirm(plugin("magento"), f"{SKU}@src_a", "admin")
        self.assertEqual(code, 200, answer)
        self.assertEqual(self.magento.count("source-items.save"), writes + 1)
        answer, code = repairs.confirm(plugin("zoho"), f"{SKU}@{PRIMARY_LOCATION}", "admin")
        self.assertEqual(code, 200, answer)
        self.assertEqual([line["location_id"] for line in self.zoho.adjustments[-1]["line_items"]], [PRIMARY_LOCATION])
        self.assertEqual(self.held(), {"magento": {"src_a": 7, "src_b": 60},
                                       "zoho": {PRIMARY_LOCATION: 7, SECOND_LOCATION: 60}})
        for name, second in (("magento", "src_b"), ("zoho", SECOND_LOCATION)):
            self.assertEqual([f["sku"] for f in repairs.repair_status(plugin(name))["open_flags"]],
                             [f"{SKU}@{second}"], name)

            # dismissed: left as it is, and the next check neither writes nor flags it again
            answer, code = repairs.dismiss(plugin(name), f"{SKU}@{second}", "admin")
            self.assertEqual(code, 200, answer)
            sync.sync_parts(plugin(name), None, verify=True)
            self.assertEqual(repairs.repair_status(plugin(name))["open_flags"], [], name)
        self.assertEqual(self.held(), {"magento": {"src_a": 7, "src_b": 60},
                                       "zoho": {PRIMARY_LOCATION: 7, SECOND_LOCATION: 60}})

    def test_the_map_is_checked_where_it_is_entered(self):
        validate = plugin("magento").SETTINGS["LOCATION_MAP"]["validator"]
        validate(f"{self.north.pk}=src_a, LOC north/LOC shelf=src_b")
        with self.assertRaisesMessage(ValidationError, "'LOC nowhere' (for 'src_b') is not an InvenTree stock location"):
            validate(f"{self.north.pk}=src_a, LOC nowhere=src_b")
        with self.assertRaisesMessage(ValidationError, "is not <stock location>=<target location code>"):
            validate("src_a")
        # "Test connection" checks every mapped source / location, not only SOURCE_CODE / LOCATION_ID
        for name, code in (("magento", "src_b"), ("zoho", SECOND_LOCATION)):
            result = locations.connection_target(plugin(name)).check()
            self.assertTrue(result.ok, result.details)
            self.assertTrue(any(code in line for line in result.details), result.details)
        self.assertNotIn("LOCATION_MAP", plugin("woocommerce").SETTINGS)  # one figure: LOCATION only
        self.assertNotIn("LOCATION_MAP", plugin("invoiceninja").SETTINGS)
