"""The WooCommerce sandbox checked against WooCommerce's own Python client and its API docs.

WooCommerce publishes no OpenAPI document. Its official Python library (``woocommerce`` on
PyPI) does its own OAuth 1.0a signing over http and Basic auth over https, so if it can
read and write through the sandbox, the sandbox speaks WooCommerce's protocol and not just
our client's idea of it. The fields our client relies on are checked against the property
tables and response examples of the REST API docs (../shared/specs/woocommerce).
"""

from __future__ import annotations

import json
import re
import ssl
from decimal import Decimal

import pytest
import trustme
from woocommerce import API

from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.woocommerce import CONSUMER_KEY, CONSUMER_SECRET, WooCommerceSandbox

RELIED_ON = ("id", "sku", "type", "parent_id", "manage_stock", "stock_quantity", "stock_status")
JSON_TYPES = {"integer": int, "string": str, "boolean": bool}


def property_table(text: str, heading: str) -> dict[str, tuple[str, str]]:
    """``name -> (type, description)`` from a docs property table under ``heading``."""
    section = text[text.index(heading):]
    section = section[: section.index("###", len(heading))]
    rows = re.findall(r"^\|\s*`(\w+)`\s*\|\s*([\w-]+)\s*\|\s*(.*?)\s*\|$", section, re.M)
    return {name: (kind, description) for name, kind, description in rows}


def response_example(text: str, heading: str) -> dict:
    """The first JSON example after ``heading``."""
    example = re.search(r"```json\n(.*?)```", text[text.index(heading):], re.S)
    assert example is not None, f"no JSON example after {heading!r}"
    return json.loads(example.group(1))


@pytest.fixture(scope="module")
def docs(specs_dir):
    products = (specs_dir / "woocommerce" / "woo_products.md").read_text("utf-8")
    variations = (specs_dir / "woocommerce" / "woo_variations.md").read_text("utf-8")
    return {
        "product": (property_table(products, "## Product properties"),
                    response_example(products, "## Retrieve a product")),
        "variation": (property_table(variations, "## Product variation properties"),
                      response_example(variations, "## Retrieve a product variation")),
    }


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    bundle = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, str(bundle)


@pytest.fixture(params=["http-oauth", "https-basic", "https-query-string"])
def store(request, serve, tls):
    """(sandbox, woocommerce.API) over one of the three ways WooCommerce authenticates."""
    app = WooCommerceSandbox()
    app.seed(catalogue.load())
    if request.param == "http-oauth":
        server = serve(app)
        api = API(url=server.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, version="wc/v3",
                  timeout=10)
    else:
        context, bundle = tls
        server = serve(app, ssl_context=context)
        api = API(url=server.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, version="wc/v3",
                  timeout=10, verify_ssl=bundle, query_string_auth=request.param == "https-query-string")
    return app, api, request.param


def ok_json(response):
    assert response.status_code == 200, response.text
    return response.json()


def test_the_official_library_reads_and_writes_through_the_sandbox(store):
    app, api, transport = store
    found = ok_json(api.get("products", params={"sku": "EL-001"}))
    assert [item["sku"] for item in found] == ["EL-001"]
    product_id = found[0]["id"]
    assert ok_json(api.get(f"products/{product_id}"))["sku"] == "EL-001"

    parent = ok_json(api.get("products", params={"sku": "TSHIRT"}))[0]
    variations = ok_json(api.get(f"products/{parent['id']}/variations", params={"per_page": 100}))
    assert sorted(v["sku"] for v in variations) == ["TSHIRT-L", "TSHIRT-M", "TSHIRT-S"]
    variation_id = next(v["id"] for v in variations if v["sku"] == "TSHIRT-M")

    updated = ok_json(api.put(f"products/{product_id}", {"manage_stock": True, "stock_quantity": 42}))
    assert updated["stock_quantity"] == 42
    batch = ok_json(api.post("products/batch", {"update": [{"id": product_id, "stock_quantity": 43}]}))
    assert batch["update"][0]["stock_quantity"] == 43
    ok_json(api.put(f"products/{parent['id']}/variations/{variation_id}", {"stock_quantity": 5}))
    batch = ok_json(api.post(f"products/{parent['id']}/variations/batch",
                             {"update": [{"id": variation_id, "manage_stock": True, "stock_quantity": 6}]}))
    assert batch["update"][0]["stock_quantity"] == 6

    stock = app.stock()
    assert stock["EL-001"] == Decimal(43) and stock["TSHIRT-M"] == Decimal(6)
    queries = [{name: values[-1] for name, values in r.query.items()} for r in app.requests]
    if transport == "http-oauth":  # the library signs every call itself
        assert all(q.get("oauth_signature_method") == "HMAC-SHA256" for q in queries)
    elif transport == "https-basic":
        assert all(r.headers["authorization"].startswith("Basic ") for r in app.requests)
    else:
        assert all(q.get("consumer_key") == CONSUMER_KEY for q in queries)


def test_lists_carry_the_documented_pagination_headers(store):
    _, api, _ = store
    response = api.get("products", params={"per_page": 5, "page": 2})
    assert len(ok_json(response)) == 5
    total = len([p for p in catalogue.load()["products"] if p.get("type") != "variation"])
    assert response.headers["X-WP-Total"] == str(total)
    assert response.headers["X-WP-TotalPages"] == str(-(-total // 5))


def test_refused_credentials_come_back_in_woocommerces_error_shape(store):
    _, api, _ = store
    api.consumer_secret = "cs_not_the_secret_0000"
    response = api.get("products")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "data"} and body["data"] == {"status": 401}
    assert body["code"].startswith("woocommerce_rest_")


@pytest.mark.parametrize("kind", ["product", "variation"])
def test_records_have_the_documented_fields_and_types(store, docs, kind):
    _, api, _ = store
    properties, example = docs[kind]
    if kind == "product":
        records = ok_json(api.get("products", params={"per_page": 100}))
        # a variation found by SKU comes from the products endpoint with type and parent_id
        records += ok_json(api.get("products", params={"sku": "TSHIRT-S"}))
        relied_on = RELIED_ON
    else:
        parent = ok_json(api.get("products", params={"sku": "TSHIRT"}))[0]
        records = ok_json(api.get(f"products/{parent['id']}/variations"))
        relied_on = tuple(name for name in RELIED_ON if name in properties)  # no type/parent_id documented
    assert records
    status_options = re.findall(r"`(\w+)`", properties["stock_status"][1])
    for record in records:
        assert set(example) <= set(record), f"missing {sorted(set(example) - set(record))}"
        for name in relied_on:
            documented = JSON_TYPES[properties[name][0]]
            value = record[name]
            if name == "stock_quantity" and value is None:
                continue  # not managed: the docs' own examples show null
            assert isinstance(value, documented) and not (documented is int and isinstance(value, bool)), \
                f"{kind} {record['sku']}: {name} = {value!r} is not {properties[name][0]}"
        assert record["stock_status"] in status_options
    if kind == "product":
        variation = next(r for r in records if r["sku"] == "TSHIRT-S")
        assert variation["type"] == "variation" and variation["parent_id"] > 0
