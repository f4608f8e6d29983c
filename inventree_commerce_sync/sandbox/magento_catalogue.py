"""The Magento sandbox's catalogue: creating and saving products, and the bulk price API.

As Magento does it (``ProductRepository::save``, ``BasePriceStorage::update``):

- ``POST /V1/products`` and ``PUT /V1/products/{sku}`` both save: a product whose SKU exists
  (letter case ignored, as MySQL compares) is updated, not refused; fields the product data
  interface does not have are a 400; ``custom_attributes`` are merged by code.
- A new product's URL key (its ``url_key`` attribute, else made from its name) that another
  product has is refused: 400 "URL key for specified store already exists." and nothing saved.
- A ``stock_item`` in ``extension_attributes`` sets the stock item and the default source.
- The websites a new product lands on, and the product website links: ``magento_websites``.
- ``POST /V1/products/base-prices`` (``{"prices": [{"sku", "price", "store_id"}]}``) saves
  every valid row and answers 200 with the refused ones (``[]`` when none): an unknown SKU or
  one of a type without its own price is "Invalid attribute %fieldName = %fieldValue."
  ``["SKU", sku]``, a missing or negative price the same with ``["Price", value]`` (naming no
  SKU, as Magento's does), an unknown store "Requested store is not found. ..."; the web API
  input limit (``input_limit``) applies to the array. Fault "partial": every second row is
  refused as an unknown SKU, without being saved.

Control call: ``GET /__sandbox__/products`` lists every product (sku, name, type, price,
status, visibility, url key, description, website ids) for tests and benchmarks in another process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .app import Request, Response
from .faults import PARTIAL
from .magento_webapi import REQUIRED, WRONG_TYPE, MagentoError, check_known_fields
from .magento_websites import Websites

if TYPE_CHECKING:
    from .magento import MagentoSandbox

PRODUCT_CLASS = "Magento\\Catalog\\Model\\Product"
PRODUCT_FIELDS = ("id", "sku", "name", "attribute_set_id", "price", "status", "visibility", "type_id", "created_at",
                  "updated_at", "weight", "product_links", "options", "media_gallery_entries", "tier_prices",
                  "custom_attributes")
PRICE_CLASS = "\\Magento\\Catalog\\Api\\Data\\BasePriceInterface"
PRICE_FIELDS = ("price", "store_id", "sku")
PRICED_TYPES = ("simple", "virtual", "downloadable", "bundle", "giftcard")
URL_KEY_TAKEN = "URL key for specified store already exists."
INVALID = "Invalid attribute %fieldName = %fieldValue."
NO_STORE = "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId."
NOW = "2026-12-01 12:00:00"


class Catalogue:
    def __init__(self, shop: MagentoSandbox):
        self.shop = shop
        self.websites = Websites(shop)
        shop._route("POST", "/products", "products.create", self._save_new, "Magento_Catalog::products")
        shop._route("PUT", r"/products/(?P<sku>(?:[^/%]|%[0-9A-Fa-f]{2})+)", "products.update", self._save_sku,
                    "Magento_Catalog::products")
        shop._route("POST", "/products/base-prices", "base-prices.save", self._save_prices,
                    "Magento_Catalog::products")
        shop.add_control("GET", "products", lambda request: Response(200, self.listing()))

    @staticmethod
    def seeded(entry: Mapping[str, Any]) -> dict[str, Any]:
        """What a seeded product holds of the catalogue besides its SKU and type."""
        attributes = [{"attribute_code": "url_key", "value": url_key_of(str(entry.get("name") or entry["sku"]))}]
        if entry.get("description"):
            attributes.append({"attribute_code": "description", "value": str(entry["description"])})
        return {"price": _number(entry.get("price", 10)), "custom_attributes": attributes}

    def listing(self) -> list[dict[str, Any]]:
        return [{"sku": p["sku"], "name": p["name"], "type": p["type_id"], "price": p["price"], "status": p["status"],
                 "visibility": p["visibility"], "url_key": _attribute(p, "url_key"),
                 "description": _attribute(p, "description"),
                 "website_ids": list(p["extension_attributes"].get("website_ids") or [])}
                for p in sorted(self.shop.products.values(), key=lambda p: p["id"])]

    # -- saving products --------------------------------------------------------------------

    def _save_new(self, request: Request) -> Response:
        data = _product_input(request)
        if not isinstance(data.get("sku"), str) or not data["sku"].strip():
            raise MagentoError(400, REQUIRED, {"fieldName": "sku"})
        return self._save(data["sku"], data, request.params.get("store"))

    def _save_sku(self, request: Request) -> Response:
        return self._save(request.params["sku"], _product_input(request), request.params.get("store"))

    def _save(self, sku: str, data: Mapping[str, Any], scope: str | None) -> Response:
        shop = self.shop
        record = shop._product(sku)
        if record is None:
            record = self._new(sku, data, scope)
        else:
            _merge(record, data)
            sent = (data.get("extension_attributes") or {}).get("website_ids")
            if isinstance(sent, list) and len(self.websites.real()) > 1:
                record["extension_attributes"]["website_ids"] = [i for i in sent if i in self.websites.real()]
        stock_item = (data.get("extension_attributes") or {}).get("stock_item")
        if isinstance(stock_item, dict) and "qty" in stock_item:
            item = shop.stock_items[record["sku"]]
            item["qty"] = Decimal(str(stock_item["qty"]))
            item["is_in_stock"] = bool(stock_item.get("is_in_stock", item["qty"] > 0))
            item["manage_stock"] = stock_item.get("manage_stock", True) is not False
            shop.source_items[(record["sku"], "default")] = {"quantity": item["qty"], "status": int(item["is_in_stock"])}
        return Response(200, shop._with_stock_item(record))

    def _new(self, sku: str, data: Mapping[str, Any], scope: str | None) -> dict[str, Any]:
        from .magento import _stock_item

        shop = self.shop
        record: dict[str, Any] = {
            "id": max((p["id"] for p in shop.products.values()), default=0) + 1, "sku": sku, "name": "",
            "attribute_set_id": 4, "price": 0, "status": 1, "visibility": 4, "type_id": "simple",
            "created_at": NOW, "updated_at": NOW, "product_links": [],
            "extension_attributes": {"website_ids": self.websites.of_new_product(scope, data)},
            "options": [], "media_gallery_entries": [], "tier_prices": [], "custom_attributes": [],
        }
        _merge(record, data)
        key = _attribute(record, "url_key") or url_key_of(record["name"] or sku)
        if any(url_key_of(_attribute(p, "url_key") or p["name"] or p["sku"]) == key for p in shop.products.values()):
            raise MagentoError(400, URL_KEY_TAKEN)
        _set_attribute(record, "url_key", key)
        shop.products[sku] = record
        shop.stock_items[sku] = _stock_item(record["id"], Decimal(0), manage=True, backorders=0)
        return record

    # -- prices -----------------------------------------------------------------------------

    def _save_prices(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict) or "prices" not in body:
            raise MagentoError(400, REQUIRED, {"fieldName": "prices"})
        rows = body["prices"]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise MagentoError(400, WRONG_TYPE, ["prices", PRICE_CLASS + "[]"])
        limit = self.shop.input_limit
        if limit is not None and len(rows) > limit:
            raise MagentoError(400, 'Maximum items of type "%type" is %max', {"type": PRICE_CLASS, "max": limit})
        refused: list[dict[str, Any]] = []
        for position, row in enumerate(rows):
            check_known_fields(row, PRICE_FIELDS, "Magento\\Catalog\\Model\\Product\\Price\\BasePrice")
            errors = self._row_errors(row, injected=request.fault == PARTIAL and position % 2 == 1)
            if errors:
                refused.extend(errors)
            else:
                self.shop._product(str(row["sku"]))["price"] = _number(row["price"])  # type: ignore[index]
        return Response(200, refused)

    def _row_errors(self, row: Mapping[str, Any], *, injected: bool) -> list[dict[str, Any]]:
        sku = row.get("sku")
        product = self.shop._product(sku) if isinstance(sku, str) and sku else None
        errors = []
        if injected or product is None or product["type_id"] not in PRICED_TYPES:
            errors.append({"message": INVALID, "parameters": ["SKU", "" if sku is None else str(sku)]})
        price = _number(row.get("price"))
        if price is None or price < 0:
            errors.append({"message": INVALID, "parameters": ["Price", str(row.get("price"))]})
        if row.get("store_id") not in (0, 1) or isinstance(row.get("store_id"), bool):
            errors.append({"message": NO_STORE, "parameters": [str(sku), str(row.get("store_id"))]})
        return errors


def url_key_of(text: str) -> str:
    """Magento's formatUrlKey: transliterated, lower case, runs of anything else one '-'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _product_input(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("product"), dict):
        raise MagentoError(400, REQUIRED, {"fieldName": "product"})
    check_known_fields(body["product"], PRODUCT_FIELDS, PRODUCT_CLASS)
    return body["product"]


def _merge(record: dict[str, Any], data: Mapping[str, Any]) -> None:
    for key in ("name", "attribute_set_id", "status", "visibility", "type_id", "weight"):
        if key in data:
            record[key] = data[key]
    if "price" in data:
        record["price"] = _number(data["price"])
    for attribute in data.get("custom_attributes") or []:
        if isinstance(attribute, dict) and attribute.get("attribute_code"):
            _set_attribute(record, str(attribute["attribute_code"]), attribute.get("value"))
    record["updated_at"] = NOW


def _attribute(record: Mapping[str, Any], code: str) -> str:
    for attribute in record.get("custom_attributes") or []:
        if attribute.get("attribute_code") == code:
            return str(attribute.get("value") or "")
    return ""


def _set_attribute(record: dict[str, Any], code: str, value: Any) -> None:
    attributes = [a for a in record.get("custom_attributes") or [] if a.get("attribute_code") != code]
    record["custom_attributes"] = [*attributes, {"attribute_code": code, "value": value}]


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)
