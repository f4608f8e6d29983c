"""Shop orders into InvenTree, from any OrderSource (here a list of orders, as a client
would yield them): one sales order per shop order with the right lines and customer; the
same order twice (webhook and poll, two workers at once) is one sales order; problem lines
hold the order until fixed; a cancel on the shop cancels and releases; dry-run writes
nothing; the webhook endpoint's verification."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

from company.models import Company, Contact
from django.db import connection
from django.test import Client, TransactionTestCase, skipUnlessDBFeature
from InvenTree.unit_test import InvenTreeTestCase
from order.models import SalesOrder, SalesOrderAllocation, SalesOrderShipment
from order.status_codes import SalesOrderStatus
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.core.orders import CANCELLED, OPEN, REMOVED, Customer, ListOrderSource, Order, OrderLine
from inventree_commerce_sync.inventree import order_runs, orders, webhooks

from .helpers import SLUGS, activate_plugins, configure, plugin

UTC = UTC
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SECRET = "woo-webhook-secret-77"


def shop_order(id: str, lines, *, minutes: int = 0, state: str = OPEN, status: str = "processing",
               email: str = "ada@example.com", name: str = "Ada Buyer") -> Order:
    modified = T0 + timedelta(minutes=minutes)
    return Order("woocommerce", id, f"W{id}", state, status, T0, modified,
                 Customer(name=name, email=email, company="", line1="1 Main St", city="Bonn", country="DE"),
                 tuple(OrderLine.of(line_id, sku, qty) for line_id, sku, qty in lines))


def lines_of(sales_order) -> dict[str, Decimal]:
    return {line.part.IPN: line.quantity for line in sales_order.lines.all()}


def imported(order_id: str):
    return SalesOrder.objects.filter(**{"metadata__commerce_sync__target": "woocommerce",
                                        "metadata__commerce_sync__order_id": order_id})


class OrderFixtures:
    @classmethod
    def make_parts(cls):
        cls.store = StockLocation.objects.create(name="Shop stock")
        cls.widget = Part.objects.create(name="OI Widget", IPN="OI-W", description="w", salable=True)
        cls.gadget = Part.objects.create(name="OI Gadget", IPN="OI-G", description="g", salable=True)
        cls.sample = Part.objects.create(name="OI Sample", IPN="OI-S", description="s", salable=False)

    def setup_plugin(self, **settings):
        self.plugin = plugin("woocommerce")
        self.plugin._config_row = None
        configure("woocommerce", ENABLED=False, ORDER_IMPORT=True, ORDER_DRY_RUN=False,
                  ORDER_WEBHOOK_SECRET=SECRET, **settings)
        for name in ("magento", "zoho", "invoiceninja"):
            configure(name, ENABLED=False, ORDER_IMPORT=False)
        self.source = ListOrderSource(page_size=2)
        order_runs._recent.clear()  # the worker's memory of payloads it imported

    def poll(self, **kwargs):
        return order_runs.poll(self.plugin, source=self.source, now=T0 + timedelta(hours=1), **kwargs)


class OrderImportTests(OrderFixtures, InvenTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.make_parts()

    def setUp(self):
        super().setUp()
        self.setup_plugin()

    def test_an_order_becomes_one_issued_sales_order_with_its_lines_and_customer(self):
        self.source.put(shop_order("101", [(1, "OI-W", "2"), (2, "OI-G", "1.5")]))
        self.source.put(shop_order("102", [(1, "OI-W", "1")], minutes=1, email="bob@example.com"))
        self.poll()
        so = imported("101").get()
        self.assertEqual(so.customer_reference, "W101")
        self.assertEqual(so.status, SalesOrderStatus.IN_PROGRESS.value)
        self.assertEqual(lines_of(so), {"OI-W": Decimal(2), "OI-G": Decimal("1.5")})
        self.assertTrue(so.customer.is_customer)
        self.assertEqual(so.customer.name, "WooCommerce customers")
        self.assertEqual(imported("102").get().customer, so.customer, "one customer company per channel")
        SalesOrder.validate_reference_field(so.reference)  # InvenTree's own pattern

        self.poll()  # read again, and once more from a fresh cursor: still one each
        with order_runs.locked_state(self.plugin) as state:
            state.pop("cursor")
        self.poll()
        self.assertEqual((imported("101").count(), imported("102").count()), (1, 1))
        status = order_runs.order_status(self.plugin)
        self.assertEqual((status["imported"], status["last_seen"]["id"], status["needs_attention"]), (2, "102", []))

    def test_the_events_of_an_import_are_queued_in_one_write_after_it(self):
        # One by one, InvenTree offloads each event after scanning the whole task queue for a
        # duplicate: in a burst of orders that scan cost more than the import itself.
        from common.settings import set_global_setting
        from django.test import override_settings
        from plugin.base.event import events

        set_global_setting("ENABLE_PLUGINS_EVENTS", True)
        bulk, single = [], []
        self.source.put(shop_order("151", [(1, "OI-W", "2"), (2, "OI-G", "1")]))
        with override_settings(PLUGIN_TESTING_EVENTS=True, PLUGIN_TESTING_EVENTS_ASYNC=True, TESTING_TABLE_EVENTS=True), \
                mock.patch.object(events, "bulk_trigger_event", lambda event, entries: bulk.append(event)), \
                mock.patch.object(events, "offload_task", lambda *args, **kwargs: single.append(args[1])), \
                self.captureOnCommitCallbacks(execute=True):
            self.poll()
        self.assertEqual(imported("151").count(), 1)
        self.assertIn("order_salesorder.created", bulk)
        self.assertIn("order_salesorderlineitem.created", bulk)
        self.assertEqual([e for e in single if e.startswith("order_salesorder")], [], "none offloaded one by one")

    def test_email_customers_are_matched_to_a_company_or_contact_else_created(self):
        configure("woocommerce", ORDER_CUSTOMER="email")
        known = Company.objects.create(name="Known Co", email="buyer@known.example", is_customer=True)
        employer = Company.objects.create(name="Employer", is_customer=True)
        Contact.objects.create(company=employer, name="Eve", email="eve@employer.example")
        self.source.put(shop_order("201", [(1, "OI-W", "1")], email="BUYER@known.example"))
        self.source.put(shop_order("202", [(1, "OI-W", "1")], email="eve@employer.example"))
        self.source.put(shop_order("203", [(1, "OI-W", "1")], email="new@buyer.example", name="New Buyer"))
        self.poll()
        self.assertEqual(imported("201").get().customer, known)
        self.assertEqual(imported("202").get().customer, employer)
        created = imported("203").get().customer
        self.assertEqual((created.name, created.email, created.is_customer), ("New Buyer", "new@buyer.example", True))
        self.assertTrue(Contact.objects.filter(company=created, email="new@buyer.example").exists())
        self.assertEqual(created.addresses.get().postal_city, "Bonn")

    def test_problem_lines_hold_the_order_with_a_note_until_fixed(self):
        self.source.put(shop_order("301", [(1, "OI-W", "1"), (2, "OI-NOPE", "1"), (3, "OI-S", "1"),
                                           (4, "OI-G", "0")]))
        self.poll()
        so = imported("301").get()
        self.assertEqual(so.status, SalesOrderStatus.ON_HOLD.value)
        self.assertEqual(lines_of(so), {"OI-W": Decimal(1)}, "never more than the good lines")
        for text in ("line 2 (SKU 'OI-NOPE'): no part has this SKU", "OI-S", "not salable",
                     "quantity 0 is not a positive number"):
            self.assertIn(text, so.notes)
        attention = order_runs.order_status(self.plugin)["needs_attention"]
        self.assertEqual([(a["order_id"], len(a["problems"])) for a in attention], [("301", 3)])
        self.assertIn("OI-NOPE", order_runs.attention_csv(self.plugin))

        # Fixed in InvenTree (a part gets the SKU, the sample becomes salable) and on the shop
        # (the quantity): the next poll completes it by itself.
        Part.objects.create(name="OI Nope", IPN="OI-NOPE", description="n", salable=True)
        Part.objects.filter(pk=self.sample.pk).update(salable=True)
        self.poll()
        self.assertEqual(imported("301").get().status, SalesOrderStatus.ON_HOLD.value, "quantity 0 still wrong")
        self.source.put(shop_order("301", [(1, "OI-W", "1"), (2, "OI-NOPE", "1"), (3, "OI-S", "1"),
                                           (4, "OI-G", "2")], minutes=5))
        self.poll()
        so = imported("301").get()
        self.assertEqual(so.status, SalesOrderStatus.IN_PROGRESS.value)
        self.assertEqual(lines_of(so), {"OI-W": 1, "OI-NOPE": 1, "OI-S": 1, "OI-G": 2})
        self.assertNotIn("Held by commerce sync", so.notes or "")
        self.assertEqual(order_runs.order_status(self.plugin)["needs_attention"], [])

    def test_a_cancel_on_the_shop_cancels_and_releases_the_allocation(self):
        configure("woocommerce", ORDER_ALLOCATE=True, LOCATION=self.store.pk)
        old = StockItem.objects.create(part=self.widget, quantity=3, location=self.store)
        StockItem.objects.create(part=self.widget, quantity=10, location=self.store)
        StockItem.objects.create(part=self.widget, quantity=50)  # elsewhere: not the plugin's stock
        self.source.put(shop_order("401", [(1, "OI-W", "5")]))
        self.poll()
        so = imported("401").get()
        allocations = SalesOrderAllocation.objects.filter(line__order=so)
        self.assertEqual(sum(a.quantity for a in allocations), 5)
        self.assertEqual(allocations.get(item=old).quantity, 3, "oldest stock first")
        self.source.put(shop_order("401", [(1, "OI-W", "5")], minutes=3, state=CANCELLED, status="cancelled"))
        self.poll()
        so.refresh_from_db()
        self.assertEqual(so.status, SalesOrderStatus.CANCELLED.value)
        self.assertFalse(SalesOrderAllocation.objects.filter(line__order=so).exists())

    def test_lines_follow_until_shipment_then_changes_are_flagged(self):
        self.source.put(shop_order("501", [(1, "OI-W", "2"), (2, "OI-G", "1")]))
        self.poll()
        self.source.put(shop_order("501", [(1, "OI-W", "4"), (3, "OI-S", "1")], minutes=1))
        Part.objects.filter(pk=self.sample.pk).update(salable=True)
        self.poll()
        so = imported("501").get()
        self.assertEqual(lines_of(so), {"OI-W": 4, "OI-S": 1})
        SalesOrderShipment.objects.create(order=so, reference="1", shipment_date=T0.date())
        self.source.put(shop_order("501", [(1, "OI-W", "9")], minutes=2))
        self.poll()
        flags = [a["flag"] for a in order_runs.order_status(self.plugin)["needs_attention"]]
        self.assertEqual(flags, ["lines changed on the shop after something was shipped"])
        self.source.put(shop_order("501", [(1, "OI-W", "9")], minutes=3, state=CANCELLED, status="cancelled"))
        self.poll()
        so.refresh_from_db()
        self.assertEqual((lines_of(so), so.status), ({"OI-W": 4, "OI-S": 1}, SalesOrderStatus.IN_PROGRESS.value))
        flags = [a["flag"] for a in order_runs.order_status(self.plugin)["needs_attention"]]
        self.assertEqual(flags, ["cancelled on the shop, but something was already shipped"])

    def test_dry_run_imports_nothing_and_records_what_it_would(self):
        configure("woocommerce", ORDER_DRY_RUN=True)
        self.source.put(shop_order("601", [(1, "OI-W", "2"), (2, "OI-NOPE", "1")]))
        self.poll()
        self.assertFalse(imported("601").exists())
        self.assertFalse(Company.objects.filter(name="WooCommerce customers").exists())
        record = order_runs.order_status(self.plugin)["would_import"][0]
        self.assertEqual((record["order_id"], record["action"], record["held"], record["new_customer"]),
                         ("601", "create", True, True))
        self.assertEqual(record["lines"], [{"sku": "OI-W", "quantity": "2", "part": self.widget.pk}])
        configure("woocommerce", ORDER_DRY_RUN=False)  # switched off: the order the dry run saw is imported
        self.poll()
        self.assertEqual(imported("601").count(), 1)
        configure("woocommerce", ORDER_DRY_RUN=True)
        self.source.put(shop_order("601", [(1, "OI-W", "2")], minutes=4, state=CANCELLED, status="cancelled"))
        self.poll()
        self.assertEqual(imported("601").get().status, SalesOrderStatus.ON_HOLD.value, "a dry run cancels nothing")
        record = order_runs.order_status(self.plugin)["would_import"][-1]
        self.assertEqual((record["order_id"], record["action"]), ("601", "cancel"))

    def test_import_switched_off_reads_nothing(self):
        configure("woocommerce", ORDER_IMPORT=False)
        self.source.put(shop_order("701", [(1, "OI-W", "1")]))
        self.assertIsNone(self.poll())
        self.assertEqual(self.source.pages, 0)
        self.assertFalse(imported("701").exists())


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebhookTests(OrderFixtures, InvenTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.make_parts()

    def setUp(self):
        super().setUp()
        self.setup_plugin()
        self.url = f"/plugin/{SLUGS['woocommerce']}/webhook/"
        self.queued: list[tuple] = []
        patcher = mock.patch.object(webhooks, "queue", lambda *args: self.queued.append(args))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.shop = Client(enforce_csrf_checks=True)  # no login, no CSRF token: as a shop posts

    def deliver(self, body: bytes, delivery_id: str = "1", signature: str | None = None, **headers):
        return self.shop.post(self.url, body, content_type="application/json",
                              HTTP_X_WC_WEBHOOK_TOPIC="order.created", HTTP_X_WC_WEBHOOK_DELIVERY_ID=delivery_id,
                              HTTP_X_WC_WEBHOOK_SIGNATURE=sign(body) if signature is None else signature, **headers)

    def test_a_signed_delivery_is_queued_and_imports_once_with_the_poll(self):
        order = shop_order("801", [(1, "OI-W", "1")])
        self.source.put(order)
        body = json.dumps({"id": 801, "status": "processing"}).encode()
        response = self.deliver(body)
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(self.queued, [(SLUGS["woocommerce"], {"id": 801, "status": "processing"})])
        self.assertFalse(imported("801").exists(), "the answer does not wait for the import")
        with mock.patch.object(order_runs, "order_source", lambda plugin: self.source):
            order_runs.webhook_task(*self.queued[0])  # what the worker runs
        self.poll()  # the poll delivers the same order again
        self.assertEqual(imported("801").count(), 1)

    def test_a_payload_delivered_twice_is_imported_once_and_the_second_task_costs_no_query(self):
        # WooCommerce announces a new order as order.created and order.updated, same body.
        self.source.put(shop_order("803", [(1, "OI-W", "1")]))
        payload = {"id": 803, "status": "processing", "date_modified_gmt": "2026-11-30T09:00:00"}
        with mock.patch.object(order_runs, "order_source", lambda plugin: self.source):
            order_runs.webhook_task(SLUGS["woocommerce"], payload)
            with self.assertNumQueries(0):
                order_runs.webhook_task(SLUGS["woocommerce"], dict(payload))
            self.source.put(shop_order("803", [(1, "OI-W", "3")], minutes=1))  # a change: a new body
            order_runs.webhook_task(SLUGS["woocommerce"], {**payload, "date_modified_gmt": "2026-11-30T09:01:00"})
        self.assertEqual(lines_of(imported("803").get()), {"OI-W": 3})

    def test_bad_missing_and_replayed_signatures_are_refused(self):
        body = json.dumps({"id": 802}).encode()
        self.assertEqual(self.deliver(body, signature=sign(body, "guessed")).status_code, 401)
        self.assertEqual(self.deliver(body, signature="").status_code, 401)
        self.assertEqual(self.deliver(body, "7").status_code, 202)
        self.assertEqual(self.deliver(body, "7").status_code, 401, "a replay")
        self.assertEqual(len(self.queued), 1)
        self.assertNotIn(SECRET, self.deliver(body, signature="x").content.decode())

    def test_the_ping_is_acknowledged(self):
        response = self.shop.post(self.url, "webhook_id=12", content_type="application/x-www-form-urlencoded")
        self.assertEqual((response.status_code, response.json()["ping"]), (200, True))
        self.assertEqual(self.queued, [])

    def test_only_the_webhook_is_open_to_anonymous_callers(self):
        base = f"/plugin/{SLUGS['woocommerce']}/"
        for path in ("status/", "status.csv", "check/"):
            self.assertIn(self.shop.get(base + path).status_code, (401, 403), path)
        self.assertIn(self.shop.post(base + "sync/", {}).status_code, (401, 403))
        self.assertEqual(self.shop.get(self.url).status_code, 405)
        self.assertEqual(self.shop.post(f"/plugin/{SLUGS['magento']}/webhook/", b"{}",
                                        content_type="application/json").status_code, 404)


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentImportTests(OrderFixtures, TransactionTestCase):
    """Two workers (threads, each with its own database connection) import the same order
    at the same moment: the row lock makes the second find the first's sales order."""

    serialized_rollback = True

    def setUp(self):
        super().setUp()
        activate_plugins()
        self.make_parts()
        self.setup_plugin()

    def test_two_workers_at_once_make_one_sales_order(self):
        order = shop_order("901", [(1, "OI-W", "1")])
        settings, sync_settings = order_runs.order_settings(self.plugin), self.plugin.sync_settings()
        barrier = threading.Barrier(2, timeout=10)
        real_find = orders.find_sales_order
        errors: list[Exception] = []

        def slow_find(*args):
            found = real_find(*args)
            time.sleep(0.3)  # widen the window between look-up and create
            return found

        def worker():
            try:
                barrier.wait()
                orders.import_order(self.plugin, order, settings, sync_settings)
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                connection.close()

        with mock.patch.object(orders, "find_sales_order", slow_find):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=20)
        self.assertEqual(errors, [])
        self.assertEqual(imported("901").count(), 1)


