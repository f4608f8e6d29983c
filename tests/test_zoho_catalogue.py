"""Zoho Inventory's catalogue: items listed, published (created once, edited where they
differ), refusals per SKU, dry-run, write safety and the rate limit, against the sandbox."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from inventree_commerce_sync.core import catalogue as face
from inventree_commerce_sync.core.catalogue import ProductDraft, publish
from inventree_commerce_sync.core.errors import AuthenticationError
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.zoho import PRIMARY_LOCATION, SECOND_LOCATION, ZohoSandbox
from inventree_commerce_sync.sandbox.zoho_accounts import SCOPE_ITEMS_CREATE
from inventree_commerce_sync.targets.zoho import ZohoTarget


@pytest.fixture(autouse=True)
def no_cached_tokens():
    ZohoTarget.forget_tokens()
    yield
    ZohoTarget.forget_tokens()


def start(serve, data=None, *, rate_limit=None, rate_window=1.0, client_limit=100_000, **settings):
    app = ZohoSandbox(rate_limit=rate_limit, rate_window=rate_window)
    app.seed(data or {"products": []})
    app.faults.hang_seconds = 0.2
    server = serve(app)
    target = ZohoTarget({**ZohoSandbox.client_settings(server.url), **settings}, rate_limit=client_limit,
                        rate_window=rate_window)
    target.CREATE_SETTLE_SECONDS = 0
    return app, target


def drafts(count: int, *, price: str = "9.5", quantity: int | None = 4, prefix: str = "NEW") -> list[ProductDraft]:
    return [ProductDraft(f"{prefix}-{i:04d}", f"{prefix} part {i}", f"Made in InvenTree, number {i}",
                         Decimal(price) + i, None if quantity is None else Decimal(quantity + i))
            for i in range(count)]


def writes(app: ZohoSandbox) -> list[str]:
    return sorted(f"{r.method} {r.route}" for r in app.requests if r.method != "GET" and r.route != "auth.token")


def test_products_list_every_item_with_price_stock_and_kind(serve):
    data = catalogue.generate(450, unmanaged_every=9)  # three pages of 200
    data["products"][0].update(price="12.5", description="A bolt")
    data["products"].append({"sku": "KIT-1", "type": "bundle", "quantity": 2})
    app, target = start(serve, data, location_id=SECOND_LOCATION)
    products = {p.sku: p for p in target.read_products()}
    assert len(products) == 451 and app.count("items.list") == 3
    first = products[data["products"][0]["sku"]]
    assert (first.name, first.price, first.description, first.kind, first.managed) == (
        "Product 0", Decimal("12.5"), "A bolt", "goods", True)
    assert first.quantity == 0  # all its stock is in the primary location, not the configured one
    unmanaged = products[data["products"][8]["sku"]]
    assert (unmanaged.managed, unmanaged.quantity) == (False, None)
    assert products["KIT-1"].kind == "composite"
    assert first.to_json()["price"] == "12.5"


def test_publish_creates_once_with_opening_stock_in_the_primary_location(serve):
    app, target = start(serve)
    wanted = drafts(3)
    results = publish(target, wanted, published={})
    assert [r.outcome for r in results] == [face.CREATED] * 3
    items = app.catalogue.products()
    assert items["NEW-0001"]["name"] == "NEW part 1" and items["NEW-0001"]["rate"] == Decimal("10.5")
    assert items["NEW-0001"]["description"] == "Made in InvenTree, number 1"
    assert items["NEW-0001"]["item_type"] == "inventory"
    assert app.location_stock(PRIMARY_LOCATION)["NEW-0002"] == Decimal(6)
    assert results[0].remote_id == items["NEW-0000"]["item_id"]

    app.reset_counters()
    again = publish(target, wanted, published=face.ledger_after(wanted, results))
    assert [r.outcome for r in again] == [face.UNCHANGED] * 3
    assert writes(app) == [] and len(app.items) == 3


def test_opening_stock_goes_to_the_configured_location(serve):
    app, target = start(serve, location_id=SECOND_LOCATION)
    publish(target, drafts(2), published={})
    assert app.location_stock(SECOND_LOCATION) == {"NEW-0000": Decimal(4), "NEW-0001": Decimal(5)}
    assert app.count("locations.list") == 0


def test_update_writes_only_the_fields_that_differ(serve):
    data = {"products": [{"sku": f"P-{i}", "name": f"Part {i}", "price": "5", "description": "Steel", "quantity": 3}
                         for i in range(4)]}
    app, target = start(serve, data)
    wanted = [ProductDraft("P-0", "Part 0", "Steel", Decimal("5.00")),   # the same, price written otherwise
              ProductDraft("P-1", "Part 1", "Steel", Decimal("6.25")),   # price
              ProductDraft("P-2", "Part two", "Steel", Decimal(5)),      # name
              ProductDraft("P-3", "Part 3", "Stainless", Decimal(5))]    # description
    results = publish(target, wanted, published={})
    assert [r.outcome for r in results] == [face.UNCHANGED, face.UPDATED, face.UPDATED, face.UPDATED]
    bodies = {r.params["item_id"]: json.loads(r.body) for r in app.requests if r.route == "items.update"}
    ids = {sku: item["item_id"] for sku, item in app.catalogue.products().items()}
    assert bodies == {ids["P-1"]: {"name": "Part 1", "rate": 6.25}, ids["P-2"]: {"name": "Part two"},
                      ids["P-3"]: {"name": "Part 3", "description": "Stainless"}}
    assert app.catalogue.products()["P-1"]["rate"] == Decimal("6.25")
    assert app.stock()["P-1"] == Decimal(3)  # stock is the stock sync's, not publish's
    assert writes(app) == ["PUT items.update"] * 3


def test_zoho_refusals_are_reported_per_sku_and_the_rest_is_created(serve):
    app, target = start(serve, {"products": [{"sku": "OLD-1", "name": "Hex bolt M3", "quantity": 1}]})
    wanted = [ProductDraft("NEW-1", "Hex nut M3", price=Decimal(1)),
              ProductDraft("NEW-2", "hex bolt m3", price=Decimal(1)),  # Zoho: names are unique, any case
              ProductDraft("NEW-3", "x" * 101),                         # too long for Zoho: never sent
              ProductDraft("NEW-4", "Washer M3", price=Decimal(-1))]    # the face refuses a negative price
    results = {r.sku: r for r in publish(target, wanted, published={})}
    assert {sku: r.outcome for sku, r in results.items()} == {
        "NEW-1": face.CREATED, "NEW-2": face.FAILED, "NEW-3": face.FAILED, "NEW-4": face.FAILED}
    assert 'The item name "hex bolt m3" already exists' in results["NEW-2"].error
    assert "101 characters" in results["NEW-3"].error and "100" in results["NEW-3"].error
    assert sorted(app.catalogue.products()) == ["NEW-1", "OLD-1"]
    assert app.count("items.create") == 2


def test_a_duplicate_sku_refused_by_zoho_fails_that_sku(serve):
    app, target = start(serve, {"products": [{"sku": "TAKEN", "name": "Taken", "quantity": 1}]})
    results = target.create_products([ProductDraft("TAKEN", "Another name"), ProductDraft("FREE", "Free")])
    assert results["TAKEN"].outcome == face.FAILED and "already exists for another item" in results["TAKEN"].error
    assert results["FREE"].outcome == face.CREATED
    assert len(app.items) == 2


def test_duplicate_names_are_accepted_where_zoho_allows_them(serve):
    app, target = start(serve, {"products": [{"sku": "OLD-1", "name": "Cable", "quantity": 1}]})
    app.catalogue.allow_duplicate_names = True
    results = publish(target, [ProductDraft("NEW-1", "Cable")], published={})
    assert results[0].outcome == face.CREATED and len(app.items) == 2


def test_dry_run_writes_nothing(serve):
    app, target = start(serve, {"products": [{"sku": "P-1", "name": "Old", "quantity": 1}]})
    results = publish(target, [ProductDraft("P-1", "New"), ProductDraft("P-2", "Fresh", quantity=Decimal(3))],
                      published={}, dry_run=True)
    assert [r.outcome for r in results] == [face.WOULD_UPDATE, face.WOULD_CREATE]
    assert writes(app) == [] and sorted(app.catalogue.products()) == ["P-1"]
    assert app.catalogue.products()["P-1"]["name"] == "Old"


@pytest.mark.parametrize("fault", ["timeout_after_apply", "reset_after_apply", "error"])
def test_a_create_whose_answer_is_lost_is_looked_up_not_repeated(serve, fault):
    app, target = start(serve)
    app.faults.queue("items.create", fault)
    results = publish(target, drafts(2), published={})
    assert [r.outcome for r in results] == [face.CREATED, face.CREATED]
    assert sorted(app.catalogue.products()) == ["NEW-0000", "NEW-0001"]
    assert results[0].remote_id == app.catalogue.products()["NEW-0000"]["item_id"]
    # an injected 503 applied nothing: the lookup finds nothing and the item is sent again
    assert app.count("items.create") == (3 if fault == "error" else 2)


def test_a_token_without_the_create_scope_stops_the_publish_with_the_scopes_named(serve):
    app, target = start(serve)
    app.scopes = app.scopes - {SCOPE_ITEMS_CREATE}
    with pytest.raises(AuthenticationError, match="ZohoInventory.items.CREATE"):
        publish(target, drafts(3), published={})
    # the first refusal is answered with a new token and one more try (a 401 created nothing); then it stops
    assert app.count("items.create") == 2 and app.items == {}


def test_500_new_products_stay_within_zohos_rate_limit(serve):
    # Zoho's 100 requests a minute, and the client's limiter of 90, with the minute scaled to
    # 1.5 s (the 10 requests of headroom are then 0.17 s, enough for a busy machine's delays).
    app, target = start(serve, rate_limit=100, rate_window=1.5, client_limit=ZohoTarget.RATE_LIMIT)
    started = time.monotonic()
    results = publish(target, drafts(500), published={})
    elapsed = time.monotonic() - started
    assert [r.outcome for r in results] == [face.CREATED] * 500
    assert len(app.items) == 500
    assert app.rate_limited_count == 0, f"{app.rate_limited_count} requests answered 429 in {elapsed:.1f} s"
    assert app.count("items.list") == 1
    assert app.count("items.create") == 500, dict(app.counters)
    # 500 creates, a listing and the primary location need at least five windows of 90
    assert elapsed >= 5 * 1.5
