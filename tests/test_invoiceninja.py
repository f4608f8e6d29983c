"""Invoice Ninja: the client against canned answers, and client + engine against the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
import responses
from responses import matchers

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError, ConfigError, ProtocolError, TargetUnavailable
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change, Remote
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.targets import build_target
from inventree_commerce_sync.targets.invoiceninja import LIST_PAGE_SIZE, RATE_LIMIT_MAX_WAIT, InvoiceNinjaTarget

URL = "https://ninja.example.com"
API = URL + "/api/v1"
TOKEN = "in-test-token-5f2a"


def make_target(**settings) -> InvoiceNinjaTarget:
    target = InvoiceNinjaTarget({"url": URL, "token": TOKEN, **settings})
    target.sleep = lambda seconds: None
    return target


def product(product_id: str, key: str, stock: int = 0, quantity: float = 1.0, **fields) -> dict:
    return {"id": product_id, "product_key": key, "in_stock_quantity": stock, "quantity": quantity,
            "is_deleted": False, "archived_at": 0, **fields}


def listing(rows: list[dict], page: int = 1, pages: int = 1) -> dict:
    return {"data": rows, "meta": {"pagination": {"total": len(rows), "count": len(rows), "per_page": 1000,
                                                  "current_page": page, "total_pages": pages, "links": {}}}}


def change(sku: str, product_id: str, quantity: int, default_quantity: float = 1.0) -> Change:
    return Change(sku, Remote(sku, product_id, "product", data={"quantity": default_quantity}), Decimal(quantity))


# -- settings -------------------------------------------------------------------------------


def test_a_url_with_the_api_path_is_refused_with_the_base_to_use():
    with pytest.raises(ConfigError, match=r"\[invoiceninja\] url .*try 'https://ninja.example.com'"):
        InvoiceNinjaTarget({"url": URL + "/api/v1", "token": TOKEN})


def test_a_missing_token_names_the_setting():
    with pytest.raises(ConfigError, match=r"\[invoiceninja\] token is missing"):
        InvoiceNinjaTarget({"url": URL})


# -- resolve ----------------------------------------------------------------------------------


@responses.activate
def test_many_skus_list_active_products_once_with_both_headers():
    skus = [f"P-{i}" for i in range(10)]
    call = responses.get(
        f"{API}/products",
        match=[matchers.query_param_matcher({"status": "active", "per_page": str(LIST_PAGE_SIZE), "page": "1"}),
               matchers.header_matcher({"X-API-TOKEN": TOKEN, "X-Requested-With": "XMLHttpRequest"})],
        json=listing([product(f"id{i}", sku, stock=i) for i, sku in enumerate(skus)]),
    )
    target = make_target()
    remotes = target.resolve(skus)
    assert {sku: r.remote_id for sku, r in remotes.items()} == {sku: f"id{i}" for i, sku in enumerate(skus)}
    target.resolve(["P-3", "P-4", "NOT-THERE"])  # answered from this sync's listing
    assert call.call_count == 1


@responses.activate
def test_the_listing_follows_every_page():
    pages = [[product(f"id{p}{i}", f"K-{p}-{i}") for i in range(3)] for p in range(3)]
    for number, rows in enumerate(pages, start=1):
        responses.get(f"{API}/products", json=listing(rows, page=number, pages=3),
                      match=[matchers.query_param_matcher({"status": "active", "per_page": str(LIST_PAGE_SIZE),
                                                           "page": str(number)})])
    remotes = make_target().resolve([f"K-{p}-2" for p in range(3)] + ["K-9-9", "A", "B", "C"])
    assert remotes["K-2-2"].remote_id == "id22"
    assert remotes["K-0-2"].remote_id == "id02"
    assert not remotes["K-9-9"].found
    assert len(responses.calls) == 3


@responses.activate
def test_a_few_skus_are_looked_up_by_key_and_matched_exactly():
    # The server compares keys case-insensitively, so "abc-1" comes back for "ABC-1" too.
    responses.get(f"{API}/products",
                  match=[matchers.query_param_matcher({"product_key": "ABC-1", "status": "active", "per_page": "100"})],
                  json=listing([product("lower", "abc-1", stock=4), product("upper", "ABC-1", stock=9)]))
    target = make_target()
    remote = target.resolve(["ABC-1"])["ABC-1"]
    assert remote.remote_id == "upper" and "error" not in remote.data
    assert target.read([remote]) == {"ABC-1": Decimal(9)}
    assert len(responses.calls) == 1


@responses.activate
def test_a_server_that_ignores_the_key_filter_is_answered_from_the_full_listing():
    unrelated = listing([product("x1", "SOMETHING-ELSE")])
    responses.get(f"{API}/products", match=[matchers.query_param_matcher({"product_key": "WANTED"}, strict_match=False)],
                  json=unrelated)
    responses.get(f"{API}/products", match=[matchers.query_param_matcher({"page": "1"}, strict_match=False)],
                  json=listing([product("x1", "SOMETHING-ELSE"), product("w1", "WANTED")]))
    assert make_target().resolve(["WANTED"])["WANTED"].remote_id == "w1"


@responses.activate
def test_two_active_products_with_one_key_skip_that_sku_naming_both_ids_and_write_nothing():
    responses.get(f"{API}/products", json=listing(
        [product("first1", "DUP", stock=1), product("second2", "DUP", stock=2)]
        + [product(f"o{i}", f"OK-{i}", stock=0) for i in range(6)]))
    for i in range(6):
        responses.put(f"{API}/products/o{i}", json={"data": product(f"o{i}", f"OK-{i}", stock=5)})
    target = make_target()
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel("DUP", Decimal(5))]
                                                     + [StockLevel(f"OK-{i}", Decimal(5)) for i in range(6)])
    (skipped,) = [r for r in report.results if r.outcome.value == "skipped"]
    assert skipped.sku == "DUP"
    assert "first1" in skipped.error and "second2" in skipped.error
    assert report.counts["pushed"] == 6 and not report.counts["failed"]
    assert not any("first1" in c.request.url or "second2" in c.request.url for c in responses.calls)


# -- write ------------------------------------------------------------------------------------


@responses.activate
def test_write_sets_stock_with_the_flag_and_sends_the_default_quantity_back():
    call = responses.put(
        f"{API}/products/abc123",
        match=[matchers.query_param_matcher({"update_in_stock_quantity": "true"}),
               matchers.json_params_matcher({"quantity": 3.0, "in_stock_quantity": 7}),
               matchers.header_matcher({"X-API-TOKEN": TOKEN, "X-Requested-With": "XMLHttpRequest"})],
        json={"data": product("abc123", "S-1", stock=7, quantity=3.0)},
    )
    outcomes = make_target().write([change("S-1", "abc123", 7, default_quantity=3.0)])
    assert outcomes["S-1"].ok
    assert call.call_count == 1


@responses.activate
def test_an_unknown_id_fails_only_that_sku_with_the_services_message():
    responses.put(f"{API}/products/gone1", status=400,
                  json={"message": "No query results for model [App\\Models\\Product]."})
    responses.put(f"{API}/products/here1", json={"data": product("here1", "B", stock=2)})
    outcomes = make_target().write([change("A", "gone1", 1), change("B", "here1", 2)])
    assert not outcomes["A"].ok
    assert "HTTP 400" in outcomes["A"].error and "No query results" in outcomes["A"].error
    assert outcomes["B"].ok


@responses.activate
def test_a_write_the_service_did_not_apply_is_a_failure():
    responses.put(f"{API}/products/p1", json={"data": product("p1", "A", stock=0)})
    outcome = make_target().write([change("A", "p1", 6)])["A"]
    assert not outcome.ok
    assert "kept in_stock_quantity 0 instead of 6" in outcome.error


@responses.activate
def test_a_rate_limit_without_retry_after_is_waited_out():
    for _ in range(4):  # the first try and urllib3's three quick retries
        responses.put(f"{API}/products/p1", status=429, json={"message": "Too many requests"})
    responses.put(f"{API}/products/p1", json={"data": product("p1", "A", stock=6)})
    target = make_target()
    slept: list[float] = []
    target.sleep = slept.append
    assert target.write([change("A", "p1", 6)])["A"].ok
    assert slept and sum(slept) < RATE_LIMIT_MAX_WAIT


@responses.activate
def test_a_rate_limit_that_does_not_end_fails_after_about_a_minute():
    responses.put(f"{API}/products/p1", status=429, json={"message": "Too many requests"})
    target = make_target()
    slept: list[float] = []
    target.sleep = slept.append
    # nothing of the batch was written: the engine stops the sync and the push is retried later
    with pytest.raises(TargetUnavailable, match="rate limit"):
        target.write([change("A", "p1", 6)])
    assert sum(slept) == RATE_LIMIT_MAX_WAIT


# -- errors -----------------------------------------------------------------------------------


@responses.activate
def test_a_refused_token_names_the_setting_and_never_the_token():
    responses.get(f"{API}/products", status=403, json={"message": "Invalid token", "errors": {}})
    with pytest.raises(AuthenticationError) as caught:
        make_target().resolve(["A"])
    message = str(caught.value)
    assert message.startswith("invoiceninja: ")
    assert "Invalid token" in message and "[invoiceninja] token" in message
    assert TOKEN not in message


@pytest.mark.parametrize("status", [200, 403])
@responses.activate
def test_an_html_page_is_a_protocol_error(status):
    responses.get(f"{API}/products", status=status, content_type="text/html",
                  body="<!DOCTYPE html><html><body>Forbidden</body></html>")
    with pytest.raises(ProtocolError, match="HTML page"):
        make_target().resolve(["A"])


# -- read and check ---------------------------------------------------------------------------


@responses.activate
def test_read_uses_what_the_sync_fetched_and_asks_for_the_rest():
    responses.get(f"{API}/products/known1", json={"data": product("known1", "K", stock=12)})
    responses.get(f"{API}/products/gone1", status=400, json={"message": "No query results for model"})
    target = make_target()
    remotes = [Remote("K", "known1", data={"quantity": 1.0}), Remote("G", "gone1", data={"quantity": 1.0}),
               Remote("N", None)]
    assert target.read(remotes) == {"K": Decimal(12)}
    assert target.read(remotes[:1]) == {"K": Decimal(12)}
    assert len(responses.calls) == 2


@responses.activate
def test_check_names_the_company_and_warns_when_inventory_is_not_tracked():
    responses.get(f"{API}/ping", json={"company_name": "Acme", "user_name": "Ann"})
    responses.post(f"{API}/companies/current", json={"data": {"id": "c1", "track_inventory": False}})
    responses.get(f"{API}/products", match=[matchers.query_param_matcher({"status": "active", "per_page": "1"})],
                  json={"data": [], "meta": {"pagination": {"total": 42, "total_pages": 42}}})
    result = make_target().check()
    assert result.ok
    text = "\n".join(result.details)
    assert "'Acme'" in text and "'Ann'" in text
    assert "inventory tracking is off" in text
    assert "42 active products" in text


# -- the sandbox's quirks ---------------------------------------------------------------------


@pytest.fixture
def sandbox(serve):
    app = InvoiceNinjaSandbox()
    app.seed({"products": [
        {"sku": "LIVE", "quantity": 5, "default_quantity": 3},
        {"sku": "LIVE", "quantity": 8, "status": "archived"},
        {"sku": "GONE", "quantity": 2, "status": "deleted"},
    ]})
    server = serve(app)
    session = requests.Session()
    session.headers.update({"X-API-TOKEN": app.token, "X-Requested-With": "XMLHttpRequest"})
    return app, server.url + "/api/v1", session


def test_sandbox_stock_changes_only_with_the_flag_and_a_missing_quantity_becomes_1(sandbox):
    app, api, session = sandbox
    (live,) = [p for p in app.with_key("LIVE") if not p["archived_at"]]
    answer = session.put(f"{api}/products/{live['id']}", json={"in_stock_quantity": 40, "quantity": 3})
    assert answer.json()["data"]["in_stock_quantity"] == 5
    answer = session.put(f"{api}/products/{live['id']}?update_in_stock_quantity=true", json={"in_stock_quantity": 40})
    assert answer.json()["data"]["in_stock_quantity"] == 40
    assert answer.json()["data"]["quantity"] == 1


def test_sandbox_lists_archived_and_deleted_products_unless_asked_for_active(sandbox):
    app, api, session = sandbox
    everything = session.get(f"{api}/products").json()
    assert [p["product_key"] for p in everything["data"]] == ["LIVE", "LIVE", "GONE"]
    active = session.get(f"{api}/products", params={"status": "active", "per_page": 1}).json()
    assert [p["in_stock_quantity"] for p in active["data"]] == [5]
    assert active["meta"]["pagination"]["total_pages"] == 1


def test_sandbox_key_filter_ignores_case_and_accents_and_follows_a_renamed_key(sandbox):
    app, api, session = sandbox

    def keys(key: str) -> list[str]:
        return [p["product_key"] for p in session.get(f"{api}/products", params={"product_key": key}).json()["data"]]

    assert keys("live") == ["LIVE", "LIVE"]
    (live,) = [p for p in app.with_key("LIVE") if not p["archived_at"]]
    session.put(f"{api}/products/{live['id']}", json={"product_key": "Café 1", "quantity": 3})
    assert keys("LIVE") == ["LIVE"]
    assert keys("CAFE 1 ") == ["Café 1"]
    session.put(f"{api}/products/{live['id']}", json={"product_key": "live", "quantity": 3})
    assert keys("LIVE") == ["live", "LIVE"]  # in creation order, as the service lists them


def test_sandbox_answers_unknown_ids_and_deleted_products_with_400(sandbox):
    app, api, session = sandbox
    (gone,) = app.with_key("GONE")
    assert session.put(f"{api}/products/NoSuchId00", json={}).status_code == 400
    assert session.get(f"{api}/products/12345").status_code == 400
    refused = session.put(f"{api}/products/{gone['id']}?update_in_stock_quantity=true", json={"in_stock_quantity": 1})
    assert refused.status_code == 400 and "deleted" in refused.json()["message"]


def test_sandbox_refuses_a_bad_token_and_without_the_ajax_header_as_an_html_page(sandbox):
    app, api, _ = sandbox
    refused = requests.get(f"{api}/products", headers={"X-API-TOKEN": "nope", "X-Requested-With": "XMLHttpRequest"})
    assert refused.status_code == 403 and refused.json()["message"] == "Invalid token"
    page = requests.get(f"{api}/products", headers={"X-API-TOKEN": "nope"})
    assert page.status_code == 403 and page.headers["Content-Type"].startswith("text/html")


# -- client + engine against the sandbox ------------------------------------------------------


def seeded_sandbox(count: int) -> tuple[InvoiceNinjaSandbox, dict[str, Decimal]]:
    """``count`` products (awkward SKUs first) with default quantity 3, plus archived and
    deleted products that share the first SKUs' keys. Returns the app and the levels to push."""
    products = catalogue.generate(count)["products"]
    for entry in products:
        entry["default_quantity"] = 3
    twins = [{"sku": products[0]["sku"], "quantity": 900, "status": "archived"},
             {"sku": products[-1]["sku"], "quantity": 901, "status": "deleted"}]
    app = InvoiceNinjaSandbox()
    app.seed({"products": twins[:1] + products + twins[1:]})
    wanted = {p["sku"]: Decimal(p["quantity"] + 7 + i % 3) for i, p in enumerate(products)}
    return app, wanted


