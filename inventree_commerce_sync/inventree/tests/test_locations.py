"""Several locations (issue 10 item 5): two InvenTree locations mapped to two Magento MSI
sources and to two Zoho locations; each target location holds exactly its location's stock
(sublocations included) after a push, and after a stock change only what changed is written."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from InvenTree.unit_test import InvenTreeTestCase
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.inventree import sync
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

        row = sync.status_rows(plugin("magento"), [self.part.pk])[0]
        self.assertEqual((row["in_sync"], row["status"], row["quantity"]), (True, "synced", "16"))
        self.assertEqual([(p["location"], p["quantity"], p["pushed_quantity"]) for p in row["locations"]],
                         [("src_a", "7", "7"), ("src_b", "9", "9")])
        self.assertEqual(sync.out_of_sync_candidates(plugin("zoho")), [])

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

    def test_the_map_is_checked_where_it_is_entered(self):
        validate = plugin("magento").SETTINGS["LOCATION_MAP"]["validator"]
        validate(f"{self.north.pk}=src_a, LOC north/LOC shelf=src_b")
        with self.assertRaisesMessage(ValidationError, "'LOC nowhere' (for 'src_b') is not an InvenTree stock location"):
            validate(f"{self.north.pk}=src_a, LOC nowhere=src_b")
        with self.assertRaisesMessage(ValidationError, "is not <stock location>=<target location code>"):
            validate("src_a")
        self.assertNotIn("LOCATION_MAP", plugin("woocommerce").SETTINGS)  # one figure: LOCATION only
        self.assertNotIn("LOCATION_MAP", plugin("invoiceninja").SETTINGS)
