"""Issue 12 in InvenTree: parts published as products on each sandbox (name, price, stock),
a price change in one flush, dry run writes nothing, a sandbox's unlinked products imported
as linked parts, and an imported order's buyer recorded as contact and address once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from common.models import InvenTreeSetting
from company.models import Address, Company, Contact
from djmoney.money import Money
from InvenTree.unit_test import InvenTreeAPITestCase, InvenTreeTestCase
from part.models import Part, PartCategory, PartSellPriceBreak
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.core.catalogue import Product
from inventree_commerce_sync.core.orders import OPEN, Customer, ListOrderSource, Order, OrderLine
from inventree_commerce_sync.inventree import catalogue, customers, order_runs, sync
from inventree_commerce_sync.inventree.ledger import stored_entry

from .helpers import SLUGS, SandboxedPlugins, activate_plugins, configure, plugin, queued_flushes, run_flushes
from .test_order_import import T0


def products_on(name: str) -> dict[str, Product]:
    return {p.sku: p for p in plugin(name).build_target().read_products()}


class PublishTests(SandboxedPlugins, InvenTreeTestCase):
    SKUS: list[str] = []

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Shop store")
        cls.shop = PartCategory.objects.create(name="Shop")
        cls.tools = PartCategory.objects.create(name="Tools", parent=cls.shop)
        cls.other = PartCategory.objects.create(name="Other")

    def setUp(self):
        super().setUp()
        for name in self.names:
            configure(name, CATALOGUE_PUBLISH=True, CATALOGUE_CATEGORY=self.shop.pk, CATALOGUE_CURRENCY="USD")

    def new_part(self, ipn: str, category, *, price: str | None = "12.50", stock: int = 7, **fields) -> Part:
        def make():
            part = Part.objects.create(name=f"Part {ipn}", IPN=ipn, description=f"About {ipn}", category=category,
                                       salable=True, **fields)
            if price is not None:
                PartSellPriceBreak.objects.create(part=part, quantity=1, price=Money(price, "USD"))
            if stock:
                StockItem.objects.create(part=part, quantity=stock, location=self.store)
            return part
        return self.act(make)

    def test_a_new_part_in_the_category_appears_on_each_sandbox_with_name_price_and_stock(self):
        magento, woo = self.sandboxes.apps.get("magento"), self.sandboxes.apps.get("woocommerce")
        self.new_part("CAT-NEW", self.tools)  # a subcategory of the publish category
        self.new_part("CAT-OUT", self.other)  # neither in the category nor flagged
        self.new_part("CAT-FLAG", self.other, metadata={"commerce_sync": {"publish": True}})
        for name in self.names:
            found = products_on(name)
            self.assertNotIn("CAT-OUT", found, name)
            for sku in ("CAT-NEW", "CAT-FLAG"):
                self.assertIn(sku, found, name)
                self.assertEqual(found[sku].name, f"Part {sku}", name)
                self.assertEqual(found[sku].price, Decimal("12.5"), name)
                if found[sku].managed:
                    self.assertEqual(found[sku].quantity, 7, name)
        # each new product created with its stock, which the push that followed did not write again
        if magento is not None:
            self.assertEqual(magento.count("source-items.save"), 2)
        if woo is not None:
            self.assertEqual(woo.count("products.batch"), 2)
        part = Part.objects.get(IPN="CAT-NEW")
        entry = catalogue.catalogue_entry(part.metadata, "magento", "CAT-NEW")
        self.assertEqual(entry["outcome"], "created")
        self.assertEqual(entry["published"]["price"], "12.5")
        # the stock push found the new products: in sync, nothing more to write
        writes = {name: self.sandboxes.apps[name].writes for name in self.names}
        sync.sync_parts(plugin("magento"), None)
        self.assertEqual(self.sandboxes.apps["magento"].writes, writes["magento"])
        self.assertTrue(stored_entry(Part.objects.get(IPN="CAT-NEW").metadata, "woocommerce").is_synced_at(7))

    def test_a_price_change_reaches_each_sandbox_in_one_flush_and_a_second_publish_writes_nothing(self):
        part = self.new_part("CAT-PRICE", self.shop)
        price = PartSellPriceBreak.objects.get(part=part)
        writes = {name: self.sandboxes.apps[name].writes for name in self.names}
        with self.captureOnCommitCallbacks(execute=True):
            price.price = Money("15.00", "USD")
            price.save()
        self.assertEqual(run_flushes(), 1)
        for name in self.names:
            self.assertEqual(products_on(name)["CAT-PRICE"].price, Decimal(15), name)
            self.assertGreater(self.sandboxes.apps[name].writes, writes[name], name)
        # a rename follows the part's save; a reconciliation then writes nothing
        part.refresh_from_db()
        part.name = "Renamed part"
        self.act(part.save)
        writes = {name: self.sandboxes.apps[name].writes for name in self.names}
        for name in self.names:
            self.assertEqual(products_on(name)["CAT-PRICE"].name, "Renamed part", name)
            sync.sync_parts(plugin(name), None)
            self.assertEqual(self.sandboxes.apps[name].writes, writes[name], f"{name}: second publish wrote")

    def test_dry_run_creates_nothing_and_records_what_would_be_created(self):
        for name in self.names:
            configure(name, DRY_RUN=True)
        self.new_part("CAT-DRY", self.shop)
        part = Part.objects.get(IPN="CAT-DRY")
        for name in self.names:
            self.assertEqual(self.sandboxes.apps[name].writes, 0, name)
            self.assertNotIn("CAT-DRY", products_on(name), name)
            self.assertEqual(catalogue.catalogue_entry(part.metadata, name, "CAT-DRY")["outcome"], "would_create")

    def test_a_price_in_a_currency_without_a_rate_is_refused_with_a_clear_status(self):
        def make():
            part = Part.objects.create(name="Yen part", IPN="CAT-JPY", category=self.shop, salable=True)
            PartSellPriceBreak.objects.create(part=part, quantity=1, price=Money("900", "JPY"))
            return part
        part = self.act(make)
        part.refresh_from_db()
        for name in self.names:
            self.assertNotIn("CAT-JPY", products_on(name), name)
            entry = catalogue.catalogue_entry(part.metadata, name, "CAT-JPY")
            self.assertEqual(entry["outcome"], "failed")
            self.assertIn("no exchange rate from JPY to USD", entry["error"])


class ImportTests(SandboxedPlugins, InvenTreeAPITestCase):
    SKUS: list[str] = []
    is_staff = True
    MAX_QUERY_TIME = 300  # seconds: InvenTree's 7.5 s is not what these tests are about (loaded machine)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Import store")
        cls.imported = PartCategory.objects.create(name="Imported")
        cls.held = Part.objects.create(name="Held", IPN="IMP-HELD", salable=True)

    def seed(self, name: str) -> list[str]:
        skus = [f"IMP-{name}-{i}" for i in range(3)]
        self.sandboxes.apps[name].seed({"products": [
            {"sku": sku, "name": f"{name} product {i}", "quantity": 4 + i, "price": "3.25", "description": "Seeded"}
            for i, sku in enumerate(skus)] + [{"sku": "IMP-HELD", "name": "Held", "quantity": 1}]})
        return skus

    def test_importing_a_sandboxs_unlinked_products_creates_linked_parts(self):
        for name in self.names:
            skus = self.seed(name)
            url = f"/plugin/{SLUGS[name]}/catalogue/import/"
            listed = self.get(url, expected_code=200).data
            self.assertEqual(sorted(p["sku"] for p in listed["products"]), skus, name)  # not IMP-HELD
            answer = self.post(url, {"skus": skus[:2] + ["IMP-NOPE"], "category": self.imported.pk,
                                     "location": self.store.pk}, format="json", expected_code=201).data
            self.assertEqual([r["sku"] for r in answer["created"]], skus[:2], name)
            self.assertEqual([r["sku"] for r in answer["refused"]], ["IMP-NOPE"], name)
            for i, row in enumerate(answer["created"]):
                part = Part.objects.get(pk=row["part"])
                self.assertEqual((part.IPN, part.name, part.category, part.salable, part.active),
                                 (skus[i], f"{name} product {i}", self.imported, True, True))
                self.assertEqual(part.total_stock, 4 + i)
                self.assertEqual(StockItem.objects.get(part=part).location, self.store)
            listed = self.get(url, expected_code=200).data
            self.assertEqual([p["sku"] for p in listed["products"]], skus[2:], name)
            first = answer["created"][0]["part"]
            status = self.get(f"/plugin/{SLUGS[name]}/status/", {"part": first}, expected_code=200).data
            self.assertEqual(status["catalogue"]["parts"][first]["outcome"], "imported", name)
            # linked: the first push to this target writes nothing
            app = self.sandboxes.apps[name]
            writes = app.writes
            report = sync.sync_parts(plugin(name), [r["part"] for r in answer["created"]])
            self.assertEqual(report.failed, 0, f"{name}: {report.summary()}")
            self.assertEqual(app.writes, writes, name)
        self.assertEqual(Part.objects.filter(IPN__startswith="IMP-").count(), 1 + 2 * len(self.names))

    def test_a_bad_category_or_empty_choice_is_refused_and_creates_nothing(self):
        name = self.names[0]
        skus = self.seed(name)
        url = f"/plugin/{SLUGS[name]}/catalogue/import/"
        answer = self.post(url, {"skus": skus, "category": 999999}, format="json", expected_code=400).data
        self.assertIn("part category 999999 does not exist", answer["error"])
        self.post(url, {"skus": [], "category": self.imported.pk}, format="json", expected_code=400)
        self.assertFalse(Part.objects.filter(IPN__in=skus).exists())


    def test_the_import_panel_is_offered_on_a_category_page_to_staff_with_the_endpoints_url(self):
        InvenTreeSetting.set_setting("ENABLE_PLUGINS_INTERFACE", True, change_user=None)
        features = "/api/plugins/ui/features/panel/"

        def import_panels(model: str, target_id=None) -> dict[str, dict]:
            params = {"target_model": model} | ({} if target_id is None else {"target_id": target_id})
            panels = self.get(features, params, expected_code=200).data
            return {p["key"]: p for p in panels if str(p.get("key", "")).startswith("commerce-sync-import-")}

        panels = import_panels("partcategory", self.imported.pk)
        self.assertEqual(sorted(panels), sorted(f"commerce-sync-import-{name}" for name in self.names))
        for name in self.names:
            panel = panels[f"commerce-sync-import-{name}"]
            shop = plugin(name).target_class().title
            self.assertEqual(panel["title"], f"Import from {shop}")
            self.assertTrue(panel["source"].endswith("/CommerceSyncPanel.js:renderImportPanel"), panel["source"])
            self.assertEqual(panel["context"], {"target": shop, "import_url": f"/plugin/{SLUGS[name]}/catalogue/import/",
                                                "locations_url": "/api/stock/location/", "part_url": "/web/part/"})
            # the URL the panel reads answers
            self.get(panel["context"]["import_url"], expected_code=200)
        static = Path(catalogue.__file__).parent / "static" / "CommerceSyncPanel.js"
        self.assertRegex(static.read_text(), r"export\s*\{[^}]*\brenderImportPanel\b")
        # not on the categories' index, not on a part's page, not where sync is off or the
        # connection is not configured, and not for non-staff users
        self.assertEqual(import_panels("partcategory"), {})
        self.assertEqual(import_panels("part", self.held.pk), {})
        first, second = self.names[0], self.names[1]
        configure(first, ENABLED=False)
        configure(second, URL="")
        self.assertEqual(sorted(import_panels("partcategory", self.imported.pk)),
                         sorted(f"commerce-sync-import-{name}" for name in self.names[2:]))
        self.user.is_staff = False
        self.user.save()
        self.assertEqual(import_panels("partcategory", self.imported.pk), {})


class BuyerTests(InvenTreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.widget = Part.objects.create(name="Buyer widget", IPN="BUY-W", salable=True)

    def test_an_imported_orders_customer_gets_its_contact_and_address_once(self):
        woo = plugin("woocommerce")
        woo._config_row = None
        configure("woocommerce", ENABLED=False, ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_CUSTOMER="email")
        known = Company.objects.create(name="Known buyer", email="kim@buyer.example", is_customer=True)
        source = ListOrderSource(page_size=5)
        order_runs._recent.clear()
        for number, email in (("1", "kim@buyer.example"), ("2", "KIM@buyer.example"), ("3", "new@buyer.example")):
            buyer = Customer(name="Kim Buyer", email=email, line1="2 High St", postcode="53111", city="Bonn",
                             country="DE")
            source.put(Order("woocommerce", number, f"W{number}", OPEN, "processing", T0,
                             T0 + timedelta(minutes=int(number)), buyer,
                             (OrderLine.of(1, "BUY-W", "1"),)))
        order_runs.poll(woo, source=source, now=T0 + timedelta(hours=1))
        self.assertEqual(Contact.objects.filter(company=known).count(), 1)
        self.assertEqual(Contact.objects.get(company=known).name, "Kim Buyer")
        self.assertEqual(Address.objects.filter(company=known).count(), 1)
        self.assertEqual(Address.objects.get(company=known).postal_city, "Bonn")
        new = Company.objects.get(email="new@buyer.example")
        self.assertEqual((Contact.objects.filter(company=new).count(), Address.objects.filter(company=new).count()),
                         (1, 1))
        queued_flushes.clear()


class CustomerPushTests(SandboxedPlugins, InvenTreeTestCase):
    SKUS: list[str] = []

    def test_customer_companies_are_pushed_once_where_the_setting_is_on(self):
        pushing = [name for name in self.names if name in ("zoho", "invoiceninja")]
        self.assertTrue(pushing, "no customer sandbox")
        Company.objects.create(name="Pushed Co", email="pushed@co.example", is_customer=True)
        with_contact = Company.objects.create(name="Contact Co", is_customer=True)
        Contact.objects.create(company=with_contact, name="Cora Contact", email="cora@contact.example")
        Company.objects.create(name="No email", is_customer=True)
        Company.objects.create(name="A supplier", email="supplier@co.example", is_supplier=True, is_customer=False)
        for name in pushing:
            self.assertIsNone(customers.push_companies(plugin(name)), f"{name}: off by default")
            configure(name, CUSTOMER_PUSH=True)
            self.assertEqual(customers.push_companies(plugin(name)), {"created": 2}, name)
            client = plugin(name).build_target()
            for email in ("pushed@co.example", "cora@contact.example"):
                self.assertIsNotNone(client.find_customer(email), f"{name}: {email}")
            self.assertIsNone(client.find_customer("supplier@co.example"), name)
            writes = self.sandboxes.apps[name].writes
            self.assertEqual(customers.push_companies(plugin(name)), {}, name)
            self.assertEqual(self.sandboxes.apps[name].writes, writes, f"{name}: pushed twice")
