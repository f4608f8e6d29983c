"""Contract: what the Zoho client sends and what the sandbox answers, checked against
Zoho's published OpenAPI 3.0 documents (items, inventory adjustments, locations).

A scenario runs the client against the sandbox and records every exchange from the
client's own session. Each request must hit a published path and method and validate
(query parameters, JSON body) with openapi-core; each answer must validate against the
documented response. The documents' server is www.zohoapis.com, so requests are matched
on their path. The OAuth token endpoint and ``GET /organizations`` are not in these
documents: they are checked against Zoho's documented behaviour instead.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.sandbox.zoho import REFRESH_TOKEN, SECOND_LOCATION, ZohoSandbox
from inventree_commerce_sync.targets.zoho import ZohoTarget

# openapi-core cannot check the documents' oauth2 security scheme; the header is checked below.
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning")

DOCUMENTS = ("items", "inventoryadjustments", "locations")
SPEC_HOST = "https://www.zohoapis.com"
API_PREFIX = "/inventory/v1"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(scope="module")
def documents(specs_dir: Path) -> dict[str, dict]:
    return {name: yaml.load((specs_dir / "zoho" / f"{name}.yml").read_text("utf-8"), Loader=Loader)
            for name in DOCUMENTS}


@pytest.fixture(scope="module")
def apis(documents) -> dict[str, OpenAPI]:
    return {name: OpenAPI.from_dict(document) for name, document in documents.items()}


@pytest.fixture(scope="module")
def exchanges() -> list[requests.Response]:
    """Every answer the client received in a scenario that makes every call it knows."""
    ZohoTarget.forget_tokens()
    data = catalogue.generate(260, unmanaged_every=9)  # more than one page of items
    app = ZohoSandbox(rate_limit=None)
    app.seed(data)
    app.faults.hang_seconds = 0.1
    recorded: list[requests.Response] = []
    with SandboxServer(app) as server:
        settings = {**ZohoSandbox.client_settings(server.url), "location_id": SECOND_LOCATION}

        def client() -> ZohoTarget:
            target = ZohoTarget(settings, rate_limit=100_000)
            target.SETTLE_SECONDS = 0
            target.session.hooks["response"].append(lambda response, *args, **kwargs: recorded.append(response))
            return target

        target = client()
        assert target.check().ok
        few = [StockLevel(p["sku"], Decimal(5)) for p in data["products"][:4]]
        SyncEngine(target, MemoryLedger()).sync(few)  # one lookup per SKU, then write
        app.faults.queue("adjustments.create", "timeout_after_apply")  # forces a lookup by reference
        many = [StockLevel(p["sku"], Decimal(i % 17)) for i, p in enumerate(data["products"])]
        SyncEngine(client(), MemoryLedger()).sync(many + [StockLevel("UNKNOWN/1", Decimal(1))], verify=True)
    ZohoTarget.forget_tokens()
    return recorded


def api_exchanges(exchanges) -> list[requests.Response]:
    return [r for r in exchanges if urlsplit(r.request.url).path.startswith(API_PREFIX)
            and not urlsplit(r.request.url).path.endswith("/organizations")]


def operation(documents, method: str, path: str) -> tuple[str, str, dict, dict] | None:
    """(document, path template, path item, operation) for a request path, or None."""
    relative = path[len(API_PREFIX):]
    for name, document in documents.items():
        for template, path_item in document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, relative) and method.lower() in path_item:
                return name, template, path_item, path_item[method.lower()]
    return None


def as_published(response: requests.Response) -> tuple[requests.PreparedRequest, requests.Response]:
    """The exchange as if it had gone to the documents' server."""
    parts = urlsplit(str(response.request.url))
    request = response.request.copy()
    request.url = SPEC_HOST + parts.path + (f"?{parts.query}" if parts.query else "")
    answer = copy.copy(response)
    if request.method == "POST" and answer.status_code == 201:
        # Zoho answers a created record with 201; the documents only list 200.
        answer.status_code = 200
    return request, answer


def why(error: Exception) -> str:
    cause = error.__cause__ or error
    details = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    text = "; ".join(e.message for e in details) if details else str(cause)
    return f"{type(error).__name__}: {text[:300]}"


def describe(response: requests.Response) -> str:
    return f"{response.request.method} {urlsplit(str(response.request.url)).path}"


def test_scenario_made_every_call_the_client_knows(exchanges, documents):
    calls = {(r.request.method, operation(documents, r.request.method, urlsplit(r.request.url).path)[1])
             for r in api_exchanges(exchanges)}
    assert calls == {("GET", "/items"), ("GET", "/itemdetails"), ("GET", "/locations"),
                     ("GET", "/inventoryadjustments"), ("POST", "/inventoryadjustments")}
    queries = [parse_qs(urlsplit(r.request.url).query) for r in api_exchanges(exchanges)]
    assert any("sku" in q for q in queries) and any(q.get("page") == ["2"] for q in queries)
    assert any("search_text" in q for q in queries)


def test_every_call_is_a_published_path_and_method(exchanges, documents):
    unknown = sorted({describe(r) for r in api_exchanges(exchanges)
                      if operation(documents, r.request.method, urlsplit(r.request.url).path) is None})
    assert unknown == []


def test_requests_validate_against_the_documents(exchanges, documents, apis):
    problems = []
    for response in api_exchanges(exchanges):
        name = operation(documents, response.request.method, urlsplit(response.request.url).path)[0]
        request, _ = as_published(response)
        try:
            apis[name].validate_request(RequestsOpenAPIRequest(request))
        except Exception as error:  # openapi-core raises several unrelated types
            problems.append(f"{describe(response)}: {why(error)}")
    assert problems == []


