"""The WooCommerce client, against recorded answers (responses) and against the sandbox."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import ssl
import time
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests
import responses
import trustme
from requests_oauthlib import OAuth1
from responses import matchers

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import (
    AuthenticationError,
    ConfigError,
    ProtocolError,
    TargetError,
    TargetUnavailable,
)
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change, Remote
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.woocommerce import CONSUMER_KEY, CONSUMER_SECRET, WooCommerceSandbox
from inventree_commerce_sync.targets import build_target
from inventree_commerce_sync.targets.woocommerce import WooCommerceTarget

HTTPS = "https://shop.example.com"
HTTP = "http://127.0.0.1:8080"
KEY = "ck_test_1a2b3c4d5e6f"
SECRET = "cs_test_6f5e4d3c2b1a"


def client(url: str = HTTPS, **settings) -> WooCommerceTarget:
    return WooCommerceTarget({"url": url, "consumer_key": KEY, "consumer_secret": SECRET, **settings})


def product(id_: int, sku: str, type_: str = "simple", *, parent_id: int = 0, manage_stock=True,
            stock_quantity: int | None = 5) -> dict:
    return {"id": id_, "sku": sku, "type": type_, "parent_id": parent_id, "manage_stock": manage_stock,
            "stock_quantity": stock_quantity, "stock_status": "instock"}


def remote(sku: str, id_: int, kind: str = "simple", parent_id: int = 0) -> Remote:
    return Remote(sku, str(id_), kind, None, {"parent_id": parent_id})


def query(request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))


def echo_batch(request):
    """What WooCommerce answers to a batch that succeeds: each product as now stored."""
    items = json.loads(request.body)["update"]
    return 200, {}, json.dumps({"update": [product(i["id"], f"id-{i['id']}", stock_quantity=i["stock_quantity"])
                                           for i in items]})


# -- authentication -------------------------------------------------------------------


@responses.activate
def test_over_https_the_key_and_secret_travel_as_basic_credentials():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[product(1, "A")])
    client().resolve(["A"])
    request = responses.calls[0].request
    expected = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert not any(name.startswith("oauth_") for name in query(request))


def oauth_base_string_signature(method: str, url: str, params: dict[str, str], secret: str, digest) -> str:
    """The signature as WooCommerce's docs describe it (RFC 5849, consumer secret plus '&')."""
    encode = lambda text: quote(text, safe="~")  # noqa: E731
    pairs = sorted((encode(k), encode(v)) for k, v in params.items() if k != "oauth_signature")
    base = "&".join([method, encode(url), encode("&".join(f"{k}={v}" for k, v in pairs))])
    return base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()).decode()


@responses.activate
def test_over_http_requests_are_signed_in_the_query_with_oauth_hmac_sha256():
    responses.get(f"{HTTP}/wp-json/wc/v3/products", json=[product(1, "BOLT/M3 10")])
    client(HTTP).resolve(["BOLT/M3 10", "CAFÉ"])
    request = responses.calls[0].request
    params = query(request)
    assert "Authorization" not in request.headers
    assert params["oauth_consumer_key"] == KEY
    assert params["oauth_signature_method"] == "HMAC-SHA256"
    assert params["sku"] == "BOLT/M3 10,CAFÉ"
    assert len(params["oauth_nonce"]) >= 16 and abs(int(params["oauth_timestamp"]) - time.time()) < 60
    url = f"{HTTP}/wp-json/wc/v3/products"
    assert params["oauth_signature"] == oauth_base_string_signature("GET", url, params, SECRET, hashlib.sha256)


@responses.activate
def test_each_signed_request_has_its_own_nonce():
    responses.get(f"{HTTP}/wp-json/wc/v3/products", json=[])
    target = client(HTTP)
    target.resolve(["A"])
    target.resolve(["A"])
    assert query(responses.calls[0].request)["oauth_nonce"] != query(responses.calls[1].request)["oauth_nonce"]


@pytest.mark.parametrize(("url", "message"), [
    ("https://shop.example.com/wp-json/wc/v3", "without /wp-json"),
    ("http://shop.example.com", "plain http"),
])
def test_url_mistakes_are_config_errors(url, message):
    with pytest.raises(ConfigError, match=message):
        client(url)


