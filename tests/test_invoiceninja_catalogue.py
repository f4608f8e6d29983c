"""Invoice Ninja's catalogue: products listed, published (created once, edited where they
differ), refusals per SKU, dry-run and write safety, against the sandbox."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from inventree_commerce_sync.core import catalogue as face
from inventree_commerce_sync.core.catalogue import ProductDraft, publish
from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.targets import invoiceninja_catalogue
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget


def start(serve, products=(), **settings):
    app = InvoiceNinjaSandbox()
    app.seed({"products": list(products)})
    app.faults.hang_seconds = 0.2
    server = serve(app)
    target = InvoiceNinjaTarget({**InvoiceNinjaSandbox.client_settings(server.url), **settings})
    target.sleep = lambda seconds: None
    target.CREATE_SETTLE_SECONDS = 0
    return app, target


def writes(app) -> list[str]:
    return sorted(f"{r.method} {r.route}" for r in app.requests if r.method not in ("GET",))


def live(app, key):
    return [p for p in app.with_key(key) if not p["is_deleted"]]


def test_products_list_name_description_price_and_stock_from_the_product(serve):
    app, target = start(serve, [{"sku": "A-1", "name": "Bolt", "price": 2.5, "quantity": 7},
                                {"sku": "A-2", "name": "Old nut", "quantity": 1, "status": "archived"},
                                {"sku": "A-3", "name": "Gone", "quantity": 1, "status": "deleted"}])
    app.add_product("A-4", notes="Washer\nZinc plated, 3 mm", price=0.1, in_stock_quantity=40)
    products = {p.sku: p for p in target.read_products()}
    assert sorted(products) == ["A-1", "A-2", "A-4"]  # a deleted product is gone; an archived one is there
    assert (products["A-1"].name, products["A-1"].price, products["A-1"].quantity) == ("Bolt", Decimal("2.5"), 7)
    assert products["A-2"].kind == "archived" and products["A-1"].kind == "product"
    assert (products["A-4"].name, products["A-4"].description) == ("Washer", "Zinc plated, 3 mm")
    assert products["A-4"].managed is True


def test_listing_pages_are_bounded_and_complete(serve, monkeypatch):
    monkeypatch.setattr(invoiceninja_catalogue, "LIST_PAGE_SIZE", 10)
    app, target = start(serve, [{"sku": f"K-{i}", "quantity": i} for i in range(25)])
    assert len(list(target.read_products())) == 25 and app.count("products.list") == 3
    monkeypatch.setattr(invoiceninja_catalogue, "MAX_PAGES", 2)
    assert len(list(target.read_products())) == 20


def test_publish_creates_once_with_key_notes_price_and_stock(serve):
    app, target = start(serve)
    wanted = [ProductDraft("NEW-1", "Hex bolt", "M3 x 10, steel", Decimal("0.35"), Decimal("12.7")),
              ProductDraft("NEW-2", "Hex nut", price=Decimal(1))]
    results = publish(target, wanted, published={})
    assert [r.outcome for r in results] == [face.CREATED, face.CREATED]
    [bolt] = live(app, "NEW-1")
    assert (bolt["notes"], bolt["price"], bolt["quantity"], bolt["in_stock_quantity"]) == (
        "Hex bolt\nM3 x 10, steel", 0.35, 1, 12)  # stock rounded down: an integer column
    assert live(app, "NEW-2")[0]["in_stock_quantity"] == 0 and results[0].remote_id == bolt["id"]

    app.reset_counters()
    again = publish(target, wanted, published=face.ledger_after(wanted, results))
    assert [r.outcome for r in again] == [face.UNCHANGED, face.UNCHANGED]
    assert writes(app) == [] and len(app.products) == 2


def test_a_created_product_takes_stock_syncs_like_any_other(serve):
    app, target = start(serve)
    publish(target, [ProductDraft("NEW-1", "Hex bolt", quantity=Decimal(3))], published={})
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel("NEW-1", Decimal(9))])
    assert report.failed == 0 and app.stock() == {"NEW-1": Decimal(9)}


def test_update_writes_only_what_differs_and_keeps_the_line_quantity_and_stock(serve):
    app, target = start(serve, [{"sku": f"P-{i}", "name": f"Part {i}", "price": 5, "quantity": 3,
                                 "default_quantity": 4} for i in range(3)])
    app.products[live(app, "P-2")[0]["id"]]["notes"] = "Part 2\nSteel"
    wanted = [ProductDraft("P-0", "Part 0", price=Decimal("5.0")),        # unchanged
              ProductDraft("P-1", "Part 1", price=Decimal("7.25")),       # price
              ProductDraft("P-2", "Part two", "Steel", Decimal(5))]       # name: the description stays
    results = publish(target, wanted, published={})
    assert [r.outcome for r in results] == [face.UNCHANGED, face.UPDATED, face.UPDATED]
    bodies = {r.params["id"]: json.loads(r.body) for r in app.requests if r.route == "products.update"}
    assert bodies == {live(app, "P-1")[0]["id"]: {"quantity": 4.0, "price": 7.25},
                      live(app, "P-2")[0]["id"]: {"quantity": 4.0, "notes": "Part two\nSteel"}}
    assert all(p["quantity"] == 4 and p["in_stock_quantity"] == 3 for p in app.products.values())
    assert writes(app) == ["PUT products.update"] * 2


def test_an_admins_edit_on_invoice_ninja_is_kept_when_inventree_did_not_change(serve):
    app, target = start(serve, [{"sku": "P-1", "name": "Renamed by the admin", "price": 5, "quantity": 1}])
    published = {"P-1": {"name": "Part 1", "price": "5"}}
    results = publish(target, [ProductDraft("P-1", "Part 1", price=Decimal(5))], published=published)
    assert results[0].outcome == face.UNCHANGED and writes(app) == []


def test_refusals_are_reported_per_sku(serve):
    app, target = start(serve, [{"sku": "BAD", "quantity": 1}])
    target_answers = target.create_products([ProductDraft("K" * 192, "Too long a key"), ProductDraft("OK", "Fine")])
    assert target_answers["K" * 192].outcome == face.FAILED and "191" in target_answers["K" * 192].error
    assert target_answers["OK"].outcome == face.CREATED
    # A product deleted since the listing: Invoice Ninja refuses the edit, that SKU fails alone.
    [bad] = live(app, "BAD")
    listed = {p.sku: p for p in target.read_products()}
    bad["is_deleted"] = True
    results = target.update_products([(listed["BAD"], ProductDraft("BAD", "New name"), ("name",)),
                                      (listed["OK"], ProductDraft("OK", "Finer"), ("name",))])
    assert results["BAD"].outcome == face.FAILED and "deleted" in results["BAD"].error
    assert results["OK"].outcome == face.UPDATED and live(app, "OK")[0]["notes"] == "Finer"


def test_dry_run_writes_nothing(serve):
    app, target = start(serve, [{"sku": "P-1", "name": "Old", "quantity": 1}])
    results = publish(target, [ProductDraft("P-1", "New"), ProductDraft("P-2", "Fresh")], published={},
                      dry_run=True)
    assert [r.outcome for r in results] == [face.WOULD_UPDATE, face.WOULD_CREATE]
    assert writes(app) == [] and len(app.products) == 1


def test_a_key_differing_only_in_case_is_not_created_twice(serve):
    app, target = start(serve, [{"sku": "bolt-m3", "quantity": 1}])
    results = publish(target, [ProductDraft("BOLT-M3", "Bolt")], published={})
    assert results[0].outcome == face.SKIPPED and "'bolt-m3'" in results[0].error
    assert len(app.products) == 1


@pytest.mark.parametrize("fault", ["timeout_after_apply", "reset_after_apply", "error"])
def test_a_create_whose_answer_is_lost_is_looked_up_never_duplicated(serve, fault):
    app, target = start(serve)
    app.faults.queue("products.create", fault)
    results = publish(target, [ProductDraft("NEW-1", "Bolt"), ProductDraft("NEW-2", "Nut")], published={})
    assert [r.outcome for r in results] == [face.CREATED, face.CREATED]
    assert len(live(app, "NEW-1")) == 1 and len(live(app, "NEW-2")) == 1
    assert results[0].remote_id == live(app, "NEW-1")[0]["id"]


def test_a_refused_token_stops_the_publish(serve):
    app, target = start(serve, token="wrong")
    with pytest.raises(AuthenticationError):
        publish(target, [ProductDraft("NEW-1", "Bolt")], published={})
    assert app.products == {}
