"""Contract: the Invoice Ninja catalogue and customer calls (products listed, created and
edited; clients found by email and created) and the sandbox's answers, against the vendor's
OpenAPI document, as tests/test_invoiceninja_contract.py checks the stock calls.

Where the document and the service differ, the service wins and the test says so:

- ``ClientRequest`` requires ``country_id``; ``StoreClientRequest`` does not (``integer|
  nullable``) and takes ``country_code`` instead, which this client sends;
- ``ClientTransformer`` answers ``country_id``, ``shipping_country_id``, ``industry_id`` and
  ``size_id`` as strings (the document says number), and ``archived_at``, ``display_name``,
  ``public_notes`` and ``classification``, which the document's Client lacks (as a contact's
  ``archived_at`` and ``link``).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
import yaml
from openapi_core import Config, OpenAPI

from inventree_commerce_sync.core.catalogue import ProductDraft, publish
from inventree_commerce_sync.core.customers import Customer, push_customers
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets import invoiceninja_catalogue
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget

from .test_invoiceninja_contract import SpecRequest, SpecResponse, _Loader, _operation, _parameter, _string_keys

UNDOCUMENTED_FIELDS = {"Product": {"documents"},
                       "Client": {"archived_at", "display_name", "public_notes", "classification"},
                       "ClientContact": {"archived_at", "link"}}
STRING_IDS = ("country_id", "shipping_country_id", "industry_id", "size_id")


@pytest.fixture(scope="module")
def spec(specs_dir) -> dict:
    with open(specs_dir / "invoiceninja" / "api-docs.yaml", encoding="utf-8") as handle:
        document = _string_keys(yaml.load(handle, Loader=_Loader))
    document["components"]["parameters"]["X-Requested-With"]["schema"].pop("readOnly")
    return document


@pytest.fixture(scope="module")
def service_spec(spec) -> dict:
    """The document with the differences the module docstring names made the service's way."""
    document = copy.deepcopy(spec)
    schemas = document["components"]["schemas"]
    schemas["ClientRequest"]["required"] = ["contacts"]
    for name in STRING_IDS:
        schemas["Client"]["properties"][name] = {"type": "string"}
    return document


@pytest.fixture(scope="module")
def openapi(service_spec) -> OpenAPI:
    # The document itself is validated by tests/test_invoiceninja_contract.py (47 s on this
    # machine); building the validators without validating it again takes no time.
    return OpenAPI.from_dict(service_spec, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="module")
def session_record():
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": f"K-{i}", "name": f"Part {i}", "quantity": i, "price": 2} for i in range(12)]
              + [{"sku": "OLD", "quantity": 1, "status": "archived"}]})
    app.faults.hang_seconds = 0.1
    record = []
    dispatch = app.dispatch

    def recording(request):
        answer = dispatch(request)
        record.append((request, answer[0]))
        return answer

    app.dispatch = recording
    with SandboxServer(app) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(invoiceninja_catalogue, "LIST_PAGE_SIZE", 5)  # three pages
        settings = InvoiceNinjaSandbox.client_settings(server.url)
        target = InvoiceNinjaTarget(settings)
        target.CREATE_SETTLE_SECONDS = target.CLIENT_SETTLE_SECONDS = 0
        app.faults.queue("products.create", "timeout_after_apply")  # looked up by its key
        results = publish(target, [ProductDraft("K-1", "Part one", "Steel", Decimal("2.5")),
                                   ProductDraft("NEW-1", "New part", "From InvenTree", Decimal("9.99"), Decimal(4)),
                                   ProductDraft("NEW-2", "Newer part", price=Decimal(1))], published={})
        assert [r.outcome for r in results] == ["updated", "created", "created"]
        fresh = InvoiceNinjaTarget(settings)  # knows no line quantities: reads the product before its PUT
        listed = {p.sku: p for p in target.read_products()}
        fresh.update_products([(listed["K-2"], ProductDraft("K-2", "Part 2", price=Decimal(3)), ("price",))])
        ada = Customer(name="Ada Lovelace", email="ada@example.com", company="Engines Ltd", line1="12 Square",
                       city="London", postcode="SW1", country="GB", phone="+44 1")
        push_customers(target, [ada], pushed={})
        push_customers(target, [ada], pushed={})  # matched
    return record


