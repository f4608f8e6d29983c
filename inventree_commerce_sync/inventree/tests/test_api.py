"""The plugins' endpoints and pages: staff only, secrets masked, status, CSV, sync now,
test connection, the part panel; and reconciliation, duplicates and totals."""

from __future__ import annotations

import base64
import os
from decimal import Decimal
from pathlib import Path
from unittest import mock

from build.models import Build, BuildItem, BuildLine, generate_next_build_reference
from common.models import InvenTreeSetting
from company.models import Company
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from InvenTree.unit_test import InvenTreeAPITestCase
from order.models import SalesOrder, SalesOrderAllocation, SalesOrderLineItem, SalesOrderShipment
from part.models import BomItem, Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.inventree import stock, sync
from inventree_commerce_sync.inventree.stock import totals

from .helpers import SLUGS, Sandboxes, activate_plugins, configure, plugin

SECRET = "s3cret-token-value-42"


class StaffEndpointTests(InvenTreeAPITestCase):
    """Magento stands for the four here: the endpoints are the same code for each plugin."""

    is_staff = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Store")
        cls.widget = Part.objects.create(name="AWidget", IPN="API-W", description="w")
        cls.missing = Part.objects.create(name="AMissing", IPN="API-NOT-THERE", description="m")
        cls.dup_a = Part.objects.create(name="Dup A", IPN="API-DUP", description="a")
        cls.dup_b = Part.objects.create(name="Dup B", IPN="API-DUP-B", description="b",
                                        metadata={"commerce_sync": {"magento": {"sku": "API-DUP"}}})
        cls.unlinked = Part.objects.create(name="No IPN", description="n")
        for part, quantity in ((cls.widget, 5), (cls.missing, 2), (cls.dup_a, 3), (cls.dup_b, 4)):
            StockItem.objects.create(part=part, quantity=quantity, location=cls.store)

    def setUp(self):
        super().setUp()
        self.sandboxes = Sandboxes(["API-W", "API-DUP"], ["magento"])
        self.addCleanup(self.sandboxes.stop)
        self.app = self.sandboxes.apps["magento"]
        configure("magento", self.sandboxes.servers["magento"].url, ENABLED=True, DRY_RUN=False,
                  QUANTITY="in_stock")
        for name in ("woocommerce", "zoho", "invoiceninja"):
            configure(name, ENABLED=False)
        self.plugin = plugin("magento")
        self.base = f"/plugin/{SLUGS['magento']}/"

    def test_anonymous_and_non_staff_are_refused(self):
        anonymous = Client()
        for path in ("status/", "status.csv", "check/"):
            self.assertIn(anonymous.get(self.base + path).status_code, (401, 403), path)
        self.assertIn(anonymous.post(self.base + "sync/", {}).status_code, (401, 403))
        clerk = get_user_model().objects.create_user(username="clerk", password="pw")
        client = Client()
        client.force_login(clerk)
        for path in ("status/", "status.csv", "check/"):
            self.assertEqual(client.get(self.base + path).status_code, 403, path)
        self.assertEqual(client.post(self.base + "sync/", {}).status_code, 403)

    def test_scripts_authenticate_as_with_inventrees_api(self):
        """API token and HTTP Basic, as InvenTree's own /api/ accepts them; staff only."""
        from users.models import ApiToken

        staff = get_user_model().objects.create_user(username="script", password="pw-script-1", is_staff=True)
        clerk = get_user_model().objects.create_user(username="clerk2", password="pw-clerk-1")
        token = ApiToken.objects.create(user=staff, name="sync script")
        clerk_token = ApiToken.objects.create(user=clerk, name="clerk script")

        def basic(user, password):
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        for header, expected in ((f"Token {token.key}", 200), (basic("script", "pw-script-1"), 200),
                                 (f"Token {clerk_token.key}", 403), (basic("clerk2", "pw-clerk-1"), 403),
                                 (basic("script", "wrong"), 401), ("Token not-a-token", 401)):
            client = Client(enforce_csrf_checks=True)
            for path in ("status/", "status.csv", "check/"):
                response = client.get(self.base + path, {"part": self.widget.pk} if path == "status/" else {},
                                      HTTP_AUTHORIZATION=header)
                self.assertEqual(response.status_code, expected, (header[:5], path, response.content[:200]))
            # POST without a CSRF token: scripts sending credentials need none.
            response = client.post(self.base + "sync/", {"part": self.widget.pk}, content_type="application/json",
                                   HTTP_AUTHORIZATION=header)
            self.assertEqual(response.status_code, expected, (header[:5], "sync/", response.content[:200]))
        self.assertEqual(self.app.stock()["API-W"], 5)

    def test_a_browser_session_needs_the_csrf_token_to_post(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        self.assertEqual(client.get(self.base + "status/").status_code, 200)
        self.assertEqual(client.post(self.base + "sync/", {"part": self.widget.pk},
                                     content_type="application/json").status_code, 403)
        self.assertNotEqual(self.app.stock()["API-W"], 5, "a refused POST must not push")

    def test_sync_now_status_csv_and_duplicates(self):
        response = self.post(self.base + "sync/", {"part": self.widget.pk}, expected_code=200)
        row = response.data["parts"][0]
        self.assertEqual((row["sku"], row["status"], row["pushed_quantity"], row["in_sync"]),
                         ("API-W", "synced", "5", True))
        self.assertEqual(self.app.stock()["API-W"], 5)

        # Full sync: the missing SKU is reported, the two parts sharing a SKU are both skipped.
        sync.sync_parts(self.plugin, None)
        self.assertEqual(self.app.stock()["API-DUP"], 0, "a SKU claimed by two parts must not be pushed")
        rows = {r["part"]: r for r in self.get(self.base + "status/").data["parts"]}
        self.assertEqual(rows[self.missing.pk]["status"], "not_found")
        for part in (self.dup_a, self.dup_b):
            self.assertEqual(rows[part.pk]["status"], "skipped")
            self.assertIn("also the SKU of part", rows[part.pk]["last_error"])
        self.assertNotIn(self.unlinked.pk, rows)

        single = self.get(self.base + "status/", {"part": self.unlinked.pk}).data["parts"][0]
        self.assertEqual((single["linked"], single["reason"]), (False, "no SKU (IPN is empty)"))

        response = self.client.get(self.base + "status.csv")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertIn("API-NOT-THERE", text)
        self.assertIn("API-DUP", text)
        self.assertNotIn("API-W,", text)

    def test_status_without_a_part_answers_one_page_at_a_time(self):
        linked = sorted(p.pk for p in (self.widget, self.missing, self.dup_a, self.dup_b))
        seen, path, params = [], self.base + "status/", {"limit": 3}
        for _ in range(3):
            page = self.get(path, params).data
            self.assertEqual(page["count"], 4)
            self.assertLessEqual(len(page["parts"]), 3)
            seen += [r["part"] for r in page["parts"]]
            if page["next"] is None:
                break
            path, params = page["next"], {}
        self.assertEqual(seen, linked)  # every linked part once, in order; the unlinked one is left out
        self.assertEqual(len(self.get(self.base + "status/").data["parts"]), 4)  # default: 100 a page
        out = self.get(self.base + "status/", {"out_of_sync": 1, "limit": 1, "offset": 1}).data
        self.assertEqual((out["count"], [r["part"] for r in out["parts"]]), (4, [linked[1]]))

        def out_of_sync():
            return sorted(r["part"] for r in self.get(self.base + "status/", {"out_of_sync": 1}).data["parts"])

        self.post(self.base + "sync/", {"part": self.widget.pk}, expected_code=200)
        self.assertNotIn(self.widget.pk, out_of_sync())
        StockItem.objects.filter(part=self.widget).update(quantity=6)  # not pushed: no signal
        self.assertIn(self.widget.pk, out_of_sync())
        StockItem.objects.filter(part=self.widget).update(quantity=5)
        Part.objects.filter(pk=self.widget.pk).update(IPN="API-W2")  # the entry is for the old SKU
        self.assertIn(self.widget.pk, out_of_sync())
        for bad in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"offset": -1}):
            error = self.get(self.base + "status/", bad, expected_code=400).data["error"]
            self.assertIn(next(iter(bad)), error)

    def test_the_status_says_when_a_failed_push_is_retried(self):
        self.assertIsNone(self.get(self.base + "status/", {"part": self.widget.pk}).data["next_retry"])
        sync.update_state(self.plugin, retry_at=1_800_000_000.0, last_error="magento: cannot connect")
        status = self.get(self.base + "status/", {"part": self.widget.pk}).data
        self.assertEqual((status["next_retry"], status["last_error"]),
                         ("2027-01-15T08:00:00+00:00", "magento: cannot connect"))

    def test_test_connection(self):
        result = self.get(self.base + "check/").data
        self.assertTrue(result["ok"], result)
        configure("magento", TOKEN="wrong-token-value-123")
        result = self.post(self.base + "check/", {}, expected_code=200).data
        self.assertFalse(result["ok"])
        self.assertNotIn("wrong-token-value-123", str(result))

    def test_secrets_are_masked(self):
        configure("magento", TOKEN=SECRET)
        settings = self.get(f"/api/plugins/{SLUGS['magento']}/settings/").data
        token = [s for s in settings if s["key"] == "TOKEN"][0]
        self.assertEqual(token["value"], "***")
        self.assertNotIn(SECRET, str(settings))
        sync.sync_parts(self.plugin, None)  # refused credentials: recorded as errors
        self.assertNotIn(SECRET, str(self.get(self.base + "status/").data))
        self.assertNotIn(SECRET, self.client.get(self.base + "status.csv").content.decode())
        self.assertNotIn(SECRET, str(self.get(self.base + "check/").data))

    def test_switching_tls_verification_off_shows_a_warning(self):
        self.assertEqual(self.get(self.base + "status/").data["warnings"], [])
        configure("magento", VERIFY="false")
        warnings = self.get(self.base + "status/").data["warnings"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("TLS certificate verification is switched off", warnings[0])
        self.assertEqual(self.get(self.base + "check/").data["warnings"], warnings)

    def test_settings_are_validated_where_entered(self):
        url = f"/api/plugins/{SLUGS['magento']}/settings/"
        response = self.patch(url + "URL/", {"value": "not a url"}, expected_code=400)
        self.assertIn("url", str(response.data).lower())
        response = self.patch(url + "SAFETY_BUFFER/", {"value": "-3"}, expected_code=400)
        self.assertIn("safety buffer", str(response.data))
        self.patch(url + "SAFETY_BUFFER/", {"value": "2"}, expected_code=200)
        self.assertEqual(self.plugin.sync_settings().buffer, 2)

    def test_settings_are_read_in_one_query_per_operation_and_a_saved_one_applies_to_the_next(self):
        def setting_queries(action):
            with CaptureQueriesContext(connection) as captured:
                result = action()
            return result, [q["sql"] for q in captured.captured_queries if "plugin_pluginsetting" in q["sql"]]

        panel = f"{self.base}status/?part={self.widget.pk}"
        answer, reads = setting_queries(lambda: self.get(panel).data)
        self.assertEqual((answer["buffer"], len(reads)), ("0", 1), reads)
        self.patch(f"/api/plugins/{SLUGS['magento']}/settings/SAFETY_BUFFER/", {"value": "2"}, expected_code=200)
        self.assertEqual(self.get(panel).data["buffer"], "2")
        sync.update_state(self.plugin, last_reconcile=0)
        report, reads = setting_queries(lambda: sync.reconcile(self.plugin, verify=False))
        self.assertEqual(len(reads), 1, reads)
        self.assertEqual(self.app.stock()["API-W"], 3)  # 5 in stock, the buffer of 2 kept back
        self.plugin.set_setting("DRY_RUN", True)
        self.assertTrue(self.plugin.sync_settings().dry_run)

    def test_scheduled_reconciliation_task(self):
        from plugin.registry import call_plugin_function

        self.assertIn("reconcile", self.plugin.get_scheduled_tasks())
        sync.update_state(self.plugin, last_reconcile=0, last_verify=0)
        call_plugin_function(SLUGS["magento"], "run_reconciliation")
        self.assertEqual(self.app.stock()["API-W"], 5)

    def test_secret_from_config_overrides_or_environment(self):
        from inventree_commerce_sync.sandbox.magento import TOKEN

        configure("magento", TOKEN="")
        self.assertFalse(self.get(self.base + "check/").data["ok"])
        with self.settings(PLUGIN_SETTING_OVERRIDES={SLUGS["magento"]: {"TOKEN": TOKEN}}):
            self.assertTrue(self.get(self.base + "check/").data["ok"])
        with mock.patch.dict(os.environ, {"INVENTREE_COMMERCE_SYNC_MAGENTO_TOKEN": TOKEN}):
            self.assertTrue(self.get(self.base + "check/").data["ok"])
            self.assertNotIn(TOKEN, str(self.get(self.base + "check/").data))

    def test_part_panel(self):
        InvenTreeSetting.set_setting("ENABLE_PLUGINS_INTERFACE", True, change_user=None)
        response = self.get("/api/plugins/ui/features/panel/",
                            {"target_model": "part", "target_id": self.widget.pk})
        panels = [p for p in response.data if p.get("plugin_name") == SLUGS["magento"]
                  or p.get("key") == "commerce-sync-magento"]
        self.assertTrue(panels, response.data)
        self.assertTrue(panels[0]["source"].endswith("/CommerceSyncPanel.js:renderPanel"), panels[0]["source"])
        static = Path(sync.__file__).parent / "static" / "CommerceSyncPanel.js"
        self.assertIn("renderPanel", static.read_text())
        self.assertEqual(panels[0]["context"]["status_url"], self.base + "status/")
        # Not on other pages, and not for non-staff users.
        other = self.get("/api/plugins/ui/features/panel/", {"target_model": "stockitem", "target_id": 1})
        self.assertFalse([p for p in other.data if p.get("plugin_name") == SLUGS["magento"]])
        self.user.is_staff = False
        self.user.save()
        response = self.get("/api/plugins/ui/features/panel/",
                            {"target_model": "part", "target_id": self.widget.pk})
        self.assertFalse([p for p in response.data if p.get("plugin_name") == SLUGS["magento"]])

    def test_reconciliation_repairs_drift_on_the_target(self):
        sync.sync_parts(self.plugin, [self.widget.pk])
        self.assertEqual(self.app.stock()["API-W"], 5)
        # Someone edits the quantity on the target; the ledger still says 5 was pushed.
        self.app.seed({"products": [{"sku": "API-W", "name": "API-W", "quantity": 9}]})
        self.assertEqual(self.app.stock()["API-W"], 9)
        configure("magento", RECONCILE_MINUTES=60, VERIFY_MINUTES=1440)
        sync.update_state(self.plugin, last_reconcile=0, last_verify=0)
        sync.reconcile(self.plugin)
        self.assertEqual(self.app.stock()["API-W"], 5)
        # An edit beyond the repair limit (5 -> 99: 94 units, 95 %) is flagged, not written
        # (test_repairs.py: confirming writes it).
        self.app.seed({"products": [{"sku": "API-W", "name": "API-W", "quantity": 99}]})
        sync.update_state(self.plugin, last_reconcile=0, last_verify=0)
        sync.reconcile(self.plugin)
        self.assertEqual(self.app.stock()["API-W"], 99)


class TotalsTests(InvenTreeAPITestCase):
    """stock.totals equals Part.total_stock / available_stock, with locations and variants."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.store = StockLocation.objects.create(name="Store")
        cls.shelf = StockLocation.objects.create(name="Shelf", parent=cls.store)
        cls.elsewhere = StockLocation.objects.create(name="Elsewhere")
        cls.template = Part.objects.create(name="T", IPN="TOT-T", description="t", is_template=True,
                                           component=True, salable=True)
        cls.variant = Part.objects.create(name="V", IPN="TOT-V", description="v", variant_of=cls.template,
                                          component=True, salable=True)
        cls.assembly = Part.objects.create(name="A", IPN="TOT-A", description="a", assembly=True)
        StockItem.objects.create(part=cls.template, quantity=10, location=cls.shelf)
        cls.variant_item = StockItem.objects.create(part=cls.variant, quantity=7, location=cls.elsewhere)
        StockItem.objects.create(part=cls.variant, quantity=Decimal("2.5"), location=cls.store)
        StockItem.objects.create(part=cls.template, quantity=100, location=cls.store,
                                 status=65)  # rejected: not in stock
        customer = Company.objects.create(name="C", is_customer=True)
        order = SalesOrder.objects.create(customer=customer, reference=SalesOrder.generate_reference())
        order.issue_order()
        line = SalesOrderLineItem.objects.create(order=order, part=cls.variant, quantity=3)
        shipment = SalesOrderShipment.objects.create(order=order, reference="1")
        SalesOrderAllocation.objects.create(line=line, shipment=shipment, item=cls.variant_item, quantity=3)
        for part in (cls.template, cls.variant, cls.assembly):
            part.refresh_from_db()
        BomItem.objects.create(part=cls.assembly, sub_part=cls.template, quantity=1)
        build = Build.objects.create(reference=generate_next_build_reference(), title="b", part=cls.assembly,
                                     quantity=4)
        BuildItem.objects.create(build_line=BuildLine.objects.get(build=build), quantity=4,
                                 stock_item=StockItem.objects.get(part=cls.template, location=cls.shelf))

    def test_totals_match_inventree(self):
        ids = [self.template.pk, self.variant.pk, self.assembly.pk]
        in_stock = totals(ids, quantity="in_stock")
        available = totals(ids, quantity="available")
        for part in Part.objects.filter(pk__in=ids):
            self.assertEqual(in_stock[part.pk], part.total_stock, part.name)
            self.assertEqual(available[part.pk], part.available_stock, part.name)
        self.assertEqual(in_stock[self.template.pk], Decimal("19.5"))
        self.assertEqual(available[self.template.pk], Decimal("12.5"))

    def test_without_variants_and_by_location(self):
        ids = [self.template.pk, self.variant.pk]
        own = totals(ids, quantity="in_stock", include_variants=False)
        for part in Part.objects.filter(pk__in=ids):
            self.assertEqual(own[part.pk], part.get_stock_count(include_variants=False))
        in_store = totals(ids, quantity="in_stock", location_id=self.store.pk)
        self.assertEqual(in_store[self.template.pk], Decimal("12.5"))  # shelf is under store
        available_in_store = totals(ids, quantity="available", location_id=self.store.pk)
        self.assertEqual(available_in_store[self.template.pk], Decimal("8.5"))  # minus the build's 4
        elsewhere = totals(ids, quantity="available", location_id=self.elsewhere.pk)
        self.assertEqual(elsewhere[self.variant.pk], Decimal(4))  # 7 minus the sales order's 3

    def test_a_template_counts_its_variants_whichever_parts_are_asked_and_however_many(self):
        empty = Part.objects.create(name="E", IPN="TOT-E", description="e")
        ids = [self.template.pk, self.variant.pk, self.assembly.pk, empty.pk]
        self.assertEqual(totals([self.template.pk], quantity="in_stock")[self.template.pk], Decimal("19.5"))
        for mode in ("in_stock", "available", "available_after_open_orders"):
            for location in (None, self.store.pk, self.shelf.pk):
                for variants in (True, False):
                    how = dict(quantity=mode, location_id=location, include_variants=variants)
                    alone = {pk: totals([pk], **how)[pk] for pk in ids}
                    self.assertEqual(totals(ids, **how), alone, how)
                    with mock.patch.object(stock, "FEW", 1):  # many parts: every row read in one scan
                        self.assertEqual(totals(ids, **how), alone, how)
                    self.assertEqual(alone[empty.pk], 0, how)
        with mock.patch.object(stock, "FEW", 1):
            in_shelf = totals(ids, quantity="available", location_id=self.shelf.pk)
        self.assertEqual(in_shelf[self.template.pk], Decimal(6))  # 10 on the shelf, 4 of them built

    def test_a_deleted_location_counts_nothing(self):
        gone = StockLocation.objects.create(name="Gone")
        StockItem.objects.create(part=self.template, quantity=5, location=gone)
        pk = gone.pk
        StockItem.objects.filter(location=gone).delete()
        gone.delete()
        self.assertEqual(totals([self.template.pk, self.variant.pk], quantity="in_stock", location_id=pk),
                         {self.template.pk: 0, self.variant.pk: 0})