def test_insecure_http_can_be_allowed_explicitly():
    assert client("http://shop.example.com", allow_insecure_http=True).oauth


def test_consumer_key_and_secret_are_required():
    with pytest.raises(ConfigError, match=r"\[woocommerce\] consumer_secret is missing"):
        build_target("woocommerce", {"url": HTTPS, "consumer_key": KEY})


# -- resolve --------------------------------------------------------------------------


@responses.activate
def test_resolve_finds_products_and_variations_and_skips_what_holds_no_stock():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[
        product(1, "SIMPLE"),
        product(2, "UNMANAGED", manage_stock=False, stock_quantity=None),
        product(3, "SHIRT", "variable", manage_stock=False, stock_quantity=None),
        product(4, "SHIRT-S", "variation", parent_id=3),
        product(5, "SET", "grouped", manage_stock=False, stock_quantity=None),
        product(6, "AFFILIATE", "external", manage_stock=False, stock_quantity=None),
        product(7, "CASE-SKU"),
        product(8, "A,B"),  # WooCommerce also matches the whole value as one SKU
    ])
    remotes = client().resolve(["SIMPLE", "UNMANAGED", "SHIRT", "SHIRT-S", "SET", "AFFILIATE", "case-sku", "MISSING"])

    assert remotes["SIMPLE"].remote_id == "1" and remotes["SIMPLE"].skip_reason is None
    assert remotes["UNMANAGED"].skip_reason is None  # written with manage_stock: true
    assert remotes["SHIRT-S"].kind == "variation" and remotes["SHIRT-S"].data["parent_id"] == 3
    assert "variable product" in remotes["SHIRT"].skip_reason
    assert "grouped product" in remotes["SET"].skip_reason
    assert "external" in remotes["AFFILIATE"].skip_reason
    assert "'CASE-SKU'" in remotes["case-sku"].skip_reason and "letter case" in remotes["case-sku"].skip_reason
    assert "MISSING" not in remotes and "A,B" not in remotes


@responses.activate
def test_resolve_looks_up_a_sku_with_a_comma_on_its_own():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[])
    client().resolve(["A", "B,C", "D"])
    assert sorted(query(call.request)["sku"] for call in responses.calls) == ["A,D", "B,C"]


@responses.activate
def test_resolve_keeps_each_url_short():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[])
    skus = [f"SKÜ-{'x' * 90}-{n}" for n in range(100)]
    client().resolve(skus)
    assert len(responses.calls) > 1
    assert all(len(call.request.url) < 8000 for call in responses.calls)
    assert sorted(s for call in responses.calls for s in query(call.request)["sku"].split(",")) == sorted(skus)


@responses.activate
def test_resolve_reads_every_page():
    url = f"{HTTPS}/wp-json/wc/v3/products"
    responses.get(url, json=[product(1, "A")], headers={"X-WP-TotalPages": "2"},
                  match=[matchers.query_param_matcher({"page": "1"}, strict_match=False)])
    responses.get(url, json=[product(2, "B")], headers={"X-WP-TotalPages": "2"},
                  match=[matchers.query_param_matcher({"page": "2"}, strict_match=False)])
    remotes = client().resolve(["A", "B"])
    assert set(remotes) == {"A", "B"}
    assert query(responses.calls[0].request)["per_page"] == "100"


# -- write ----------------------------------------------------------------------------