def test_sandbox_answers_validate_against_the_documents(exchanges, documents, apis):
    problems = []
    for response in api_exchanges(exchanges):
        name = operation(documents, response.request.method, urlsplit(response.request.url).path)[0]
        request, answer = as_published(response)
        try:
            apis[name].validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(answer))
        except Exception as error:
            problems.append(f"{describe(response)} -> {response.status_code}: {why(error)}")
    assert problems == []


def test_query_parameters_are_documented_but_for_the_adjustment_search(exchanges, documents):
    """``GET /inventoryadjustments`` documents no filter. The client sends ``search_text``
    (Zoho's usual full-text filter) only to narrow the answer, and matches the reference
    number itself, so a server that ignores it still gives the right result."""
    undocumented = set()
    components = {}
    for document in documents.values():
        components.update(document["components"].get("parameters", {}))
    for response in api_exchanges(exchanges):
        _, template, path_item, op = operation(documents, response.request.method, urlsplit(response.request.url).path)
        declared = set()
        for parameter in path_item.get("parameters", []) + op.get("parameters", []):
            if "$ref" in parameter:
                parameter = components[parameter["$ref"].rsplit("/", 1)[-1]]
            declared.add(parameter["name"])
        for name in parse_qs(urlsplit(response.request.url).query):
            if name not in declared:
                undocumented.add((response.request.method, template, name))
    assert undocumented == {("GET", "/inventoryadjustments", "search_text")}


def test_every_api_call_carries_organization_id_and_the_zoho_token_header(exchanges):
    tokens = {r.json()["access_token"] for r in exchanges if urlsplit(r.request.url).path == "/oauth/v2/token"}
    for response in exchanges:
        parts = urlsplit(str(response.request.url))
        if not parts.path.startswith(API_PREFIX):
            continue
        scheme, _, token = response.request.headers["Authorization"].partition(" ")
        assert scheme == "Zoho-oauthtoken" and token in tokens, describe(response)
        if not parts.path.endswith("/organizations"):  # the one call that lists them all
            assert parse_qs(parts.query).get("organization_id") == ["10234695"], describe(response)


def test_token_request_is_the_documented_refresh_token_grant(exchanges):
    grants = [r for r in exchanges if urlsplit(r.request.url).path == "/oauth/v2/token"]
    assert grants  # both clients of the scenario share the first token
    for response in grants:
        request = response.request
        assert request.method == "POST"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert urlsplit(request.url).query == ""
        form = parse_qs(request.body)
        assert set(form) == {"grant_type", "client_id", "client_secret", "refresh_token"}
        assert form["grant_type"] == ["refresh_token"]
        body = response.json()
        assert response.status_code == 200
        assert {"access_token", "api_domain", "token_type", "expires_in"} <= set(body)
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600


def test_sandbox_refuses_grants_the_way_zoho_does(serve):
    server = serve(ZohoSandbox())
    url = f"{server.url}/oauth/v2/token"
    settings = ZohoSandbox.client_settings(server.url)
    good = {"grant_type": "refresh_token", "client_id": settings["client_id"],
            "client_secret": settings["client_secret"], "refresh_token": REFRESH_TOKEN}
    wrong_token = requests.post(url, data={**good, "refresh_token": "1000.revoked"}, timeout=5)
    wrong_client = requests.post(url, data={**good, "client_secret": "nope"}, timeout=5)
    as_query = requests.post(url, params=good, timeout=5)  # Zoho's examples pass them in the query
    assert (wrong_token.status_code, wrong_token.json()) == (200, {"error": "invalid_code"})
    assert (wrong_client.status_code, wrong_client.json()) == (200, {"error": "invalid_client"})
    assert as_query.status_code == 200 and as_query.json()["access_token"]


def test_sandbox_errors_have_zohos_shape(serve):
    app = ZohoSandbox(rate_limit=1, rate_window=60)  # one request per organisation key
    server = serve(app)
    api = f"{server.url}{API_PREFIX}"
    token = requests.post(f"{server.url}/oauth/v2/token", timeout=5, data={
        "grant_type": "refresh_token", **{k: v for k, v in ZohoSandbox.client_settings(server.url).items()
                                          if k in ("client_id", "client_secret", "refresh_token")}}).json()
    header = {"Authorization": f"Zoho-oauthtoken {token['access_token']}"}
    answers = [
        requests.get(f"{api}/items", params={"organization_id": "10234695"}, timeout=5),  # no token
        requests.get(f"{api}/items", headers=header, timeout=5),  # no organization_id
        requests.get(f"{api}/items", headers=header, params={"organization_id": "1"}, timeout=5),
    ]
    answers.append(requests.get(f"{api}/items", headers=header, params={"organization_id": "1"}, timeout=5))
    statuses = [a.status_code for a in answers]
    assert statuses == [401, 400, 400, 429]
    for answer in answers:
        body = answer.json()
        assert set(body) == {"code", "message"} and isinstance(body["code"], int) and body["code"] != 0
    assert [a.json()["code"] for a in answers[:3]] == [57, 6024, 6041]
    assert answers[3].headers["Retry-After"]


def test_adjustment_posts_carry_what_the_documents_require(exchanges):
    posts = [json.loads(r.request.body) for r in exchanges if r.request.method == "POST"
             and urlsplit(r.request.url).path == f"{API_PREFIX}/inventoryadjustments"]
    references = [p["reference_number"] for p in posts]
    assert len(references) == len(set(references)) and all(len(ref) <= 50 for ref in references)
    for body in posts:
        assert body["adjustment_type"] == "quantity" and body["reason"] and body["date"]
        assert body["line_items"] and all(line["quantity_adjusted"] != 0 for line in body["line_items"])
        assert all(line["location_id"] == SECOND_LOCATION for line in body["line_items"])
