"""Shipments back to the shop: an order placed on each sandbox, imported, shipped in
InvenTree (``salesordershipment.completed``) is marked shipped on its shop exactly once,
even when the event is delivered twice; a shop that fails is retried; a partial shipment
sends its lines; a sales order cancelled in InvenTree is flagged, not cancelled on the shop."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import requests
from InvenTree.unit_test import InvenTreeAPITestCase
from order.models import SalesOrder, SalesOrderAllocation, SalesOrderShipment
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.core.shipments import ALREADY_SHIPPED, NOTHING_TO_DO, SHIPPED
from inventree_commerce_sync.inventree import order_runs, shipments
from inventree_commerce_sync.sandbox import sandbox_class

from .helpers import SLUGS, SandboxedPlugins, activate_plugins, configure, plugin

SKU = "SH-W"
# The write that records a shipment on each shop (route counters of the sandboxes).
SHIP_WRITES = {"woocommerce": "PUT orders.update", "magento": "POST order.ship", "zoho": "POST shipmentorders.create"}


class ShipmentTests(SandboxedPlugins, InvenTreeAPITestCase):
    SKUS = [SKU]
    is_staff = True
    MAX_QUERY_TIME = 60  # the shared machine runs several InvenTrees: time is not what these tests are about

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Ship store")
        cls.widget = Part.objects.create(name="Ship widget", IPN=SKU, description="w", salable=True)

    def setUp(self):
        super().setUp()
        self.retries: list[tuple[str, int, float]] = []
        self.backups: list[tuple[str, int, float]] = []

        def queue_retry(slug, shipment_id, delay):
            backup = delay == shipments.SENDING_STALE_SECONDS + shipments.BACKUP_SLACK_SECONDS
            (self.backups if backup else self.retries).append((slug, shipment_id, delay))

        patch = mock.patch.object(shipments, "queue_retry", queue_retry)
        patch.start()
        self.addCleanup(patch.stop)
        self.item = self.act(lambda: StockItem.objects.create(part=self.widget, quantity=50, location=self.store))
        for name in self.names:
            configure(name, ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_ALLOCATE=False)
            plugin(name)._config_row = None

    def place_and_import(self, name: str, quantity: int = 2) -> SalesOrder:
        call = sandbox_class(name).order_call(SKU, quantity)
        assert call is not None, f"the {name} sandbox takes no orders"
        answer = requests.post(f"{self.sandboxes.servers[name].url}/__sandbox__/{call.action}", json=call.body,
                               timeout=10)
        answer.raise_for_status()
        order_id = call.order_id(answer.json())
        with self.captureOnCommitCallbacks(execute=True):
            order_runs.poll(plugin(name))
        return SalesOrder.objects.get(**{"metadata__commerce_sync__target": name,
                                         "metadata__commerce_sync__order_id": order_id})

    def ship(self, order: SalesOrder, quantity: int, reference: str, tracking: str = "") -> SalesOrderShipment:
        shipment = SalesOrderShipment.objects.create(order=order, reference=reference)
        line = order.lines.get()
        SalesOrderAllocation.objects.create(line=line, shipment=shipment, item=self.item, quantity=quantity)
        self.act(lambda: shipment.complete_shipment(self.user, tracking_number=tracking))
        shipment.refresh_from_db()
        self.item = StockItem.objects.filter(part=self.widget, customer__isnull=True).get()
        return shipment

    def record(self, shipment: SalesOrderShipment) -> dict:
        shipment.refresh_from_db()
        return (shipment.metadata or {}).get("commerce_sync") or {}

    def deliver_again(self, shipment: SalesOrderShipment) -> None:
        leader = plugin("invoiceninja") if "invoiceninja" in self.names else plugin(self.names[0])
        leader.process_event("salesordershipment.completed", id=shipment.pk)

    def test_a_completed_shipment_marks_the_order_shipped_on_each_shop_exactly_once(self):
        for name in self.names:
            with self.subTest(target=name):
                app = self.sandboxes.apps[name]
                order = self.place_and_import(name)
                app.reset_counters()
                shipment = self.ship(order, 2, "1", tracking=f"TRK-{name}")
                record = self.record(shipment)
                if name == "invoiceninja":
                    self.assertEqual(record["state"], NOTHING_TO_DO)
                    self.assertIn("no shipments", record["message"])
                else:
                    self.assertEqual((record["state"], record["attempts"]), (SHIPPED, 1), record)
                    self.assertEqual(app.counters[SHIP_WRITES[name]], 1)
                self.deliver_again(shipment)
                self.deliver_again(shipment)
                self.assertEqual(self.record(shipment)["attempts"], 1, "a repeated event sends nothing")
                shipments.retry_task(SLUGS[name], shipment.pk)  # the backup retry, later: nothing either
                self.assertEqual(self.record(shipment)["attempts"], 1)
                if name in SHIP_WRITES:
                    self.assertEqual(app.counters[SHIP_WRITES[name]], 1, "shipped exactly once")
                if name == "woocommerce":
                    shop_order = app.orders.orders[int(order.metadata["commerce_sync"]["order_id"])]
                    self.assertEqual(shop_order["status"], "completed")
                    self.assertIn("TRK-woocommerce", str(shop_order))
                if name == "magento":
                    self.assertEqual(len(app.sales.shipments), 1)
                    reserved = sum(r["quantity"] for r in app.sales.reservations if r["sku"] == SKU)
                    self.assertEqual(reserved, 0, "the shipment ended Magento's reservation")
                status = self.get(f"/plugin/{SLUGS[name]}/status/").data["shipments"]
                self.assertEqual((status["failing"], status["recent"][0]["shipment"]), (0, shipment.pk))
                if name == "invoiceninja":
                    self.assertIn("nothing is sent", status["note"])

    def test_a_partial_shipment_sends_its_lines_and_the_last_one_the_rest(self):
        for name in [n for n in ("woocommerce", "magento", "zoho") if n in self.names]:
            with self.subTest(target=name):
                app = self.sandboxes.apps[name]
                order = self.place_and_import(name, quantity=3)
                app.reset_counters()
                first = self.ship(order, 1, "1", tracking="P-1")
                self.assertEqual(self.record(first)["state"], SHIPPED)
                if name == "woocommerce":
                    shop_order = app.orders.orders[int(order.metadata["commerce_sync"]["order_id"])]
                    self.assertNotEqual(shop_order["status"], "completed", "part of the order is still to ship")
                if name == "magento":
                    reserved = sum(r["quantity"] for r in app.sales.reservations if r["sku"] == SKU)
                    self.assertEqual(reserved, -2, "Magento still reserves the 2 not shipped")
                second = self.ship(order, 2, "2", tracking="P-2")
                self.assertEqual(self.record(second)["state"], SHIPPED)
                if name == "woocommerce":
                    self.assertEqual(app.orders.orders[int(order.metadata["commerce_sync"]["order_id"])]["status"],
                                     "completed")
                if name == "magento":
                    self.assertEqual(sum(r["quantity"] for r in app.sales.reservations if r["sku"] == SKU), 0)
                self.assertNotEqual(self.record(second).get("state"), ALREADY_SHIPPED)

    def test_a_failing_shop_is_retried_with_backoff_and_shown_in_the_status(self):
        name = next(n for n in ("magento", "zoho", "woocommerce") if n in self.names)
        app = self.sandboxes.apps[name]
        order = self.place_and_import(name)
        app.faults.set("*", error=1.0)
        shipment = self.ship(order, 2, "1", tracking="TRK-FAIL")
        record = self.record(shipment)
        self.assertEqual((record["state"], record["attempts"]), (shipments.FAILED, 1))
        self.assertTrue(record["error"])
        self.assertEqual(self.retries, [(SLUGS[name], shipment.pk, shipments.RETRY_FIRST_SECONDS)])
        self.assertEqual([b[:2] for b in self.backups], [(SLUGS[name], shipment.pk)], "one backup, queued once")
        status = self.get(f"/plugin/{SLUGS[name]}/status/").data["shipments"]
        self.assertEqual(status["failing"], 1)
        self.assertEqual(status["recent"][0]["error"], record["error"])

        shipments.retry_task(SLUGS[name], shipment.pk)  # still down: the next wait is twice as long
        self.assertEqual(self.record(shipment)["attempts"], 2)
        self.assertEqual(self.retries[-1][2], 2 * shipments.RETRY_FIRST_SECONDS)

        app.faults.clear()
        app.reset_counters()
        shipments.retry_task(SLUGS[name], shipment.pk)  # the shop is back
        record = self.record(shipment)
        self.assertEqual((record["state"], record["attempts"], record["error"]), (SHIPPED, 3, None))
        self.assertEqual(app.counters[SHIP_WRITES[name]], 1)
        shipments.retry_task(SLUGS[name], shipment.pk)  # a late retry finds it done
        self.assertEqual(self.record(shipment)["attempts"], 3)
        self.assertEqual(self.get(f"/plugin/{SLUGS[name]}/status/").data["shipments"]["failing"], 0)

    def test_a_sales_order_from_a_shop_cancelled_in_inventree_is_flagged_not_cancelled_there(self):
        name = next(n for n in ("woocommerce", "magento") if n in self.names)
        app = self.sandboxes.apps[name]
        order = self.place_and_import(name)
        app.reset_counters()
        self.act(order.cancel_order)
        self.assertEqual(app.writes, 0, "nothing is sent to the shop")
        attention = order_runs.order_status(plugin(name))["needs_attention"]
        self.assertEqual([(a["sales_order"], a["problems"]) for a in attention], [(order.pk, [])])
        self.assertIn("the shop owns the customer relationship", attention[0]["flag"])

    def test_a_sales_order_not_from_a_shop_is_left_alone(self):
        from company.models import Company
        from order.models import SalesOrderLineItem

        customer = Company.objects.create(name="Walk-in", is_customer=True)
        order = SalesOrder.objects.create(customer=customer, reference=SalesOrder.generate_reference())
        SalesOrderLineItem.objects.create(order=order, part=self.widget, quantity=1)
        order.issue_order()
        shipment = self.ship(order, 1, "1")
        self.assertEqual(self.record(shipment), {})
        self.act(order.cancel_order)
        for name in self.names:
            self.assertEqual(order_runs.order_status(plugin(name))["needs_attention"], [])
        self.assertEqual(Decimal(self.widget.total_stock), Decimal(49))
