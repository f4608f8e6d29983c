"""The Magento client and sandbox against Magento's published Swagger 2.0 schema.

A sync in both modes, a check and a verify run against the sandbox, which records every
request and answer. Then, for each: the path and method exist in the schema, the query
parameters are ones it names (with values of the right type), the request body validates
against the body parameter's schema, and a 200 answer validates against the response schema.

openapi-core reads only OpenAPI 3, so this uses jsonschema's Draft 4 validator (Swagger 2.0
schemas are Draft 4 with extensions) with the definitions placed in the validated
document, so that ``#/definitions/...`` references resolve. Two adjustments, both to make
the check stricter or truer to Magento:
- request bodies: Magento merges a partial object into the stored one, so ``required``
  inside definitions does not apply to input (the body's own top-level ``required`` does);
  and Magento refuses properties it has no setter for, so unknown properties are errors.
- answers: Magento prints unset fields as null (e.g. ``low_stock_date``), so typed fields
  also accept null; unknown properties are errors here too.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
import requests
import yaml
from jsonschema import Draft4Validator

from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets import build_target

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Every endpoint the client calls, as the schema names it.
CLIENT_ENDPOINTS = {
    ("get", "/V1/products"),
    ("get", "/V1/stockItems/{productSku}"),
    ("put", "/V1/products/{productSku}/stockItems/{itemId}"),
    ("get", "/V1/inventory/source-items"),
    ("post", "/V1/inventory/source-items"),
    ("get", "/V1/inventory/sources/{sourceCode}"),
    ("get", "/V1/store/storeConfigs"),
}


@pytest.fixture(scope="module")
def schema(specs_dir):
    with open(specs_dir / "magento" / "admin-schema-2.4.9.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=Loader)


@pytest.fixture(scope="module")
def validators(schema):
    """(request definitions, response definitions), each adjusted as the module docstring says."""
    return _adjusted(schema["definitions"], for_request=True), _adjusted(schema["definitions"], for_request=False)


def _adjusted(definitions: dict, *, for_request: bool) -> dict:
    definitions = copy.deepcopy(definitions)

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
                if for_request:
                    node.pop("required", None)
                for prop in node["properties"].values():
                    if not for_request and isinstance(prop.get("type"), str):
                        prop["type"] = [prop["type"], "null"]
                    walk(prop)
            for key, value in node.items():
                if key != "properties":
                    walk(value)

    walk(list(definitions.values()))
    return definitions


def _validate(instance, node_schema: dict, definitions: dict, where: str) -> None:
    document = dict(node_schema, definitions=definitions)
    errors = sorted(Draft4Validator(document).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:5])


class RecordingSandbox(MagentoSandbox):
    """The sandbox, keeping every (request, answer) pair."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.exchanges = []

    def dispatch(self, request):
        response, fault, deferred = super().dispatch(request)
        if response is not None:
            self.exchanges.append((request, response))
        return response, fault, deferred


@pytest.fixture(scope="module")
def exchanges():
    """Everything the client sends and the sandbox answers in a realistic session."""
    app = RecordingSandbox()
    data = catalogue.generate(60, unmanaged_every=7)
    data["products"][20]["sku"] = "PACK,20"
    data["products"] += [{"sku": "SHIRT", "type": "variable"},
                         {"sku": "SHIRT-S", "type": "variation", "parent": "SHIRT", "quantity": 3}]
    app.seed(data)
    levels = [StockLevel(p["sku"], Decimal(index % 13)) for index, p in enumerate(data["products"])]
    levels.append(StockLevel("UNKNOWN", Decimal(4)))
    with SandboxServer(app) as server:
        settings = MagentoSandbox.client_settings(server.url)
        for mode in ("msi", "legacy"):
            target = build_target("magento", settings | {"mode": mode})
            assert target.check().ok
            ledger = MemoryLedger()
            SyncEngine(target, ledger).sync(levels)
            SyncEngine(target, ledger).sync([StockLevel(lv.sku, lv.quantity + 1) for lv in levels], verify=True)
    assert app.exchanges
    return app.exchanges


_TEMPLATES: dict[int, list[tuple[re.Pattern, str]]] = {}


def _templates(schema) -> list[tuple[re.Pattern, str]]:
    if id(schema) not in _TEMPLATES:
        _TEMPLATES[id(schema)] = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), template)
            for template in schema["paths"]
        ]
    return _TEMPLATES[id(schema)]


