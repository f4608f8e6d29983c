"""A WooCommerce emulator: the part of the REST API v3 (``/wp-json/wc/v3``) the client uses.

It keeps WooCommerce's rules where a client can trip over them:

- Authentication as ``WC_REST_Authentication`` does it: HTTP Basic (or ``consumer_key`` /
  ``consumer_secret`` query parameters) only over HTTPS; over plain HTTP only one-legged
  OAuth 1.0a in the query string, HMAC-SHA1 or HMAC-SHA256, signed with the consumer secret
  plus ``&``, timestamps within 15 minutes, each nonce accepted once. An unknown key over
  Basic is not an error of its own: the request is simply not logged in. Keys have
  ``read``, ``write`` or ``read_write`` permission; a missing one is a 401.
- ``GET products?sku=a,b`` matches each comma-separated SKU, and the whole value as one SKU,
  the way MySQL compares (letter case and accents ignored), and also returns variations
  (``type: variation``, ``parent_id``). ``per_page`` above 100 is a 400.
- With ``manage_stock`` false, a ``stock_quantity`` is silently dropped; ``manage_stock``
  is applied first, so setting both in one update works. With stock management off
  store-wide (``manage_stock_enabled = False``) both are ignored.
- ``POST products/batch`` and ``products/{id}/variations/batch`` take at most 100 items
  (413 beyond) and report per-item errors inside a 200; the ``partial`` fault fails every
  second item of a batch that way, without applying it.

Errors have WooCommerce's shape: ``{"code": ..., "message": ..., "data": {"status": N}}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

from .app import Request, Response, SandboxApp
from .faults import PARTIAL

API = "/wp-json/wc/v3"
CONSUMER_KEY = "ck_5a4e1f0c2b3d6e7f8091a2b3c4d5e6f708192a3b"
CONSUMER_SECRET = "cs_9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5"
OAUTH_WINDOW = 15 * 60  # seconds a timestamp may differ from the server's clock
OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
NO_STOCK_TYPES = ("grouped", "external")
DATE = "2024-05-02T10:20:30"

# What WordPress answers when a request is not logged in, by route name.
UNAUTHENTICATED = {
    "products.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "variations.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "products.batch": ("woocommerce_rest_cannot_batch",
                       "Sorry, you are not allowed to batch manipulate this resource."),
    "variations.batch": ("woocommerce_rest_cannot_batch",
                         "Sorry, you are not allowed to batch manipulate this resource."),
    "products.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "variations.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
}
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


class WooCommerceSandbox(SandboxApp):
    name = "woocommerce"

    def __init__(self, *, seed: int = 0, batch_limit: int = 100):
        super().__init__(seed=seed)
        self.keys: dict[str, dict[str, str]] = {}
        self.add_key(CONSUMER_KEY, CONSUMER_SECRET)
        self.batch_limit = batch_limit
        self.manage_stock_enabled = True  # WooCommerce > Settings > Products > Inventory
        self.products: dict[int, dict[str, Any]] = {}
        self._by_sku: dict[str, list[int]] = {}  # collated SKU -> ids
        self._listed: list[int] = []  # ids of the "product" post type, newest first
        self._nonces: dict[str, dict[str, float]] = {}  # consumer key -> nonce -> timestamp
        self._next_id = 10

        self.add_route("GET", rf"{API}/products/?", "products.list", self._list_products)
        self.add_route("GET", rf"{API}/products/(?P<id>\d+)/?", "products.get", self._get_product)
        self.add_route("GET", rf"{API}/products/(?P<product_id>\d+)/variations/?", "variations.list",
                       self._list_variations)
        self.add_route("GET", rf"{API}/products/(?P<product_id>\d+)/variations/(?P<id>\d+)/?", "variations.get",
                       self._get_variation)
        self.add_route("GET", rf"{API}/system_status/?", "system_status", self._system_status)
        self.add_route("GET", rf"{API}/settings/(?P<group>[\w-]+)/(?P<option>[\w-]+)/?", "settings.get",
                       self._get_setting)
        for method in ("POST", "PUT", "PATCH"):  # WP_REST_Server::EDITABLE
            self.add_route(method, rf"{API}/products/batch/?", "products.batch", self._batch_products)
            self.add_route(method, rf"{API}/products/(?P<id>\d+)/?", "products.update", self._update_product)
            self.add_route(method, rf"{API}/products/(?P<product_id>\d+)/variations/batch/?", "variations.batch",
                           self._batch_variations)
            self.add_route(method, rf"{API}/products/(?P<product_id>\d+)/variations/(?P<id>\d+)/?",
                           "variations.update", self._update_variation)

    @classmethod
    def client_settings(cls, url: str) -> dict[str, Any]:
        return {"url": url, "consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET}

    def add_key(self, consumer_key: str, consumer_secret: str, permissions: str = "read_write") -> None:
        """Another REST API key; ``permissions`` is ``read``, ``write`` or ``read_write``."""
        self.keys[consumer_key] = {"secret": consumer_secret, "permissions": permissions}

    # -- catalogue ----------------------------------------------------------------------

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        self.products.clear()
        self._by_sku.clear()
        self._listed.clear()
        entries = list(catalogue.get("products", []))
        ids: dict[str, int] = {}
        for entry in entries:  # parents first, so that variations can name them
            if entry.get("type", "simple") != "variation":
                ids[entry["sku"]] = self._add(entry, parent_id=0)
        for entry in entries:
            if entry.get("type") == "variation":
                ids[entry["sku"]] = self._add(entry, parent_id=ids.get(entry.get("parent", ""), 0))
        self._listed.sort(reverse=True)

    def _add(self, entry: Mapping[str, Any], *, parent_id: int) -> int:
        kind = entry.get("type", "simple")
        if kind == "variable":
            managed = bool(entry.get("manage_stock", False))  # stock usually lives on the variations
        elif kind in NO_STOCK_TYPES:
            managed = False
        else:
            managed = bool(entry.get("manage_stock", True))
        product_id = self._next_id
        self._next_id += 1
        record = {
            "id": product_id,
            "name": entry.get("name") or entry["sku"],
            "sku": entry["sku"],
            "type": kind,
            "parent_id": parent_id,
            "manage_stock": managed,
            "stock_quantity": int(Decimal(str(entry.get("quantity", 0)))) if managed else None,
            "stock_status": "instock",
            "children": [],
        }
        self.products[product_id] = record
        self._by_sku.setdefault(_collate(record["sku"]), []).append(product_id)
        if kind == "variation":
            if parent_id in self.products:
                self.products[parent_id]["children"].append(product_id)
        else:
            self._listed.append(product_id)
        self._refresh_status(record)
        return product_id

    def stock(self) -> dict[str, Decimal]:
        return {
            record["sku"]: Decimal(record["stock_quantity"])
            for record in self.products.values()
            if record["sku"] and self._manage_stock(record) is True and record["stock_quantity"] is not None
        }

    # -- what WooCommerce reports -------------------------------------------------------

    def _manage_stock(self, record: Mapping[str, Any]) -> bool | str:
        if not self.manage_stock_enabled:
            return False
        if record["type"] == "variation" and not record["manage_stock"]:
            parent = self.products.get(record["parent_id"])
            if parent is not None and parent["manage_stock"]:
                return "parent"
        return record["manage_stock"]

    def _stock_quantity(self, record: Mapping[str, Any]) -> int | None:
        if record["manage_stock"]:
            return record["stock_quantity"]
        if self._manage_stock(record) == "parent":
            return self.products[record["parent_id"]]["stock_quantity"]
        return None

    def _refresh_status(self, record: dict[str, Any]) -> None:
        if self.manage_stock_enabled and record["manage_stock"] and record["type"] != "variable":
            record["stock_status"] = "instock" if (record["stock_quantity"] or 0) > 0 else "outofstock"

    def _product_json(self, record: Mapping[str, Any], host: str) -> dict[str, Any]:
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
            "price": "9.90",
            "regular_price": "9.90",
            "sale_price": "",
            "date_on_sale_from": None,
            "date_on_sale_from_gmt": None,
            "date_on_sale_to": None,
            "date_on_sale_to_gmt": None,
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
            "manage_stock": self._manage_stock(record),
            "stock_quantity": self._stock_quantity(record),
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

    def _variation_json(self, record: Mapping[str, Any], host: str) -> dict[str, Any]:
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
            "price": "9.90",
            "regular_price": "9.90",
            "sale_price": "",
            "date_on_sale_from": None,
            "date_on_sale_from_gmt": None,
            "date_on_sale_to": None,
            "date_on_sale_to_gmt": None,
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
            "manage_stock": self._manage_stock(record),
            "stock_quantity": self._stock_quantity(record),
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

    # -- errors and authentication ------------------------------------------------------

    def error(self, status: int, message: str, code: str | None = None, **data: Any) -> Response:
        code = code or DEFAULT_CODES.get(status, "woocommerce_rest_error")
        return Response(status, {"code": code, "message": message, "data": {"status": status, **data}})

    def authenticate(self, request: Request) -> Response | None:
        key, refusal = self._identify(request)
        if refusal is not None:
            return refusal
        if key is None:
            code, message = UNAUTHENTICATED.get(request.route, ("woocommerce_rest_cannot_view",
                                                                "Sorry, you cannot view this resource."))
            return self.error(401, message, code)
        permissions = self.keys[key]["permissions"]
        if request.method in ("GET", "HEAD") and permissions not in ("read", "read_write"):
            return self.error(401, "The API key provided does not have read permissions.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and permissions not in ("write", "read_write"):
            return self.error(401, "The API key provided does not have write permissions.")
        return None

    def _identify(self, request: Request) -> tuple[str | None, Response | None]:
        """(consumer key, None) when logged in; (None, None) when not trying or not known;
        (None, refusal) when WooCommerce refuses outright."""
        if request.scheme == "https":
            key, secret = request.arg("consumer_key"), request.arg("consumer_secret")
            if not (key and secret):
                key, secret = _basic_credentials(request.header("authorization"))
            if not (key and secret) or key not in self.keys:
                return None, None
            if not hmac.compare_digest(self.keys[key]["secret"], secret):
                return None, self.error(401, "Consumer secret is invalid.")
            return key, None
        return self._oauth(request)

    def _oauth(self, request: Request) -> tuple[str | None, Response | None]:
        params = {name: values[-1] for name, values in request.query.items()}  # PHP: the last one wins
        missing = [name for name in OAUTH_PARAMS if not params.get(name)]
        if len(missing) == len(OAUTH_PARAMS):
            return None, None  # not trying OAuth at all
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            return None, self.error(401, f"Missing OAuth {noun} {', '.join(missing)}",
                                    "woocommerce_rest_authentication_missing_parameter")
        key = params["oauth_consumer_key"]
        if key not in self.keys:
            return None, self.error(401, "Consumer key is invalid.")

        provided = unquote(params.pop("oauth_signature").replace(" ", "+"))
        pairs = sorted(params.items(), key=lambda pair: pair[0].encode())  # uksort(strcmp) on raw keys
        parameter_string = "%26".join(_rfc3986(f"{_rfc3986(k)}={_rfc3986(v)}") for k, v in pairs)
        base_uri = f"http://{request.header('host').lower()}{request.raw_path}"
        string_to_sign = f"{request.method}&{_rfc3986(base_uri)}&{parameter_string}"
        digest = HASHES.get(params["oauth_signature_method"])
        if digest is None:
            return None, self.error(401, "Invalid signature - signature method is invalid.")
        secret = self.keys[key]["secret"] + "&"
        expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode(), digest).digest()).decode()
        if not hmac.compare_digest(expected, provided):
            return None, self.error(401, "Invalid signature - provided signature does not match.")

        now = time.time()
        try:
            timestamp = int(params["oauth_timestamp"])
        except ValueError:
            timestamp = 0
        if abs(timestamp - now) > OAUTH_WINDOW:
            return None, self.error(401, "Invalid timestamp.")
        used = self._nonces.setdefault(key, {})
        nonce = params["oauth_nonce"]
        if nonce in used:
            return None, self.error(401, "Invalid nonce - nonce has already been used.")
        used[nonce] = timestamp
        if len(used) > 10_000:
            for old in [n for n, t in used.items() if t < now - OAUTH_WINDOW]:
                del used[old]
        return key, None

    # -- products -----------------------------------------------------------------------

    def _list_products(self, request: Request) -> Response:
        paging = _paging(self, request)
        if isinstance(paging, Response):
            return paging
        include = _id_list(request, "include")
        if isinstance(include, Response):
            return include
        sku = _sanitize_text_field(request.arg("sku") or "")
        if sku:
            wanted = sku.split(",")
            if len(wanted) > 1:
                wanted.append(sku)  # "Include the current string as a SKU too."
            ids = {i for value in wanted for i in self._by_sku.get(_collate(value), [])}
            ids = sorted(ids, reverse=True)
        elif include is not None:
            ids = sorted((i for i in set(include) if i in self.products and self.products[i]["type"] != "variation"),
                         reverse=True)
        else:
            ids = self._listed
        if include is not None:
            included = set(include)
            ids = [i for i in ids if i in included]
        wanted_type = request.arg("type")
        if wanted_type:
            ids = [i for i in ids if self.products[i]["type"] == wanted_type]
        host = request.header("host")
        return _page(request, ids, paging, lambda i: self._product_json(self.products[i], host))

    def _get_product(self, request: Request) -> Response:
        record = self.products.get(int(request.params["id"]))
        if record is None:
            return self.error(404, "Invalid ID.", "woocommerce_rest_product_invalid_id")
        return Response(200, _fields(request, self._product_json(record, request.header("host"))))

    def _update_product(self, request: Request) -> Response:
        return self._update_one(request, variation_of=None)

    def _update_one(self, request: Request, *, variation_of: int | None) -> Response:
        """PUT of one product or variation: the batch's item rules, the single route's errors."""
        data = _body(self, request)
        if isinstance(data, Response):
            return data
        invalid = _invalid_stock_params(data)
        if invalid:
            return self.error(400, f"Invalid parameter(s): {', '.join(invalid)}", "rest_invalid_param")
        result = self._apply(int(request.params["id"]), data, variation_of=variation_of, host=request.header("host"))
        if "error" in result:
            error = result["error"]
            return self.error(error["data"]["status"], error["message"], error["code"])
        return Response(200, result)

    def _batch_products(self, request: Request) -> Response:
        return self._batch(request, variation_of=None)

    # -- variations ---------------------------------------------------------------------

    def _list_variations(self, request: Request) -> Response:
        paging = _paging(self, request)
        if isinstance(paging, Response):
            return paging
        include = _id_list(request, "include")
        if isinstance(include, Response):
            return include
        parent = self.products.get(int(request.params["product_id"]))
        ids = sorted(parent["children"], reverse=True) if parent is not None else []
        if include is not None:
            included = set(include)
            ids = [i for i in ids if i in included]
        sku = _sanitize_text_field(request.arg("sku") or "")
        if sku:
            ids = [i for i in ids if _collate(self.products[i]["sku"]) == _collate(sku)]
        host = request.header("host")
        return _page(request, ids, paging, lambda i: self._variation_json(self.products[i], host))

    def _get_variation(self, request: Request) -> Response:
        record = self.products.get(int(request.params["id"]))
        if record is None or record["type"] != "variation" or record["parent_id"] != int(request.params["product_id"]):
            return self.error(404, "Invalid ID.", "woocommerce_rest_product_variation_invalid_id")
        return Response(200, _fields(request, self._variation_json(record, request.header("host"))))

    def _update_variation(self, request: Request) -> Response:
        return self._update_one(request, variation_of=int(request.params["product_id"]))

    def _batch_variations(self, request: Request) -> Response:
        return self._batch(request, variation_of=int(request.params["product_id"]))

    # -- writing ------------------------------------------------------------------------

    def _batch(self, request: Request, *, variation_of: int | None) -> Response:
        data = _body(self, request)
        if isinstance(data, Response):
            return data
        total = sum(len(data[kind]) for kind in ("create", "update", "delete") if isinstance(data.get(kind), list))
        if total > self.batch_limit:
            return self.error(413, f"Unable to accept more than {self.batch_limit} items for this request.",
                              "woocommerce_rest_request_entity_too_large")
        answer: dict[str, list[Any]] = {}
        host = request.header("host")
        invalid_code = "woocommerce_rest_product_variation_invalid_id" if variation_of else \
            "woocommerce_rest_product_invalid_id"
        for kind in ("create", "delete"):
            for item in data.get(kind) or []:
                item_id = item.get("id", 0) if isinstance(item, dict) else item
                answer.setdefault(kind, []).append(_item_error(
                    item_id, "woocommerce_rest_sandbox_unsupported", f"the sandbox does not {kind} products", 400))
        for position, item in enumerate(data.get("update") or []):
            if not isinstance(item, dict):
                continue
            if request.fault == PARTIAL and position % 2 == 1:
                answer.setdefault("update", []).append(_item_error(item.get("id"), invalid_code, "Invalid ID.", 400))
                continue
            answer.setdefault("update", []).append(self._apply(item.get("id"), item, variation_of=variation_of,
                                                               host=host))
        return Response(200, answer or [])

    def _apply(self, item_id: Any, data: Mapping[str, Any], *, variation_of: int | None, host: str) -> dict[str, Any]:
        """One update as WC_REST_Products_Controller / WC_REST_Product_Variations_Controller do it:
        the product's JSON, or ``{"id", "error"}``."""
        try:
            record = self.products.get(int(item_id))
        except (TypeError, ValueError):
            record = None
        if variation_of is None:
            if record is None or record["type"] == "variation":
                return _item_error(item_id, "woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
        elif record is None or record["type"] != "variation" or record["parent_id"] != variation_of:
            return _item_error(item_id, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)

        if self.manage_stock_enabled:
            if "manage_stock" in data:
                wanted = data["manage_stock"]
                managed = False if wanted == "parent" else _to_bool(wanted)
                if record["type"] == "external" and managed:
                    return _item_error(item_id, "product_external_invalid_manage_stock",
                                       "External products cannot be stock managed.", 400)
                record["manage_stock"] = managed
            if record["type"] in NO_STOCK_TYPES:
                record["manage_stock"] = False
                record["stock_quantity"] = None
            elif record["manage_stock"]:
                if data.get("stock_quantity") is not None:
                    record["stock_quantity"] = _intval(data["stock_quantity"])  # wc_stock_amount
            else:
                record["stock_quantity"] = None  # a quantity without stock management is dropped
            self._refresh_status(record)
        if variation_of is None:
            return self._product_json(record, host)
        return self._variation_json(record, host)

    # -- the rest the client may call ---------------------------------------------------

    def _system_status(self, request: Request) -> Response:
        host = request.header("host")
        return Response(200, {
            "environment": {"home_url": f"http://{host}", "site_url": f"http://{host}", "version": "9.8.5",
                            "wp_version": "6.8.1", "wp_multisite": False, "language": "en_US"},
            "database": {},
            "active_plugins": [],
            "settings": {"api_enabled": True, "currency": "EUR"},
        })

    def _get_setting(self, request: Request) -> Response:
        if request.params["group"] != "products":
            return self.error(404, "Invalid setting group.", "rest_setting_setting_group_invalid")
        if request.params["option"] != "woocommerce_manage_stock":
            return self.error(404, "Invalid setting.", "rest_setting_setting_invalid")
        return Response(200, {
            "id": "woocommerce_manage_stock",
            "label": "Manage stock",
            "description": "Enable stock management",
            "type": "checkbox",
            "default": "yes",
            "tip": "",
            "value": "yes" if self.manage_stock_enabled else "no",
            "group_id": "products",
        })


def _paging(app: WooCommerceSandbox, request: Request) -> tuple[int, int] | Response:
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
            return app.error(400, f"Invalid parameter(s): {name}", "rest_invalid_param", params={name: rule})
        values.append(value)
    return values[0], values[1]


def _page(request: Request, ids: list[int], paging: tuple[int, int], render) -> Response:
    per_page, page = paging
    total = len(ids)
    pages = math.ceil(total / per_page) if total else 0
    chosen = ids[(page - 1) * per_page : page * per_page]
    body = [_fields(request, render(i)) for i in chosen]
    return Response(200, body, headers={"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})


def _id_list(request: Request, name: str) -> list[int] | None | Response:
    """An id list given as ``include=1,2`` or ``include[]=1&include[]=2`` (wp_parse_id_list)."""
    values = request.query.get(name, []) + request.query.get(f"{name}[]", [])
    if not values:
        return None
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        return Response(400, {"code": "rest_invalid_param", "message": f"Invalid parameter(s): {name}",
                              "data": {"status": 400, "params": {name: f"{name}[0] is not of type integer."}}})
    return [int(part) for part in parts]


def _fields(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """WordPress's ``_fields``: only the named top-level fields."""
    wanted = request.arg("_fields")
    if not wanted:
        return data
    names = {name.strip().split(".")[0] for name in wanted.split(",") if name.strip()}
    return {key: value for key, value in data.items() if key in names}


def _body(app: WooCommerceSandbox, request: Request) -> dict[str, Any] | Response:
    try:
        data = json.loads(request.body) if request.body else {}
    except ValueError:
        return app.error(400, "Invalid JSON body passed.", "rest_invalid_json")
    if not isinstance(data, dict):
        return app.error(400, "Invalid JSON body passed.", "rest_invalid_json")
    return data


def _invalid_stock_params(data: Mapping[str, Any]) -> list[str]:
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


def _item_error(item_id: Any, code: str, message: str, status: int) -> dict[str, Any]:
    return {"id": item_id, "error": {"code": code, "message": message, "data": {"status": status}}}


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    if not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None, None
    key, _, secret = decoded.partition(":")
    return key, secret


def _rfc3986(text: str) -> str:
    """PHP's rawurlencode."""
    return quote(text, safe="")


def _collate(sku: str) -> str:
    """How MySQL's default collation compares SKUs: letter case, accents and trailing spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", sku)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip(" ")


def _sanitize_text_field(text: str) -> str:
    """WordPress's sanitize_text_field, as applied to the ``sku`` filter: tags stripped,
    whitespace collapsed, percent-encoded octets removed."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"[\r\n\t ]+", " ", text).strip()
    found = False
    while match := re.search(r"%[a-fA-F0-9]{2}", text):
        text = text.replace(match.group(0), "")
        found = True
    return re.sub(" +", " ", text).strip() if found else text


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _intval(value: Any) -> int:
    try:
        return int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return 0