@pytest.mark.parametrize("count", [1, 150, 1000])
def test_levels_arrive_exactly_and_a_second_sync_writes_nothing(serve, count):
    app, wanted = seeded_sandbox(count)
    server = serve(app)
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(server.url))
    unknown = ["NOT-IN-NINJA", "NOT/IN NINJA ü"]
    levels = [StockLevel(sku, quantity) for sku, quantity in wanted.items()] + [
        StockLevel(sku, Decimal(1)) for sku in unknown]
    ledger = MemoryLedger()

    report = SyncEngine(target, ledger).sync(levels)

    assert report.counts["pushed"] == count and report.counts["not_found"] == 2 and not report.failed
    assert app.count("products.update") == count
    assert app.stock() == wanted
    fresh = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(server.url))
    remotes = fresh.resolve(list(wanted) + unknown)
    assert fresh.read(list(remotes.values())) == wanted
    for product in app.products.values():
        if not product["archived_at"]:
            assert product["quantity"] == 3  # the default line quantity survived every PUT
    twins = sorted(p["in_stock_quantity"] for p in app.products.values() if p["archived_at"])
    assert twins == [900, 901]

    again = SyncEngine(target, ledger).sync(levels)
    assert again.counts["unchanged"] == count and again.counts["not_found"] == 2
    assert app.count("products.update") == count