def _operation(schema, method: str, raw_path: str) -> tuple[str, dict]:
    """The schema path template and operation for a request path such as /rest/default/V1/..."""
    match = re.match(r"^/rest(?:/[^/]+)?(/V1/.*)$", raw_path)
    assert match, f"{raw_path} is not a Magento REST path"
    path = match.group(1)
    candidates = [
        (template.count("{"), template)
        for pattern, template in _templates(schema)
        if pattern.match(path) and method in schema["paths"][template]
    ]
    assert candidates, f"{method.upper()} {path} is not in the Magento schema"
    template = min(candidates)[1]
    return template, schema["paths"][template][method]


def test_every_endpoint_the_client_calls_is_in_the_schema_and_was_exercised(schema, exchanges):
    called = {(request.method.lower(), _operation(schema, request.method.lower(), request.raw_path)[0])
              for request, _ in exchanges}
    assert called == CLIENT_ENDPOINTS


def test_query_parameters_are_named_in_the_schema_with_values_of_their_type(schema, exchanges):
    for request, _ in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        known = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        for name, values in request.query.items():
            # The schema spells out index 0 of the filter groups and filters; others are alike.
            generic = re.sub(r"\[(filterGroups|filters)\]\[\d+\]", r"[\1][0]", name)
            assert generic in known, f"{request.method} {template}: query parameter {name!r} is not in the schema"
            if known[generic].get("type") == "integer":
                assert all(re.fullmatch(r"-?\d+", value) for value in values), f"{name}={values} is not an integer"


def test_request_bodies_validate_against_the_schema(schema, validators, exchanges):
    request_definitions, _ = validators
    bodies = 0
    for request, _ in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        body_parameters = [p for p in operation.get("parameters", []) if p["in"] == "body"]
        if not request.body:
            continue
        assert body_parameters, f"{request.method} {template} takes no body"
        body_schema = copy.deepcopy(body_parameters[0]["schema"])
        body_schema.setdefault("additionalProperties", False)
        _validate(json.loads(request.body), body_schema, request_definitions, f"{request.method} {template} body")
        bodies += 1
    assert bodies


def test_path_parameters_arrive_percent_encoded_as_one_segment(schema, exchanges):
    for request, _ in exchanges:
        if "/stockItems/" in request.raw_path:
            segment = request.raw_path.split("/V1/", 1)[1].split("/")[1]
            assert "%" in segment or re.fullmatch(r"[A-Za-z0-9._~-]+", segment), segment
            assert request.params["sku"] == unquote(segment)


def test_sandbox_answers_validate_against_the_schema(schema, validators, exchanges):
    _, response_definitions = validators
    checked = set()
    for request, response in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        if response.status != 200:
            continue
        declared = operation["responses"].get("200", {}).get("schema")
        body = json.loads(response.encode())
        if declared is None:  # void methods: Magento prints an empty array
            assert body == [], f"{request.method} {template} answered {body!r}"
            continue
        _validate(body, declared, response_definitions, f"{request.method} {template} answer")
        checked.add((request.method.lower(), template))
    assert checked == CLIENT_ENDPOINTS - {("post", "/V1/inventory/source-items")}


def test_error_answers_have_magentos_error_shape(schema, validators):
    _, response_definitions = validators
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "A", "quantity": 1}]})
    with SandboxServer(app) as server:
        base = f"{server.url}/rest/default/V1"
        good = {"Authorization": f"Bearer {MagentoSandbox.client_settings(server.url)['token']}"}
        answers = [
            requests.get(f"{base}/products/NOPE", headers=good, timeout=5),
            requests.get(f"{base}/stockItems/NOPE", headers=good, timeout=5),
            requests.post(f"{base}/inventory/source-items", headers=good, timeout=5,
                          json={"sourceItems": [{"sku": ""}]}),
        ]
    assert [a.status_code for a in answers] == [404, 404, 400]
    for answer in answers:
        body = answer.json()
        # The schema's "parameters" (a list of objects with resources/fieldName/fieldValue) is
        # not what Magento sends: a list of values for %1, %2 or a dict for %name. Checked apart.
        parameters = [body.pop("parameters", [])] + [error.pop("parameters", []) for error in body.get("errors", [])]
        assert all(isinstance(p, (list, dict)) for p in parameters)
        _validate(body, {"$ref": "#/definitions/error-response"}, response_definitions, "error answer")