def test_every_call_is_in_the_document(spec, session_record):
    calls = {(request.method, request.route) for request, _ in session_record}
    assert calls == {("GET", "products.list"), ("POST", "products.create"), ("PUT", "products.update"),
                     ("GET", "products.show"), ("GET", "clients.list"), ("POST", "clients.create")}
    for request, _ in session_record:
        assert _operation(spec, request.method, request.path) is not None, f"{request.method} {request.path}"


def test_requests_match_the_document(openapi, session_record):
    for request, _ in session_record:
        openapi.validate_request(SpecRequest(request))
        assert request.header("X-Requested-With") == "XMLHttpRequest"


def test_answers_match_the_document(openapi, session_record):
    for request, answer in session_record:
        if answer is not None:
            openapi.validate_response(SpecRequest(request), SpecResponse(answer))


def test_items_inside_their_envelope_match_the_document(service_spec, openapi, session_record):
    checked = set()
    for request, answer in session_record:
        if answer is not None and answer.status == 200 and request.route in (
                "products.create", "products.update", "products.show", "clients.create"):
            openapi.validate_response(SpecRequest(request), SpecResponse(answer, unwrap=True))
            _assert_documented(service_spec, "Client" if request.route == "clients.create" else "Product",
                               answer.body["data"])
            checked.add(request.route)
    assert checked == {"products.create", "products.update", "products.show", "clients.create"}


def test_listed_clients_and_products_have_no_fields_the_document_lacks(service_spec, session_record):
    for request, answer in session_record:
        if request.route in ("products.list", "clients.list") and answer is not None:
            for row in answer.body["data"]:
                _assert_documented(service_spec, "Client" if request.route == "clients.list" else "Product", row)


def test_bodies_are_the_documents_requests(spec, session_record):
    documented = {name: set(spec["components"]["schemas"][name]["properties"])
                  for name in ("ProductRequest", "ClientRequest", "ClientContactRequest")}
    for request, _ in session_record:
        if request.method in ("POST", "PUT"):
            body = json.loads(request.body)
            if request.route == "clients.create":
                assert set(body) - documented["ClientRequest"] == {"country_code"}  # StoreClientRequest reads it
                assert all(set(c) <= documented["ClientContactRequest"] for c in body["contacts"])
            else:
                assert set(body) <= documented["ProductRequest"], request.route
                assert "quantity" in body  # else the service resets the default line quantity to 1
    assert not any("update_in_stock_quantity" in r.query for r, _ in session_record if r.method == "PUT")


def test_list_parameters_are_declared(spec, session_record):
    for path, route in (("/api/v1/products", "products.list"), ("/api/v1/clients", "clients.list")):
        operation = spec["paths"][path]["get"]
        declared = {_parameter(spec, p)["name"] for p in operation["parameters"]} | {"per_page", "page"}
        lists = [request for request, _ in session_record if request.route == route]
        assert lists and all(set(request.query) <= declared for request in lists), route
    assert any(r.arg("email") == "ada@example.com" for r, _ in session_record if r.route == "clients.list")
    assert any(r.arg("product_key") == "NEW-1" for r, _ in session_record if r.route == "products.list")


def _assert_documented(spec: dict, name: str, item: dict) -> None:
    documented = set(spec["components"]["schemas"][name]["properties"]) | UNDOCUMENTED_FIELDS.get(name, set())
    assert not set(item) - documented, f"{name} fields the document does not describe: {sorted(set(item) - documented)}"
    for contact in item.get("contacts") or ():
        _assert_documented(spec, "ClientContact", contact)
