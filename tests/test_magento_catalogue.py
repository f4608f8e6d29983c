"""Magento products through the catalogue face, against the sandbox: created once (never
overwriting a SKU that exists), name and description per product, prices in one bulk
request per 1,000, refusals per SKU, dry run; and every call checked against the schema."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests

from inventree_commerce_sync.core import catalogue as C
from inventree_commerce_sync.core.catalogue import ProductDraft
from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.sandbox.faults import TIMEOUT_AFTER_APPLY
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.targets.magento import MagentoTarget

from .test_magento_contract import RecordingSandbox, _operation, _validate, schema, validators  # noqa: F401


def start(serve, app: MagentoSandbox | None = None, **settings) -> tuple[MagentoSandbox, MagentoTarget]:
    if app is None:
        app = MagentoSandbox(source_code="shop")
        app.seed({"products": [{"sku": "OLD-1", "name": "Old bolt", "quantity": 3, "price": "4.5",
                                "description": "Zinc"}]})
    server = serve(app)
    return app, MagentoTarget({**MagentoSandbox.client_settings(server.url), "source_code": app.source_code, **settings})


@pytest.fixture
def shop(serve):
    return start(serve)


def drafts(count: int, *, price: str = "9.90") -> list[ProductDraft]:
    return [ProductDraft(f"NEW-{i:04d}", f"Part {i}", f"Description of part {i}", Decimal(price), Decimal(i % 7))
            for i in range(count)]


def listed(app: MagentoSandbox) -> dict[str, dict]:
    return {p["sku"]: p for p in app.catalogue.listing()}


def test_new_products_are_created_once_with_their_stock_on_the_mapped_source(shop):
    app, client = shop
    wanted = drafts(30)
    app.reset_counters()
    results = C.publish(client, wanted, published={})
    assert {r.outcome for r in results} == {"created"}
    assert app.count("products.create") == 30 and app.count("source-items.save") == 1
    product = listed(app)["NEW-0012"]
    assert (product["name"], product["price"], product["description"], product["status"], product["visibility"],
            product["type"]) == ("Part 12", 9.9, "Description of part 12", 2, 4, "simple")
    assert app.stock()["NEW-0012"] == 5  # the "shop" source
    assert all(r.raw_path.startswith("/rest/all/V1/") for r in app.requests if r.route == "products.create")

    app.reset_counters()
    again = C.publish(client, wanted, published=C.ledger_after(wanted, results))
    assert {r.outcome for r in again} == {"unchanged"} and app.writes == 0
    listing = [r for r in app.requests if r.route == "products.list"]
    assert len(listing) == 1 and listing[0].arg("searchCriteria[pageSize]") == "300"


def test_a_price_change_of_200_products_is_one_base_prices_request(shop):
    app, client = shop
    wanted = drafts(200)
    ledger = C.ledger_after(wanted, C.publish(client, wanted, published={}))
    app.reset_counters()
    results = C.publish(client, drafts(200, price="11.25"), published=ledger)
    assert {(r.outcome, r.fields) for r in results} == {("updated", ("price",))}
    assert app.writes == 1 and app.count("base-prices.save") == 1
    [request] = [r for r in app.requests if r.route == "base-prices.save"]
    assert json.loads(request.body)["prices"][0] == {"sku": "NEW-0000", "price": 11.25, "store_id": 0}
    assert listed(app)["NEW-0199"]["price"] == 11.25


def test_prices_go_1000_to_a_request(shop, serve):
    app, client = shop
    app.seed({"products": [{"sku": f"P-{i}", "name": f"P {i}", "price": 1} for i in range(1500)]})
    app.reset_counters()
    C.publish(client, [ProductDraft(f"P-{i}", f"P {i}", price=Decimal(2)) for i in range(1500)], published={})
    assert app.count("base-prices.save") == 2 and app.writes == 2


def test_name_and_description_are_one_put_per_product_carrying_only_what_differs(shop):
    app, client = shop
    app.reset_counters()
    results = C.publish(client, [ProductDraft("OLD-1", "Old bolt M3", "Zinc", Decimal("4.50"))], published={})
    assert [(r.outcome, r.fields) for r in results] == [("updated", ("name",))]
    [put] = [r for r in app.requests if r.route == "products.update"]
    assert put.raw_path == "/rest/all/V1/products/OLD-1"
    assert json.loads(put.body) == {"product": {"sku": "OLD-1", "name": "Old bolt M3"}}
    assert app.count("base-prices.save") == 0


def test_a_sku_that_exists_is_refused_not_overwritten(shop):
    app, client = shop
    # POST /V1/products would save over it: the client looks first.
    results = client.create_products([ProductDraft("old-1", "Someone else's", price=Decimal(1)),
                                      ProductDraft("FRESH", "Fresh", price=Decimal(1))])
    assert results["FRESH"].outcome == "created"
    assert results["old-1"].outcome == "failed" and "'OLD-1' (id 1) has this SKU" in (results["old-1"].error or "")
    assert listed(app)["OLD-1"]["name"] == "Old bolt"


def test_a_taken_url_key_is_sent_again_with_the_sku_in_it(shop):
    app, client = shop
    results = C.publish(client, [ProductDraft("BOLT-2", "Old bolt", price=Decimal(1))], published={})
    assert results[0].outcome == "created"
    assert app.count("products.create") == 2
    assert listed(app)["BOLT-2"]["url_key"] == "old-bolt-bolt-2"


def test_a_product_without_a_price_is_refused_before_any_request(shop):
    app, client = shop
    app.reset_counters()
    results = C.publish(client, [ProductDraft("NP", "No price")], published={})
    assert results[0].outcome == "failed" and "needs a price" in (results[0].error or "")
    assert app.writes == 0


def test_refused_price_rows_are_reported_per_sku_and_the_others_saved(shop):
    app, client = shop
    wanted = drafts(4)
    ledger = C.ledger_after(wanted, C.publish(client, wanted, published={}))
    app.faults.queue("base-prices.save", "partial")
    results = C.publish(client, drafts(4, price="3"), published=ledger)
    assert [r.outcome for r in results] == ["updated", "failed"] * 2
    assert results[1].error == "Invalid attribute SKU = NEW-0001."
    prices = {sku: p["price"] for sku, p in listed(app).items()}
    assert (prices["NEW-0000"], prices["NEW-0001"]) == (3, 9.9)
    ledger.update(C.ledger_after(drafts(4, price="3"), results))
    assert [r.outcome for r in C.publish(client, drafts(4, price="3"), published=ledger)] == \
        ["unchanged", "updated"] * 2


def test_a_create_whose_answer_was_lost_is_looked_up_not_sent_again(shop, serve):
    app, _client = shop
    app.faults.hang_seconds = 0.5
    _app, client = start(serve, app, timeout=0.3)
    app.faults.queue("products.create", TIMEOUT_AFTER_APPLY)
    results = C.publish(client, drafts(1), published={})
    assert results[0].outcome == "created"
    assert app.count("products.create") == 1 and "NEW-0000" in listed(app)


def test_dry_run_writes_nothing(shop):
    app, client = shop
    app.reset_counters()
    results = C.publish(client, [*drafts(2), ProductDraft("OLD-1", "x", price=Decimal(1))], published={}, dry_run=True)
    assert [r.outcome for r in results] == ["would_create", "would_create", "would_update"]
    assert app.writes == 0


def test_enabled_products_and_legacy_stock(serve):
    app = MagentoSandbox()
    app.seed({"products": []})
    _app, client = start(serve, app, product_status="enabled", mode="legacy")
    C.publish(client, drafts(2), published={})
    assert listed(app)["NEW-0001"]["status"] == 1 and app.stock()["NEW-0001"] == 1
    assert app.count("source-items.save") == 0
    assert [p.quantity for p in client.read_products()] == [None, None]  # legacy: no source to read


def test_a_bad_attribute_set_is_a_config_error(shop, serve):
    app, _client = shop
    _app, client = start(serve, app, attribute_set_id="Default")
    with pytest.raises(ConfigError, match="attribute_set_id"):
        client.create_products(drafts(1))


def test_read_products_pages_lists_children_with_their_parent_and_stock(shop):
    app, client = shop
    app.seed({"products": [*({"sku": f"S-{i}", "name": f"S {i}", "quantity": i} for i in range(650)),
                           {"sku": "TEE", "type": "variable"},
                           {"sku": "TEE-S", "type": "variation", "parent": "TEE", "quantity": 2}]})
    app.reset_counters()
    products = {p.sku: p for p in client.read_products()}
    assert len(products) == 652 and app.count("products.list") == 3
    assert (products["TEE-S"].parent_sku, products["TEE-S"].quantity, products["S-7"].quantity) == ("TEE", 2, 7)
    assert products["TEE"].kind == "configurable" and products["S-7"].price == 10


# -- contract: the Magento schema ------------------------------------------------------------


CATALOGUE_ENDPOINTS = {("post", "/V1/products"), ("put", "/V1/products/{sku}"), ("post", "/V1/products/base-prices"),
                       ("get", "/V1/products"), ("get", "/V1/inventory/source-items"),
                       ("post", "/V1/inventory/source-items")}


@pytest.fixture(scope="module")
def exchanges():
    from inventree_commerce_sync.sandbox.server import SandboxServer

    app = RecordingSandbox()
    app.seed({"products": [{"sku": "OLD-1", "name": "Old bolt", "quantity": 1}]})
    with SandboxServer(app) as server:
        client = MagentoTarget(MagentoSandbox.client_settings(server.url))
        wanted = [*drafts(5), ProductDraft("DUP", "Old bolt", price=Decimal(2))]
        ledger = C.ledger_after(wanted, C.publish(client, wanted, published={}))
        C.publish(client, [*drafts(5, price="4"), ProductDraft("OLD-1", "Renamed", "Text", Decimal(3))],
                  published=ledger)
        token = {"Authorization": f"Bearer {MagentoSandbox.client_settings(server.url)['token']}"}
        refused = requests.post(f"{server.url}/rest/all/V1/products/base-prices", headers=token, timeout=5,
                                json={"prices": [{"sku": "NOPE", "price": -1, "store_id": 9}]})
        assert refused.status_code == 200 and len(refused.json()) == 3
    return app.exchanges


def test_every_catalogue_call_is_in_the_schema(schema, exchanges):  # noqa: F811
    called = {(r.method.lower(), _operation(schema, r.method.lower(), r.raw_path)[0]) for r, _ in exchanges}
    assert CATALOGUE_ENDPOINTS <= called


def test_catalogue_bodies_and_answers_validate_against_the_schema(schema, validators, exchanges):  # noqa: F811
    request_definitions, response_definitions = validators
    checked = set()
    for request, response in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        if request.body:
            body_schema = dict(next(p for p in operation["parameters"] if p["in"] == "body")["schema"])
            body_schema.setdefault("additionalProperties", False)
            _validate(json.loads(request.body), body_schema, request_definitions, f"{request.method} {template}")
        declared = operation["responses"].get("200", {}).get("schema")
        if response.status == 200 and declared is not None:
            _validate(json.loads(response.encode()), declared, response_definitions, f"{template} answer")
            checked.add((request.method.lower(), template))
    assert {("post", "/V1/products"), ("put", "/V1/products/{sku}"), ("post", "/V1/products/base-prices")} <= checked


def test_the_url_key_clash_is_magento_s_error_shape(schema, validators, exchanges):  # noqa: F811
    _, response_definitions = validators
    clashes = [json.loads(response.encode()) for request, response in exchanges
               if request.route == "products.create" and response.status == 400]
    assert clashes == [{"message": "URL key for specified store already exists."}]
    _validate(clashes[0], {"$ref": "#/definitions/error-response"}, response_definitions, "clash")
