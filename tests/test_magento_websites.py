"""The websites of new Magento products, against the sandbox: they land on the configured
websites (default: the only one, or the configured store view's) whatever this Magento does
on its own (every website, none, the ones sent); an unknown website is refused before
anything is created; a token that may not read the websites still creates; and every call
checked against the schema."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from inventree_commerce_sync.core import catalogue as C
from inventree_commerce_sync.core.catalogue import ProductDraft
from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.sandbox.faults import ERROR
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.sandbox.magento_websites import ALL_WEBSITES, NO_WEBSITE
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets.magento import MagentoTarget

from .test_magento_contract import RecordingSandbox, _operation, _validate, schema, validators  # noqa: F401


def shop(*, websites=("base", "b2b"), stores=None, mode=None, app=None) -> MagentoSandbox:
    app = app or MagentoSandbox(stores=("default", "b2b_en"))
    app.seed({"products": [{"sku": "OLD-1", "name": "Old bolt", "quantity": 3}]})
    app.catalogue.websites.configure(list(websites), {"default": "base", "b2b_en": "b2b"} if stores is None else stores)
    if mode:
        app.catalogue.websites.new_product_websites = mode
    return app


def client(serve, app: MagentoSandbox, **settings) -> MagentoTarget:
    return MagentoTarget({**MagentoSandbox.client_settings(serve(app).url), **settings})


def drafts(count: int) -> list[ProductDraft]:
    return [ProductDraft(f"NEW-{i}", f"Part {i}", price=Decimal("9.90"), quantity=Decimal(2)) for i in range(count)]


def websites_of(app: MagentoSandbox) -> dict[str, list[int]]:
    return {p["sku"]: sorted(p["website_ids"]) for p in app.catalogue.listing() if p["sku"].startswith("NEW-")}


def sent_websites(app: MagentoSandbox) -> list:
    return [json.loads(r.body)["product"].get("extension_attributes", {}).get("website_ids")
            for r in app.requests if r.route == "products.create"]


def test_a_single_website_store_puts_new_products_on_it(serve):
    app = shop(websites=("base",), stores={})
    results = C.publish(client(serve, app), drafts(3), published={})
    assert {r.outcome for r in results} == {"created"} and {r.error for r in results} == {None}
    assert websites_of(app) == {"NEW-0": [1], "NEW-1": [1], "NEW-2": [1]}
    assert sent_websites(app) == [[1]] * 3
    assert app.count("websites.list") == 1 and app.count("product-websites.save") == 0


def test_by_default_the_website_of_the_store_view_not_every_website(serve):
    # Magento alone would put a product created in the "all" scope on every website.
    app = shop()
    C.publish(client(serve, app), drafts(2), published={})
    assert websites_of(app) == {"NEW-0": [1], "NEW-1": [1]}
    app = shop()
    C.publish(client(serve, app, store_code="b2b_en"), drafts(1), published={})
    assert websites_of(app) == {"NEW-0": [2]}
    assert app.count("product-websites.save") == app.count("product-websites.delete") == 0


def test_the_setting_names_websites_by_code_or_id(serve):
    app = shop(websites=("base", "b2b", "outlet"))
    C.publish(client(serve, app, websites="B2B, 3"), drafts(1), published={})
    assert websites_of(app) == {"NEW-0": [2, 3]} and sent_websites(app) == [[2, 3]]


@pytest.mark.parametrize("mode", [ALL_WEBSITES, NO_WEBSITE])
def test_what_magento_got_wrong_is_put_right_on_the_new_products_only(serve, mode):
    app = shop(mode=mode)
    app.products["OLD-1"]["extension_attributes"]["website_ids"] = [1, 2]
    results = C.publish(client(serve, app), drafts(3), published={})
    assert {(r.outcome, r.error) for r in results} == {("created", None)}
    assert websites_of(app) == {"NEW-0": [1], "NEW-1": [1], "NEW-2": [1]}
    expected = ("product-websites.delete", 3) if mode == ALL_WEBSITES else ("product-websites.save", 3)
    assert app.count(expected[0]) == expected[1]
    assert app.products["OLD-1"]["extension_attributes"]["website_ids"] == [1, 2]  # never touched


def test_an_unknown_website_is_a_config_error_before_anything_is_created(serve):
    app = shop()
    app.reset_counters()
    with pytest.raises(ConfigError, match=r"'shop' is not a website of this store; its websites: base \(1\), b2b \(2\)"):
        client(serve, app, websites="base, shop").create_products(drafts(1))
    assert app.writes == 0


def test_several_websites_and_a_store_code_naming_none_is_a_config_error(serve):
    app = shop()
    with pytest.raises(ConfigError, match="several websites") as raised:
        client(serve, app, store_code="all").create_products(drafts(1))
    assert raised.value.key == "websites" and app.writes == 0


def test_a_token_that_may_not_read_websites_still_creates(serve):
    app = shop(app=MagentoSandbox(stores=("default", "b2b_en"), denied_resources=("Magento_Backend::store",)))
    results = client(serve, app).create_products(drafts(1))
    assert results["NEW-0"].outcome == "created"
    assert "not assigned to a website by this client" in (results["NEW-0"].error or "")
    app = shop(app=MagentoSandbox(stores=("default", "b2b_en"), denied_resources=("Magento_Backend::store",)),
               mode=NO_WEBSITE)
    results = client(serve, app, websites="2").create_products(drafts(1))
    assert (results["NEW-0"].outcome, results["NEW-0"].error) == ("created", None)
    assert websites_of(app) == {"NEW-0": [2]}


def test_a_failed_assignment_is_noted_on_the_created_product(serve):
    app = shop(mode=NO_WEBSITE)
    app.faults.queue("product-websites.save", ERROR, count=20)  # past the session's retries
    results = client(serve, app).create_products(drafts(1))
    assert results["NEW-0"].outcome == "created"
    assert (results["NEW-0"].error or "").startswith("created, but not assigned to website 1:")
    assert websites_of(app) == {"NEW-0": []}


# -- contract: the Magento schema ------------------------------------------------------------


@pytest.fixture(scope="module")
def exchanges():
    recorded = []
    for mode in (ALL_WEBSITES, NO_WEBSITE):
        app = shop(app=RecordingSandbox(stores=("default", "b2b_en")), mode=mode)
        with SandboxServer(app) as server:
            C.publish(MagentoTarget(MagentoSandbox.client_settings(server.url)), drafts(2), published={})
        recorded += app.exchanges
    return recorded


def test_every_website_call_is_in_the_schema_and_validates(schema, validators, exchanges):  # noqa: F811
    request_definitions, response_definitions = validators
    called = set()
    for request, response in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        called.add((request.method.lower(), template))
        if request.body:
            body_schema = dict(next(p for p in operation["parameters"] if p["in"] == "body")["schema"])
            body_schema.setdefault("additionalProperties", False)
            _validate(json.loads(request.body), body_schema, request_definitions, f"{request.method} {template}")
        declared = operation["responses"].get("200", {}).get("schema")
        assert response.status == 200, (template, response.encode())
        if declared is not None:
            _validate(json.loads(response.encode()), declared, response_definitions, f"{template} answer")
    assert {("get", "/V1/store/websites"), ("post", "/V1/products/{sku}/websites"),
            ("delete", "/V1/products/{sku}/websites/{websiteId}"), ("post", "/V1/products")} <= called
    creates = [json.loads(r.body) for r, _ in exchanges if r.route == "products.create"]
    assert {tuple(c["product"]["extension_attributes"]["website_ids"]) for c in creates} == {(1,)}
