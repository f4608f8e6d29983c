"""Contract: the Invoice Ninja client's invoice and webhook calls and the sandbox's answers,
checked against the vendor's OpenAPI document as the product calls are in
test_invoiceninja_contract (whose fixtures and adapters this module reuses)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from openapi_core import Config, OpenAPI

from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget

from .test_invoiceninja_contract import SpecRequest, SpecResponse, _operation, _parameter, spec

__all__ = ["spec"]  # the fixture, shared

# Fields the service sends that the document's Invoice schema leaves out: its transformer
# gives created_at and entity_type, and include=client adds the client.
UNDOCUMENTED_INVOICE_FIELDS = {"created_at", "entity_type", "client"}


NinjaClient = InvoiceNinjaTarget  # the client reads orders too


@pytest.fixture(scope="module")
def openapi(spec) -> OpenAPI:
    # test_invoiceninja_contract checks the document itself; checking it again costs half a minute.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="module")
def order_record():
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": "SKU-0", "quantity": 9}]})
    for status in ("draft", "sent", "paid"):
        app.invoices.save([{"product_key": "SKU-0", "quantity": 1}, {"product_key": "Work", "type_id": "2"}],
                          status=status, client={"name": "Ann Lee", "email": "ann@example.com"})
    app.invoices.act(next(iter(app.invoices.invoices)), "delete")
    record = []
    dispatch = app.dispatch

    def recording(request):
        answer = dispatch(request)
        record.append((request, answer[0]))
        return answer

    app.dispatch = recording
    with SandboxServer(app) as server:
        target = NinjaClient(InvoiceNinjaSandbox.client_settings(server.url))
        target.page_size = 2  # two pages
        assert len(list(target.read_orders(datetime.now(UTC) - timedelta(days=1)))) == 3
        target.register_webhook("http://127.0.0.1:1/hook", "X-ICS-Secret", "one")
        target.register_webhook("http://127.0.0.1:1/hook", "X-ICS-Secret", "two")  # PUTs
    return record


def test_every_call_is_in_the_document(spec, order_record):
    calls = {(request.method, request.route) for request, _ in order_record}
    assert calls == {("GET", "invoices.list"), ("GET", "webhooks.list"), ("POST", "webhooks.store"),
                     ("PUT", "webhooks.update")}
    for request, _ in order_record:
        assert _operation(spec, request.method, request.path) is not None, f"{request.method} {request.path}"


def test_requests_match_the_document(openapi, order_record):
    for request, _ in order_record:
        openapi.validate_request(SpecRequest(request))
        assert request.header("X-Requested-With") == "XMLHttpRequest"


def test_answers_match_the_document(openapi, order_record):
    for request, answer in order_record:
        openapi.validate_response(SpecRequest(request), SpecResponse(answer))
        if request.method in ("POST", "PUT"):  # single items come as {"data": item}
            openapi.validate_response(SpecRequest(request), SpecResponse(answer, unwrap=True))


def test_listed_invoices_have_only_documented_fields(spec, order_record):
    documented = set(spec["components"]["schemas"]["Invoice"]["properties"]) | UNDOCUMENTED_INVOICE_FIELDS
    line_fields = set(spec["components"]["schemas"]["InvoiceItem"]["properties"])
    invoices = [i for request, answer in order_record if request.route == "invoices.list" for i in answer.body["data"]]
    assert len(invoices) == 3
    for invoice in invoices:
        assert set(invoice) <= documented, sorted(set(invoice) - documented)
        assert all(set(line) <= line_fields for line in invoice["line_items"])


def test_list_parameters_are_declared(spec, order_record):
    operation = spec["paths"]["/api/v1/invoices"]["get"]
    declared = {_parameter(spec, p)["name"] for p in operation["parameters"]} | {"per_page", "page"}
    lists = [request for request, _ in order_record if request.route == "invoices.list"]
    assert {request.arg("page") for request in lists} == {"1", "2"}
    for request in lists:
        assert set(request.query) <= declared
        assert request.query["status"] == ["active,archived,deleted"] and request.arg("sort") == "id|asc"
        assert request.arg("updated_at").isdigit()  # epoch seconds, as the document's integer says


def test_webhook_bodies_are_what_the_service_validates(spec, order_record):
    """The document gives no request body for webhooks; StoreWebhookRequest requires
    target_url (a URL), event_id, and rest_method post or put; headers is an object."""
    bodies = [json.loads(request.body) for request, _ in order_record if request.route.startswith("webhooks.")
              and request.method != "GET"]
    assert len(bodies) == 10
    for body in bodies:
        assert set(body) == {"target_url", "event_id", "rest_method", "headers"}
        assert body["rest_method"] == "post" and body["event_id"] in {"2", "8", "9", "33", "41"}
    documented = spec["components"]["schemas"]["Webhook"]["properties"]
    assert {"target_url", "event_id"} <= set(documented)