def test_verify_rewrites_only_what_drifted_on_the_service(serve):
    app, wanted = seeded_sandbox(20)
    server = serve(app)
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(server.url))
    levels = [StockLevel(sku, quantity) for sku, quantity in wanted.items()]
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(levels)
    drifted = levels[5].sku
    (record,) = [p for p in app.with_key(drifted) if not p["archived_at"]]
    record["in_stock_quantity"] = 999

    report = SyncEngine(target, ledger).sync(levels, verify=True)

    assert [r.sku for r in report.results if r.outcome.value == "pushed"] == [drifted]
    assert app.stock() == wanted


def test_duplicate_keys_on_the_service_skip_that_sku_and_leave_both_untouched(serve):
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": "TWICE", "quantity": 1}, {"sku": "TWICE", "quantity": 2},
                           {"sku": "ONCE", "quantity": 3}]})
    server = serve(app)
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(server.url))
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel("TWICE", Decimal(9)), StockLevel("ONCE", Decimal(9))])
    (skipped,) = [r for r in report.results if r.outcome.value == "skipped"]
    assert all(p["id"] in skipped.error for p in app.with_key("TWICE"))
    assert not report.counts["failed"]
    assert sorted(p["in_stock_quantity"] for p in app.with_key("TWICE")) == [1, 2]
    assert app.with_key("ONCE")[0]["in_stock_quantity"] == 9


