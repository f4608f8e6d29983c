"""The order endpoints of the Magento client and sandbox against Magento's Swagger schema
(the same checks, and the same adjustments, as test_magento_contract)."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime

import pytest
import requests
import yaml

from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.sandbox.server import SandboxServer
from inventree_commerce_sync.targets.magento import MagentoTarget
from tests.test_magento_contract import Loader, RecordingSandbox, _adjusted, _operation, _validate

ORDER_ENDPOINTS = {
    ("get", "/V1/orders"),
    ("get", "/V1/orders/{id}"),
    ("post", "/V1/order/{orderId}/ship"),
    ("get", "/V1/shipments"),
    ("get", "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}"),
}
ADMIN_ENDPOINTS = {("post", "/V1/orders/{id}/cancel"), ("post", "/V1/orders/{id}/hold"),
                   ("post", "/V1/orders/{id}/unhold")}


Client = MagentoTarget  # the client reads orders too


@pytest.fixture(scope="module")
def schema(specs_dir):
    with open(specs_dir / "magento" / "admin-schema-2.4.9.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=Loader)


@pytest.fixture(scope="module")
def validators(schema):
    return _adjusted(schema["definitions"], for_request=True), _adjusted(schema["definitions"], for_request=False)


@pytest.fixture(scope="module")
def exchanges():
    """Orders of every kind read, shipped, cancelled and held over REST."""
    app = RecordingSandbox()
    app.seed({"products": [{"sku": "BOLT", "quantity": 50}, {"sku": "NUT", "quantity": 50},
                           {"sku": "SHIRT", "type": "variable"},
                           {"sku": "SHIRT-S", "type": "variation", "parent": "SHIRT", "quantity": 9},
                           {"sku": "KIT", "type": "bundle"}]})
    with SandboxServer(app) as server:
        url = server.url
        for lines in ([{"sku": "BOLT", "qty": 2}], [{"sku": "SHIRT-S", "qty": 1}],
                      [{"sku": "KIT", "qty": 1, "selections": [{"sku": "BOLT", "qty": 2}, {"sku": "NUT", "qty": 1}]}],
                      [{"sku": "NUT", "qty": 1}], [{"sku": "NUT", "qty": 1}]):
            requests.post(f"{url}/__sandbox__/orders", json={"lines": lines}, timeout=5).raise_for_status()
        client = Client(MagentoSandbox.client_settings(url))
        client.page_size = 2
        orders = list(client.read_orders(datetime(2020, 1, 1, tzinfo=UTC)))
        for order in orders[:3]:
            client.ship(order, None, f"TRACK-{order.id}", reference=f"SO-{order.id}")
        client.read_order(orders[0].id)
        client.salable_quantity("BOLT")
        base = f"{url}/rest/default/V1"
        token = {"Authorization": f"Bearer {MagentoSandbox.client_settings(url)['token']}"}
        for action in ("hold", "unhold", "cancel"):
            requests.post(f"{base}/orders/4/{action}", headers=token, timeout=5).raise_for_status()
    return [(r, a) for r, a in app.exchanges if not r.path.startswith("/__sandbox__/")]


def test_every_order_endpoint_is_in_the_schema_and_was_exercised(schema, exchanges):
    called = {(r.method.lower(), _operation(schema, r.method.lower(), r.raw_path)[0]) for r, _ in exchanges}
    assert called == ORDER_ENDPOINTS | ADMIN_ENDPOINTS


def test_query_parameters_are_named_in_the_schema(schema, exchanges):
    for request, _ in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        known = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        for name, values in request.query.items():
            generic = re.sub(r"\[(filterGroups|filters|sortOrders)\]\[\d+\]", r"[\1][0]", name)
            assert generic in known, f"{request.method} {template}: {name!r} is not in the schema"
            if known[generic].get("type") == "integer":
                assert all(re.fullmatch(r"-?\d+", v) for v in values), f"{name}={values}"
            if name.endswith("[direction]"):
                assert values == ["ASC"]


def test_ship_bodies_validate_against_the_schema(schema, validators, exchanges):
    request_definitions, _ = validators
    bodies = [(r, json.loads(r.body)) for r, _ in exchanges if r.route == "order.ship"]
    assert len(bodies) == 3
    for request, body in bodies:
        _, operation = _operation(schema, "post", request.raw_path)
        body_schema = copy.deepcopy(next(p for p in operation["parameters"] if p["in"] == "body")["schema"])
        body_schema.setdefault("additionalProperties", False)
        _validate(body, body_schema, request_definitions, "ship body")
        assert body["items"] and body["tracks"][0]["track_number"].startswith("TRACK-")


def test_sandbox_answers_validate_against_the_schema(schema, validators, exchanges):
    _, response_definitions = validators
    checked = set()
    for request, response in exchanges:
        template, operation = _operation(schema, request.method.lower(), request.raw_path)
        assert response.status == 200, (template, response.body)
        declared = operation["responses"]["200"]["schema"]
        _validate(json.loads(response.encode()), declared, response_definitions, f"{template} answer")
        checked.add((request.method.lower(), template))
    assert checked == ORDER_ENDPOINTS | ADMIN_ENDPOINTS
