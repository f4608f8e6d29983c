"""The bulk paths: receiving a purchase order, completing a build, shipping a sales order.
They write with bulk updates (no per-item save event); the order/build/shipment events
must still bring every sandbox to InvenTree's quantity."""

from __future__ import annotations

from build.models import Build, BuildItem, BuildLine, generate_next_build_reference
from company.models import Company, SupplierPart
from InvenTree.unit_test import InvenTreeTestCase
from order.models import (
    PurchaseOrder,
    PurchaseOrderLineItem,
    SalesOrder,
    SalesOrderAllocation,
    SalesOrderLineItem,
    SalesOrderShipment,
)
from part.models import BomItem, Part
from stock.models import StockItem, StockLocation

from .helpers import SandboxedPlugins, activate_plugins


class OrderSyncTests(SandboxedPlugins, InvenTreeTestCase):
    SKUS = ["ORD-WIDGET", "ORD-BOLT", "ORD-ASSY"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Store")
        cls.widget = Part.objects.create(name="OWidget", IPN="ORD-WIDGET", description="w", component=True,
                                         purchaseable=True, salable=True)
        cls.bolt = Part.objects.create(name="OBolt", IPN="ORD-BOLT", description="b", component=True,
                                       purchaseable=True)
        cls.assembly = Part.objects.create(name="OAssy", IPN="ORD-ASSY", description="a", assembly=True,
                                           salable=True)
        for part in (cls.widget, cls.bolt, cls.assembly):
            part.refresh_from_db()  # the tree fields are set by the database
        BomItem.objects.create(part=cls.assembly, sub_part=cls.widget, quantity=2)
        BomItem.objects.create(part=cls.assembly, sub_part=cls.bolt, quantity=4)
        cls.supplier = Company.objects.create(name="Supplier", is_supplier=True)
        cls.customer = Company.objects.create(name="Customer", is_customer=True)

    def assert_in_sync(self):
        self.assert_parts_in_sync((self.widget, self.bolt, self.assembly))

    def test_receive_purchase_order(self):
        supplier_part = SupplierPart.objects.create(part=self.widget, supplier=self.supplier, SKU="SUP-W")
        order = PurchaseOrder.objects.create(supplier=self.supplier, reference=PurchaseOrder.generate_reference())
        line = PurchaseOrderLineItem.objects.create(order=order, part=supplier_part, quantity=12)
        order.place_order()
        self.act(lambda: order.receive_line_item(line, self.store, 12, self.user))
        self.assertEqual(self.widget.total_stock, 12)
        self.assert_in_sync()

    def test_complete_build(self):
        self.act(lambda: StockItem.objects.create(part=self.widget, quantity=50, location=self.store))
        bolts = self.act(lambda: StockItem.objects.create(part=self.bolt, quantity=100, location=self.store))
        widgets = StockItem.objects.get(part=self.widget)
        build = Build.objects.create(reference=generate_next_build_reference(), title="b", part=self.assembly,
                                     quantity=5, destination=self.store)
        build.issue_build()
        BuildItem.objects.create(build_line=BuildLine.objects.get(build=build, bom_item__sub_part=self.widget),
                                 stock_item=widgets, quantity=10)
        BuildItem.objects.create(build_line=BuildLine.objects.get(build=build, bom_item__sub_part=self.bolt),
                                 stock_item=bolts, quantity=20)
        output = build.create_build_output(5).first()
        self.act(lambda: build.complete_build_output(output, self.user))
        self.assert_in_sync()
        self.act(lambda: build.complete_build(self.user))
        build.refresh_from_db()
        self.assertEqual((self.widget.total_stock, self.bolt.total_stock, self.assembly.total_stock), (40, 80, 5))
        self.assert_in_sync()

    def test_ship_sales_order(self):
        item = self.act(lambda: StockItem.objects.create(part=self.widget, quantity=30, location=self.store))
        order = SalesOrder.objects.create(customer=self.customer, reference=SalesOrder.generate_reference())
        line = SalesOrderLineItem.objects.create(order=order, part=self.widget, quantity=8)
        order.issue_order()
        shipment = SalesOrderShipment.objects.create(order=order, reference="1")
        SalesOrderAllocation.objects.create(line=line, shipment=shipment, item=item, quantity=8)
        self.act(lambda: shipment.complete_shipment(self.user))
        self.widget.refresh_from_db()
        self.assertEqual(self.widget.total_stock, 22)
        self.assert_in_sync()
