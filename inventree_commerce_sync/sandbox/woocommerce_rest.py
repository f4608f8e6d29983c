"""The REST side of the WooCommerce sandbox: the JSON it answers with, and how WordPress reads
a request (``per_page``/``page``, id lists, ``_fields``, the body, the ``sku`` filter).

Errors have WooCommerce's shape: ``{"code": ..., "message": ..., "data": {"status": N}}``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .app import Request, Response

API = "/wp-json/wc/v3"
DATE = "2024-05-02T10:20:30"
DEFAULT_CODES = {
    400: "rest_invalid_param",
    401: "woocommerce_rest_authentication_error",
    404: "rest_no_route",
    405: "rest_no_route",
    413: "woocommerce_rest_request_entity_too_large",
    429: "woocommerce_rest_too_many_requests",
    500: "internal_server_error",
    503: "internal_server_error",
}


# What a product and a variation answer alike about their price (the sandbox sells at one price).
PRICES = {"price": "9.90", "regular_price": "9.90", "sale_price": "", "date_on_sale_from": None,
          "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None}

def error_response(status: int, message: str, code: str | None = None, **data: Any) -> Response:
    code = code or DEFAULT_CODES.get(status, "woocommerce_rest_error")
    return Response(status, {"code": code, "message": message, "data": {"status": status, **data}})


def product_json(record: Mapping[str, Any], host: str, *, manage_stock: bool | str,
                 stock_quantity: int | None) -> dict[str, Any]:
    """A product as ``GET products/<id>`` shows it; stock management as the store decides it."""
    product_id = record["id"]
    return {
        "id": product_id,
        "name": record["name"],
        "slug": re.sub(r"[^a-z0-9]+", "-", record["name"].lower()).strip("-"),
        "permalink": f"http://{host}/?p={product_id}",
        "date_created": DATE,
        "date_created_gmt": DATE,
        "date_modified": DATE,
        "date_modified_gmt": DATE,
        "type": record["type"],
        "status": "publish",
        "featured": False,
        "catalog_visibility": "visible",
        "description": "",
        "short_description": "",
        "sku": record["sku"],
        **PRICES,
        "price_html": '<span class="woocommerce-Price-amount amount">9.90</span>',
        "on_sale": False,
        "purchasable": True,
        "total_sales": 0,
        "virtual": False,
        "downloadable": False,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": manage_stock,
        "stock_quantity": stock_quantity,
        "stock_status": record["stock_status"],
        "backorders": "no",
        "backorders_allowed": False,
        "backordered": False,
        "sold_individually": False,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_required": True,
        "shipping_taxable": True,
        "shipping_class": "",
        "shipping_class_id": 0,
        "reviews_allowed": True,
        "average_rating": "0.00",
        "rating_count": 0,
        "related_ids": [],
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": record["parent_id"],
        "purchase_note": "",
        "categories": [],
        "tags": [],
        "images": [],
        "attributes": [],
        "default_attributes": [],
        "variations": list(record["children"]) if record["type"] == "variable" else [],
        "grouped_products": [],
        "menu_order": 0,
        "meta_data": [],
        "_links": {
            "self": [{"href": f"http://{host}{API}/products/{product_id}"}],
            "collection": [{"href": f"http://{host}{API}/products"}],
        },
    }


def variation_json(record: Mapping[str, Any], host: str, *, manage_stock: bool | str,
                   stock_quantity: int | None) -> dict[str, Any]:
    """A variation as ``GET products/<parent>/variations/<id>`` shows it."""
    variation_id, parent_id = record["id"], record["parent_id"]
    return {
        "id": variation_id,
        "date_created": DATE,
        "date_created_gmt": DATE,
        "date_modified": DATE,
        "date_modified_gmt": DATE,
        "description": "",
        "permalink": f"http://{host}/?p={parent_id}&variation={variation_id}",
        "sku": record["sku"],
        **PRICES,
        "on_sale": False,
        "status": "publish",
        "purchasable": True,
        "virtual": False,
        "downloadable": False,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": manage_stock,
        "stock_quantity": stock_quantity,
        "stock_status": record["stock_status"],
        "backorders": "no",
        "backorders_allowed": False,
        "backordered": False,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "",
        "shipping_class_id": 0,
        "image": None,
        "attributes": [{"id": 0, "name": "Variant", "option": record["name"]}],
        "menu_order": 0,
        "meta_data": [],
        "_links": {
            "self": [{"href": f"http://{host}{API}/products/{parent_id}/variations/{variation_id}"}],
            "collection": [{"href": f"http://{host}{API}/products/{parent_id}/variations"}],
            "up": [{"href": f"http://{host}{API}/products/{parent_id}"}],
        },
    }


def read_paging(request: Request) -> tuple[int, int] | Response:
    """(per_page, page) as WordPress validates them, or its 400 answer."""
    limits = {"per_page": (10, 1, 100), "page": (1, 1, None)}
    values = []
    for name, (default, low, high) in limits.items():
        text = request.arg(name)
        if text is None or text == "":
            values.append(default)
            continue
        value = int(text) if re.fullmatch(r"-?\d+", text) else None
        if value is None or value < low or (high is not None and value > high):
            rule = (f"{name} must be between {low} (inclusive) and {high} (inclusive)" if high is not None
                    else f"{name} must be greater than or equal to {low}")
            if value is None:
                rule = f"{name} is not of type integer."
            return error_response(400, f"Invalid parameter(s): {name}", "rest_invalid_param", params={name: rule})
        values.append(value)
    return values[0], values[1]


def paged_response(request: Request, ids: list[int], paging: tuple[int, int], render) -> Response:
    """One page of ``ids``, each rendered, with WordPress's X-WP-Total headers."""
    per_page, page = paging
    total = len(ids)
    pages = math.ceil(total / per_page) if total else 0
    chosen = ids[(page - 1) * per_page : page * per_page]
    body = [fields(request, render(i)) for i in chosen]
    return Response(200, body, headers={"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})


def id_list(request: Request, name: str) -> list[int] | None | Response:
    """An id list given as ``include=1,2`` or ``include[]=1&include[]=2`` (wp_parse_id_list)."""
    values = request.query.get(name, []) + request.query.get(f"{name}[]", [])
    if not values:
        return None
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        return Response(400, {"code": "rest_invalid_param", "message": f"Invalid parameter(s): {name}",
                              "data": {"status": 400, "params": {name: f"{name}[0] is not of type integer."}}})
    return [int(part) for part in parts]


def fields(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """WordPress's ``_fields``: only the named top-level fields."""
    wanted = request.arg("_fields")
    if not wanted:
        return data
    names = {name.strip().split(".")[0] for name in wanted.split(",") if name.strip()}
    return {key: value for key, value in data.items() if key in names}


def json_body(request: Request) -> dict[str, Any] | Response:
    try:
        data = json.loads(request.body) if request.body else {}
    except ValueError:
        return error_response(400, "Invalid JSON body passed.", "rest_invalid_json")
    if not isinstance(data, dict):
        return error_response(400, "Invalid JSON body passed.", "rest_invalid_json")
    return data


def invalid_stock_params(data: Mapping[str, Any]) -> list[str]:
    """The schema check a single update gets (batch items skip it, as in WooCommerce)."""
    invalid = []
    quantity = data.get("stock_quantity")
    if quantity is not None and not (isinstance(quantity, int) and not isinstance(quantity, bool)
                                     or isinstance(quantity, str) and re.fullmatch(r"-?\d+", quantity)):
        invalid.append("stock_quantity")
    manage = data.get("manage_stock")
    if manage is not None and not isinstance(manage, bool) and manage not in ("parent", "true", "false", "0", "1"):
        invalid.append("manage_stock")
    return invalid


def item_error(item_id: Any, code: str, message: str, status: int) -> dict[str, Any]:
    return {"id": item_id, "error": {"code": code, "message": message, "data": {"status": status}}}


def collate(sku: str) -> str:
    """How MySQL's default collation compares SKUs: letter case, accents and trailing spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", sku)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip(" ")


def sanitize_text_field(text: str) -> str:
    """WordPress's sanitize_text_field, as applied to the ``sku`` filter: tags stripped,
    whitespace collapsed, percent-encoded octets removed."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"[\r\n\t ]+", " ", text).strip()
    found = False
    while match := re.search(r"%[a-fA-F0-9]{2}", text):
        text = text.replace(match.group(0), "")
        found = True
    return re.sub(" +", " ", text).strip() if found else text


def to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def intval(value: Any) -> int:
    try:
        return int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return 0
