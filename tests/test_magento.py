"""The Magento 2 client, against recorded answers (``responses``) and against the sandbox."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError, ConfigError, ProtocolError, TargetError
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change, Remote
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.magento import TOKEN, MagentoSandbox
from inventree_commerce_sync.targets import build_target
from inventree_commerce_sync.targets.magento import UNMANAGED, MagentoTarget, error_message

D = Decimal
SHOP = "https://shop.example.com"
API = f"{SHOP}/rest/default/V1"


def client(**settings) -> MagentoTarget:
    return MagentoTarget({"url": SHOP, "token": "secret-token-123", **settings})


def query(call) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def product(sku, type_id="simple", id=1):
    return {"id": id, "sku": sku, "type_id": type_id}


def search_answer(items):
    return {"items": items, "search_criteria": {"filter_groups": []}, "total_count": len(items)}


def stock_item(qty=0, manage_stock=True, backorders=0, item_id=1):
    return {"item_id": item_id, "qty": qty, "manage_stock": manage_stock, "backorders": backorders}


# -- settings -------------------------------------------------------------------------------


def test_settings_are_checked_with_messages_that_name_the_key():
    with pytest.raises(ConfigError, match=r"\[magento\] token is missing"):
        MagentoTarget({"url": SHOP})
    with pytest.raises(ConfigError, match=r"\[magento\] mode must be one of msi, legacy"):
        client(mode="single")
    with pytest.raises(ConfigError, match=r"\[magento\] store_code 'de/at' is not a store code"):
        client(store_code="de/at")
    with pytest.raises(ConfigError, match=r"legacy.*only write the default source"):
        client(mode="legacy", source_code="warehouse")
    with pytest.raises(ConfigError, match="without /rest"):
        client(url=f"{SHOP}/rest/default/V1")


def test_legacy_mode_writes_one_sku_per_call_and_msi_in_large_batches():
    assert client(mode="legacy").write_batch == 1
    assert client().write_batch == 500
    assert MagentoTarget.integer_quantities is True
    assert MagentoTarget.max_sku_length == 64


# -- requests, against recorded answers -------------------------------------------------------


@responses.activate
def test_msi_write_sends_one_bulk_post_with_bearer_token_and_status_from_quantity():
    responses.post(f"{SHOP}/rest/de/V1/inventory/source-items", json=[])
    target = client(store_code="de", source_code="shop_eu")
    changes = [
        Change("A", Remote("A", "1", "simple", data={"sku": "A"}), D(5)),
        Change("B", Remote("B", "2", "simple", data={"sku": "B"}), D(0)),
        Change("C", Remote("C", "3", "simple", data={"sku": "C", "backorders": True}), D(0)),
    ]
    outcomes = target.write(changes)

    assert all(outcome.ok for outcome in outcomes.values()) and set(outcomes) == {"A", "B", "C"}
    assert len(responses.calls) == 1
    request = responses.calls[0].request
    assert request.headers["Authorization"] == "Bearer secret-token-123"
    assert json.loads(request.body) == {"sourceItems": [
        {"sku": "A", "source_code": "shop_eu", "quantity": 5, "status": 1},
        {"sku": "B", "source_code": "shop_eu", "quantity": 0, "status": 0},
        {"sku": "C", "source_code": "shop_eu", "quantity": 0, "status": 1},  # takes backorders
    ]}


@responses.activate
def test_legacy_write_puts_the_stock_item_with_the_sku_percent_encoded():
    responses.put(f"{API}/products/BOLT%2FM3%2F10/stockItems/7", json=7)
    responses.put(f"{API}/products/SKU%2BPLUS/stockItems/1", json=1)
    target = client(mode="legacy")
    outcomes = target.write([
        Change("BOLT/M3/10", Remote("BOLT/M3/10", "7", "simple", data={"sku": "BOLT/M3/10", "item_id": 7}), D(12)),
        Change("SKU+PLUS", Remote("SKU+PLUS", "8", "simple", data={"sku": "SKU+PLUS"}), D(0)),
    ])

    assert outcomes["BOLT/M3/10"].ok and outcomes["SKU+PLUS"].ok
    assert json.loads(responses.calls[0].request.body) == {"stockItem": {"qty": 12, "is_in_stock": True}}
    assert json.loads(responses.calls[1].request.body) == {"stockItem": {"qty": 0, "is_in_stock": False}}


@responses.activate
def test_resolve_searches_in_batches_and_looks_up_a_comma_sku_on_its_own():
    responses.get(f"{API}/products", json=search_answer([product("X", id=1), product("Y", "virtual", id=2)]))
    responses.get(f"{API}/products", json=search_answer([product("PACK,10", id=3)]))
    responses.get(f"{API}/stockItems/X", json=stock_item())
    responses.get(f"{API}/stockItems/Y", json=stock_item())
    responses.get(f"{API}/stockItems/PACK%2C10", json=stock_item())

    remotes = client().resolve(["X", "PACK,10", "Y", "NOPE"])

    searches = [query(call) for call in responses.calls if urlsplit(call.request.url).path.endswith("/products")]
    assert len(searches) == 2
    value = "searchCriteria[filterGroups][0][filters][0][value]"
    condition = "searchCriteria[filterGroups][0][filters][0][conditionType]"
    assert (searches[0][value], searches[0][condition]) == ("X,Y,NOPE", "in")
    assert (searches[1][value], searches[1][condition]) == ("PACK,10", "eq")
    assert searches[0]["searchCriteria[pageSize]"] == "3"
    assert {sku: r.found and r.skip_reason is None for sku, r in remotes.items()} == {
        "X": True, "Y": True, "PACK,10": True}


@responses.activate
def test_resolve_reads_every_page_and_stops_at_total_count():
    # Magento answers the last page again for a page past the end: only total_count tells the end.
    pages = {1: [product("A", id=1), product("B", id=2)], 2: [product("C", id=3)]}
    asked = []

    def answer(request):
        page = int(query_of(request)["searchCriteria[currentPage]"])
        asked.append(page)
        items = pages[min(page, 2)]
        return 200, {}, json.dumps({"items": items, "search_criteria": {"filter_groups": []}, "total_count": 3})

    def query_of(request):
        return {k: v[-1] for k, v in parse_qs(urlsplit(request.url).query).items()}

    responses.add_callback(responses.GET, f"{API}/products", callback=answer)
    for sku in "ABC":
        responses.get(f"{API}/stockItems/{sku}", json=stock_item())
    target = client()
    # Two SKUs asked, three records answered (MySQL matches SKUs without regard to case
    # and accents), so the answer spans two pages of two.
    remotes = target.resolve(["A", "C"])
    assert asked == [1, 2]
    assert set(remotes) == {"A", "C"}


@responses.activate
def test_configurable_bundle_grouped_and_unmanaged_products_are_skipped_with_a_reason():
    responses.get(f"{API}/products", json=search_answer([
        product("CONF", "configurable", 1), product("BUN", "bundle", 2), product("GRP", "grouped", 3),
        product("OFF", "simple", 4), product("DL", "downloadable", 5), product("gift", "giftcard", 6),
        {**product("LISTED", "simple", 7), "extension_attributes": {"stock_item": stock_item(manage_stock=False)}},
        product("Case-Sku", "simple", 8),
    ]))
    responses.get(f"{API}/stockItems/OFF", json=stock_item(manage_stock=False))
    responses.get(f"{API}/stockItems/DL", json=stock_item())
    responses.get(f"{API}/stockItems/gift", json=stock_item())

    remotes = client().resolve(["CONF", "BUN", "GRP", "OFF", "DL", "gift", "LISTED", "case-sku"])

    reasons = {sku: remote.skip_reason for sku, remote in remotes.items()}
    assert reasons["CONF"].startswith("configurable product")
    assert reasons["BUN"].startswith("bundle product")
    assert reasons["GRP"].startswith("grouped product")
    assert reasons["OFF"] == reasons["LISTED"] == UNMANAGED
    assert reasons["DL"] is None and reasons["gift"] is None
    assert reasons["case-sku"] == "Magento's SKU is 'Case-Sku', which differs in letter case; make them identical"
    # stock items are fetched only for products that might be written and were not listed with one
    fetched = sorted(urlsplit(c.request.url).path.rsplit("/", 1)[1]
                     for c in responses.calls if "/stockItems/" in c.request.url)
    assert fetched == ["DL", "OFF", "gift"]


def test_error_messages_have_their_parameters_put_in():
    assert error_message({"message": 'The Product with the "%1" SKU doesn\'t exist.', "parameters": ["A/B"]}) == \
        'The Product with the "A/B" SKU doesn\'t exist.'
    assert error_message({"message": "The consumer isn't authorized to access %resources.",
                          "parameters": {"resources": "Magento_Catalog::products"}}) == \
        "The consumer isn't authorized to access Magento_Catalog::products."
    assert error_message({"message": "Validation Failed", "errors": [
        {"message": '"%field" can not be empty.', "parameters": {"field": "sku"}}]}) == \
        'Validation Failed; "sku" can not be empty.'
    assert error_message({"message": "%1 of %2 and %3", "parameters": ["a", "b"]}) == "a of b and %3"


@responses.activate
def test_a_refused_write_reports_magentos_message_for_that_sku():
    responses.put(f"{API}/products/GONE/stockItems/1", status=404,
                  json={"message": 'The Product with the "%1" SKU doesn\'t exist.', "parameters": ["GONE"]})
    gone = Remote("GONE", "9", "simple", data={"sku": "GONE"})
    outcomes = client(mode="legacy").write([Change("GONE", gone, D(3))])
    assert not outcomes["GONE"].ok
    assert outcomes["GONE"].error.endswith('failed with HTTP 404: The Product with the "GONE" SKU doesn\'t exist.')


@responses.activate
def test_a_bad_token_is_an_authentication_error_naming_the_setting():
    responses.get(f"{API}/products", status=401, json={
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "Magento_Catalog::products"}})
    with pytest.raises(AuthenticationError) as caught:
        client().resolve(["A"])
    message = str(caught.value)
    assert message.startswith("magento: credentials refused (HTTP 401: The consumer isn't authorized to access "
                              "Magento_Catalog::products.); check the access token in [magento] token")
    assert "secret-token-123" not in message


@responses.activate
def test_an_html_page_instead_of_json_is_a_protocol_error():
    responses.get(f"{API}/products", body="<!DOCTYPE html><html><body>Store</body></html>",
                  content_type="text/html")
    with pytest.raises(ProtocolError, match="answered an HTML page instead of JSON"):
        client().resolve(["A"])
    responses.replace(responses.GET, f"{API}/products", status=404, body="<html>Not Found</html>",
                      content_type="text/html")
    with pytest.raises(ProtocolError, match=r"HTTP 404 .*check that url points at the service's base address"):
        client().resolve(["A"])


# -- against the sandbox ----------------------------------------------------------------------


def settings_for(server, **extra):
    return MagentoSandbox.client_settings(server.url) | extra


def awkward_catalogue(count: int) -> dict:
    """``count`` products, every 9th unmanaged, with awkward SKUs, a comma SKU, a virtual and
    a downloadable product, and a configurable with variations and a bundle."""
    data = catalogue.generate(count, unmanaged_every=9, seed=count)
    products = data["products"]
    if count >= 20:
        products[10]["sku"] = "PACK,10"
        products[11]["magento_type"] = "virtual"
        products[12]["magento_type"] = "downloadable"
        products += [
            {"sku": "SHIRT", "type": "variable"},
            {"sku": "SHIRT-S", "type": "variation", "parent": "SHIRT", "quantity": 4},
            {"sku": "KIT", "type": "bundle"},
        ]
    return data


def desired_levels(data: dict, seed: int) -> list[StockLevel]:
    rng = random.Random(seed)
    levels = [StockLevel(p["sku"], D(rng.randint(0, 99))) for p in data["products"]]
    levels += [StockLevel(f"UNKNOWN-{n}", D(5)) for n in range(3)] + [StockLevel("UNKNOWN,COMMA", D(1))]
    return levels


@pytest.mark.parametrize(("mode", "count"), [
    ("msi", 1), ("msi", 150), pytest.param("msi", 1000, marks=pytest.mark.slow), ("legacy", 1), ("legacy", 150),
])
def test_sync_pushes_exact_levels_and_a_second_sync_writes_nothing(serve, mode, count):
    app = MagentoSandbox()
    data = awkward_catalogue(count)
    app.seed(data)
    server = serve(app)
    target = build_target("magento", settings_for(server, mode=mode))
    ledger = MemoryLedger()
    levels = desired_levels(data, seed=count)
    before = app.stock()

    report = SyncEngine(target, ledger).sync(levels)

    kinds = {p["sku"]: p.get("type", "simple") for p in data["products"]}
    unmanaged = {p["sku"] for p in data["products"] if p.get("manage_stock") is False}
    derived = {sku for sku, kind in kinds.items() if kind in ("variable", "bundle")}
    outcome = {r.sku: r.outcome for r in report.results}
    assert {sku for sku, o in outcome.items() if o == Result.NOT_FOUND} == {
        "UNKNOWN-0", "UNKNOWN-1", "UNKNOWN-2", "UNKNOWN,COMMA"}
    assert {sku for sku, o in outcome.items() if o == Result.SKIPPED} == unmanaged | derived
    pushed = {sku for sku, o in outcome.items() if o == Result.PUSHED}
    assert pushed == set(kinds) - unmanaged - derived
    assert report.failed == 0

    wanted = {level.sku: level.quantity for level in levels}
    stock = app.stock()
    assert {sku: stock[sku] for sku in pushed} == {sku: wanted[sku] for sku in pushed}
    assert {sku: stock[sku] for sku in unmanaged} == {sku: before[sku] for sku in unmanaged}
    remotes = target.resolve(sorted(pushed))
    assert target.read(list(remotes.values())) == {sku: wanted[sku] for sku in pushed}
    if mode == "msi":
        assert app.count("source-items.save") == -(-len(pushed) // 500)
        assert app.count("stockItems.put") == 0
    else:
        assert app.count("stockItems.put") == len(pushed)

    writes = app.writes
    second = SyncEngine(target, ledger).sync(levels)
    assert app.writes == writes
    assert second.requests["writes"] == 0
    assert second.counts[Result.UNCHANGED] == len(pushed)


def test_a_wrong_token_fails_once_with_a_clear_error(serve):
    app = MagentoSandbox()
    app.seed(awkward_catalogue(30))
    server = serve(app)
    target = build_target("magento", settings_for(server, token="not-the-token"))
    with pytest.raises(AuthenticationError) as caught:
        SyncEngine(target, MemoryLedger()).sync(desired_levels(awkward_catalogue(30), seed=1))
    assert str(caught.value).startswith(
        "magento: credentials refused (HTTP 401: The consumer isn't authorized to access "
        "Magento_Catalog::products.); check the access token in [magento] token")
    assert sum(app.counters.values()) == 1


def test_msi_writes_only_the_configured_source_and_legacy_only_the_default_one(serve):
    app = MagentoSandbox(source_code="warehouse")
    app.seed({"products": [{"sku": "A", "quantity": 3}, {"sku": "B", "quantity": 3}]})
    server = serve(app)
    msi = build_target("magento", settings_for(server, source_code="warehouse"))
    SyncEngine(msi, MemoryLedger()).sync([StockLevel("A", D(8))])
    assert app.source_items[("A", "warehouse")]["quantity"] == 8
    assert app.source_items[("A", "default")]["quantity"] == 3

    legacy = build_target("magento", settings_for(server, mode="legacy"))
    SyncEngine(legacy, MemoryLedger()).sync([StockLevel("B", D(9))])
    assert app.source_items[("B", "default")]["quantity"] == 9
    assert app.source_items[("B", "warehouse")]["quantity"] == 3


def test_a_store_with_web_api_input_limits_gets_smaller_batches(serve):
    app = MagentoSandbox(input_limit=20)
    data = catalogue.generate(130, seed=3)
    app.seed(data)
    server = serve(app)
    target = build_target("magento", settings_for(server))
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel(p["sku"], D(77)) for p in data["products"]])
    assert report.counts[Result.PUSHED] == 130
    assert set(app.stock().values()) == {D(77)}
    assert app.count("source-items.save") == 1 + 7  # the refused batch of 130, then 7 of at most 20


def test_a_rejected_batch_fails_its_skus_and_the_next_sync_writes_them(serve):
    app = MagentoSandbox()
    data = catalogue.generate(10, seed=4)
    app.seed(data)
    server = serve(app)
    target = build_target("magento", settings_for(server))
    ledger = MemoryLedger()
    levels = [StockLevel(p["sku"], D(40)) for p in data["products"]]
    app.faults.queue("source-items.save", "partial")

    first = SyncEngine(target, ledger).sync(levels)
    assert first.failed == 10
    assert 'Validation Failed; "quantity" should be numeric.' in first.results[0].error
    assert D(40) not in app.stock().values()

    second = SyncEngine(target, ledger).sync(levels)
    assert second.counts[Result.PUSHED] == 10
    assert set(app.stock().values()) == {D(40)}


def test_verify_reads_the_source_and_repairs_only_drift(serve):
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 1}]})
    server = serve(app)
    target = build_target("magento", settings_for(server))
    ledger = MemoryLedger()
    levels = [StockLevel("A", D(5)), StockLevel("B", D(6))]
    SyncEngine(target, ledger).sync(levels)
    app.source_items[("B", "default")]["quantity"] = D(2)  # someone edits B in the admin

    report = SyncEngine(target, ledger).sync(levels, verify=True)
    assert {r.sku: r.outcome for r in report.results} == {"A": Result.UNCHANGED, "B": Result.PUSHED}
    assert app.stock() == {"A": D(5), "B": D(6)}


def test_check_reports_store_and_source(serve):
    app = MagentoSandbox()
    app.seed(catalogue.load())
    server = serve(app)
    result = build_target("magento", settings_for(server)).check()
    assert result.ok
    assert result.details[0] == f"token accepted; the catalogue holds {len(catalogue.load()['products'])} products"
    assert "source 'default' (Default Source) exists and is enabled" in result.details
    assert app.writes == 0

    missing = build_target("magento", settings_for(server, source_code="nowhere")).check()
    assert not missing.ok
    assert any('Source with code "nowhere" does not exist.' in line for line in missing.details)


def test_check_says_what_the_token_may_not_do(serve):
    app = MagentoSandbox(denied_resources=("Magento_InventoryApi::source", "Magento_Backend::store"))
    app.seed(catalogue.load())
    server = serve(app)
    result = build_target("magento", settings_for(server)).check()
    assert not result.ok
    assert any(line.startswith("cannot find the source: credentials refused") and
               "Magento_InventoryApi::source" in line for line in result.details)
    assert any(line.startswith("store configuration not readable (not needed for syncing)")
               for line in result.details)


def test_check_without_msi_modules_points_to_legacy_mode(serve):
    app = MagentoSandbox(msi=False)
    app.seed(catalogue.load())
    server = serve(app)
    result = build_target("magento", settings_for(server)).check()
    assert not result.ok
    assert any('set [magento] mode = "legacy"' in line for line in result.details)
    assert build_target("magento", settings_for(server, mode="legacy")).check().ok


def test_a_store_code_magento_does_not_know_is_reported_as_such(serve):
    app = MagentoSandbox()
    server = serve(app)
    target = build_target("magento", settings_for(server, store_code="nope"))
    with pytest.raises(TargetError, match=r"does not match any route\. \(check \[magento\] url and store_code\)"):
        target.check()


# -- sandbox quirks, as a client that does things wrong would meet them -------------------------


def test_sandbox_accepts_unknown_skus_and_stores_nothing(serve):
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "A", "quantity": 1}]})
    server = serve(app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"sourceItems": [{"sku": "GHOST", "source_code": "default", "quantity": 5, "status": 1}]}
    answer = requests.post(f"{server.url}/rest/default/V1/inventory/source-items", json=body, headers=headers,
                           timeout=5)
    assert (answer.status_code, answer.json()) == (200, [])
    assert app.stock() == {"A": D(1)}

    body = {"sourceItems": [{"sku": "A", "source_code": "default", "quantity": "many", "status": 1}]}
    answer = requests.post(f"{server.url}/rest/default/V1/inventory/source-items", json=body, headers=headers,
                           timeout=5)
    assert answer.status_code == 400 and answer.json()["message"] == "Validation Failed"


def test_sandbox_needs_slashes_in_skus_encoded_and_answers_the_last_page_past_the_end(serve):
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "A/B", "quantity": 1}, {"sku": "C", "quantity": 2}]})
    server = serve(app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    raw = requests.get(f"{server.url}/rest/default/V1/stockItems/A/B", headers=headers, timeout=5)
    encoded = requests.get(f"{server.url}/rest/default/V1/stockItems/A%2FB", headers=headers, timeout=5)
    assert raw.status_code == 404 and encoded.json()["qty"] == 1

    past_the_end = requests.get(f"{server.url}/rest/V1/products", headers=headers, timeout=5, params={
        "searchCriteria[pageSize]": 1, "searchCriteria[currentPage]": 5})
    assert [p["sku"] for p in past_the_end.json()["items"]] == ["C"]
    assert past_the_end.json()["total_count"] == 2


@responses.activate
def test_a_missing_route_names_the_settings_as_keys_or_as_labels():
    responses.get(f"{API}/products", status=404, json={"message": "Request does not match any route."})
    with pytest.raises(TargetError) as caught:
        client().resolve(["A"])
    labels = {f.key: f.label for f in MagentoTarget.all_fields()}
    assert str(caught.value).endswith("(check [magento] url and store_code)")
    assert caught.value.naming(labels.get).endswith("(check Store URL and Store code)")
    assert "[magento]" not in caught.value.naming(labels.get)


# -- what the ledger knows saves the stock item reads (issue 11.6) ----------------------


def changed_levels(data: dict, changed: set[str], *, bump: int = 1) -> list[StockLevel]:
    return [StockLevel(p["sku"], D(60 + index % 30 + (bump if p["sku"] in changed else 0)))
            for index, p in enumerate(data["products"])]


def test_a_small_change_in_a_large_catalogue_is_one_search_and_one_write(serve):
    app = MagentoSandbox()
    data = catalogue.generate(1000, seed=3)
    app.seed(data)
    target = build_target("magento", settings_for(serve(app)))
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(changed_levels(data, set()))
    assert app.count("stockItems.get") == 1000  # the first sync learns every stock item once
    changed = {p["sku"] for p in data["products"][::100]}  # 10 of 1,000

    app.reset_counters()
    report = SyncEngine(target, ledger).sync(changed_levels(data, changed))

    assert report.counts[Result.PUSHED] == 10 and report.failed == 0
    assert dict(app.counters) == {"GET products.list": 1, "POST source-items.save": 1}
    assert {sku: app.stock()[sku] for sku in changed} == {
        lv.sku: lv.quantity for lv in changed_levels(data, changed) if lv.sku in changed}


def test_manage_stock_switched_off_shows_at_the_next_target_check_and_is_then_remembered(serve):
    app = MagentoSandbox()
    data = catalogue.generate(20, seed=4)
    app.seed(data)
    target = build_target("magento", settings_for(serve(app)))
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(changed_levels(data, set()))
    sku = data["products"][5]["sku"]
    app.stock_items[sku]["manage_stock"] = False  # switched off in the admin after the first sync

    check = SyncEngine(target, ledger).sync(changed_levels(data, {sku}), verify=True)
    assert {r.sku: (r.outcome, r.error) for r in check.results}[sku] == (Result.SKIPPED, UNMANAGED)

    app.reset_counters()
    later = SyncEngine(target, ledger).sync(changed_levels(data, {sku}, bump=2))
    assert {r.sku: r.outcome for r in later.results}[sku] == Result.SKIPPED
    assert app.count("stockItems.get") == 0  # the flag was kept with the product id


def test_a_product_deleted_and_created_again_is_found_again(serve):
    app = MagentoSandbox()
    data = catalogue.generate(20, seed=5)
    app.seed(data)
    target = build_target("magento", settings_for(serve(app)))
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(changed_levels(data, set()))
    sku = data["products"][7]["sku"]
    app.products[sku]["id"] = 9999  # the same SKU under a new product: its stock item is not the one kept
    app.stock_items[sku]["item_id"] = 9999

    app.reset_counters()
    report = SyncEngine(target, ledger).sync(changed_levels(data, {sku}))

    assert [(r.sku, r.outcome) for r in report.results if r.outcome != Result.UNCHANGED] == [(sku, Result.PUSHED)]
    assert app.count("stockItems.get") == 1
    assert ledger.get_many("magento", [sku])[sku].remote_id == "9999"
    assert app.stock()[sku] == changed_levels(data, {sku})[7].quantity