@responses.activate
def test_write_groups_products_and_variations_by_their_batch_endpoint():
    for path in ("products/batch", "products/30/variations/batch", "products/40/variations/batch"):
        responses.add_callback(responses.POST, f"{HTTPS}/wp-json/wc/v3/{path}", callback=echo_batch)
    changes = [
        Change("S1", remote("S1", 1), Decimal(3)),
        Change("V1", remote("V1", 31, "variation", 30), Decimal(4)),
        Change("S2", remote("S2", 2), Decimal(0)),
        Change("V2", remote("V2", 41, "variation", 40), Decimal(5)),
        Change("V3", remote("V3", 32, "variation", 30), Decimal(6)),
    ]
    outcomes = client().write(changes)

    assert all(o.ok for o in outcomes.values()) and set(outcomes) == {"S1", "S2", "V1", "V2", "V3"}
    bodies = {urlsplit(c.request.url).path: json.loads(c.request.body) for c in responses.calls}
    assert bodies["/wp-json/wc/v3/products/batch"] == {"update": [
        {"id": 1, "manage_stock": True, "stock_quantity": 3},
        {"id": 2, "manage_stock": True, "stock_quantity": 0},
    ]}
    assert bodies["/wp-json/wc/v3/products/30/variations/batch"]["update"] == [
        {"id": 31, "manage_stock": True, "stock_quantity": 4},
        {"id": 32, "manage_stock": True, "stock_quantity": 6},
    ]
    assert len(bodies["/wp-json/wc/v3/products/40/variations/batch"]["update"]) == 1


@responses.activate
def test_write_sends_at_most_100_items_per_request():
    responses.add_callback(responses.POST, f"{HTTPS}/wp-json/wc/v3/products/batch", callback=echo_batch)
    changes = [Change(f"S{n}", remote(f"S{n}", n + 1), Decimal(n)) for n in range(250)]
    outcomes = client().write(changes)
    assert [len(json.loads(c.request.body)["update"]) for c in responses.calls] == [100, 100, 50]
    assert len(outcomes) == 250 and all(o.ok for o in outcomes.values())


@responses.activate
def test_errors_inside_a_200_fail_only_their_skus():
    responses.post(f"{HTTPS}/wp-json/wc/v3/products/batch", json={"update": [
        product(1, "OK", stock_quantity=3),
        {"id": 2, "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.",
                            "data": {"status": 400}}},
    ]})
    outcomes = client().write([Change("OK", remote("OK", 1), Decimal(3)), Change("GONE", remote("GONE", 2), Decimal(1)),
                               Change("LOST", remote("LOST", 3), Decimal(1))])
    assert outcomes["OK"].ok
    assert not outcomes["GONE"].ok and outcomes["GONE"].error == "Invalid ID. (woocommerce_rest_product_invalid_id)"
    assert not outcomes["LOST"].ok and "no result" in outcomes["LOST"].error


@responses.activate
def test_a_quantity_woocommerce_did_not_keep_is_a_failure():
    # Stock management switched off store-wide: WooCommerce answers 200 and keeps nothing.
    responses.post(f"{HTTPS}/wp-json/wc/v3/products/batch",
                   json={"update": [product(1, "A", manage_stock=False, stock_quantity=None)]})
    outcome = client().write([Change("A", remote("A", 1), Decimal(3))])["A"]
    assert not outcome.ok and "Enable stock management" in outcome.error


@responses.activate
def test_a_batch_refused_as_too_large_is_sent_in_halves():
    calls = []

    def limited(request):
        items = json.loads(request.body)["update"]
        calls.append(len(items))
        if len(items) > 30:
            return 413, {}, json.dumps({"code": "woocommerce_rest_request_entity_too_large",
                                        "message": "Unable to accept more than 30 items for this request.",
                                        "data": {"status": 413}})
        return echo_batch(request)

    responses.add_callback(responses.POST, f"{HTTPS}/wp-json/wc/v3/products/batch", callback=limited)
    outcomes = client().write([Change(f"S{n}", remote(f"S{n}", n + 1), Decimal(1)) for n in range(100)])
    assert len(outcomes) == 100 and all(o.ok for o in outcomes.values())
    assert calls[:3] == [100, 50, 25]


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "message"), [
    ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    ("woocommerce_rest_authentication_error", "Consumer key is invalid."),
])
@responses.activate
def test_refused_credentials_name_the_settings_to_fix(code, message):
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", status=401,
                  json={"code": code, "message": message, "data": {"status": 401}})
    with pytest.raises(AuthenticationError) as caught:
        client().resolve(["A"])
    text = str(caught.value)
    assert text.startswith("woocommerce: credentials refused (HTTP 401: ")
    assert message in text and "[woocommerce] consumer_key / consumer_secret" in text
    assert SECRET not in text and KEY not in text


