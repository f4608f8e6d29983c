"""An emulator of the Magento 2 admin REST API, as much of it as stock sync touches.

Routes, under ``/rest/<store_code>/V1`` (or ``/rest/V1`` for the default store):
products search and product by SKU, stock items (GET, and the legacy PUT), MSI source
items (search and bulk save), a source by code, and store configs; sales orders,
shipments and the salable quantity in ``magento_orders``. Requests need
``Authorization: Bearer <token>``.

Behaviour copied from Magento, quirks included:

- searchCriteria as ``magento_webapi`` parses and applies it (with the error answers and
  the input-field check of Magento's web API framework).
- ``POST /V1/inventory/source-items`` answers 200 ``[]`` and stores nothing for a SKU it
  does not know; an item without ``sku``/``source_code``, with a quantity that is not a
  number or a status other than 0/1 fails the whole call with 400 "Validation Failed".
  Saving the ``default`` source also updates the legacy stock item, as MSI does.
- The legacy ``PUT /V1/products/{sku}/stockItems/{id}`` writes the ``default`` source only.
- SKUs in paths must be percent-encoded; a raw ``/`` does not match any route.
- Errors are ``{"message": "...%1...", "parameters": [...]}`` (or a dict of named
  parameters); 401 for a bad token, 404 for a missing product.
- The product list carries no ``stock_item`` (magento/magento2#36533) unless
  ``list_stock_items`` is set; ``GET /V1/products/{sku}`` always does.
- ``input_limit``: the web API input limits a store can enable (at most N items per array,
  and at most ``max_page_size`` orders per page, 300 unless set).
- Sources: ``default``, ``source_code`` and ``more_sources`` (or the seed's ``sources``);
  the salable quantity is of the stock made of ``stock_sources`` (the seed's
  ``stock_sources``; default: ``source_code`` alone), as a website's stock sums its sources.
  The control call ``source-items`` answers SKU -> source code -> quantity.

Fault "partial": Magento saves source items all or nothing, so a partial failure is the
400 "Validation Failed" answer for the whole call, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .app import OrderCall, Request, Response, SandboxApp
from .faults import PARTIAL
from .magento_catalogue import Catalogue
from .magento_orders import SalesOrders
from .magento_sales_api import SalesApi
from .magento_webapi import REQUIRED, WRONG_TYPE, MagentoError, check_known_fields, parse_criteria, search, split_folded

TOKEN = "sandbox-magento-admin-token"

# Catalogue types -> Magento type_id.
TYPES = {"simple": "simple", "variation": "simple", "variable": "configurable", "bundle": "bundle",
         "grouped": "grouped", "virtual": "virtual", "downloadable": "downloadable"}
STOCK_TYPES = ("simple", "virtual", "downloadable", "giftcard")

# A SKU as it must arrive: one path segment, percent-encoded (a pattern with '%' is matched
# against the raw path, so an unencoded '/' finds no route, as on Magento).
SKU = r"(?P<sku>(?:[^/%]|%[0-9A-Fa-f]{2})+)"
PREFIX = r"/rest(?:/(?P<store>[^/]+))?/V1"

NO_ROUTE = "Request does not match any route."
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
NO_SKU = 'The Product with the "%1" SKU doesn\'t exist.'
NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."
SOURCE_ITEM_CLASS = "\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface"
SOURCE_ITEM_FIELDS = ("sku", "source_code", "quantity", "status")
STOCK_ITEM_INPUT_FIELDS = ("qty", "is_in_stock", "manage_stock", "use_config_manage_stock", "is_qty_decimal",
                           "backorders", "use_config_backorders", "min_qty", "item_id", "product_id", "stock_id")


class MagentoSandbox(SandboxApp):
    name = "magento"

    def __init__(self, *, token: str = TOKEN, source_code: str = "default", stores: tuple[str, ...] = ("default",),
                 list_stock_items: bool = False, input_limit: int | None = None, max_page_size: int = 300,
                 msi: bool = True, more_sources: tuple[str, ...] = (),
                 denied_resources: tuple[str, ...] = (), stock_sources: tuple[str, ...] | None = None,
                 seed: int = 0):
        super().__init__(seed=seed)
        self.token = token
        self.source_code = source_code  # the source stock() reports
        self.stock_sources = tuple(stock_sources or (source_code,))  # the salable quantity's sources
        self.stores = set(stores) | {"all"}
        self.list_stock_items = list_stock_items
        self.input_limit = input_limit
        self.max_page_size = max_page_size
        self.denied_resources = set(denied_resources)
        self.products: dict[str, dict[str, Any]] = {}
        self._folded: dict[str, str] = {}
        self.stock_items: dict[str, dict[str, Any]] = {}
        self.source_items: dict[tuple[str, str], dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self._resources: dict[str, str] = {}
        self._add_sources(more_sources)

        self._route("GET", "/products", "products.list", self._search_products, "Magento_Catalog::products")
        self._route("GET", f"/products/{SKU}", "products.get", self._get_product, "Magento_Catalog::products")
        self._route("GET", f"/stockItems/{SKU}", "stockItems.get", self._get_stock_item,
                    "Magento_CatalogInventory::cataloginventory")
        self._route("PUT", f"/products/{SKU}/stockItems/(?P<item_id>[^/]+)", "stockItems.put",
                    self._put_stock_item, "Magento_CatalogInventory::cataloginventory")
        self._route("GET", "/store/storeConfigs", "storeConfigs", self._store_configs, "Magento_Backend::store")
        if msi:
            self._route("GET", "/inventory/source-items", "source-items.list", self._search_source_items,
                        "Magento_InventoryApi::source")
            self._route("POST", "/inventory/source-items", "source-items.save", self._save_source_items,
                        "Magento_InventoryApi::source_item_save")
            self._route("GET", "/inventory/sources/(?P<code>[^/]+)", "sources.get", self._get_source,
                        "Magento_InventoryApi::source")
        self.catalogue = Catalogue(self)  # saving products, base prices (magento_catalogue)
        self.sales = SalesOrders(self, msi=msi)  # orders, shipments, reservations (magento_orders)
        self.sales_api = SalesApi(self, self.sales)  # their routes and control calls
        self.sales_api.register_controls()
        self.add_control("GET", "source-items", lambda r: Response(200, self.quantities_by_source()))

    @classmethod
    def client_settings(cls, url: str) -> dict[str, Any]:
        return {"url": url, "token": TOKEN, "store_code": "default", "mode": "msi", "source_code": "default"}

    # -- state --------------------------------------------------------------------------


    @classmethod
    def order_call(cls, sku: str, quantity: int, *, at: datetime | None = None,
                   buyer: Mapping[str, str] | None = None) -> OrderCall:
        """How a customer places an order here (the demo's and the CLI tests' control call)."""
        body: dict[str, Any] = {"lines": [{"sku": sku, "qty": quantity}], "customer": dict(buyer or {})}
        if at is not None:
            body["at"] = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return OrderCall("orders", body, lambda answer: str(answer["entity_id"]))

    def _add_sources(self, more: tuple[str, ...]) -> None:
        for code in dict.fromkeys(("default", self.source_code, *more)):
            self.sources[code] = {
                "source_code": code, "name": "Default Source" if code == "default" else f"Source {code}",
                "enabled": True, "country_id": "US", "postcode": "00000", "use_default_carrier_config": True,
                "carrier_links": [],
            }

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        """Simple -> simple, variable -> configurable (its variations simple products),
        bundle -> bundle; ``manage_stock: false`` -> a stock item with Manage Stock = No.
        Sandbox-only keys: ``magento_type`` (a type_id), ``backorders`` (true/false); at the
        top, ``sources`` (more source codes) and ``stock_sources`` (the salable stock's).
        Every stock-keeping product gets its quantity in every source."""
        with self.lock:
            self._add_sources(tuple(str(code) for code in catalogue.get("sources", ())))
            if catalogue.get("stock_sources"):
                self.stock_sources = tuple(str(code) for code in catalogue["stock_sources"])
            self.products.clear()
            self.sales.clear()
            self._folded = {}
            self.stock_items.clear()
            self.source_items.clear()
            for number, entry in enumerate(catalogue.get("products", []), start=1):
                sku = str(entry["sku"])
                type_id = entry.get("magento_type") or TYPES.get(entry.get("type", "simple"), "simple")
                quantity = Decimal(str(entry.get("quantity", 0) or 0))
                self.products[sku] = {
                    "id": number, "sku": sku, "name": entry.get("name", sku), "attribute_set_id": 4,
                    "price": 10, "status": 1, "visibility": 4, "type_id": type_id,
                    "created_at": "2024-01-01 00:00:00", "updated_at": "2024-01-01 00:00:00",
                    "extension_attributes": {"website_ids": [1]},
                    "product_links": [], "options": [], "media_gallery_entries": [], "tier_prices": [],
                    "custom_attributes": [], **Catalogue.seeded(entry),
                }
                stocked = type_id in STOCK_TYPES
                manage = entry.get("manage_stock", True) is not False
                backorders = 1 if entry.get("backorders") else 0
                self.stock_items[sku] = _stock_item(number, quantity if stocked else Decimal(0),
                                                    manage=manage, backorders=backorders)
                if stocked:
                    for code in self.sources:
                        self.source_items[(sku, code)] = {"quantity": quantity, "status": 1 if quantity > 0 else 0}
            for entry in catalogue.get("products", []):
                parent = self.products.get(str(entry.get("parent") or ""))
                if parent is not None and parent["type_id"] == "configurable":
                    links = parent["extension_attributes"].setdefault("configurable_product_links", [])
                    links.append(self.products[str(entry["sku"])]["id"])

    def stock(self) -> dict[str, Decimal]:
        with self.lock:
            return {
                sku: self.source_items[(sku, self.source_code)]["quantity"]
                for sku, product in self.products.items()
                if product["type_id"] in STOCK_TYPES and (sku, self.source_code) in self.source_items
            }

    def quantities_by_source(self) -> dict[str, dict[str, str]]:
        """SKU -> source code -> quantity of every source item (the ``source-items`` control call)."""
        with self.lock:
            held: dict[str, dict[str, str]] = {}
            for (sku, code), item in sorted(self.source_items.items()):
                held.setdefault(sku, {})[code] = str(item["quantity"])
            return held

    def _product(self, sku: str) -> dict[str, Any] | None:
        """The product with this SKU, letter case ignored as MySQL does."""
        product = self.products.get(sku)
        if product is None:
            product = self.products.get(self._folded_skus().get(sku.casefold(), ""))
        return product

    def _folded_skus(self) -> dict[str, str]:
        """Case-folded SKU -> SKU: the index a database would use (products only change on seed)."""
        if len(self._folded) != len(self.products):
            self._folded = {sku.casefold(): sku for sku in self.products}
        return self._folded

    def _candidates(self, request: Request, records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """The records a SKU filter can match, found through the index instead of a full scan;
        ``search`` still applies every filter to them."""
        filter_groups, _, _ = parse_criteria(request)
        for group in filter_groups:
            if len(group) == 1 and group[0]["field"] == "sku" and group[0]["condition_type"] in ("eq", "in"):
                values = split_folded(group[0]["value"]) if group[0]["condition_type"] == "in" else \
                    {group[0]["value"].casefold()}
                index = self._folded_skus()
                found = [records[index[v]] for v in values if v in index and index[v] in records]
                return sorted(found, key=lambda r: r.get("id", 0))
        return list(records.values())

    # -- routing, auth, errors ----------------------------------------------------------

    def _route(self, method: str, path: str, name: str, handler: Callable[[Request], Response],
               resource: str) -> None:
        self._resources[name] = resource

        def in_store(request: Request) -> Response:
            try:
                store = request.params.get("store")
                if store is not None and store not in self.stores:
                    raise MagentoError(404, NO_ROUTE)
                return handler(request)
            except MagentoError as exc:
                return Response(exc.status, exc.body)

        self.add_route(method, PREFIX + path, name, in_store)

    def authenticate(self, request: Request) -> Response | None:
        resource = self._resources.get(request.route, "Magento_Backend::admin")
        if request.header("Authorization") == f"Bearer {self.token}" and resource not in self.denied_resources:
            return None
        return Response(401, {"message": NOT_AUTHORIZED, "parameters": {"resources": resource}})

    # -- handlers -----------------------------------------------------------------------

    def _search_products(self, request: Request) -> Response:
        show = self._with_stock_item if self.list_stock_items else dict
        return search(self._candidates(request, self.products), request, show)

    def _get_product(self, request: Request) -> Response:
        product = self._product(request.params["sku"])
        if product is None:
            raise MagentoError(404, NO_PRODUCT)
        return Response(200, self._with_stock_item(product))

    def _with_stock_item(self, product: dict[str, Any]) -> dict[str, Any]:
        extension = dict(product["extension_attributes"], stock_item=dict(self.stock_items[product["sku"]]))
        return dict(product, extension_attributes=extension)

    def _get_stock_item(self, request: Request) -> Response:
        product = self._product(request.params["sku"])
        if product is None:
            raise MagentoError(404, NO_SKU, [request.params["sku"]])
        return Response(200, dict(self.stock_items[product["sku"]]))

    def _put_stock_item(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("stockItem"), dict):
            raise MagentoError(400, REQUIRED, {"fieldName": "stockItem"})
        item = body["stockItem"]
        check_known_fields(item, STOCK_ITEM_INPUT_FIELDS, "Magento\\CatalogInventory\\Model\\Stock\\Item")
        product = self._product(request.params["sku"])
        if product is None:
            raise MagentoError(404, NO_SKU, [request.params["sku"]])
        stock_item = self.stock_items[product["sku"]]
        if "qty" in item:
            stock_item["qty"] = _quantity(item["qty"], "qty")
        if "is_in_stock" in item:
            stock_item["is_in_stock"] = bool(item["is_in_stock"])
        if "manage_stock" in item:
            stock_item["manage_stock"] = bool(item["manage_stock"])
        if product["type_id"] in STOCK_TYPES:  # the legacy API reaches the default source only
            self.source_items[(product["sku"], "default")] = {
                "quantity": stock_item["qty"], "status": 1 if stock_item["is_in_stock"] else 0,
            }
        return Response(200, stock_item["item_id"])

    def _search_source_items(self, request: Request) -> Response:
        keys = [(p["sku"], code) for p in self._candidates(request, self.products) for code in self.sources]
        records = [
            {"sku": sku, "source_code": code, "quantity": self.source_items[(sku, code)]["quantity"],
             "status": self.source_items[(sku, code)]["status"]}
            for sku, code in keys
            if (sku, code) in self.source_items
        ]
        return search(records, request, dict)

    def _save_source_items(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict) or "sourceItems" not in body:
            raise MagentoError(400, REQUIRED, {"fieldName": "sourceItems"})
        items = body["sourceItems"]
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise MagentoError(400, WRONG_TYPE, ["sourceItems", SOURCE_ITEM_CLASS + "[]"])
        if self.input_limit is not None and len(items) > self.input_limit:
            raise MagentoError(400, 'Maximum items of type "%type" is %max',
                               {"type": SOURCE_ITEM_CLASS, "max": self.input_limit})
        errors = []
        for item in items:
            check_known_fields(item, SOURCE_ITEM_FIELDS, "Magento\\Inventory\\Model\\SourceItem")
            errors.extend(_source_item_errors(item))
        if request.fault == PARTIAL and not errors:
            errors.append({"message": '"%field" should be numeric.', "parameters": {"field": "quantity"}})
        if errors:
            raise MagentoError(400, "Validation Failed", errors=errors)
        if any(item["source_code"] not in self.sources for item in items):
            raise MagentoError(400, "Could not save Source Item")
        for item in items:
            product = self.products.get(item["sku"])
            if product is None or product["type_id"] not in STOCK_TYPES:
                continue  # Magento answers 200 [] and nothing is stored
            quantity = _quantity(item["quantity"], "quantity")
            status = int(item["status"])
            self.source_items[(product["sku"], item["source_code"])] = {"quantity": quantity, "status": status}
            if item["source_code"] == "default":
                stock_item = self.stock_items[product["sku"]]
                stock_item["qty"] = quantity
                stock_item["is_in_stock"] = status == 1
        return Response(200, [])

    def _get_source(self, request: Request) -> Response:
        source = self.sources.get(request.params["code"])
        if source is None:
            raise MagentoError(404, 'Source with code "%value" does not exist.', {"value": request.params["code"]})
        return Response(200, dict(source))

    def _store_configs(self, request: Request) -> Response:
        return Response(200, [
            {
                "id": index, "code": code, "website_id": self.catalogue.websites.website_of(code),
                "locale": "en_US", "base_currency_code": "EUR",
                "default_display_currency_code": "EUR", "timezone": "Europe/Berlin", "weight_unit": "kgs",
                "base_url": "http://magento.test/", "base_link_url": "http://magento.test/",
                "base_static_url": "http://magento.test/static/", "base_media_url": "http://magento.test/media/",
                "secure_base_url": "https://magento.test/", "secure_base_link_url": "https://magento.test/",
                "secure_base_static_url": "https://magento.test/static/",
                "secure_base_media_url": "https://magento.test/media/",
            }
            for index, code in enumerate(sorted(self.stores - {"all"}), start=1)
        ])


# -- helpers --------------------------------------------------------------------------------


def _stock_item(number: int, quantity: Decimal, *, manage: bool, backorders: int) -> dict[str, Any]:
    return {
        "item_id": number, "product_id": number, "stock_id": 1, "qty": quantity,
        "is_in_stock": quantity > 0 or bool(backorders), "is_qty_decimal": False,
        "show_default_notification_message": False, "use_config_min_qty": True, "min_qty": 0,
        "use_config_min_sale_qty": 1, "min_sale_qty": 1, "use_config_max_sale_qty": True, "max_sale_qty": 10000,
        "use_config_backorders": not backorders, "backorders": backorders, "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1, "use_config_qty_increments": True, "qty_increments": 0,
        "use_config_enable_qty_inc": True, "enable_qty_increments": False, "use_config_manage_stock": manage,
        "manage_stock": manage, "low_stock_date": None, "is_decimal_divided": False, "stock_status_changed_auto": 0,
    }


def _source_item_errors(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors = []
    for field in ("sku", "source_code"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            errors.append({"message": '"%field" can not be empty.', "parameters": {"field": field}})
    if not _is_number(item.get("quantity")):
        errors.append({"message": '"%field" should be numeric.', "parameters": {"field": "quantity"}})
    if item.get("status") not in (0, 1) or isinstance(item.get("status"), bool):
        errors.append({"message": '"%field" should a known status.', "parameters": {"field": "status"}})
    return errors


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _quantity(value: Any, field: str) -> Decimal:
    if not _is_number(value):
        raise MagentoError(400, "Validation Failed",
                           errors=[{"message": '"%field" should be numeric.', "parameters": {"field": field}}])
    return Decimal(str(value))
