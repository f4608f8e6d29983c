"""End to end inside InvenTree: stock operations -> events -> dirty parts -> flush ->
every sandbox holds InvenTree's quantity."""

from __future__ import annotations

from decimal import Decimal

from django.test import tag
from InvenTree.unit_test import InvenTreeTestCase
from part.models import Part
from stock.models import StockItem, StockLocation

from .helpers import SandboxedPlugins, activate_plugins, configure, plugin, run_flushes


class EventSyncTests(SandboxedPlugins, InvenTreeTestCase):
    """Each operation, then the queued flush, then compare every sandbox with InvenTree."""

    SKUS = ["WIDGET-1", "BOLT/M3 Ü", "TEMPLATE-T", "VARIANT-V"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Store")
        cls.shelf = StockLocation.objects.create(name="Shelf", parent=cls.store)
        cls.widget = Part.objects.create(name="Widget", IPN="WIDGET-1", description="w", component=True,
                                         purchaseable=True, salable=True)
        cls.bolt = Part.objects.create(name="Bolt", IPN="BOLT/M3 Ü", description="b", component=True,
                                       purchaseable=True, salable=True)
        cls.template = Part.objects.create(name="Tee", IPN="TEMPLATE-T", description="t", is_template=True)
        cls.variant = Part.objects.create(name="Tee red", IPN="VARIANT-V", description="v",
                                          variant_of=cls.template)

    def assert_in_sync(self, *parts):
        self.assert_parts_in_sync(parts or (self.widget, self.bolt, self.template, self.variant))

    def test_stock_operations(self):
        item = self.act(lambda: StockItem.objects.create(part=self.widget, quantity=10, location=self.shelf))
        self.assert_in_sync()

        self.act(lambda: item.add_stock(5, self.user))
        self.assert_in_sync()
        self.act(lambda: item.take_stock(3, self.user))
        self.assert_in_sync()
        self.act(lambda: item.stocktake(7, self.user))
        self.assert_in_sync()

        other = self.act(lambda: StockItem.objects.create(part=self.widget, quantity=4, location=self.store))
        self.act(lambda: item.move(self.store, "move", self.user, quantity=Decimal(2)))
        self.assert_in_sync()
        self.act(lambda: other.splitStock(1, self.shelf, self.user))
        self.assert_in_sync()

        item.refresh_from_db()
        other.refresh_from_db()
        self.act(lambda: item.merge_stock_items([other], user=self.user))
        self.assert_in_sync()

        self.act(lambda: StockItem.objects.filter(part=self.widget).first().delete())
        self.assert_in_sync()
        self.assertTrue(all(self.sandboxes.stock(n)["WIDGET-1"] == self.widget.total_stock for n in self.names))

    def test_variant_stock_counts_for_the_template(self):
        self.act(lambda: StockItem.objects.create(part=self.variant, quantity=6, location=self.shelf))
        self.act(lambda: StockItem.objects.create(part=self.template, quantity=1, location=self.shelf))
        self.assert_in_sync()
        for name in self.names:
            self.assertEqual(self.sandboxes.stock(name)["TEMPLATE-T"], 7)

    @tag("slow")
    def test_burst_of_adjustments_is_coalesced(self):
        parts = [Part.objects.create(name=f"Burst {i}", IPN=f"BURST-{i}", description="x") for i in range(20)]
        for name in self.names:
            self.sandboxes.apps[name].seed({"products": [{"sku": p.IPN, "name": p.name, "quantity": 0}
                                                         for p in parts]})
        items = [StockItem.objects.create(part=p, quantity=100, location=self.store) for p in parts]
        for name in self.names:
            self.sandboxes.apps[name].reset_counters()
        # The worker's scheduler fires once in the middle of the burst and once after it.
        for half in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                for n in range(half * 250, half * 250 + 250):
                    items[n % 20].take_stock(1, self.user)
            run_flushes()
        for name in self.names:
            writes = self.sandboxes.apps[name].writes
            self.assertLessEqual(writes, 40, f"{name}: {writes} writes for 500 adjustments on 20 parts")
            for p in parts:
                self.assertEqual(self.sandboxes.stock(name)[p.IPN], 75)

    def test_wants_process_event_makes_no_query(self):
        leader, other = plugin("invoiceninja"), plugin("magento")  # invoiceninja: first by slug
        with self.assertNumQueries(0):
            self.assertTrue(leader.wants_process_event("salesordershipment.completed"))
            self.assertFalse(leader.wants_process_event("stockitem.moved"))  # a save signal has it
            self.assertFalse(leader.wants_process_event("part_part.saved"))
            self.assertFalse(other.wants_process_event("salesordershipment.completed"))

    def test_same_event_twice_pushes_once(self):
        item = StockItem.objects.create(part=self.widget, quantity=3, location=self.shelf)
        for name in self.names:
            self.sandboxes.apps[name].reset_counters()
        for _ in range(2):
            for name in self.names:
                plugin(name).process_event("stockitem.quantityupdated", id=item.pk, quantity=3.0)
        run_flushes()
        self.assert_in_sync(self.widget)
        for name in self.names:
            self.assertEqual(self.sandboxes.apps[name].writes, 1, name)

    def test_dry_run_writes_nothing_and_records_what_it_would_write(self):
        for name in self.names:
            configure(name, DRY_RUN=True)
            self.sandboxes.apps[name].reset_counters()
        self.act(lambda: StockItem.objects.create(part=self.widget, quantity=9, location=self.shelf))
        from inventree_commerce_sync.inventree.status_report import status_rows

        for name in self.names:
            self.assertEqual(self.sandboxes.apps[name].writes, 0, name)
            self.assertEqual(self.sandboxes.stock(name)["WIDGET-1"], 0)
            row = status_rows(plugin(name), [self.widget.pk])[0]
            self.assertEqual((row["status"], row["pending_quantity"]), ("dry_run", "9"), name)

    def test_disabled_plugin_does_nothing(self):
        for name in self.names:
            configure(name, ENABLED=False)
            self.sandboxes.apps[name].reset_counters()
        self.act(lambda: StockItem.objects.create(part=self.widget, quantity=9, location=self.shelf))
        for name in self.names:
            self.assertEqual(sum(self.sandboxes.apps[name].counters.values()), 0, name)
