"""The flush inside InvenTree: worker tasks per stock change, pushing at once or after a
burst, the push lock, retry with backoff, allocations, and the schedules."""

from __future__ import annotations

import threading
import time
from unittest import mock

from build.models import Build, BuildLine, generate_next_build_reference
from company.models import Company, SupplierPart
from django.db import connection
from django_q.models import Schedule
from InvenTree.unit_test import InvenTreeTestCase
from order.models import PurchaseOrder, PurchaseOrderLineItem, SalesOrder, SalesOrderAllocation, SalesOrderLineItem
from part.models import BomItem, Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.inventree import flush, sync
from inventree_commerce_sync.inventree.base import CommerceSyncPlugin
from inventree_commerce_sync.inventree.locks import target_lock

from .helpers import SLUGS, SandboxedPlugins, activate_plugins, configure, plugin, queued_flushes, real_queue_flush, run_flushes


def _counting_process_event():
    return mock.patch.object(CommerceSyncPlugin, "process_event", autospec=True,
                             side_effect=CommerceSyncPlugin.process_event)


class FlushTests(SandboxedPlugins, InvenTreeTestCase):
    SKUS = ["FL-A", "FL-B", "FL-ASSY"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Store")
        cls.a = Part.objects.create(name="FA", IPN="FL-A", description="a", component=True, purchaseable=True,
                                    salable=True)
        cls.b = Part.objects.create(name="FB", IPN="FL-B", description="b", component=True, purchaseable=True)
        cls.assembly = Part.objects.create(name="FAssy", IPN="FL-ASSY", description="x", assembly=True)
        for part in (cls.a, cls.b, cls.assembly):
            part.refresh_from_db()
        BomItem.objects.create(part=cls.assembly, sub_part=cls.a, quantity=2)
        cls.supplier = Company.objects.create(name="FSupplier", is_supplier=True)
        cls.customer = Company.objects.create(name="FCustomer", is_customer=True)

    def setUp(self):
        super().setUp()
        queued_flushes.clear()

    # -- worker tasks per stock change --

    def test_a_stock_adjustment_costs_one_flush_task_and_no_event_task(self):
        item = self.act(lambda: StockItem.objects.create(part=self.a, quantity=10, location=self.store))
        self.assert_parts_in_sync([self.a])
        with _counting_process_event() as process_event:
            with self.captureOnCommitCallbacks(execute=True):
                item.take_stock(3, self.user)
            self.assertEqual(process_event.call_count, 0)  # the save signal marked it, in this process
            self.assertEqual(len(queued_flushes), 1)  # one flush for the four targets
            run_flushes()
        self.assert_parts_in_sync([self.a])

    def test_a_stock_count_of_many_items_costs_one_flush(self):
        items = [StockItem.objects.create(part=p, quantity=5, location=self.store) for p in (self.a, self.b) * 20]
        run_flushes()
        queued_flushes.clear()
        with _counting_process_event() as process_event:
            with self.captureOnCommitCallbacks(execute=True):
                for n, item in enumerate(items):
                    item.stocktake(n, self.user)
            self.assertEqual((process_event.call_count, len(queued_flushes)), (0, 1))
        run_flushes()
        self.assert_parts_in_sync([self.a, self.b])

    def test_a_purchase_order_receipt_is_marked_where_it_is_received_without_an_event_task(self):
        """InvenTree's one worker queue is full of the receipt's own tasks: waiting for its event
        put the shops a minute behind a 500-line receipt."""
        supplier_part = SupplierPart.objects.create(part=self.b, supplier=self.supplier, SKU="FSUP-B")
        order = PurchaseOrder.objects.create(supplier=self.supplier, reference=PurchaseOrder.generate_reference())
        lines = [PurchaseOrderLineItem.objects.create(order=order, part=supplier_part, quantity=3) for _ in range(5)]
        order.place_order()
        with _counting_process_event() as process_event:
            with self.captureOnCommitCallbacks(execute=True):
                order.receive_line_items(self.store, [{"line_item": line, "quantity": 3} for line in lines],
                                         self.user)
            self.assertEqual(process_event.call_count, 0)
            self.assertFalse(any(plugin(name).wants_process_event("purchaseorderitem.received") for name in SLUGS))
        self.assertEqual(len(queued_flushes), 1)
        run_flushes()
        self.assert_parts_in_sync([self.b])

    # -- at once, or after the burst --

    def test_a_single_change_is_pushed_at_once_and_a_burst_when_it_is_quiet(self):
        item = self.act(lambda: StockItem.objects.create(part=self.a, quantity=10, location=self.store))
        magento = plugin("magento")
        clock = [time.time() + 100]
        with mock.patch.object(flush, "QUIET_SECONDS", 2.0), \
                mock.patch("inventree_commerce_sync.inventree.flush.time.time", lambda: clock[0]):
            queued_flushes.clear()
            with self.captureOnCommitCallbacks(execute=True):
                item.take_stock(1, self.user)
            self.assertEqual(queued_flushes, [0.0])  # no burst: at once
            run_flushes()
            self.assertEqual(self.sandboxes.stock("magento")["FL-A"], 9)
            for _ in range(3):  # changes 0.5 s apart: a burst
                clock[0] += 0.5
                with self.captureOnCommitCallbacks(execute=True):
                    item.take_stock(1, self.user)
            self.assertEqual(queued_flushes, [2.0])  # one flush, due after the quiet period
            queued_flushes.clear()
            clock[0] += 1.0  # a flush that runs early leaves the burst alone and is due again at its end
            flush.flush()
            self.assertEqual(self.sandboxes.stock("magento")["FL-A"], 9)
            self.assertEqual(len(queued_flushes), 1)
            self.assertAlmostEqual(queued_flushes[0], 1.0, places=3)
            clock[0] += 1.5
            flush.flush()
            self.assertEqual(sync.read_state(magento).get("dirty"), [])
        self.assert_parts_in_sync([self.a])

    def test_the_local_flush_runs_when_due_and_the_worker_backup_later(self):
        ran = []
        with mock.patch.object(flush, "LOCAL_PUSHES", True), \
                mock.patch.object(flush, "flush", lambda plugins=None: ran.append(time.time())), \
                mock.patch.object(flush, "_queue_later") as worker_task:
            asked = time.time()
            with self.captureOnCommitCallbacks(execute=True):
                real_queue_flush(0.2)
            deadline = time.time() + 10
            while not ran and time.time() < deadline:
                time.sleep(0.05)
        self.assertTrue(ran, "the local flush did not run")
        self.assertLess(ran[0] - asked, 2.0)  # at the due time, not the backup's
        self.assertGreaterEqual(ran[0] - asked, 0.2)
        worker_task.assert_called_once_with(0.2 + flush.BACKUP_SECONDS)

    # -- allocations --

    def test_allocations_change_what_is_available_and_are_pushed(self):
        for name in self.names:
            configure(name, QUANTITY="available")
        item = self.act(lambda: StockItem.objects.create(part=self.a, quantity=30, location=self.store))
        order = SalesOrder.objects.create(customer=self.customer, reference=SalesOrder.generate_reference())
        line = SalesOrderLineItem.objects.create(order=order, part=self.a, quantity=8)
        order.issue_order()
        allocation = self.act(lambda: SalesOrderAllocation.objects.create(line=line, item=item, quantity=8))
        for name in self.names:
            self.assertEqual(self.sandboxes.stock(name)["FL-A"], 22, name)
        self.act(allocation.delete)
        for name in self.names:
            self.assertEqual(self.sandboxes.stock(name)["FL-A"], 30, name)

        # A build's allocations are written in bulk (no save signal): still pushed.
        build = Build.objects.create(reference=generate_next_build_reference(), title="b", part=self.assembly,
                                     quantity=5, destination=self.store)
        build.issue_build()
        build_line = BuildLine.objects.get(build=build, bom_item__sub_part=self.a)
        self.act(lambda: build.allocate_stock([{"build_line": build_line, "stock_item": item, "quantity": 10}]))
        for name in self.names:
            self.assertEqual(self.sandboxes.stock(name)["FL-A"], 20, name)

    # -- retry with backoff --

    def only_magento(self):
        for name in self.names:
            if name != "magento":
                configure(name, ENABLED=False)
        return plugin("magento")

    def test_a_target_that_is_down_is_retried_with_backoff_until_it_is_back(self):
        magento = self.only_magento()
        item = self.act(lambda: StockItem.objects.create(part=self.a, quantity=10, location=self.store))
        app = self.sandboxes.apps["magento"]
        app.faults.set("*", error=1.0)
        queued_flushes.clear()
        with self.captureOnCommitCallbacks(execute=True):
            item.add_stock(5, self.user)
        queued_flushes.pop(0)
        flush.flush()
        state = sync.read_state(magento)
        self.assertEqual(state["dirty"], [self.a.pk])
        self.assertEqual(queued_flushes, [15.0])  # retried on its own, not at once
        self.assertIn("magento", state["last_error"])
        self.assertGreater(state["retry_at"], time.time() + 10)

        flush.flush()  # a flush before the retry time leaves it alone
        self.assertEqual(queued_flushes, [15.0])
        with mock.patch("inventree_commerce_sync.inventree.flush.time.time", lambda: state["retry_at"] + 1):
            flush.flush()  # still down: the delay doubles
        self.assertEqual(queued_flushes, [15.0, 30.0])

        app.faults.clear()
        retry_at = sync.read_state(magento)["retry_at"]
        with mock.patch("inventree_commerce_sync.inventree.flush.time.time", lambda: retry_at + 1):
            flush.flush()
        self.assertEqual(self.sandboxes.stock("magento")["FL-A"], 15)
        state = sync.read_state(magento)
        self.assertEqual((state["dirty"], state.get("retry_at"), state.get("last_error")), ([], None, None))

    def test_an_unexpected_error_backs_off_and_is_shown(self):
        magento = self.only_magento()
        self.act(lambda: StockItem.objects.create(part=self.a, quantity=10, location=self.store))
        queued_flushes.clear()
        with mock.patch.object(sync, "_push", side_effect=RuntimeError("boom")):
            flush.mark_dirty([magento], [self.a.pk])
            queued_flushes.pop(0)
            flush.flush()
        state = sync.read_state(magento)
        self.assertEqual(queued_flushes, [15.0])  # not at once, forever
        self.assertIn("unexpected error: boom", state["last_error"])
        self.assertEqual(state["dirty"], [self.a.pk])

    # -- the push lock --

    def test_pushes_to_one_target_never_overlap(self):
        magento = self.only_magento()
        held: list[tuple[str, float, float]] = []

        def hold(name: str, lock_plugin) -> None:
            try:
                with target_lock(lock_plugin, wait=10) as locked:
                    self.assertTrue(locked)
                    started = time.monotonic()
                    time.sleep(0.3)
                    held.append((name, started, time.monotonic()))
            finally:
                connection.close()

        threads = [threading.Thread(target=hold, args=(f"t{n}", magento)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(len(held), 4)
        spans = sorted((start, end) for _, start, end in held)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            self.assertLessEqual(end, start + 0.01, f"two pushes overlapped: {spans}")

    def test_a_flush_that_cannot_get_the_lock_keeps_its_parts_for_later(self):
        magento = self.only_magento()
        ready, release = threading.Event(), threading.Event()

        def holder():
            try:
                with target_lock(magento, wait=5):
                    ready.set()
                    release.wait(20)
            finally:
                connection.close()

        thread = threading.Thread(target=holder)
        thread.start()
        try:
            self.assertTrue(ready.wait(10))
            queued_flushes.clear()
            with mock.patch.object(flush, "LOCK_WAIT_SECONDS", 0.3):
                flush.mark_dirty([magento], [self.a.pk])
                queued_flushes.pop(0)
                flush.flush()
            state = sync.read_state(magento)
            self.assertEqual(state["dirty"], [self.a.pk])
            self.assertIn("another push", state["last_error"])
            self.assertEqual(queued_flushes, [15.0])
        finally:
            release.set()
            thread.join(30)

    # -- schedules --

    def test_the_schedules_follow_the_interval_settings(self):
        magento = plugin("magento")

        def minutes():
            return dict(Schedule.objects.filter(name__startswith=f"plugin.{magento.slug}.")
                        .values_list("name", "minutes"))

        configure("magento", RECONCILE_MINUTES=7, VERIFY_MINUTES=90)
        self.assertEqual(minutes(), {f"plugin.{magento.slug}.reconcile": 7, f"plugin.{magento.slug}.verify": 90})
        configure("magento", VERIFY_MINUTES=0)
        self.assertEqual(minutes(), {f"plugin.{magento.slug}.reconcile": 7})
        configure("magento", ENABLED=False)
        self.assertEqual(minutes(), {})
        configure("magento", ENABLED=True)
        self.assertEqual(minutes(), {f"plugin.{magento.slug}.reconcile": 7})
        self.assertEqual(set(magento.get_scheduled_tasks()), {"reconcile"})