def test_a_wrong_token_stops_the_sync_with_one_clear_error(serve):
    app, wanted = seeded_sandbox(30)
    server = serve(app)
    settings = {**InvoiceNinjaSandbox.client_settings(server.url), "token": "not-the-sandbox-token"}
    target = build_target("invoiceninja", settings)
    with pytest.raises(AuthenticationError) as caught:
        SyncEngine(target, MemoryLedger()).sync([StockLevel(sku, q) for sku, q in wanted.items()])
    assert "invoiceninja" in str(caught.value) and "[invoiceninja] token" in str(caught.value)
    assert "not-the-sandbox-token" not in str(caught.value)
    assert app.count("products.update") == 0
    assert app.count("products.list") == 1


def test_a_small_change_in_a_large_catalogue_is_one_listing_and_one_put_per_change(serve):
    app = InvoiceNinjaSandbox()
    data = catalogue.generate(1000, seed=6)
    app.seed(data)
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(serve(app).url))
    ledger = MemoryLedger()
    levels = [StockLevel(p["sku"], Decimal(60 + i % 30)) for i, p in enumerate(data["products"])]
    SyncEngine(target, ledger).sync(levels)
    changed = [StockLevel(lv.sku, lv.quantity + (1 if i % 100 == 0 else 0)) for i, lv in enumerate(levels)]

    app.reset_counters()
    report = SyncEngine(target, ledger).sync(changed)

    assert report.counts[Result.PUSHED] == 10 and report.failed == 0
    assert dict(app.counters) == {"GET products.list": 1, "PUT products.update": 10}
    assert app.stock() == {lv.sku: lv.quantity for lv in changed}


def test_a_product_deleted_and_created_again_after_the_first_sync_gets_the_level(serve):
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": f"P{n}", "quantity": 1} for n in range(8)]})
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(serve(app).url))
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync([StockLevel(f"P{n}", Decimal(5)) for n in range(8)])
    (old,) = app.with_key("P3")
    old["is_deleted"] = True
    app.add_product("P3", in_stock_quantity=0)

    report = SyncEngine(target, ledger).sync([StockLevel(f"P{n}", Decimal(6)) for n in range(8)])

    assert report.counts[Result.PUSHED] == 8 and report.failed == 0
    assert app.stock()["P3"] == 6 and old["in_stock_quantity"] == 5