@responses.activate
def test_a_read_only_key_is_told_to_get_write_permission():
    responses.post(f"{HTTPS}/wp-json/wc/v3/products/batch", status=401, json={
        "code": "woocommerce_rest_authentication_error",
        "message": "The API key provided does not have write permissions.", "data": {"status": 401}})
    with pytest.raises(AuthenticationError, match=r"\[woocommerce\] consumer_key may only read: give it Read/Write"):
        client().write([Change("A", remote("A", 1), Decimal(1))])


@pytest.mark.parametrize("body", [
    "<!DOCTYPE html><html><body>Maintenance</body></html>",
    '{"broken": ',
])
@responses.activate
def test_an_answer_that_is_not_json_is_a_protocol_error(body):
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", body=body, content_type="text/html")
    with pytest.raises(ProtocolError, match="woocommerce: answered (an HTML page|invalid JSON) instead of JSON"):
        client().resolve(["A"])


@responses.activate
def test_a_missing_route_points_at_the_url_setting():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", status=404, json={
        "code": "rest_no_route", "message": "No route was found matching the URL and request method",
        "data": {"status": 404}})
    with pytest.raises(TargetError, match=r"check \[woocommerce\] url"):
        client().resolve(["A"])


@responses.activate
def test_read_lists_products_by_id_and_variations_under_their_parent():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[
        product(1, "A", stock_quantity=7), product(2, "B", manage_stock=False, stock_quantity=None)])
    responses.get(f"{HTTPS}/wp-json/wc/v3/products/30/variations", json=[
        product(31, "V", stock_quantity=2), product(32, "W", manage_stock="parent", stock_quantity=9)])
    quantities = client().read([remote("A", 1), remote("B", 2), remote("V", 31, "variation", 30),
                                remote("W", 32, "variation", 30)])
    assert quantities == {"A": Decimal(7), "V": Decimal(2)}  # unmanaged and parent-managed: unknown
    assert query(responses.calls[0].request)["include"] == "1,2"
    assert query(responses.calls[1].request)["include"] == "31,32"


@responses.activate
def test_a_lost_connection_does_not_leak_the_signed_url():
    target = client(HTTP)
    target.session.settings = dataclasses.replace(target.session.settings, backoff=0.0)  # retry without waiting
    url = f"{HTTP}/wp-json/wc/v3/products"
    lost = requests.exceptions.ConnectionError(f"Connection aborted: {url}?oauth_consumer_key={KEY}&oauth_signature=x")
    responses.get(url, body=lost)
    with pytest.raises(TargetUnavailable) as caught:
        target.resolve(["A"])
    assert KEY not in str(caught.value) and "oauth_signature=x" not in str(caught.value)


# -- against the sandbox --------------------------------------------------------------


def store_catalogue(count: int) -> dict:
    """Simple products (some unmanaged, some with awkward SKUs), a variable product with
    variations, grouped and external products and a SKU with a comma."""
    products = catalogue.generate(count, unmanaged_every=7)["products"]
    products += [
        {"sku": "SHIRT", "type": "variable", "quantity": 0},
        {"sku": "SHIRT-S", "type": "variation", "parent": "SHIRT", "quantity": 1},
        {"sku": "SHIRT-M", "type": "variation", "parent": "SHIRT", "quantity": 2, "manage_stock": False},
        {"sku": "SET", "type": "grouped", "quantity": 0},
        {"sku": "AFFILIATE", "type": "external", "quantity": 0},
        {"sku": "RED,LARGE", "quantity": 4},
    ]
    return {"products": products}


def levels_for(products: list[dict], quantity=lambda n: Decimal(100 + n)) -> list[StockLevel]:
    levels = [StockLevel(p["sku"], quantity(n)) for n, p in enumerate(products)]
    return levels + [StockLevel(f"UNKNOWN-{n}", Decimal(1)) for n in range(3)]


@pytest.fixture
def sandbox(serve):
    def start(catalogue_: dict, **kwargs):
        app = WooCommerceSandbox()
        app.seed(catalogue_)
        server = serve(app, **kwargs)
        return app, server
    return start


