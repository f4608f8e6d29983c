"""Zoho Inventory: the client against recorded answers (``responses``), then client and
sandbox together through the sync engine."""

from __future__ import annotations

import dataclasses
import email.utils
import json
import re
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError, ConfigError, ProtocolError, TargetUnavailable
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change, Remote
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.zoho import PRIMARY_LOCATION, SECOND_LOCATION, ZohoSandbox
from inventree_commerce_sync.targets import build_target, zoho, zoho_auth
from inventree_commerce_sync.targets.zoho import SlidingWindowLimiter, ZohoTarget

API = "https://www.zohoapis.com/inventory/v1"
TOKEN_URL = "https://accounts.zoho.com/oauth/v2/token"
SETTINGS = {
    "client_id": "1000.TESTCLIENT",
    "client_secret": "test-client-secret-0001",
    "refresh_token": "1000.test-refresh-token-0001",
    "organization_id": "777",
}
NOT_AUTHORIZED = {"code": 57, "message": "You are not authorized to perform this operation"}
REFERENCE = re.compile(r"^ICS-[0-9a-f]{20}$")


@pytest.fixture(autouse=True)
def no_cached_tokens():
    ZohoTarget.forget_tokens()
    yield
    ZohoTarget.forget_tokens()


class FakeTime:
    """Stands in for the ``time`` module inside the client: sleeping advances the clock."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(zoho, "time", fake)
    monkeypatch.setattr(zoho_auth, "time", fake)
    return fake


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def make(**settings) -> ZohoTarget:
    # A generous limiter: these tests are about other things, and the limiter is shared per organisation.
    return ZohoTarget({**SETTINGS, **settings}, rate_limit=100_000)


def grant(rsps, *tokens: str, expires_in: int = 3600) -> None:
    for token in tokens:
        rsps.post(TOKEN_URL, json={"access_token": token, "api_domain": "https://www.zohoapis.com",
                                   "token_type": "Bearer", "expires_in": expires_in})


def item(item_id: str, sku: str, stock: float = 0, **extra) -> dict:
    return {"item_id": item_id, "sku": sku, "name": f"Item {sku}", "status": "active", "item_type": "inventory",
            "product_type": "goods", "stock_on_hand": stock, **extra}


def details(rsps, *items: dict) -> None:
    rsps.get(f"{API}/itemdetails", json={"code": 0, "message": "success", "items": list(items)})


def change(sku: str, item_id: str, quantity) -> Change:
    return Change(sku, Remote(sku, item_id, "inventory"), Decimal(str(quantity)))


def api_calls(rsps, method: str | None = None, path: str | None = None) -> list:
    return [c for c in rsps.calls if c.request.url.startswith(API)
            and (method is None or c.request.method == method)
            and (path is None or urlsplit(c.request.url).path == f"/inventory/v1/{path}")]


def token_calls(rsps) -> list:
    return [c for c in rsps.calls if c.request.url.startswith(TOKEN_URL)]


def query(call) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def posted(call) -> dict:
    return json.loads(call.request.body)


ADDED = {"code": 0, "message": "Inventory Adjustment has been added",
         "inventory_adjustment": {"inventory_adjustment_id": "1"}}


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data_center", "accounts", "api"), [
    ("com", "https://accounts.zoho.com", "https://www.zohoapis.com/inventory/v1"),
    ("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu/inventory/v1"),
    ("in", "https://accounts.zoho.in", "https://www.zohoapis.in/inventory/v1"),
    ("com.au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au/inventory/v1"),
    ("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp/inventory/v1"),
    ("com.cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/inventory/v1"),
    ("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa/inventory/v1"),
    ("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca/inventory/v1"),
])
def test_data_center_chooses_accounts_server_and_api(data_center, accounts, api):
    target = make(data_center=data_center)
    assert (target.accounts_url, target.api_url) == (accounts, api)


def test_explicit_urls_override_the_data_center():
    target = make(data_center="eu", accounts_url="https://accounts.example.test/",
                  api_url="https://api.example.test/inventory/v1/")
    assert (target.accounts_url, target.api_url) == ("https://accounts.example.test",
                                                     "https://api.example.test/inventory/v1")


@pytest.mark.parametrize(("settings", "message"), [
    ({"data_center": "us"}, "[zoho] data_center must be one of com, eu, in, com.au, jp, com.cn, sa, ca"),
    ({"api_url": "https://www.zohoapis.eu"},
     "[zoho] api_url must end with /inventory/v1 (got 'https://www.zohoapis.eu'; "
     "try 'https://www.zohoapis.eu/inventory/v1')"),
    ({"accounts_url": "https://accounts.zoho.eu/oauth/v2/token"}, "[zoho] accounts_url must be the base address "
                                                                  "without /oauth"),
    ({"api_url": "http://zoho.example.test/inventory/v1"}, "[zoho] api_url uses plain http"),
    ({"organization_id": ""}, "[zoho] organization_id is missing"),
])
def test_bad_settings_are_refused_naming_the_key(settings, message):
    with pytest.raises(ConfigError) as error:
        make(**settings)
    assert message in str(error.value)


# -- tokens ---------------------------------------------------------------------------------


def test_token_is_granted_once_and_sent_as_zoho_oauthtoken_with_organization_id(rsps):
    grant(rsps, "tok-1")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": []})
    target = make()
    target.resolve(["A"])
    target.resolve(["B"])

    [token_call] = token_calls(rsps)
    form = parse_qs(token_call.request.body)
    assert form == {"grant_type": ["refresh_token"], "client_id": [SETTINGS["client_id"]],
                    "client_secret": [SETTINGS["client_secret"]], "refresh_token": [SETTINGS["refresh_token"]]}
    assert urlsplit(token_call.request.url).query == ""  # secrets travel in the body, not the URL
    calls = api_calls(rsps)
    assert [query(c)["sku"] for c in calls] == ["A", "B"]
    assert all(c.request.headers["Authorization"] == "Zoho-oauthtoken tok-1" for c in calls)
    assert all(query(c)["organization_id"] == "777" for c in calls)
    assert target.session.counter.auth == 1


def test_token_is_renewed_shortly_before_it_expires(rsps, clock):
    grant(rsps, "tok-1", "tok-2")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": []})
    target = make()
    target.resolve(["A"])
    clock.now += 3600 - 150  # still valid for 150 s: kept
    target.resolve(["B"])
    clock.now += 60  # 90 s left: renewed rather than risk it expiring in flight
    target.resolve(["C"])
    assert [c.request.headers["Authorization"] for c in api_calls(rsps)] == [
        "Zoho-oauthtoken tok-1", "Zoho-oauthtoken tok-1", "Zoho-oauthtoken tok-2"]


def test_a_new_client_with_the_same_credentials_reuses_the_token(rsps):
    grant(rsps, "tok-1")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": []})
    make().resolve(["A"])
    make().resolve(["B"])
    assert len(token_calls(rsps)) == 1


def test_401_code_57_gets_one_new_token_and_one_retry(rsps):
    grant(rsps, "tok-1", "tok-2")
    rsps.get(f"{API}/items", status=401, json=NOT_AUTHORIZED)
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": [item("11", "A", 3)]})
    remotes = make().resolve(["A"])
    assert remotes["A"].remote_id == "11"
    assert len(token_calls(rsps)) == 2
    assert [c.request.headers["Authorization"] for c in api_calls(rsps)] == [
        "Zoho-oauthtoken tok-1", "Zoho-oauthtoken tok-2"]


def test_401_that_persists_is_one_clear_error_naming_the_scopes(rsps):
    grant(rsps, "tok-1", "tok-2", "tok-3")
    rsps.get(f"{API}/items", status=401, json=NOT_AUTHORIZED)
    with pytest.raises(AuthenticationError) as error:
        make().resolve(["A"])
    message = str(error.value)
    assert message.startswith("zoho: credentials refused (HTTP 401: You are not authorized to perform this "
                              "operation (code 57))")
    assert "[zoho] refresh_token" in message and "ZohoInventory.items.READ" in message
    assert len(token_calls(rsps)) == 2 and len(api_calls(rsps)) == 2


@pytest.mark.parametrize(("answer", "setting"), [
    ({"error": "invalid_code"}, "check [zoho] refresh_token"),
    ({"error": "invalid_client"}, "check [zoho] client_id and client_secret"),
])
def test_refused_grant_names_the_setting_and_hides_the_secrets(rsps, answer, setting):
    rsps.post(TOKEN_URL, json=answer)  # Zoho answers 200 with an "error" member
    with pytest.raises(AuthenticationError) as error:
        make().resolve(["A"])
    message = str(error.value)
    assert message.startswith("zoho: ") and setting in message and "data_center (com)" in message
    assert SETTINGS["refresh_token"] not in message and SETTINGS["client_secret"] not in message
    assert api_calls(rsps) == []


def test_too_many_token_requests_is_a_temporary_failure(rsps):
    rsps.post(TOKEN_URL, status=400, json={
        "error_description": "You have made too many requests continuously. Please try again after some time.",
        "error": "Access Denied", "status": "failure"})
    with pytest.raises(TargetUnavailable, match="refuses to issue more tokens"):
        make().resolve(["A"])


def test_wrong_organization_is_an_authentication_error_naming_organization_id(rsps):
    grant(rsps, "tok-1")
    rsps.get(f"{API}/items", status=400, json={
        "code": 6041, "message": "This user is not associated with the CompanyID/CompanyName:777."})
    with pytest.raises(AuthenticationError, match=r"check \[zoho\] organization_id"):
        make().resolve(["A"])


def test_an_html_page_instead_of_the_api_names_the_settings_to_check(rsps):
    grant(rsps, "tok")
    rsps.get(f"{API}/items", body="<!DOCTYPE html><html>Zoho Inventory</html>", content_type="text/html")
    with pytest.raises(ProtocolError) as error:
        make().resolve(["A"])
    assert str(error.value) == ("zoho: answered an HTML page instead of JSON (HTTP 200 for /inventory/v1/items); "
                                "check [zoho] data_center, or api_url if you set it")


# -- resolving --------------------------------------------------------------------------------


def test_few_skus_are_looked_up_one_by_one_and_matched_exactly(rsps):
    grant(rsps, "tok")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success",
                                   "items": [item("1", "bolt/m3"), item("2", "BOLT/M3")]})
    remotes = make().resolve(["BOLT/M3"])
    assert remotes["BOLT/M3"].remote_id == "2"
    assert query(api_calls(rsps)[0])["sku"] == "BOLT/M3"


def test_many_skus_are_matched_against_one_listing_per_sync(rsps):
    grant(rsps, "tok")
    page1 = [item(str(n), f"SKU-{n}") for n in range(200)]
    page2 = [item("900", "SKU-900")]
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": page1,
                                   "page_context": {"page": 1, "per_page": 200, "has_more_page": True}})
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": page2,
                                   "page_context": {"page": 2, "per_page": 200, "has_more_page": False}})
    target = make()
    target.start_sync()
    wanted = [f"SKU-{n}" for n in range(0, 200, 5)] + ["SKU-900", "MISSING"]
    remotes = target.resolve(wanted)
    remotes.update(target.resolve(["SKU-7", "SKU-8"]))  # later batches of the same sync: no request
    assert len(api_calls(rsps)) == 2
    assert [(query(c)["page"], query(c)["per_page"]) for c in api_calls(rsps)] == [("1", "200"), ("2", "200")]
    assert remotes["SKU-900"].remote_id == "900" and remotes["SKU-7"].remote_id == "7"
    assert "MISSING" not in remotes


def test_lookups_one_by_one_stop_once_they_would_cost_more_than_a_listing(serve):
    data = catalogue.generate(450)  # three pages of 200
    app, target = start(serve, data)
    skus = [p["sku"] for p in data["products"]]
    target.start_sync()
    target.resolve(skus[:200])  # too many to look up: lists, and learns the listing takes 3 pages
    assert app.count("items.list") == 3

    app.reset_counters()
    target.start_sync()
    remotes = {}
    for sku in skus[:5]:  # the batches of a sync that has only a few changed SKUs at a time
        remotes.update(target.resolve([sku]))
    # Three lookups cost as much as the listing: the fourth SKU lists, the fifth costs nothing.
    assert app.count("items.list") == 3 + 3 and app.reads == 6
    assert sorted(remotes) == sorted(skus[:5]) and all(r.found for r in remotes.values())


@pytest.mark.parametrize(("fields", "reason"), [
    ({"item_type": "sales"}, "not inventory-tracked in Zoho (item type 'sales')"),
    ({"item_type": "sales_and_purchases"}, "not inventory-tracked"),
    ({"product_type": "service", "item_type": "sales"}, "a service in Zoho"),
    ({"status": "inactive"}, "inactive in Zoho"),
])
def test_items_whose_stock_cannot_be_set_are_skipped_with_a_reason(rsps, fields, reason):
    grant(rsps, "tok")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": [item("1", "X", **fields)]})
    remote = make().resolve(["X"])["X"]
    assert remote.found and reason in remote.skip_reason


def test_a_sku_shared_by_two_items_is_skipped(rsps):
    grant(rsps, "tok")
    rsps.get(f"{API}/items", json={"code": 0, "message": "success", "items": [item("1", "X"), item("2", "X")]})
    assert "2 Zoho items have this SKU" in make().resolve(["X"])["X"].skip_reason


# -- reading and writing -----------------------------------------------------------------------


def test_write_sends_one_adjustment_with_the_deltas_from_fresh_stock(rsps):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 5), item("2", "B", 10), item("3", "C", 0.5))
    rsps.post(f"{API}/inventoryadjustments", status=201, json=ADDED)
    outcomes = make().write([change("A", "1", 8), change("B", "2", 10), change("C", "3", "2.75")])

    assert all(o.ok for o in outcomes.values()) and set(outcomes) == {"A", "B", "C"}
    [read] = api_calls(rsps, "GET", "itemdetails")
    assert query(read)["item_ids"] == "1,2,3"
    [post] = api_calls(rsps, "POST")
    body = posted(post)
    assert REFERENCE.match(body["reference_number"])
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", body["date"]) and body["reason"]
    assert body["adjustment_type"] == "quantity"
    assert body["line_items"] == [{"item_id": "1", "quantity_adjusted": 3},
                                  {"item_id": "3", "quantity_adjusted": 2.25}]  # B is already right
    assert query(post)["organization_id"] == "777"


def test_nothing_is_posted_when_every_item_is_already_right(rsps):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 4))
    assert make().write([change("A", "1", 4)])["A"].ok
    assert api_calls(rsps, "POST") == []


def test_with_location_id_the_location_stock_is_read_and_adjusted(rsps):
    grant(rsps, "tok")
    locations = [{"location_id": "L1", "location_stock_on_hand": "40"},
                 {"location_id": "L2", "location_stock_on_hand": "2"}]
    details(rsps, item("1", "A", 42, locations=locations), item("2", "B", 9, locations=locations[:1]))
    rsps.post(f"{API}/inventoryadjustments", status=201, json=ADDED)
    target = make(location_id="L2")
    assert target.read([Remote("A", "1"), Remote("B", "2")]) == {"A": Decimal(2), "B": Decimal(0)}
    target.write([change("A", "1", 5), change("B", "2", 1)])
    assert posted(api_calls(rsps, "POST")[0])["line_items"] == [
        {"item_id": "1", "quantity_adjusted": 3, "location_id": "L2"},
        {"item_id": "2", "quantity_adjusted": 1, "location_id": "L2"}]


def test_429_to_the_adjustment_is_waited_out_and_resent(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    rsps.post(f"{API}/inventoryadjustments", status=429, headers={"Retry-After": "7"},
              json={"code": 44, "message": "Too many requests"})
    rsps.post(f"{API}/inventoryadjustments", status=201, json=ADDED)
    assert make().write([change("A", "1", 3)])["A"].ok
    first, second = api_calls(rsps, "POST")
    assert posted(first) == posted(second)  # refused, so sending it again cannot apply it twice
    assert 7 in clock.slept


def test_429_with_an_http_date_waits_until_that_date(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    in_thirty = email.utils.formatdate(time.time() + 30, usegmt=True)
    rsps.post(f"{API}/inventoryadjustments", status=429, headers={"Retry-After": in_thirty},
              json={"code": 44, "message": "Too many requests"})
    rsps.post(f"{API}/inventoryadjustments", status=201, json=ADDED)
    assert make().write([change("A", "1", 3)])["A"].ok
    assert any(25 <= seconds <= 30 for seconds in clock.slept)  # not the 10 s used when Zoho says nothing


def lookup_answer(rsps, *, applied: bool):
    """GET inventoryadjustments lists the last POSTed reference when ``applied``."""

    def answer(request):
        last = json.loads(api_calls(rsps, "POST")[-1].request.body)["reference_number"]
        listed = [{"inventory_adjustment_id": "9", "reference_number": last}] if applied else []
        listed.append({"inventory_adjustment_id": "8", "reference_number": "ICS-00000000000000000000"})
        return 200, {}, json.dumps({"code": 0, "message": "success", "inventory_adjustments": listed,
                                    "page_context": {"page": 1, "per_page": 200, "has_more_page": False}})

    rsps.add_callback("GET", f"{API}/inventoryadjustments", callback=answer)


@pytest.mark.parametrize("loss", [
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected"),
])
def test_lost_answer_then_found_by_reference_is_not_sent_again(rsps, clock, loss):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    rsps.post(f"{API}/inventoryadjustments", body=loss)
    lookup_answer(rsps, applied=True)
    outcome = make().write([change("A", "1", 3)])["A"]
    assert outcome.ok
    assert len(api_calls(rsps, "POST")) == 1
    [lookup] = api_calls(rsps, "GET", "inventoryadjustments")
    assert query(lookup)["search_text"] == posted(api_calls(rsps, "POST")[0])["reference_number"]


def test_5xx_to_the_adjustment_is_looked_up_before_anything_is_resent(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    rsps.post(f"{API}/inventoryadjustments", status=500, json={"code": 1000, "message": "Internal error"})
    lookup_answer(rsps, applied=True)
    assert make().write([change("A", "1", 3)])["A"].ok
    assert len(api_calls(rsps, "POST")) == 1


def test_lost_answer_not_applied_is_resent_with_a_new_reference_and_fresh_delta(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1), item("2", "B", 5))
    details(rsps, item("1", "A", 0), item("2", "B", 5))  # meanwhile one A was sold
    rsps.post(f"{API}/inventoryadjustments", body=requests.exceptions.ReadTimeout("read timed out"))
    rsps.post(f"{API}/inventoryadjustments", status=201, json=ADDED)
    lookup_answer(rsps, applied=False)
    outcomes = make().write([change("A", "1", 3), change("B", "2", 6)])
    assert outcomes["A"].ok and outcomes["B"].ok
    first, second = (posted(c) for c in api_calls(rsps, "POST"))
    assert first["line_items"] == [{"item_id": "1", "quantity_adjusted": 2}, {"item_id": "2", "quantity_adjusted": 1}]
    assert second["line_items"] == [{"item_id": "1", "quantity_adjusted": 3}, {"item_id": "2", "quantity_adjusted": 1}]
    assert first["reference_number"] != second["reference_number"]
    assert REFERENCE.match(second["reference_number"])


def test_lost_answer_whose_effect_shows_in_the_stock_is_not_sent_again(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    details(rsps, item("1", "A", 3))  # it landed after all, though the lookup missed it
    rsps.post(f"{API}/inventoryadjustments", body=requests.exceptions.ReadTimeout("read timed out"))
    lookup_answer(rsps, applied=False)
    assert make().write([change("A", "1", 3)])["A"].ok
    assert len(api_calls(rsps, "POST")) == 1


def test_lost_answers_are_retried_a_bounded_number_of_times(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    rsps.post(f"{API}/inventoryadjustments", body=requests.exceptions.ReadTimeout("read timed out"))
    lookup_answer(rsps, applied=False)
    outcome = make().write([change("A", "1", 3)])["A"]
    assert not outcome.ok and "gave up after 3 adjustments" in outcome.error
    assert len(api_calls(rsps, "POST")) == ZohoTarget.MAX_ATTEMPTS


def test_when_the_lookup_fails_nothing_is_resent(rsps, clock):
    grant(rsps, "tok")
    details(rsps, item("1", "A", 1))
    rsps.post(f"{API}/inventoryadjustments", body=requests.exceptions.ReadTimeout("read timed out"))
    rsps.get(f"{API}/inventoryadjustments", status=503, json={"code": 1000, "message": "Service unavailable"})
    outcome = make().write([change("A", "1", 3)])["A"]
    assert not outcome.ok and "could not be checked" in outcome.error
    assert len(api_calls(rsps, "POST")) == 1


def test_refused_adjustment_of_one_item_fails_that_item_only(rsps):
    grant(rsps, "tok")
    details(rsps, *[item(str(n), f"S{n}", 0) for n in range(1, 5)])
    bad = {"code": 9205, "message": "Serial numbers are required for 'Item S3'"}

    def answer(request):
        ids = {line["item_id"] for line in json.loads(request.body)["line_items"]}
        return (400, {}, json.dumps(bad)) if "3" in ids else (201, {}, json.dumps(ADDED))

    rsps.add_callback("POST", f"{API}/inventoryadjustments", callback=answer)
    outcomes = make().write([change(f"S{n}", str(n), 1) for n in range(1, 5)])
    assert [sku for sku, o in outcomes.items() if not o.ok] == ["S3"]
    assert "Serial numbers are required" in outcomes["S3"].error
    assert len(api_calls(rsps, "POST")) <= 5


def test_refusal_of_the_whole_adjustment_stops_after_one_split(rsps):
    grant(rsps, "tok")
    details(rsps, *[item(str(n), f"S{n}", 0) for n in range(1, 9)])
    rsps.post(f"{API}/inventoryadjustments", status=400,
              json={"code": 2, "message": "Transactions before 01 Jan 2030 are locked"})
    outcomes = make().write([change(f"S{n}", str(n), 1) for n in range(1, 9)])
    assert all(not o.ok and "locked" in o.error for o in outcomes.values())
    assert len(api_calls(rsps, "POST")) == 3


# -- rate limit -------------------------------------------------------------------------------


def test_limiter_allows_at_most_limit_calls_in_any_window():
    fake = FakeTime()
    limiter = SlidingWindowLimiter(3, 10.0, clock=fake.monotonic, sleep=fake.sleep)
    sent = []
    for _ in range(10):
        limiter.acquire()
        sent.append(fake.now)
    assert all(sum(1 for t in sent if start <= t < start + 10.0) <= 3 for start in sent)
    assert sent[:3] == [1000.0] * 3 and sent[3] == 1010.0  # waits only as long as it must


def test_limiter_is_shared_by_clients_of_the_same_organisation():
    first = ZohoTarget(SETTINGS, rate_limit=5, rate_window=1.0)
    second = ZohoTarget(SETTINGS, rate_limit=5, rate_window=1.0)
    other = ZohoTarget({**SETTINGS, "organization_id": "778"}, rate_limit=5, rate_window=1.0)
    assert first.limiter is second.limiter and first.limiter is not other.limiter


# -- against the sandbox ----------------------------------------------------------------------


def start(serve, catalogue_data, *, rate_limit=None, rate_window=1.0, client_limit=100_000, **settings):
    app = ZohoSandbox(rate_limit=rate_limit, rate_window=rate_window)
    app.seed(catalogue_data)
    app.faults.hang_seconds = 0.2
    server = serve(app)
    target = ZohoTarget({**ZohoSandbox.client_settings(server.url), **settings}, rate_limit=client_limit,
                        rate_window=rate_window)
    target.SETTLE_SECONDS = 0
    return app, target


def new_levels(data, *, unknown=()) -> list[StockLevel]:
    levels = [StockLevel(p["sku"], Decimal((i * 7) % 23 + 1)) for i, p in enumerate(data["products"])]
    return levels + [StockLevel(sku, Decimal(3)) for sku in unknown]


@pytest.mark.parametrize("count", [1, 150, pytest.param(1000, marks=pytest.mark.slow)])
def test_sync_pushes_exact_levels(serve, count):
    data = catalogue.generate(count, unmanaged_every=10)
    app, target = start(serve, data)
    levels = new_levels(data, unknown=["NOT-IN-ZOHO", "ALSO/MISSING"])
    report = SyncEngine(target, MemoryLedger()).sync(levels)

    tracked = {p["sku"] for p in data["products"] if p.get("manage_stock", True)}
    expected = {lv.sku: lv.quantity for lv in levels if lv.sku in tracked}
    assert report.counts[Result.PUSHED] == len(tracked)
    assert report.counts[Result.SKIPPED] == count - len(tracked)
    assert report.counts[Result.NOT_FOUND] == 2 and report.failed == 0
    assert app.stock() == expected
    assert len(app.adjustments) <= -(-len(tracked) // 100)
    assert len(set(app.references())) == len(app.references())


def test_second_sync_writes_nothing(serve):
    data = catalogue.generate(150, unmanaged_every=10)
    app, target = start(serve, data)
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(new_levels(data))
    adjustments, writes, reads = len(app.adjustments), app.writes, app.reads
    report = SyncEngine(target, ledger).sync(new_levels(data))
    assert len(app.adjustments) == adjustments and app.writes == writes
    assert report.counts[Result.PUSHED] == 0 and report.counts[Result.UNCHANGED] == 135
    # Only the 15 skipped SKUs are looked at again (one listing page, as the first sync learnt).
    assert app.reads == reads + 1


def test_verify_after_drift_writes_only_what_drifted(serve):
    data = catalogue.generate(30, awkward=True)
    app, target = start(serve, data)
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(new_levels(data))
    drifted = next(iter(app.items.values()))
    drifted["stock"][PRIMARY_LOCATION] += 4  # sold or received in Zoho behind our back
    report = SyncEngine(target, ledger).sync(new_levels(data), verify=True)
    assert report.counts[Result.PUSHED] == 1
    assert app.stock() == {lv.sku: lv.quantity for lv in new_levels(data)}


def test_sync_to_a_location_sets_that_location_only(serve):
    data = catalogue.generate(40, awkward=True)
    for product in data["products"]:
        product["locations"] = {PRIMARY_LOCATION: 10, SECOND_LOCATION: product["quantity"]}
    app, target = start(serve, data, location_id=SECOND_LOCATION)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    assert report.counts[Result.PUSHED] == 40
    assert app.location_stock(SECOND_LOCATION) == {lv.sku: lv.quantity for lv in levels}
    assert set(app.location_stock(PRIMARY_LOCATION).values()) == {Decimal(10)}
    assert target.read(list(target.resolve([lv.sku for lv in levels]).values())) == {
        lv.sku: lv.quantity for lv in levels}


@pytest.mark.parametrize("fault", ["timeout_after_apply", "reset_after_apply", "error"])
def test_lost_or_failed_adjustment_is_applied_exactly_once(serve, fault):
    data = catalogue.generate(150, unmanaged_every=10)
    app, target = start(serve, data)
    app.faults.queue("adjustments.create", fault)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    tracked = {p["sku"] for p in data["products"] if p.get("manage_stock", True)}
    assert report.failed == 0
    assert app.stock() == {lv.sku: lv.quantity for lv in levels if lv.sku in tracked}
    references = app.references()
    assert len(references) == len(set(references)) == 2  # 135 items: two adjustments, none repeated


def test_every_post_failing_ends_in_failed_items_not_in_double_writes(serve):
    data = catalogue.generate(5, awkward=False)
    app, target = start(serve, data)
    app.faults.queue("adjustments.create", "reset_after_apply", 10)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    assert report.failed == 0  # the first lost adjustment is found by its reference
    assert app.stock() == {lv.sku: lv.quantity for lv in levels}
    assert len(app.adjustments) == 1


def test_an_item_zoho_refuses_fails_alone(serve):
    data = catalogue.generate(20, awkward=False)
    data["products"][13]["serial_tracked"] = True
    app, target = start(serve, data)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    failed = [r for r in report.results if r.outcome == Result.FAILED]
    assert [r.sku for r in failed] == ["SKU-000013"]
    assert "Serial numbers are required" in failed[0].error
    expected = {lv.sku: lv.quantity for lv in levels}
    expected["SKU-000013"] = Decimal(data["products"][13]["quantity"])
    assert app.stock() == expected


def test_partial_refusal_then_success_pushes_everything(serve):
    data = catalogue.generate(20, awkward=True)
    app, target = start(serve, data)
    app.faults.queue("adjustments.create", "partial")
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    assert report.failed == 0 and app.stock() == {lv.sku: lv.quantity for lv in levels}


def test_client_limiter_keeps_the_sandbox_from_rate_limiting(serve):
    data = catalogue.generate(12, awkward=True)
    app, target = start(serve, data, rate_limit=6, rate_window=0.5, client_limit=5)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)  # 12 lookups, 1 read, 1 write
    assert report.failed == 0 and app.stock() == {lv.sku: lv.quantity for lv in levels}
    assert app.rate_limited_count == 0


@pytest.mark.slow
def test_rate_limited_answers_are_waited_out(serve):
    data = catalogue.generate(8, awkward=True)
    app, target = start(serve, data, rate_limit=3, rate_window=1.0, client_limit=100_000)
    target.RATE_LIMIT_WAIT = dataclasses.replace(target.RATE_LIMIT_WAIT, max_pause=1.0)
    levels = new_levels(data)
    report = SyncEngine(target, MemoryLedger()).sync(levels)
    assert app.rate_limited_count > 0
    assert report.failed == 0 and app.stock() == {lv.sku: lv.quantity for lv in levels}
    assert len(app.adjustments) == 1


def test_expired_token_mid_sync_is_renewed_once(serve):
    data = catalogue.generate(10, awkward=True)
    app, target = start(serve, data)
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(new_levels(data))
    app.expire_tokens()
    report = SyncEngine(target, ledger).sync([StockLevel(p["sku"], Decimal(99)) for p in data["products"]])
    assert report.failed == 0 and set(app.stock().values()) == {Decimal(99)}
    assert app.count("auth.token") == 2


def test_wrong_refresh_token_is_one_clear_error(serve):
    data = catalogue.generate(10, awkward=True)
    app, target = start(serve, data, refresh_token="1000.not-the-right-refresh-token")
    with pytest.raises(AuthenticationError) as error:
        SyncEngine(target, MemoryLedger()).sync(new_levels(data))
    message = str(error.value)
    assert message.startswith("zoho: refresh token refused") and "[zoho] refresh_token" in message
    assert "not-the-right-refresh-token" not in message
    assert app.count("auth.token") == 1 and app.writes == 0


def test_build_target_and_check_against_the_sandbox(serve):
    app = ZohoSandbox()
    app.seed(catalogue.load())
    server = serve(app)
    result = build_target("zoho", {**ZohoSandbox.client_settings(server.url), "location_id": SECOND_LOCATION}).check()
    assert result.ok
    text = "\n".join(result.details)
    assert "organisation 10234695: Sandbox Trading Co" in text and "East Warehouse" in text
    assert "ZohoInventory.items.READ: allowed" in text and "ZohoInventory.inventoryadjustments.READ: allowed" in text
    assert app.writes == 0


@pytest.mark.parametrize(("settings", "scopes", "expected"), [
    ({"organization_id": "999"}, None, "organization_id 999 is not one of this user's organisations "
                                       "(10234695 (Sandbox Trading Co)); fix [zoho] organization_id"),
    ({"location_id": "123"}, None, "location_id 123 not found"),
    ({}, {"ZohoInventory.items.READ", "ZohoInventory.inventoryadjustments.CREATE"},
     "ZohoInventory.inventoryadjustments.READ: refused"),
])
def test_check_says_what_is_wrong(serve, settings, scopes, expected):
    app = ZohoSandbox()
    if scopes is not None:
        app.scopes = set(scopes)
    server = serve(app)
    result = ZohoTarget({**ZohoSandbox.client_settings(server.url), **settings}).check()
    assert not result.ok
    assert any(expected in line for line in result.details), result.details


# -- what the ledger knows saves the listing (issue 11.6) --------------------------------


def bumped(data, changed, bump=1) -> list[StockLevel]:
    return [StockLevel(lv.sku, lv.quantity + (bump if lv.sku in changed else 0)) for lv in new_levels(data)]


def test_a_small_change_in_a_large_catalogue_reads_only_the_changed_items(serve):
    data = catalogue.generate(1000)
    app, target = start(serve, data)
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(new_levels(data))
    changed = {p["sku"] for p in data["products"][::100]}  # 10 of 1,000

    app.reset_counters()
    report = SyncEngine(target, ledger).sync(bumped(data, changed))

    assert report.counts[Result.PUSHED] == 10 and report.failed == 0
    # ceil(10 / 50) stock reads of exactly the adjusted items, one adjustment, no lookup
    assert dict(app.counters) == {"GET items.details": 1, "POST adjustments.create": 1}
    assert {sku: app.stock()[sku] for sku in changed} == {lv.sku: lv.quantity for lv in bumped(data, changed)
                                                          if lv.sku in changed}


def test_an_item_deleted_and_created_again_after_the_first_sync_is_found_again(serve):
    data = catalogue.generate(30)
    app, target = start(serve, data)
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(new_levels(data))
    again, deleted = data["products"][3]["sku"], data["products"][4]["sku"]
    item = app.items.pop(ledger.get_many("zoho", [again])[again].remote_id)
    item["item_id"] = "999000"  # the same SKU, a new item
    app.items["999000"] = item
    gone = app.items.pop(ledger.get_many("zoho", [deleted])[deleted].remote_id)
    app._ordered.remove(gone)
    app._by_sku[deleted].remove(gone)

    report = SyncEngine(target, ledger).sync(bumped(data, {again, deleted}))

    assert {r.sku: r.outcome for r in report.results if r.outcome != Result.UNCHANGED} == {
        again: Result.PUSHED, deleted: Result.NOT_FOUND}
    assert app.stock()[again] == next(lv.quantity for lv in bumped(data, {again}) if lv.sku == again)
    assert ledger.get_many("zoho", [again])[again].remote_id == "999000"
