"""The Invoice Ninja client and sandbox against the vendor's OpenAPI 3.0 document.

A session of the client against the sandbox (check, a few-SKU and a many-SKU sync, a read,
error answers) is recorded at the sandbox; every request and every answer is then validated
with openapi-core against ../shared/specs/invoiceninja/api-docs.yaml. The document's server
is invoicing.co, so requests are matched on their path only.

Where the document and the service differ, the service wins and the test says so: single
items come wrapped in ``{"data": ...}`` (the document shows the bare object, which any
object satisfies), so ``data`` is checked against the item schema separately, strictly.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

import inventree_commerce_sync.targets.invoiceninja as client_module
from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Remote
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget

SPEC_SERVER = "https://invoicing.co"
# Fields the service sends that the document's schemas leave out: `documents` is a default
# include of every product.
UNDOCUMENTED_FIELDS = {"Product": {"documents"}}

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader where PyYAML has libyaml


def _string_keys(node):
    """YAML reads `200:` as an int; OpenAPI wants status codes as strings."""
    if isinstance(node, dict):
        return {str(k): _string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


@pytest.fixture(scope="module")
def spec(specs_dir) -> dict:
    with open(specs_dir / "invoiceninja" / "api-docs.yaml", encoding="utf-8") as handle:
        document = _string_keys(yaml.load(handle, Loader=_Loader))
    # The document marks the X-Requested-With header's schema readOnly, which would forbid
    # sending the header it requires; readOnly means nothing for a parameter.
    document["components"]["parameters"]["X-Requested-With"]["schema"].pop("readOnly")
    return document


@pytest.fixture(scope="module")
def openapi(spec) -> OpenAPI:
    return OpenAPI.from_dict(spec)


class SpecRequest:
    """A recorded sandbox request in openapi-core's Request shape, on the document's server."""

    def __init__(self, request):
        self.host_url = SPEC_SERVER
        self.path = request.path
        self.method = request.method.lower()
        self.body = request.body or None
        self.content_type = request.header("Content-Type", "application/json").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, values in request.query.items() for v in values]),
            header=Headers([(k, v) for k, v in request.headers.items() if k != k.lower()]),
        )


class SpecResponse:
    """A sandbox answer in openapi-core's Response shape; ``unwrap`` takes the item out of ``data``."""

    def __init__(self, response, *, unwrap: bool = False):
        self.status_code = response.status
        self.content_type = response.content_type.split(";")[0].lower()
        self.headers = Headers(response.headers)
        self.data = json.dumps(response.body["data"]).encode() if unwrap else response.encode()


@pytest.fixture(scope="module")
def session_record():
    """(request, answer) pairs of a client session covering every call the client makes."""
    app = InvoiceNinjaSandbox()
    products = catalogue.generate(25)["products"]
    for product in products:
        product["default_quantity"] = 2
    app.seed({"products": products + [{"sku": "SKU-000020", "quantity": 1, "status": "archived"},
                                      {"sku": "SKU-000021", "quantity": 1, "status": "deleted"},
                                      {"sku": "SKU-000022", "quantity": 1}]})
    record = []
    dispatch = app.dispatch

    def recording(request):
        answer = dispatch(request)
        record.append((request, answer[0]))
        return answer

    app.dispatch = recording
    with SandboxServer(app) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(client_module, "LIST_PAGE_SIZE", 10)  # so that the listing takes three pages
        settings = InvoiceNinjaSandbox.client_settings(server.url)
        target = InvoiceNinjaTarget(settings)
        target.check()
        levels = [StockLevel(p["sku"], Decimal(p["quantity"] + 4)) for p in products]
        SyncEngine(target, MemoryLedger()).sync(levels[:2] + [StockLevel("NO-SUCH-SKU", Decimal(1))])
        SyncEngine(target, MemoryLedger()).sync(levels + [StockLevel("NO-SUCH-SKU", Decimal(1))])
        target.start_sync()
        some_id = next(iter(app.products))
        target.read([Remote("x", some_id, data={"quantity": 2.0})])
        target.read([Remote("gone", "Gone000000", data={"quantity": 2.0})])
        with pytest.raises(AuthenticationError):
            InvoiceNinjaTarget({**settings, "token": "wrong-token"}).resolve(["SKU-000020"])
    return record


