"""A WooCommerce emulator: the part of the REST API v3 (``/wp-json/wc/v3``) the client uses.

It keeps WooCommerce's rules where a client can trip over them:

- Authentication as ``WC_REST_Authentication`` does it (``woocommerce_auth``): HTTP Basic
  only over HTTPS, one-legged OAuth 1.0a only over plain HTTP, keys with read and/or
  write permission.
- ``GET products?sku=a,b`` matches each comma-separated SKU, and the whole value as one SKU,
  the way MySQL compares (letter case and accents ignored), and also returns variations
  (``type: variation``, ``parent_id``). ``per_page`` above 100 is a 400.
- With ``manage_stock`` false, a ``stock_quantity`` is silently dropped; ``manage_stock``
  is applied first, so setting both in one update works. With stock management off
  store-wide (``manage_stock_enabled = False``) both are ignored.
- ``POST products/batch`` and ``products/{id}/variations/batch`` take at most 100 items
  (413 beyond) and report per-item errors inside a 200; the ``partial`` fault fails every
  second item of a batch that way, without applying it.

The JSON it answers with, its error shape and how WordPress reads request parameters are
in ``woocommerce_rest``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from .app import OrderCall, Request, Response, SandboxApp
from .faults import PARTIAL
from .woocommerce_auth import ApiKeys
from .woocommerce_catalogue import Catalogue
from .woocommerce_orders import OrderBook
from .woocommerce_orders_rest import OrderRoutes
from .woocommerce_rest import (
    API,
    collate,
    error_response,
    fields,
    id_list,
    intval,
    invalid_stock_params,
    item_error,
    json_body,
    paged_response,
    product_json,
    read_paging,
    sanitize_text_field,
    to_bool,
    variation_json,
)

CONSUMER_KEY = "ck_5a4e1f0c2b3d6e7f8091a2b3c4d5e6f708192a3b"
CONSUMER_SECRET = "cs_9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5"
NO_STOCK_TYPES = ("grouped", "external")


class WooCommerceSandbox(SandboxApp):
    name = "woocommerce"

    def __init__(self, *, seed: int = 0, batch_limit: int = 100):
        super().__init__(seed=seed)
        self.api_keys = ApiKeys()
        self.add_key(CONSUMER_KEY, CONSUMER_SECRET)
        self.batch_limit = batch_limit
        self.manage_stock_enabled = True  # WooCommerce > Settings > Products > Inventory
        self.products: dict[int, dict[str, Any]] = {}
        self._by_sku: dict[str, list[int]] = {}  # collated SKU -> ids
        self._listed: list[int] = []  # ids of the "product" post type, newest first
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
        self.catalogue = Catalogue(self)  # creating products; names, descriptions, prices, statuses
        self.orders = OrderBook(self)  # orders, notes, webhooks and the stock they take
        self.orders.register_controls()
        OrderRoutes(self.orders).register()

    @classmethod
    def client_settings(cls, url: str) -> dict[str, Any]:
        return {"url": url, "consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET}

    @classmethod
    def order_call(cls, sku: str, quantity: int, *, at: datetime | None = None,
                   buyer: Mapping[str, str] | None = None) -> OrderCall:
        buyer = buyer or {}
        first, _, last = str(buyer.get("name") or "").partition(" ")
        billing = {"first_name": first, "last_name": last, "email": buyer.get("email", ""),
                   "company": buyer.get("company", "")}
        body = {"lines": [{"sku": sku, "quantity": quantity}], "status": "processing", "billing": billing}
        return OrderCall("orders", {**body, "time": at.isoformat()} if at else body, lambda answer: str(answer["id"]))

    def add_key(self, consumer_key: str, consumer_secret: str, permissions: str = "read_write") -> None:
        """Another REST API key; ``permissions`` is ``read``, ``write`` or ``read_write``."""
        self.api_keys.add(consumer_key, consumer_secret, permissions)

    # -- catalogue ----------------------------------------------------------------------

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        self.products.clear()
        self._by_sku.clear()
        self._listed.clear()
        self.orders.clear()
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
        self.catalogue.seeded(record, entry)
        self.products[product_id] = record
        self._by_sku.setdefault(collate(record["sku"]), []).append(product_id)
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

    def _product_json(self, record: Mapping[str, Any], request: Request) -> dict[str, Any]:
        return self.catalogue.shown(record, product_json(record, request.header("host"), manage_stock=self._manage_stock(
            record), stock_quantity=self._stock_quantity(record)), request)

    def _variation_json(self, record: Mapping[str, Any], request: Request) -> dict[str, Any]:
        return self.catalogue.shown(record, variation_json(record, request.header("host"), manage_stock=self._manage_stock(
            record), stock_quantity=self._stock_quantity(record)), request)

    # -- errors and authentication ------------------------------------------------------

    def error(self, status: int, message: str, code: str | None = None, **data: Any) -> Response:
        return error_response(status, message, code, **data)

    def authenticate(self, request: Request) -> Response | None:
        refusal = self.api_keys.refusal(request)
        return None if refusal is None else self.error(401, refusal.message, refusal.code)

    # -- products -----------------------------------------------------------------------

    def _list_products(self, request: Request) -> Response:
        paging = read_paging(request)
        if isinstance(paging, Response):
            return paging
        include = id_list(request, "include")
        if isinstance(include, Response):
            return include
        sku = sanitize_text_field(request.arg("sku") or "")
        if sku:
            wanted = sku.split(",")
            if len(wanted) > 1:
                wanted.append(sku)  # "Include the current string as a SKU too."
            ids = sorted({i for value in wanted for i in self._by_sku.get(collate(value), [])}, reverse=True)
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
        return paged_response(request, ids, paging, lambda i: self._product_json(self.products[i], request))

    def _get_product(self, request: Request) -> Response:
        record = self.products.get(int(request.params["id"]))
        if record is None:
            return self.error(404, "Invalid ID.", "woocommerce_rest_product_invalid_id")
        return Response(200, fields(request, self._product_json(record, request)))

    def _update_product(self, request: Request) -> Response:
        return self._update_one(request, variation_of=None)

    def _update_one(self, request: Request, *, variation_of: int | None) -> Response:
        """PUT of one product or variation: the batch's item rules, the single route's errors."""
        data = json_body(request)
        if isinstance(data, Response):
            return data
        invalid = invalid_stock_params(data)
        if invalid:
            return self.error(400, f"Invalid parameter(s): {', '.join(invalid)}", "rest_invalid_param")
        result = self._apply(int(request.params["id"]), data, variation_of=variation_of, request=request)
        if "error" in result:
            error = result["error"]
            return self.error(error["data"]["status"], error["message"], error["code"])
        return Response(200, result)

    def _batch_products(self, request: Request) -> Response:
        return self._batch(request, variation_of=None)

    # -- variations ---------------------------------------------------------------------

    def _list_variations(self, request: Request) -> Response:
        paging = read_paging(request)
        if isinstance(paging, Response):
            return paging
        include = id_list(request, "include")
        if isinstance(include, Response):
            return include
        parent = self.products.get(int(request.params["product_id"]))
        ids = sorted(parent["children"], reverse=True) if parent is not None else []
        if include is not None:
            included = set(include)
            ids = [i for i in ids if i in included]
        sku = sanitize_text_field(request.arg("sku") or "")
        if sku:
            ids = [i for i in ids if collate(self.products[i]["sku"]) == collate(sku)]
        return paged_response(request, ids, paging, lambda i: self._variation_json(self.products[i], request))

    def _get_variation(self, request: Request) -> Response:
        record = self.products.get(int(request.params["id"]))
        if record is None or record["type"] != "variation" or record["parent_id"] != int(request.params["product_id"]):
            return self.error(404, "Invalid ID.", "woocommerce_rest_product_variation_invalid_id")
        return Response(200, fields(request, self._variation_json(record, request)))

    def _update_variation(self, request: Request) -> Response:
        return self._update_one(request, variation_of=int(request.params["product_id"]))

    def _batch_variations(self, request: Request) -> Response:
        return self._batch(request, variation_of=int(request.params["product_id"]))

    # -- writing ------------------------------------------------------------------------

    def _batch(self, request: Request, *, variation_of: int | None) -> Response:
        data = json_body(request)
        if isinstance(data, Response):
            return data
        total = sum(len(data[kind]) for kind in ("create", "update", "delete") if isinstance(data.get(kind), list))
        if total > self.batch_limit:
            return self.error(413, f"Unable to accept more than {self.batch_limit} items for this request.",
                              "woocommerce_rest_request_entity_too_large")
        answer: dict[str, list[Any]] = {}
        invalid_code = "woocommerce_rest_product_variation_invalid_id" if variation_of else \
            "woocommerce_rest_product_invalid_id"
        if data.get("create"):
            answer["create"] = self.catalogue.create_items(data["create"], variation_of=variation_of, request=request)
        for item in data.get("delete") or []:
            item_id = item.get("id", 0) if isinstance(item, dict) else item
            answer.setdefault("delete", []).append(item_error(
                item_id, "woocommerce_rest_sandbox_unsupported", "the sandbox does not delete products", 400))
        for position, item in enumerate(data.get("update") or []):
            if not isinstance(item, dict):
                continue
            if request.fault == PARTIAL and position % 2 == 1:
                answer.setdefault("update", []).append(item_error(item.get("id"), invalid_code, "Invalid ID.", 400))
                continue
            answer.setdefault("update", []).append(self._apply(item.get("id"), item, variation_of=variation_of,
                                                               request=request))
        return Response(200, answer or [])

    def _apply(self, item_id: Any, data: Mapping[str, Any], *, variation_of: int | None, request: Request) -> dict[str, Any]:
        """One update as WC_REST_Products_Controller / WC_REST_Product_Variations_Controller do it:
        the product's JSON, or ``{"id", "error"}``."""
        try:
            record = self.products.get(int(item_id))
        except (TypeError, ValueError):
            record = None
        if variation_of is None:
            if record is None or record["type"] == "variation":
                return item_error(item_id, "woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
        elif record is None or record["type"] != "variation" or record["parent_id"] != variation_of:
            return item_error(item_id, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)

        self.catalogue.apply(record, data)
        if self.manage_stock_enabled:
            if "manage_stock" in data:
                wanted = data["manage_stock"]
                managed = False if wanted == "parent" else to_bool(wanted)
                if record["type"] == "external" and managed:
                    return item_error(item_id, "product_external_invalid_manage_stock",
                                       "External products cannot be stock managed.", 400)
                record["manage_stock"] = managed
            if record["type"] in NO_STOCK_TYPES:
                record["manage_stock"] = False
                record["stock_quantity"] = None
            elif record["manage_stock"]:
                if data.get("stock_quantity") is not None:
                    record["stock_quantity"] = intval(data["stock_quantity"])  # wc_stock_amount
            else:
                record["stock_quantity"] = None  # a quantity without stock management is dropped
            self._refresh_status(record)
        if variation_of is None:
            return self._product_json(record, request)
        return self._variation_json(record, request)

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