@pytest.mark.parametrize("count", [1, 150, 1000])
def test_push_levels_to_the_sandbox_and_read_them_back(sandbox, count):
    store = store_catalogue(count)
    app, server = sandbox(store)
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    ledger = MemoryLedger()
    levels = levels_for(store["products"])

    report = SyncEngine(target, ledger).sync(levels)

    writable = {p["sku"] for p in store["products"]} - {"SHIRT", "SET", "AFFILIATE"}
    expected = {lv.sku: lv.quantity for lv in levels if lv.sku in writable}
    assert report.counts[Result.PUSHED] == len(expected)
    assert report.counts[Result.SKIPPED] == 3 and report.counts[Result.NOT_FOUND] == 3
    assert report.failed == 0
    # one lookup and one batch per 100 SKUs, not one request per SKU
    assert app.count("products.list") <= len(levels) // 100 + 3
    assert app.count("products.batch") <= len(expected) // 100 + 2
    assert app.stock() == expected  # unmanaged products are now managed, with the pushed level
    some = ["SHIRT-M", "RED,LARGE", store["products"][0]["sku"]]
    assert target.read(list(target.resolve(some).values())) == {sku: expected[sku] for sku in some}

    app.reset_counters()
    again = SyncEngine(target, ledger).sync(levels)
    assert app.writes == 0 and again.counts[Result.PUSHED] == 0
    assert again.counts[Result.UNCHANGED] == len(expected)


def test_verify_rewrites_only_what_changed_in_the_store(sandbox):
    store = store_catalogue(20)
    app, server = sandbox(store)
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    ledger = MemoryLedger()
    levels = levels_for(store["products"])
    SyncEngine(target, ledger).sync(levels)
    drifted = next(r for r in app.products.values() if r["sku"] == "SKU-000010")
    drifted["stock_quantity"] = 999  # an order, or someone editing the product

    app.reset_counters()
    report = SyncEngine(target, ledger).sync(levels, verify=True)
    assert report.counts[Result.PUSHED] == 1
    assert app.stock()["SKU-000010"] == Decimal(110)


@pytest.mark.parametrize(("settings", "woo_message"), [
    ({"consumer_key": "ck_wrong_key_0000"}, "Consumer key is invalid."),
    ({"consumer_secret": "cs_wrong_secret_0000"}, "Invalid signature - provided signature does not match."),
])
def test_a_wrong_key_gives_one_clear_error(sandbox, settings, woo_message):
    app, server = sandbox(store_catalogue(5))
    target = build_target("woocommerce", {**WooCommerceSandbox.client_settings(server.url), **settings})
    with pytest.raises(AuthenticationError) as caught:
        SyncEngine(target, MemoryLedger()).sync(levels_for(store_catalogue(5)["products"]))
    text = str(caught.value)
    assert text.startswith("woocommerce: credentials refused (HTTP 401: ")
    assert woo_message in text and "[woocommerce] consumer_key / consumer_secret" in text
    assert app.count("products.list") == 1 and app.writes == 0


def test_a_read_only_key_reads_but_cannot_push(sandbox):
    app, server = sandbox(store_catalogue(12))
    app.add_key("ck_read_only_1234", "cs_read_only_1234", "read")
    target = build_target("woocommerce", {"url": server.url, "consumer_key": "ck_read_only_1234",
                                          "consumer_secret": "cs_read_only_1234"})
    assert target.check().ok
    with pytest.raises(AuthenticationError, match="does not have write permissions.*Read/Write"):
        SyncEngine(target, MemoryLedger()).sync([StockLevel("SKU-000009", Decimal(3))])


def test_items_failing_inside_a_batch_fail_alone_and_the_next_sync_retries_them(sandbox):
    store = store_catalogue(10)
    app, server = sandbox(store)
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    ledger = MemoryLedger()
    levels = levels_for(store["products"])
    app.faults.queue("products.batch", "partial")

    first = SyncEngine(target, ledger).sync(levels)
    failed = {r.sku for r in first.results if r.outcome == Result.FAILED}
    assert failed and first.counts[Result.PUSHED] > 0
    assert all("Invalid ID. (woocommerce_rest_product_invalid_id)" == r.error
               for r in first.results if r.outcome == Result.FAILED)

    second = SyncEngine(target, ledger).sync(levels)
    assert {r.sku for r in second.results if r.outcome == Result.PUSHED} == failed
    assert second.failed == 0


