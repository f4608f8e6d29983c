"""The WooCommerce sandbox's catalogue: creating products and variations in batches, and the
name, description, price and status every product keeps.

As WooCommerce does it (``WC_REST_Controller::batch_items``, ``WC_Product::set_sku``):

- ``create`` items of ``POST products/batch`` and ``products/{id}/variations/batch`` are
  answered in the order sent; a refused one is ``{"id": 0, "error": {...}}`` inside the 200.
- A SKU another product or variation holds (compared as MySQL does: letter case and accents
  ignored) is refused with ``product_invalid_sku`` "Invalid or duplicated SKU.", status 400,
  ``resource_id`` the holder and ``unique_sku`` a suggestion, also between two items of
  one batch. An item with an ``id`` is ``woocommerce_rest_product_exists``.
- A variation is created under a variable parent only (else
  ``woocommerce_rest_product_variation_invalid_parent``).
- The batch limit (100 items, 413 beyond) is the batch route's own, shared with updates.
- ``name``, ``description``, ``regular_price`` and ``status`` of an update item are kept;
  ``price`` follows ``regular_price`` (no sale runs here). ``context=view`` shows the
  description through wpautop (``<p>...</p>``), ``context=edit`` as stored.
- Fault "partial": every second create item fails, without being created.

Control call: ``GET /__sandbox__/products`` lists every record (sku, name, type, status,
regular_price, description, parent sku) for tests and benchmarks in another process.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .app import Request, Response
from .faults import PARTIAL
from .woocommerce_rest import collate, intval, item_error, to_bool

if TYPE_CHECKING:
    from .woocommerce import WooCommerceSandbox

DEFAULT_PRICE = "9.90"  # what a seeded product without a price sells at
STATUSES = ("draft", "pending", "private", "publish")
KEPT = ("name", "description", "regular_price", "status")


class Catalogue:
    """The create side of the batches, and the catalogue fields of every record."""

    def __init__(self, shop: WooCommerceSandbox):
        self.shop = shop
        shop.add_control("GET", "products", lambda request: Response(200, self.listing()))

    # -- what every record shows ------------------------------------------------------------

    def seeded(self, record: dict[str, Any], entry: Mapping[str, Any]) -> None:
        price = entry.get("price")
        record.setdefault("regular_price", DEFAULT_PRICE if price is None else _price_text(price))
        record.setdefault("description", str(entry.get("description") or ""))
        record.setdefault("status", str(entry.get("status") or "publish"))

    def shown(self, record: Mapping[str, Any], data: dict[str, Any], request: Request) -> dict[str, Any]:
        """A product's or variation's JSON with its own name, description, price and status."""
        price = record.get("regular_price", DEFAULT_PRICE)
        description = record.get("description", "")
        if request.arg("context") != "edit" and description:
            description = f"<p>{description}</p>\n"  # wpautop, as the view context shows it
        data.update(regular_price=price, price=price, description=description, status=record.get("status", "publish"))
        if "name" in data:  # a variation's JSON has none: WooCommerce names it after its parent and attributes
            data["name"] = record["name"]
        if "attributes" in record:
            data["attributes"] = [{"id": 0, **a} for a in record["attributes"]]
        return data

    def apply(self, record: dict[str, Any], data: Mapping[str, Any]) -> None:
        """The catalogue fields of an update item (the stock fields are the shop's)."""
        if "name" in data and record["type"] != "variation":
            record["name"] = str(data["name"])
        if "description" in data:
            record["description"] = str(data["description"] or "")
        if "regular_price" in data:
            record["regular_price"] = _price_text(data["regular_price"])
        if data.get("status") in STATUSES:
            record["status"] = data["status"]

    def listing(self) -> list[dict[str, Any]]:
        products = self.shop.products
        return [{"id": r["id"], "sku": r["sku"], "name": r["name"], "type": r["type"], "status": r.get("status"),
                 "regular_price": r.get("regular_price"), "description": r.get("description", ""),
                 "parent": products[r["parent_id"]]["sku"] if r["parent_id"] in products else None,
                 "stock_quantity": r["stock_quantity"]}
                for r in sorted(products.values(), key=lambda r: r["id"])]

    # -- creating ---------------------------------------------------------------------------

    def create_items(self, items: list[Any], *, variation_of: int | None, request: Request) -> list[dict[str, Any]]:
        return [self._create(item, variation_of=variation_of, request=request,
                             fail=request.fault == PARTIAL and position % 2 == 1)
                for position, item in enumerate(items)]

    def _create(self, item: Any, *, variation_of: int | None, request: Request, fail: bool) -> dict[str, Any]:
        if not isinstance(item, dict):
            return item_error(0, "rest_invalid_param", "Invalid parameter(s): create", 400)
        if item.get("id"):
            return item_error(0, "woocommerce_rest_product_exists", "Cannot create existing product.", 400)
        if fail:
            return item_error(0, "woocommerce_rest_cannot_create", "The product cannot be created (injected).", 500)
        shop = self.shop
        parent = shop.products.get(variation_of) if variation_of is not None else None
        if variation_of is not None and (parent is None or parent["type"] != "variable"):
            return item_error(0, "woocommerce_rest_product_variation_invalid_parent", "Invalid parent product.", 404)
        sku = str(item.get("sku") or "").strip()
        holders = shop._by_sku.get(collate(sku), []) if sku else []
        if holders:
            error = item_error(0, "product_invalid_sku", "Invalid or duplicated SKU.", 400)
            error["error"]["data"].update(resource_id=holders[0], unique_sku=f"{sku}-1")
            return error
        kind = "variation" if variation_of is not None else str(item.get("type") or "simple")
        entry = {"sku": sku, "type": kind, "name": _name(item, parent), "manage_stock": to_bool(item.get("manage_stock")),
                 "quantity": intval(item.get("stock_quantity") or 0)}
        product_id = shop._add(entry, parent_id=variation_of or 0)
        record = shop.products[product_id]
        if kind != "variation":
            shop._listed.insert(0, shop._listed.pop())  # newest first, as the list sorts
        record["status"] = item.get("status") if item.get("status") in STATUSES else "publish"
        record["description"] = str(item.get("description") or "")
        record["regular_price"] = _price_text(item["regular_price"]) if "regular_price" in item else ""
        if isinstance(item.get("attributes"), list):
            record["attributes"] = [dict(a) for a in item["attributes"] if isinstance(a, dict)]
        if variation_of is None:
            return shop._product_json(record, request)
        return shop._variation_json(record, request)


def _name(item: Mapping[str, Any], parent: Mapping[str, Any] | None) -> str:
    if parent is None:
        return str(item.get("name") or "")
    options = ", ".join(str(a.get("option")) for a in item.get("attributes") or [] if isinstance(a, dict))
    return f"{parent['name']} - {options}" if options else str(parent["name"])


def _price_text(value: Any) -> str:
    """wc_format_decimal of a price: "" stays "", a number its plain text."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return ""
    return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))

