"""The WooCommerce sandbox's orders, order notes and webhooks checked against WooCommerce's own
Python client and its REST API docs (../shared/specs/woocommerce); where the docs are silent
(``orderby=modified``, how ``modified_after`` reads a time with an offset) against what
WooCommerce's and WordPress's source do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from woocommerce import API

from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.woocommerce import CONSUMER_KEY, CONSUMER_SECRET, WooCommerceSandbox
from inventree_commerce_sync.targets.woocommerce_orders import ORDER_FIELDS
from tests.test_woocommerce_contract import property_table, response_example
from tests.test_woocommerce_orders import Client

JSON_TYPES = {"integer": int, "string": str, "boolean": bool, "array": list, "object": dict}
T0 = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def parameters(text: str, heading: str) -> dict[str, str]:
    """``name -> description`` of the "Available parameters" table after ``heading``."""
    section = text[text.index(heading):]
    section = section[section.index("#### Available parameters"):]
    section = section[: section.index("\n## ")] if "\n## " in section else section
    return dict(re.findall(r"^\|\s*`(\w+)`\s*\|\s*\w+\s*\|\s*(.*?)\s*\|$", section, re.M))


@pytest.fixture(scope="module")
def docs(specs_dir):
    folder = specs_dir / "woocommerce"
    return {name: (folder / f"woo_{name}.md").read_text("utf-8") for name in ("orders", "order_notes", "webhooks")}


@pytest.fixture
def store(serve):
    app = WooCommerceSandbox()
    app.seed(catalogue.load())
    server = serve(app)
    api = API(url=server.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, version="wc/v3",
              timeout=10)
    return app, api, server


def ok_json(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_the_official_library_reads_orders_and_writes_notes_and_webhooks(store):
    app, api, _ = store
    placed = app.orders.place({"lines": [{"sku": "EL-001", "quantity": 2}, {"sku": "TSHIRT-M", "quantity": 1}]})
    orders = ok_json(api.get("orders", params={"status": "any", "orderby": "modified", "order": "asc"}))
    assert [o["id"] for o in orders] == [placed["id"]]
    updated = ok_json(api.put(f"orders/{placed['id']}", {"status": "completed"}))
    assert updated["status"] == "completed"
    note = ok_json(api.post(f"orders/{placed['id']}/notes", {"note": "Tracking 1Z"}), 201)
    assert ok_json(api.get(f"orders/{placed['id']}/notes/{note['id']}"))["note"] == "Tracking 1Z"
    hook = ok_json(api.post("webhooks", {"topic": "order.updated", "delivery_url": "http://127.0.0.1:9/x",
                                         "secret": "s"}), 201)
    assert [w["id"] for w in ok_json(api.get("webhooks"))] == [hook["id"]]
    assert ok_json(api.delete(f"webhooks/{hook['id']}", params={"force": True}))["id"] == hook["id"]


def test_orders_have_the_documented_fields_and_types(store, docs):
    app, api, _ = store
    app.orders.place({"lines": [{"sku": "TSHIRT-S", "quantity": 1}, {"sku": "EL-002", "quantity": 3}],
                      "billing": {"first_name": "Ada", "email": "ada@example.com"}})
    text = docs["orders"]
    order_props = property_table(text, "## Order properties")
    line_props = property_table(text, "### Order - Line items properties ###")
    example = response_example(text, "## Retrieve an order")
    [order] = ok_json(api.get("orders"))
    assert set(example) <= set(order), f"missing {sorted(set(example) - set(order))}"
    for name in ORDER_FIELDS.split(","):
        assert name in order_props, f"the client asks for {name}, which the docs do not list"
        kind = order_props[name][0]
        if kind == "date-time":
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", order[name])  # no offset: GMT by name
        else:
            assert isinstance(order[name], JSON_TYPES[kind]), name
    assert order["status"] in re.findall(r"`([\w-]+)`", order_props["status"][1])
    for line in order["line_items"]:
        assert set(example["line_items"][0]) <= set(line)
        for name in ("id", "product_id", "variation_id", "quantity", "sku"):
            assert isinstance(line[name], JSON_TYPES[line_props[name][0]]), name
    assert {ln["sku"] for ln in order["line_items"]} == {"TSHIRT-S", "EL-002"}


def test_notes_and_webhooks_have_the_documented_fields_and_the_secret_is_never_shown(store, docs):
    app, api, _ = store
    placed = app.orders.place({"lines": [{"sku": "EL-001", "quantity": 1}]})
    note = ok_json(api.post(f"orders/{placed['id']}/notes", {"note": "hello"}), 201)
    assert set(response_example(docs["order_notes"], "## Create an order note")) <= set(note)
    hook = ok_json(api.post("webhooks", {"name": "Order updated", "topic": "order.updated",
                                         "delivery_url": "http://127.0.0.1:9/x", "secret": "top-secret"}), 201)
    example = response_example(docs["webhooks"], "## Create a webhook")
    assert set(example) <= set(hook) and "secret" not in hook and "top-secret" not in str(hook)
    assert (hook["resource"], hook["event"], hook["status"]) == ("order", "updated", "active")


def test_the_list_parameters_the_client_sends_are_documented_or_in_woocommerce_s_source(store, docs):
    app, _, server = store
    documented = parameters(docs["orders"], "## List all orders")
    client = Client(WooCommerceSandbox.client_settings(server.url))
    app.orders.place({"lines": [{"sku": "EL-001", "quantity": 1}]})
    list(client.read_orders(T0 - timedelta(days=3650)))
    sent = next(r for r in app.requests if r.route == "orders.list")
    ours = {name for name in sent.query if not name.startswith("oauth_")} - {"_fields"}  # _fields: WordPress's own
    assert ours <= set(documented), sorted(ours - set(documented))
    assert sent.arg("orderby") == "modified" and "modified" not in documented["orderby"]  # docs omit it
    assert "+" not in sent.arg("modified_after") and "Z" not in sent.arg("modified_after")


def test_list_parameters_are_validated_as_wordpress_does(store):
    _, api, _ = store
    for params, name in [({"orderby": "updated"}, "orderby"), ({"status": "shipped"}, "status"),
                         ({"per_page": 101}, "per_page"), ({"modified_after": "yesterday"}, "modified_after"),
                         ({"order": "up"}, "order")]:
        body = ok_json(api.get("orders", params=params), 400)
        assert body["code"] == "rest_invalid_param" and name in body["data"]["params"], params
    for status in ("any", "trash", "pending", "processing", "on-hold", "completed", "cancelled", "refunded",
                   "failed"):  # every option the docs list
        ok_json(api.get("orders", params={"status": status}))


def test_modified_after_with_an_offset_is_read_in_site_time_even_against_the_gmt_column(store):
    """WP_Date_Query turns a time with an offset into site time before comparing it with
    post_modified_gmt: on a site at UTC+1, "11:45Z" becomes 12:45 and an order changed at
    12:00 UTC is not found. Without an offset the time is compared as it stands."""
    app, api, _ = store
    app.orders.site_timezone = "Europe/Berlin"  # UTC+1 in winter
    placed = app.orders.place({"lines": [{"sku": "EL-001", "quantity": 1}], "time": T0.isoformat()})
    quarter_before = (T0 - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S")
    found = ok_json(api.get("orders", params={"dates_are_gmt": "true", "modified_after": quarter_before}))
    assert [o["id"] for o in found] == [placed["id"]]
    assert ok_json(api.get("orders", params={"dates_are_gmt": "true", "modified_after": quarter_before + "Z"})) == []
    # without dates_are_gmt a time without an offset is site time: 11:45 Berlin is 10:45 UTC
    assert [o["id"] for o in ok_json(api.get("orders", params={"modified_after": quarter_before}))] == [placed["id"]]


@pytest.mark.parametrize("method, path, code", [
    ("GET", "orders", "woocommerce_rest_cannot_view"), ("PUT", "orders/1000", "woocommerce_rest_cannot_edit"),
    ("POST", "orders/1000/notes", "woocommerce_rest_cannot_create"),
    ("POST", "webhooks", "woocommerce_rest_cannot_create")])
def test_requests_without_credentials_get_woocommerce_s_refusal(store, method, path, code):
    import requests
    _, _, server = store
    response = requests.request(method, f"{server.url}/wp-json/wc/v3/{path}", json={}, timeout=10)
    assert response.status_code == 401 and response.json()["code"] == code