def test_signed_requests_are_retried_with_a_fresh_signature(sandbox):
    store = store_catalogue(10)
    app, server = sandbox(store)
    app.faults.queue("products.list", "error")
    app.faults.queue("products.batch", "reset")
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    report = SyncEngine(target, MemoryLedger()).sync(levels_for(store["products"]))
    assert report.failed == 0 and report.counts[Result.PUSHED] > 0
    assert report.requests["retries"] == 2


def test_check_reads_what_it_can_and_warns_when_stock_management_is_off(sandbox):
    app, server = sandbox(store_catalogue(12))
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    result = target.check()
    assert result.ok and "the store holds" in result.details[0]
    assert app.writes == 0

    app.manage_stock_enabled = False
    result = target.check()
    assert not result.ok and any("Enable stock management" in d for d in result.details)
    outcome = target.write([Change("SKU-000009", target.resolve(["SKU-000009"])["SKU-000009"], Decimal(3))])
    assert not outcome["SKU-000009"].ok and "Enable stock management" in outcome["SKU-000009"].error


# -- HTTPS (trustme) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A server TLS context for 127.0.0.1 and the path of the CA bundle that signs it."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    bundle = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, str(bundle)


def test_push_over_https_with_basic_auth(sandbox, tls):
    context, bundle = tls
    store = store_catalogue(30)
    app, server = sandbox(store, ssl_context=context)
    assert server.url.startswith("https://")
    target = build_target("woocommerce", {**WooCommerceSandbox.client_settings(server.url), "verify": bundle})
    assert not target.oauth
    report = SyncEngine(target, MemoryLedger()).sync(levels_for(store["products"]))
    assert report.failed == 0 and app.stock()["SKU-000020"] == Decimal(120)
    assert all("oauth_signature" not in r.query and r.headers["authorization"].startswith("Basic ")
               for r in app.requests)


def test_an_untrusted_certificate_is_refused(sandbox, tls):
    context, _ = tls
    _, server = sandbox(store_catalogue(1), ssl_context=context)
    target = build_target("woocommerce", WooCommerceSandbox.client_settings(server.url))
    with pytest.raises(TargetUnavailable, match="TLS verification failed"):
        target.resolve(["SKU-000000"])


def test_sandbox_accepts_basic_only_over_https_and_oauth_only_over_http(sandbox, tls):
    context, bundle = tls
    _, plain = sandbox(store_catalogue(1))
    _, secure = sandbox(store_catalogue(1), ssl_context=context)
    basic = (CONSUMER_KEY, CONSUMER_SECRET)
    oauth = OAuth1(CONSUMER_KEY, client_secret=CONSUMER_SECRET, signature_method="HMAC-SHA256",
                   signature_type="query")

    assert requests.get(f"{secure.url}/wp-json/wc/v3/products", auth=basic, verify=bundle, timeout=5).ok
    assert requests.get(f"{plain.url}/wp-json/wc/v3/products", auth=oauth, timeout=5).ok
    for answer in (requests.get(f"{plain.url}/wp-json/wc/v3/products", auth=basic, timeout=5),
                   requests.get(f"{secure.url}/wp-json/wc/v3/products", auth=oauth, verify=bundle, timeout=5)):
        assert answer.status_code == 401
        assert answer.json() == {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",
                                 "data": {"status": 401}}


# -- the sandbox's own rules ----------------------------------------------------------


def signed(url: str, method: str = "HMAC-SHA256", **kwargs) -> requests.PreparedRequest:
    auth = OAuth1(CONSUMER_KEY, client_secret=CONSUMER_SECRET, signature_method=method, signature_type="query",
                  **kwargs)
    return requests.Request("GET", url, auth=auth).prepare()