class OrderRunTests(OrderFixtures, InvenTreeTestCase):
    """The schedule, the audit after an outage, failures kept and retried."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.make_parts()

    def setUp(self):
        super().setUp()
        self.setup_plugin()
        patcher = mock.patch.object(order_runs, "order_source", lambda plugin: self.source)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_the_schedule_polls_every_interval_and_audits_daily(self):
        now = (T0 + timedelta(hours=1)).timestamp()
        with order_runs.locked_state(self.plugin) as state:
            state["last_audit"] = now
        self.source.put(shop_order("1001", [(1, "OI-W", "1")]))
        self.assertIsNotNone(order_runs.scheduled(self.plugin, now=now))
        self.assertEqual(imported("1001").count(), 1)
        self.assertIsNone(order_runs.scheduled(self.plugin, now=now + 60), "the 2-minute interval is not over")
        self.assertIsNotNone(order_runs.scheduled(self.plugin, now=now + 120))
        self.assertIsNone(order_runs.scheduled(self.plugin, now=now + 150))
        configure("woocommerce", ORDER_POLL_MINUTES=0)
        self.assertIsNone(order_runs.scheduled(self.plugin, now=now + 3600))

    def test_the_audit_imports_what_a_long_outage_hid_from_the_cursor(self):
        self.source.put(shop_order("1101", [(1, "OI-W", "1")], minutes=60))
        self.poll()
        # Shown by the shop only now, with a time far older than the overlap window
        # (e.g. a shop restored from a backup after an outage): the cursor cannot see it.
        self.source.put(shop_order("1102", [(1, "OI-W", "1")], minutes=0))
        self.poll()
        self.assertFalse(imported("1102").exists())
        self.assertEqual(order_runs.poll(self.plugin, audit=True, now=T0 + timedelta(hours=2))["create"], 1)
        self.assertEqual((imported("1101").count(), imported("1102").count()), (1, 1))
        self.assertIsNotNone(order_runs.order_status(self.plugin)["last_audit"])

    def test_an_order_moved_to_the_shop_s_trash_is_flagged_by_the_audit_and_left_as_it_is(self):
        # WooCommerce's trash puts no stock back, and its order list leaves the trash out: the
        # sales order must keep its stock (cancelling it would offer that stock again).
        StockItem.objects.create(part=self.widget, quantity=10, location=self.store)
        configure("woocommerce", ORDER_ALLOCATE=True, LOCATION=self.store.pk)
        for order_id in ("1201", "1202"):
            self.source.put(shop_order(order_id, [(1, "OI-W", "2")]))
        self.poll()
        cancelled_here, kept = imported("1201").get(), imported("1202").get()
        cancelled_here.cancel_order()  # the admin already cancelled this one in InvenTree
        for order_id in ("1201", "1202", "1203"):  # 1203: placed and trashed before any read
            self.source.put(shop_order(order_id, [(1, "OI-W", "2")], minutes=5, state=REMOVED, status="trash"))
        self.poll()
        self.assertEqual(order_runs.order_status(self.plugin)["needs_attention"], [], "a poll cannot see the trash")

        counts = order_runs.poll(self.plugin, audit=True, now=T0 + timedelta(hours=2))
        self.assertEqual((counts.get("flag"), counts.get("skip")), (1, 2))
        kept.refresh_from_db()
        self.assertEqual(kept.status, SalesOrderStatus.IN_PROGRESS.value, "not cancelled")
        self.assertEqual(sum(a.quantity for a in SalesOrderAllocation.objects.filter(line__order=kept)), 2)
        [entry] = order_runs.order_status(self.plugin)["needs_attention"]
        self.assertEqual((entry["order_id"], entry["sales_order"]), ("1202", kept.pk))
        self.assertIn("moved to the trash on the shop", entry["flag"])
        self.assertIn("put no stock back", order_runs.attention_csv(self.plugin))
        self.assertFalse(imported("1203").exists())
        order_runs.poll(self.plugin, audit=True, now=T0 + timedelta(hours=3))  # the next audit: still one flag
        self.assertEqual(len(order_runs.order_status(self.plugin)["needs_attention"]), 1)

        self.source.put(shop_order("1202", [(1, "OI-W", "2")], minutes=10))  # restored from the trash
        self.poll()
        kept.refresh_from_db()
        self.assertEqual((kept.status, lines_of(kept)), (SalesOrderStatus.IN_PROGRESS.value, {"OI-W": 2}))
        self.assertEqual(order_runs.order_status(self.plugin)["needs_attention"], [])

    def test_a_poll_does_not_read_the_details_of_orders_it_already_handled(self):
        # Zoho lists sales orders without their lines: one detail read per order, paced at
        # 100 requests a minute. The overlap window must not make every poll read them again.
        detail_reads: list[str] = []

        class DetailSource(ListOrderSource):
            def read_orders(self, since, known=None):
                for order in super().read_orders(since):
                    if known is None or not known(order.id, order.modified):
                        detail_reads.append(order.id)
                        yield order

        self.source = DetailSource()
        self.source.put(shop_order("1151", [(1, "OI-W", "1")]))
        self.source.put(shop_order("1152", [(1, "OI-G", "1")], minutes=1))
        self.poll()
        self.source.put(shop_order("1153", [(1, "OI-W", "2")], minutes=2))
        self.poll()
        self.assertEqual(detail_reads, ["1151", "1152", "1153"], "each order read once")
        self.assertEqual([imported(i).count() for i in ("1151", "1152", "1153")], [1, 1, 1])
        order_runs.poll(self.plugin, audit=True, now=T0 + timedelta(hours=1))
        self.assertEqual(detail_reads[3:], ["1151", "1152", "1153"], "the audit reads everything again")

    def test_an_order_inventree_refuses_is_kept_and_retried_without_blocking_the_rest(self):
        self.source.put(shop_order("1201", [(1, "OI-W", "1")]))
        self.source.put(shop_order("1202", [(1, "OI-G", "1")], minutes=1))
        real = SalesOrder.objects.create

        def refuse_first(**kwargs):
            if kwargs.get("customer_reference") == "W1201":
                raise ValueError("reference pattern refused")
            return real(**kwargs)

        with mock.patch.object(SalesOrder.objects, "create", refuse_first):
            self.poll()
        self.assertEqual((imported("1201").count(), imported("1202").count()), (0, 1))
        attention = order_runs.order_status(self.plugin)["needs_attention"]
        self.assertEqual([(a["order_id"], a["problems"]) for a in attention],
                         [("1201", ["import failed: reference pattern refused"])])
        self.poll()  # the cause is gone: retried from the kept copy, without the shop re-sending it
        self.assertEqual(imported("1201").count(), 1)
        self.assertEqual(order_runs.order_status(self.plugin)["needs_attention"], [])


    def test_a_shop_that_cannot_be_reached_is_shown_and_the_next_poll_goes_on(self):
        from inventree_commerce_sync.core.errors import TargetUnavailable

        self.source.put(shop_order("1301", [(1, "OI-W", "1")]))
        with mock.patch.object(ListOrderSource, "read_orders", side_effect=TargetUnavailable("woocommerce", "timed out")):
            self.assertEqual(self.poll(), {})
        self.assertEqual(order_runs.order_status(self.plugin)["last_error"], "woocommerce: timed out")
        self.poll()
        self.assertEqual(imported("1301").count(), 1)
        self.assertIsNone(order_runs.order_status(self.plugin)["last_error"])

    def test_an_audit_the_shop_did_not_answer_is_tried_again_not_skipped_for_a_day(self):
        from inventree_commerce_sync.core.errors import TargetUnavailable

        now = (T0 + timedelta(hours=1)).timestamp()
        configure("woocommerce", ORDER_POLL_MINUTES=0)  # webhooks only: the audit is the one reader
        self.source.put(shop_order("1401", [(1, "OI-W", "1")]))
        down = mock.patch.object(ListOrderSource, "read_orders", side_effect=TargetUnavailable("woocommerce", "down"))
        with down:
            self.assertEqual(order_runs.scheduled(self.plugin, now=now), {}, "the daily audit is due, the shop is down")
        self.assertIsNone(order_runs.order_status(self.plugin)["last_audit"], "a failed audit is not an audit")
        self.assertIsNone(order_runs.scheduled(self.plugin, now=now + 60), "not retried at every schedule step")
        self.assertEqual(order_runs.scheduled(self.plugin, now=now + 120)["create"], 1, "the shop is back")
        self.assertEqual(imported("1401").count(), 1)
        self.assertIsNone(order_runs.scheduled(self.plugin, now=now + 240), "audited: the next is a day later")


class OtherWebhookTests(OrderFixtures, InvenTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()

    def setUp(self):
        super().setUp()
        self.setup_plugin()
        self.queued: list[tuple] = []
        patcher = mock.patch.object(webhooks, "queue", lambda *args: self.queued.append(args))
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_invoice_ninja_deliveries_need_the_secret_header(self):
        configure("invoiceninja", ORDER_IMPORT=True, ORDER_WEBHOOK_SECRET="in-header-secret-9")
        url = f"/plugin/{SLUGS['invoiceninja']}/webhook/"
        body = json.dumps({"id": "VolejRejNm"})
        shop = Client(enforce_csrf_checks=True)
        self.assertEqual(shop.post(url, body, content_type="application/json").status_code, 401)
        self.assertEqual(shop.post(url, body, content_type="application/json",
                                   HTTP_X_COMMERCE_SYNC_SECRET="guess").status_code, 401)
        self.assertEqual(shop.post(url, body, content_type="application/json",
                                   HTTP_X_COMMERCE_SYNC_SECRET="in-header-secret-9").status_code, 202)
        self.assertEqual(self.queued, [(SLUGS["invoiceninja"], {"id": "VolejRejNm"})])

    def test_with_import_off_a_verified_delivery_is_acknowledged_and_dropped(self):
        configure("woocommerce", ORDER_IMPORT=False)
        body = b'{"id": 5}'
        response = Client().post(f"/plugin/{SLUGS['woocommerce']}/webhook/", body, content_type="application/json",
                                 HTTP_X_WC_WEBHOOK_DELIVERY_ID="5", HTTP_X_WC_WEBHOOK_SIGNATURE=sign(body))
        self.assertEqual((response.status_code, response.json()["queued"]), (200, False))
        self.assertEqual(self.queued, [])
