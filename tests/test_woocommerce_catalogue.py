"""WooCommerce products through the catalogue face, against the sandbox: created once in
batches of 100, only what differs updated, refusals per SKU, variable products, dry run;
and the sandbox's catalogue side checked against WooCommerce's own Python client and docs."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from woocommerce import API

from inventree_commerce_sync.core import catalogue as C
from inventree_commerce_sync.core.catalogue import ProductDraft
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.faults import TIMEOUT_AFTER_APPLY
from inventree_commerce_sync.sandbox.woocommerce import CONSUMER_KEY, CONSUMER_SECRET, WooCommerceSandbox
from inventree_commerce_sync.targets.woocommerce import WooCommerceTarget

from .test_woocommerce_contract import property_table


@pytest.fixture
def shop(serve):
    app = WooCommerceSandbox()
    app.seed({"products": [{"sku": "OLD-1", "name": "Old bolt", "quantity": 3, "price": "4.50"}]})
    server = serve(app)
    return app, WooCommerceTarget(WooCommerceSandbox.client_settings(server.url))


def drafts(count: int, *, price: str = "9.90", start: int = 0) -> list[ProductDraft]:
    return [ProductDraft(f"NEW-{i:04d}", f"Part {i}", f"Description of part {i}", Decimal(price), Decimal(i % 7))
            for i in range(start, start + count)]


def batch_writes(app: WooCommerceSandbox) -> int:
    return app.count("products.batch") + app.count("variations.batch")


def records(app: WooCommerceSandbox) -> dict[str, dict]:
    return {r["sku"]: r for r in app.catalogue.listing()}


def test_500_new_products_are_created_in_5_batches_and_a_second_publish_writes_nothing(shop):
    app, client = shop
    wanted = drafts(500)
    app.reset_counters()
    results = C.publish(client, wanted, published={})
    assert {r.outcome for r in results} == {"created"}
    assert batch_writes(app) == 5 and app.writes == 5
    created = records(app)["NEW-0012"]
    assert (created["name"], created["regular_price"], created["description"], created["status"],
            created["stock_quantity"]) == ("Part 12", "9.9", "Description of part 12", "draft", 5)
    assert app.stock()["NEW-0012"] == 5

    app.reset_counters()
    again = C.publish(client, wanted, published=C.ledger_after(wanted, results))
    assert {r.outcome for r in again} == {"unchanged"}
    assert app.writes == 0 and app.reads == 6  # five pages of products (and the one seeded) = 6 reads


def test_a_price_change_of_200_products_is_two_batches_carrying_only_the_price(shop):
    app, client = shop
    wanted = drafts(200)
    ledger = C.ledger_after(wanted, C.publish(client, wanted, published={}))
    app.reset_counters()
    repriced = drafts(200, price="11.00")
    results = C.publish(client, repriced, published=ledger)
    assert {(r.outcome, r.fields) for r in results} == {("updated", ("price",))}
    assert batch_writes(app) == 2
    bodies = [json.loads(r.body) for r in app.requests if r.route == "products.batch"]
    assert all(set(item) == {"id", "regular_price"} and item["regular_price"] == "11" for b in bodies
               for item in b["update"])
    assert records(app)["NEW-0150"]["regular_price"] == "11"


def test_only_the_fields_that_differ_are_written(shop):
    app, client = shop
    results = C.publish(client, [ProductDraft("OLD-1", "Old bolt, zinc", "", Decimal("4.5"))], published={})
    assert [(r.outcome, r.fields) for r in results] == [("updated", ("name",))]
    [body] = [json.loads(r.body) for r in app.requests if r.route == "products.batch"]
    assert body == {"update": [{"id": body["update"][0]["id"], "name": "Old bolt, zinc"}]}


def test_an_admin_s_change_on_the_shop_is_kept_until_inventree_changes_that_field(shop):
    app, client = shop
    wanted = [ProductDraft("NEW-1", "Bolt", "Steel bolt", Decimal("2"))]
    ledger = C.ledger_after(wanted, C.publish(client, wanted, published={}))
    record = next(r for r in app.products.values() if r["sku"] == "NEW-1")
    record["name"] = "Bolt (on sale!)"
    assert [r.outcome for r in C.publish(client, wanted, published=ledger)] == ["unchanged"]
    assert record["name"] == "Bolt (on sale!)"
    changed = [ProductDraft("NEW-1", "Hex bolt", "Steel bolt", Decimal("2"))]
    assert [r.outcome for r in C.publish(client, changed, published=ledger)] == ["updated"]
    assert record["name"] == "Hex bolt"


def test_dry_run_writes_nothing(shop):
    app, client = shop
    app.reset_counters()
    results = C.publish(client, [*drafts(3), ProductDraft("OLD-1", "Renamed", price=Decimal("4.50"))], published={},
                        dry_run=True)
    assert [r.outcome for r in results] == ["would_create"] * 3 + ["would_update"]
    assert app.writes == 0 and set(records(app)) == {"OLD-1"}


def test_duplicate_skus_are_refused_per_sku_as_the_batch_answers_them(shop):
    app, client = shop
    # Created on the shop by someone else after the catalogue was read: the batch refuses it alone.
    results = client.create_products([ProductDraft("OLD-1", "Again"), ProductDraft("FRESH", "Fresh")])
    assert results["FRESH"].outcome == "created"
    assert results["OLD-1"].outcome == "failed"
    assert results["OLD-1"].error is not None and "Invalid or duplicated SKU. (product_invalid_sku)" in results["OLD-1"].error
    assert "product 10 has this SKU" in results["OLD-1"].error
    # Two SKUs WooCommerce holds for one (letter case): the second of the batch is refused.
    outcomes = {r.sku: r.outcome for r in C.publish(client, [ProductDraft("Cap-1", "Cap"), ProductDraft("CAP-1", "Cap")],
                                                     published={})}
    assert outcomes == {"Cap-1": "created", "CAP-1": "failed"}
    assert records(app)["OLD-1"]["name"] == "Old bolt"


def test_a_partial_batch_reports_each_sku_and_the_next_publish_creates_the_rest(shop):
    app, client = shop
    wanted = drafts(6)
    app.faults.queue("products.batch", "partial")
    first = C.publish(client, wanted, published={})
    assert [r.outcome for r in first] == ["created", "failed"] * 3
    second = C.publish(client, wanted, published=C.ledger_after(wanted, first))
    assert [r.outcome for r in second] == ["unchanged", "created"] * 3
    assert sum(1 for r in app.catalogue.listing() if r["sku"].startswith("NEW-")) == 6


def test_a_batch_whose_answer_was_lost_is_looked_up_not_created_twice(shop, serve):
    app, _client = shop
    app.faults.hang_seconds = 0.5
    client = WooCommerceTarget({**WooCommerceSandbox.client_settings(serve(app).url), "timeout": 0.3})
    app.faults.queue("products.batch", TIMEOUT_AFTER_APPLY)
    results = C.publish(client, drafts(3), published={})
    assert [r.outcome for r in results] == ["created"] * 3
    assert app.count("products.batch") == 1
    assert [r["sku"] for r in app.catalogue.listing()].count("NEW-0001") == 1


def test_drafts_with_a_parent_become_a_variable_product_with_variations(shop):
    app, client = shop
    wanted = [ProductDraft("TEE", "T-shirt", "Cotton", Decimal("15")),
              ProductDraft("TEE-S", "T-shirt S", price=Decimal("15"), quantity=Decimal(4), parent_sku="TEE",
                           attributes={"Size": "S"}),
              ProductDraft("TEE-M", "T-shirt M", price=Decimal("16"), quantity=Decimal(2), parent_sku="TEE",
                           attributes={"Size": "M"})]
    app.reset_counters()
    results = C.publish(client, wanted, published={})
    assert [r.outcome for r in results] == ["created"] * 3
    assert app.count("products.batch") == 1 and app.count("variations.batch") == 1
    shop_records = records(app)
    assert shop_records["TEE"]["type"] == "variable"
    assert (shop_records["TEE-M"]["type"], shop_records["TEE-M"]["parent"], shop_records["TEE-M"]["regular_price"]) \
        == ("variation", "TEE", "16")
    listed = {p.sku: p for p in client.read_products()}
    assert (listed["TEE-S"].kind, listed["TEE-S"].parent_sku, listed["TEE-S"].quantity) == ("variation", "TEE", 4)

    ledger = C.ledger_after(wanted, results)
    assert {r.outcome for r in C.publish(client, wanted, published=ledger)} == {"unchanged"}
    repriced = [*wanted[:2], ProductDraft("TEE-M", "T-shirt M", price=Decimal("17"), parent_sku="TEE")]
    app.reset_counters()
    assert [r.outcome for r in C.publish(client, repriced, published=ledger)] == ["unchanged", "unchanged", "updated"]
    assert app.count("variations.batch") == 1 and records(app)["TEE-M"]["regular_price"] == "17"


def test_a_variation_whose_parent_is_missing_or_simple_is_refused(shop):
    _app, client = shop
    results = client.create_products([ProductDraft("X-1", "X", parent_sku="NOPE"), ProductDraft("Y-1", "Y", parent_sku="OLD-1")])
    assert results["X-1"].outcome == "failed" and "'NOPE' is not a product" in (results["X-1"].error or "")
    assert results["Y-1"].outcome == "failed" and "not a variable one" in (results["Y-1"].error or "")


def test_new_products_are_published_when_the_setting_says_so(shop, serve):
    app, _client = shop
    client = WooCommerceTarget({**WooCommerceSandbox.client_settings(serve(app).url), "product_status": "publish"})
    C.publish(client, drafts(1), published={})
    assert records(app)["NEW-0000"]["status"] == "publish"


def test_read_products_lists_every_product_with_its_price_and_stock(shop):
    app, client = shop
    app.seed(catalogue.load())
    listed = list(client.read_products())
    seeded = catalogue.load()["products"]
    assert {p.sku for p in listed} == {p["sku"] for p in seeded}
    variation = next(p for p in listed if p.kind == "variation")
    assert variation.parent_sku and variation.price == Decimal("9.90")


def test_the_description_is_compared_as_stored_not_as_the_shop_shows_it(shop):
    app, client = shop
    wanted = [ProductDraft("D-1", "Desc", "Two lines\nof text", Decimal("1"))]
    C.publish(client, wanted, published={})
    assert [r.outcome for r in C.publish(client, wanted, published={})] == ["unchanged"]


# -- contract: WooCommerce's own Python client and the docs ------------------------------------


def test_the_sandbox_creates_products_in_a_batch_as_woocommerce_s_client_sends_them(shop, serve, specs_dir):
    app, _client = shop
    api = API(url=serve(app).url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, version="wc/v3",
              timeout=10)
    answer = api.post("products/batch", {"create": [
        {"name": "Premium Quality", "type": "simple", "regular_price": "21.99", "sku": "PQ-1", "status": "draft"},
        {"name": "Again", "sku": "OLD-1"}]})
    assert answer.status_code == 200
    created, refused = answer.json()["create"]
    properties = property_table((specs_dir / "woocommerce" / "woo_products.md").read_text("utf-8"),
                                "## Product properties")
    for field in ("id", "sku", "name", "type", "status", "regular_price", "description", "parent_id"):
        assert field in properties and field in created
    assert (created["regular_price"], created["status"]) == ("21.99", "draft")
    assert refused["id"] == 0 and refused["error"]["code"] == "product_invalid_sku"
    assert refused["error"]["data"]["status"] == 400


def test_the_client_sends_only_documented_product_and_variation_properties(shop, specs_dir):
    app, client = shop
    C.publish(client, [ProductDraft("V", "Vest", "Warm", Decimal("3")),
                       ProductDraft("V-L", "Vest L", "Large", Decimal("3"), Decimal(1), parent_sku="V",
                                    attributes={"Size": "L"})], published={})
    text = (specs_dir / "woocommerce" / "woo_products.md").read_text("utf-8")
    variations = (specs_dir / "woocommerce" / "woo_variations.md").read_text("utf-8")
    documented = {"products.batch": property_table(text, "## Product properties"),
                  "variations.batch": property_table(variations, "## Product variation properties")}
    for request in app.requests:
        if request.route in documented:
            for item in json.loads(request.body)["create"]:
                assert set(item) <= set(documented[request.route]), set(item) - set(documented[request.route])