def _operation(spec: dict, method: str, path: str) -> dict | None:
    for template, operations in spec["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    return None


def test_every_call_the_client_makes_is_in_the_document(spec, session_record):
    calls = {(request.method, request.route) for request, _ in session_record}
    assert calls == {("GET", "ping"), ("POST", "companies.current"), ("GET", "products.list"),
                     ("GET", "products.show"), ("PUT", "products.update")}
    for request, _ in session_record:
        assert _operation(spec, request.method, request.path) is not None, f"{request.method} {request.path}"


def test_requests_match_the_document(openapi, session_record):
    for request, _ in session_record:
        openapi.validate_request(SpecRequest(request))
        assert request.header("X-Requested-With") == "XMLHttpRequest"
        assert request.header("X-API-TOKEN")


def test_answers_match_the_document(openapi, session_record):
    statuses = set()
    for request, answer in session_record:
        openapi.validate_response(SpecRequest(request), SpecResponse(answer))
        statuses.add(answer.status)
    assert {200, 400, 403} <= statuses


def test_items_inside_their_envelope_match_the_document(spec, openapi, session_record):
    """Single items come as {"data": item}: the item itself must fit the operation's schema."""
    checked = 0
    for request, answer in session_record:
        if answer.status == 200 and request.route in ("companies.current", "products.show", "products.update"):
            openapi.validate_response(SpecRequest(request), SpecResponse(answer, unwrap=True))
            _assert_documented_fields(spec, _schema_name(spec, request), answer.body["data"])
            checked += 1
    assert checked >= 3


def test_listed_products_have_no_fields_the_document_lacks(spec, session_record):
    listed = [p for request, answer in session_record if request.route == "products.list" and answer.status == 200
              for p in answer.body["data"]]
    assert listed
    for product in listed:
        _assert_documented_fields(spec, "Product", product)


def test_put_bodies_are_product_requests_with_the_stock_flag(spec, session_record):
    puts = [request for request, _ in session_record if request.method == "PUT"]
    assert puts
    documented = spec["components"]["schemas"]["ProductRequest"]["properties"]
    for request in puts:
        body = json.loads(request.body)
        assert set(body) <= set(documented)
        assert isinstance(body["in_stock_quantity"], int)
        assert request.query["update_in_stock_quantity"] == ["true"]
    # The flag is not a declared parameter of the PUT; the document names it in the field.
    assert "update_in_stock_quantity=true" in documented["in_stock_quantity"]["description"]


def test_list_requests_use_parameters_the_document_declares(spec, session_record):
    operation = spec["paths"]["/api/v1/products"]["get"]
    # per_page and page are not listed for this operation, but the document's pagination
    # section, its per_page_meta/page_meta parameters and this operation's own sample use them.
    assert "per_page=20&page=1" in operation["x-code-samples"][0]["source"]
    declared = {_parameter(spec, p)["name"] for p in operation["parameters"]} | {"per_page", "page"}
    lists = [request for request, _ in session_record if request.route == "products.list"]
    for request in lists:
        assert set(request.query) <= declared
        assert request.query["status"] == ["active"]
    # The session used both ways of finding products: by key, and the full listing's three pages.
    assert any("product_key" in request.query for request in lists)
    assert {"1", "2", "3"} <= {request.arg("page") for request in lists}


def _parameter(spec: dict, parameter: dict) -> dict:
    if "$ref" in parameter:
        return _resolve(spec, parameter["$ref"])
    return parameter


def _resolve(spec: dict, ref: str) -> dict:
    node = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _schema_name(spec: dict, request) -> str:
    operation = _operation(spec, request.method, request.path)
    assert operation is not None, f"{request.method} {request.path} is not in the document"
    return operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def _assert_documented_fields(spec: dict, name: str, item: dict) -> None:
    documented = set(spec["components"]["schemas"][name]["properties"]) | UNDOCUMENTED_FIELDS.get(name, set())
    unknown = set(item) - documented
    assert not unknown, f"{name} fields the document does not describe: {sorted(unknown)}"