def test_sandbox_verifies_oauth_signatures_timestamps_and_nonces(sandbox):
    _, server = sandbox(store_catalogue(1))
    url = f"{server.url}/wp-json/wc/v3/products?sku=SKU-000000"
    with requests.Session() as session:
        assert session.send(signed(url, "HMAC-SHA1"), timeout=5).status_code == 200
        once = signed(url)
        assert session.send(once, timeout=5).status_code == 200
        replay = session.send(once, timeout=5)
        assert replay.status_code == 401 and replay.json()["message"] == "Invalid nonce - nonce has already been used."

        tampered = signed(url)
        tampered.url = tampered.url.replace("sku=SKU-000000", "sku=SKU-000001")
        answer = session.send(tampered, timeout=5)
        assert answer.json() == {"code": "woocommerce_rest_authentication_error",
                                 "message": "Invalid signature - provided signature does not match.",
                                 "data": {"status": 401}}

        stale = session.send(signed(url, timestamp=str(int(time.time()) - 3600)), timeout=5)
        assert stale.json()["message"] == "Invalid timestamp."


def test_sandbox_drops_a_quantity_unless_stock_is_managed(sandbox):
    store = {"products": [{"sku": "A", "quantity": 3, "manage_stock": False}]}
    app, server = sandbox(store)
    auth = OAuth1(CONSUMER_KEY, client_secret=CONSUMER_SECRET, signature_type="query")
    url = f"{server.url}/wp-json/wc/v3/products/10"

    dropped = requests.put(url, json={"stock_quantity": 8}, auth=auth, timeout=5).json()
    assert dropped["manage_stock"] is False and dropped["stock_quantity"] is None

    kept = requests.put(url, json={"manage_stock": True, "stock_quantity": 8}, auth=auth, timeout=5).json()
    assert kept["manage_stock"] is True and kept["stock_quantity"] == 8 and kept["stock_status"] == "instock"
    assert app.stock() == {"A": Decimal(8)}


def test_sandbox_limits_batches_and_pages(sandbox):
    _, server = sandbox(store_catalogue(1))
    auth = OAuth1(CONSUMER_KEY, client_secret=CONSUMER_SECRET, signature_type="query")
    base = f"{server.url}/wp-json/wc/v3"

    too_many = requests.post(f"{base}/products/batch", auth=auth, timeout=5,
                             json={"update": [{"id": 10, "stock_quantity": 1}] * 101})
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"

    page = requests.get(f"{base}/products", params={"per_page": 101}, auth=auth, timeout=5)
    assert page.status_code == 400 and page.json()["code"] == "rest_invalid_param"

    unknown = requests.post(f"{base}/products/batch", auth=auth, timeout=5,
                            json={"update": [{"id": 999999, "stock_quantity": 1}]})
    assert unknown.status_code == 200
    assert unknown.json()["update"][0]["error"]["code"] == "woocommerce_rest_product_invalid_id"


def test_sandbox_sku_filter_matches_like_mysql_and_includes_variations(sandbox):
    app, server = sandbox(store_catalogue(1))
    auth = OAuth1(CONSUMER_KEY, client_secret=CONSUMER_SECRET, signature_type="query")
    found = requests.get(f"{server.url}/wp-json/wc/v3/products", auth=auth, timeout=5,
                         params={"sku": "shirt-s,Red,large"}).json()
    by_sku = {item["sku"]: item for item in found}
    assert set(by_sku) == {"SHIRT-S"}  # "Red" and "large" alone match nothing
    assert by_sku["SHIRT-S"]["type"] == "variation" and by_sku["SHIRT-S"]["parent_id"] > 0
    whole = requests.get(f"{server.url}/wp-json/wc/v3/products", auth=auth, timeout=5,
                         params={"sku": "RED,LARGE"}).json()
    assert [item["sku"] for item in whole] == ["RED,LARGE"]


@responses.activate
def test_a_sku_two_products_have_is_skipped_naming_both_and_written_to_neither():
    responses.get(f"{HTTPS}/wp-json/wc/v3/products", json=[product(1, "TWICE"), product(2, "TWICE"), product(3, "ONCE")])
    remotes = client().resolve(["TWICE", "ONCE"])
    reason = remotes["TWICE"].skip_reason
    assert reason and "2 WooCommerce products and variations have this SKU (ids 1, 2)" in reason
    assert remotes["ONCE"].skip_reason is None and remotes["ONCE"].remote_id == "3"
