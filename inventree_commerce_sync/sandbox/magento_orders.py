"""Sales orders in the Magento sandbox, and what they do to its stock (the routes and
control calls over them are in ``magento_sales_api``).

Stock behaviour, as Magento's modules have it:

- MSI: placing an order leaves source quantities alone and adds a negative reservation per
  stock-keeping item (salable = source quantity of the stock's source + reservations); a
  shipment deducts the shipped quantity from the source and adds the compensating
  reservation; cancelling compensates what was cancelled; a credit memo compensates what it
  refunds that was not shipped. Pending, pending-payment, payment-review and holded orders
  all hold their reservations.
- Legacy stock ("Decrease Stock When Order is Placed"): the stock item's qty drops at
  placement and comes back on cancel; a shipment changes nothing.

Items as Magento writes them: a configurable product ordered is two items (the parent with
``product_type`` configurable carrying the child's SKU, and the simple child with
``parent_item_id`` and a ``parent_item`` copy); a bundle is the bundle item (SKU: the
bundle's and its selections' joined by "-") plus one item per selection, whose quantity is
the selection quantity times the bundle's. Bundles ship together: the bundle item is what a
shipment names, its children follow. Times are UTC text without an offset
("2026-12-01 19:12:14"), as Magento prints its timestamp columns.

State rules: ``canCancel`` (not holded, complete, closed or cancelled, and not everything
invoiced; what is neither invoiced nor shipped is cancelled), ``canHold``, ``canUnhold``,
``canShip`` (not holded, payment review or cancelled, something left to ship); shipping
everything of an invoiced order completes it, of an uninvoiced one leaves it processing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .magento_webapi import MagentoError

if TYPE_CHECKING:
    from .magento import MagentoSandbox

STOCK_ID = 1
STOCK_TYPES = ("simple", "virtual", "downloadable", "giftcard")
NO_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_SHIPMENT = "Shipment Document Validation Error(s):\n%1"
STATUS_OF = {"new": "pending", "pending_payment": "pending_payment", "processing": "processing",
             "payment_review": "payment_review", "holded": "holded", "complete": "complete",
             "closed": "closed", "canceled": "canceled"}
PLACED_STATES = ("new", "pending_payment", "processing", "payment_review")
ZERO = Decimal(0)


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class SalesOrders:
    """The order book of one Magento sandbox (its lock guards it)."""

    def __init__(self, shop: MagentoSandbox, *, msi: bool):
        self.shop = shop
        self.msi = msi
        self.orders: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.reservations: list[dict[str, Any]] = []
        self._next_item = 1

    def clear(self) -> None:
        self.orders.clear()
        self.shipments.clear()
        self.reservations.clear()

    # -- stock --------------------------------------------------------------------------

    def salable(self, sku: str) -> Decimal:
        """As GetProductSalableQty: the quantities of the stock's source items that are in
        stock (0 when none is), plus the reservations (minimum qty 0)."""
        items = [self.shop.source_items.get((sku, code)) for code in self.shop.stock_sources]
        held = [item["quantity"] for item in items if item is not None and item["status"] == 1]
        if not held:
            return ZERO
        return sum(held, ZERO) + sum((r["quantity"] for r in self.reservations if r["sku"] == sku), ZERO)

    def _reserve(self, order: dict[str, Any], sku: str, quantity: Decimal, event: str) -> None:
        if quantity == 0:
            return
        self.reservations.append({
            "reservation_id": len(self.reservations) + 1, "stock_id": STOCK_ID, "sku": sku, "quantity": quantity,
            "metadata": json.dumps({"event_type": event, "object_type": "order", "object_id": str(order["entity_id"]),
                                    "object_increment_id": order["increment_id"]}),
        })

    def _legacy_change(self, sku: str, delta: Decimal) -> None:
        stock_item = self.shop.stock_items[sku]
        stock_item["qty"] = stock_item["qty"] + delta
        stock_item["is_in_stock"] = stock_item["qty"] > 0 or bool(stock_item["backorders"])
        self.shop.source_items[(sku, "default")] = {"quantity": stock_item["qty"],
                                                    "status": 1 if stock_item["is_in_stock"] else 0}

    def _available(self, sku: str) -> Decimal:
        return self.salable(sku) if self.msi else self.shop.stock_items[sku]["qty"]

    # -- placing ------------------------------------------------------------------------

    def place(self, body: dict[str, Any]) -> dict[str, Any]:
        """An order as checkout creates it, with its reservations (or legacy deduction)."""
        state = body.get("state", "new")
        if state not in PLACED_STATES:
            raise MagentoError(400, "an order is placed as one of %1", [", ".join(PLACED_STATES)])
        lines = body.get("lines")
        if not isinstance(lines, list) or not lines:
            raise MagentoError(400, "You need to choose options for your item.")
        at = _time(body.get("at"))
        entity_id = max(self.orders, default=0) + 1
        order: dict[str, Any] = {"entity_id": entity_id, "increment_id": f"{entity_id:09d}", "items": []}
        wanted: dict[str, Decimal] = {}
        for line in lines:
            order["items"].extend(self._items_for(line, entity_id, at))
        for item in order["items"]:
            if item["product_type"] in STOCK_TYPES:
                wanted[item["sku"]] = wanted.get(item["sku"], ZERO) + item["qty_ordered"]
        for sku, quantity in wanted.items():
            stock_item = self.shop.stock_items[sku]
            if stock_item["manage_stock"] and not stock_item["backorders"] and self._available(sku) < quantity:
                raise MagentoError(400, 'The requested qty of "%1" is not available', [sku])
        customer = body.get("customer") or {}
        first, _, last = str(customer.get("name") or "Sandbox Customer").partition(" ")
        invoiced = state == "processing"
        for item in order["items"]:
            item["qty_invoiced"] = item["qty_ordered"] if invoiced else ZERO
        total = sum((i["row_total"] for i in order["items"] if "parent_item_id" not in i), ZERO)
        order.update({
            "state": state, "status": STATUS_OF[state], "created_at": at, "updated_at": at,
            "customer_email": str(customer.get("email") or f"customer{entity_id}@example.com"),
            "customer_firstname": first, "customer_lastname": last or "Customer",
            "customer_is_guest": 1, "store_id": 1, "store_name": "Main Website\nMain Website Store\nDefault Store View",
            "base_currency_code": "EUR", "order_currency_code": "EUR", "grand_total": total,
            "base_grand_total": total, "subtotal": total, "total_paid": total if invoiced else ZERO,
            "total_invoiced": total if invoiced else ZERO,
            "total_qty_ordered": sum((i["qty_ordered"] for i in order["items"] if "parent_item_id" not in i), ZERO),
            "total_item_count": len([i for i in order["items"] if "parent_item_id" not in i]),
            "billing_address": _address("billing", 2 * entity_id - 1, entity_id, customer),
            "_shipping_address": _address("shipping", 2 * entity_id, entity_id, customer.get("shipping") or customer),
            "status_histories": [],
        })
        for sku, quantity in wanted.items():
            if self.msi:
                self._reserve(order, sku, -quantity, "order_placed")
            else:
                self._legacy_change(sku, -quantity)
        self.orders[entity_id] = order
        return order

    def _items_for(self, line: Any, order_id: int, at: str) -> list[dict[str, Any]]:
        if not isinstance(line, dict) or "sku" not in line:
            raise MagentoError(400, "each line needs a sku and a qty")
        product = self.shop._product(str(line["sku"]))
        if product is None:
            raise MagentoError(404, 'The Product with the "%1" SKU doesn\'t exist.', [str(line["sku"])])
        qty = positive_quantity(line.get("qty", 1))
        if product["type_id"] == "bundle":
            selections = line.get("selections")
            if not isinstance(selections, list) or not selections:
                raise MagentoError(400, "Please specify product option(s).")
            children = [(self.shop._product(str(s.get("sku"))), positive_quantity(s.get("qty", 1))) for s in selections]
            if any(child is None or child["type_id"] not in STOCK_TYPES for child, _ in children):
                raise MagentoError(400, "The bundle selection is not a simple product.")
            sku = "-".join([product["sku"], *(child["sku"] for child, _ in children if child)])
            parent = self._item(order_id, product, sku, "bundle", qty, at)
            items = [parent]
            for child, per_bundle in children:
                assert child is not None
                item = self._item(order_id, child, child["sku"], child["type_id"], per_bundle * qty, at, parent=parent)
                item["_selection_qty"] = per_bundle  # product_options, which REST does not print
                items.append(item)
            return items
        if product["type_id"] not in STOCK_TYPES:
            raise MagentoError(400, "Products of type %1 are not ordered on their own.", [product["type_id"]])
        configurable = self._configurable_of(product)
        if configurable is None:
            return [self._item(order_id, product, product["sku"], product["type_id"], qty, at)]
        parent = self._item(order_id, configurable, product["sku"], "configurable", qty, at)
        parent["name"] = configurable["name"]
        return [parent, self._item(order_id, product, product["sku"], product["type_id"], qty, at, parent=parent)]

    def _configurable_of(self, product: dict[str, Any]) -> dict[str, Any] | None:
        for candidate in self.shop.products.values():
            links = candidate["extension_attributes"].get("configurable_product_links") or ()
            if candidate["type_id"] == "configurable" and product["id"] in links:
                return candidate
        return None

    def _item(self, order_id: int, product: dict[str, Any], sku: str, product_type: str, qty: Decimal, at: str,
              parent: dict[str, Any] | None = None) -> dict[str, Any]:
        item_id, self._next_item = self._next_item, self._next_item + 1
        price = ZERO if parent is not None and parent["product_type"] == "configurable" else Decimal(product["price"])
        item: dict[str, Any] = {
            "item_id": item_id, "order_id": order_id, "product_id": product["id"], "product_type": product_type,
            "sku": sku, "name": product["name"], "qty_ordered": qty, "qty_shipped": ZERO, "qty_canceled": ZERO,
            "qty_refunded": ZERO, "qty_invoiced": ZERO, "qty_backordered": ZERO, "price": price,
            "base_price": price, "row_total": price * qty, "base_row_total": price * qty, "is_virtual": 0,
            "store_id": 1, "created_at": at, "updated_at": at,
        }
        if parent is not None:
            item["parent_item_id"] = parent["item_id"]
            item["parent_item"] = {k: v for k, v in parent.items() if k != "parent_item"}
        return item

    # -- admin actions --------------------------------------------------------------------

    def order(self, entity_id: Any) -> dict[str, Any]:
        order = self.orders.get(int(entity_id)) if str(entity_id).isdigit() else None
        if order is None:
            raise MagentoError(404, NO_ENTITY)
        return order

    def touch(self, order: dict[str, Any], at: str | None = None) -> None:
        order["updated_at"] = _time(at)
        for item in order["items"]:
            item["updated_at"] = order["updated_at"]
            if "parent_item" in item:
                parent = next(i for i in order["items"] if i["item_id"] == item["parent_item_id"])
                item["parent_item"] = {k: v for k, v in parent.items() if k != "parent_item"}

    def _set_state(self, order: dict[str, Any], state: str) -> None:
        order["state"], order["status"] = state, STATUS_OF[state]

    def can_cancel(self, order: dict[str, Any]) -> bool:
        """Order::canCancel: not holded, cancelled, complete or closed, and not all invoiced."""
        if order["state"] in ("holded", "complete", "closed", "canceled"):
            return False
        return any(_to_invoice(i) > 0 for i in order["items"])

    def cancel(self, order: dict[str, Any], at: str | None = None) -> bool:
        """Order::registerCancellation: what is neither invoiced nor shipped is cancelled.
        (Invoices here are whole, so the states Magento keeps for a partly invoiced order
        do not arise.)"""
        if not self.can_cancel(order):
            return False
        for item in order["items"]:
            quantity = _to_cancel(item)
            item["qty_canceled"] += quantity
            if item["product_type"] in STOCK_TYPES and quantity:
                if self.msi:
                    self._reserve(order, item["sku"], quantity, "order_canceled")
                else:
                    self._legacy_change(item["sku"], quantity)
        self._set_state(order, "canceled")
        self.touch(order, at)
        return True

    def hold(self, order: dict[str, Any], at: str | None = None) -> None:
        if order["state"] in ("holded", "payment_review", "complete", "closed", "canceled"):
            raise MagentoError(400, "A hold action is not available.")
        order["hold_before_state"], order["hold_before_status"] = order["state"], order["status"]
        self._set_state(order, "holded")
        self.touch(order, at)

    def unhold(self, order: dict[str, Any], at: str | None = None) -> None:
        if order["state"] != "holded":
            raise MagentoError(400, "You cannot remove the hold.")
        order["state"] = order.pop("hold_before_state")
        order["status"] = order.pop("hold_before_status")
        self.touch(order, at)

    def invoice(self, order: dict[str, Any], at: str | None = None) -> None:
        if order["state"] in ("holded", "canceled", "closed", "complete"):
            raise MagentoError(400, "The order does not allow an invoice to be created.")
        for item in order["items"]:
            item["qty_invoiced"] = item["qty_ordered"] - item["qty_canceled"]
        order["total_paid"] = order["total_invoiced"] = order["grand_total"]
        self._settle(order)
        self.touch(order, at)

    def refund(self, order: dict[str, Any], quantities: dict[int, Decimal], at: str | None = None) -> None:
        """A credit memo of invoiced items; what was not shipped goes back to the salable quantity."""
        for item_id, quantity in quantities.items():
            item = next((i for i in order["items"] if i["item_id"] == item_id), None)
            if item is None or quantity > item["qty_invoiced"] - item["qty_refunded"]:
                raise MagentoError(400, "The most money available to refund is %1.", [order["total_paid"]])
            item["qty_refunded"] += quantity
            unshipped = item["qty_ordered"] - item["qty_shipped"] - item["qty_canceled"] - (item["qty_refunded"] - quantity)
            back = min(quantity, max(unshipped, ZERO))
            if item["product_type"] in STOCK_TYPES and back and self.msi:
                self._reserve(order, item["sku"], back, "creditmemo_created")
        goods = [i for i in order["items"] if i["product_type"] in STOCK_TYPES]
        if all(i["qty_refunded"] + i["qty_canceled"] >= i["qty_ordered"] for i in goods):
            self._set_state(order, "closed")
        self.touch(order, at)

    def can_ship(self, order: dict[str, Any]) -> bool:
        if order["state"] in ("holded", "payment_review", "canceled", "closed"):
            return False
        return any(_to_ship(i) > 0 for i in order["items"] if "parent_item_id" not in i)

    def ship(self, order: dict[str, Any], requested: dict[int, Decimal], tracks: list[dict[str, Any]],
             comment: str = "", at: str | None = None) -> int:
        """A shipment as ShipmentFactory builds it: the named items (all when none are named),
        capped at what is left to ship; children of a shipped parent follow it."""
        if not self.can_ship(order):
            raise MagentoError(400, NO_SHIPMENT, ["The order does not allow a shipment to be created."])
        by_id = {i["item_id"]: i for i in order["items"]}
        unknown = [item_id for item_id in requested if item_id not in by_id]
        if unknown:
            raise MagentoError(400, NO_SHIPMENT, [f"The shipment contains an item ({unknown[0]}) that is not in the order."])
        shipped: dict[int, Decimal] = {}
        for item in order["items"]:
            if "parent_item_id" in item:
                continue
            if requested and item["item_id"] not in requested:
                continue
            quantity = min(requested.get(item["item_id"], _to_ship(item)), _to_ship(item))
            if quantity > 0:
                shipped[item["item_id"]] = quantity
        if not shipped:
            raise MagentoError(400, NO_SHIPMENT, ["You can't create a shipment without products."])
        at = _time(at)
        entity_id = max(self.shipments, default=0) + 1
        lines: list[dict[str, Any]] = []
        for item in order["items"]:
            parent_id = item.get("parent_item_id")
            if parent_id is None:
                quantity = shipped.get(item["item_id"], ZERO)
            elif parent_id in shipped:  # a child follows its parent: per-parent quantity times the parent's
                parent = by_id[parent_id]
                quantity = min(item["qty_ordered"] / parent["qty_ordered"] * shipped[parent_id], _to_ship(item))
            else:
                quantity = ZERO
            if quantity <= 0:
                continue
            item["qty_shipped"] += quantity
            if item["product_type"] in STOCK_TYPES:
                if self.msi:
                    key = (item["sku"], self.shop.source_code)
                    source = self.shop.source_items[key]
                    source["quantity"] -= quantity
                    if self.shop.source_code == "default":
                        self.shop.stock_items[item["sku"]]["qty"] = source["quantity"]
                    self._reserve(order, item["sku"], quantity, "shipment_created")
            lines.append({"entity_id": len(lines) + 1, "parent_id": entity_id, "order_item_id": item["item_id"],
                          "product_id": item["product_id"], "sku": item["sku"], "name": item["name"],
                          "qty": quantity, "price": item["price"]})
        self.shipments[entity_id] = {
            "entity_id": entity_id, "increment_id": f"{entity_id:09d}", "order_id": order["entity_id"],
            "store_id": 1, "total_qty": sum((shipped.values()), ZERO), "created_at": at, "updated_at": at,
            "items": lines,
            "tracks": [{"entity_id": n, "parent_id": entity_id, "order_id": order["entity_id"], "weight": None,
                        "qty": None, "description": None, "created_at": at, "updated_at": at, **track}
                       for n, track in enumerate(tracks, start=1)],
            "comments": [{"entity_id": 1, "parent_id": entity_id, "comment": comment, "is_customer_notified": 0,
                          "is_visible_on_front": 0, "created_at": at}] if comment else [],
            "packages": [],
        }
        if order["state"] == "new":
            self._set_state(order, "processing")
        self._settle(order)
        self.touch(order, at)
        return entity_id

    def _settle(self, order: dict[str, Any]) -> None:
        """Processing becomes complete once everything is shipped and invoiced."""
        top = [i for i in order["items"] if "parent_item_id" not in i]
        invoiced = all(i["qty_invoiced"] + i["qty_canceled"] >= i["qty_ordered"] for i in top)
        if order["state"] in ("new", "processing") and invoiced and not any(_to_ship(i) > 0 for i in top):
            self._set_state(order, "complete")
        elif order["state"] == "new" and invoiced:
            self._set_state(order, "processing")


def _time(value: Any) -> str:
    """A control call's ``at`` (Magento's UTC text), or now."""
    if not value:
        return now_text()
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise MagentoError(400, "at must be UTC text as Magento prints it (YYYY-MM-DD HH:MM:SS), not %1",
                           [str(value)]) from None


def positive_quantity(value: Any) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except ArithmeticError:
        quantity = Decimal(-1)
    if not quantity.is_finite() or quantity <= 0:
        raise MagentoError(400, "The quantity %1 is not a positive number.", [str(value)])
    return quantity


def _to_ship(item: dict[str, Any]) -> Decimal:
    return max(item["qty_ordered"] - item["qty_shipped"] - item["qty_refunded"] - item["qty_canceled"], ZERO)


def _to_invoice(item: dict[str, Any]) -> Decimal:
    return max(item["qty_ordered"] - item["qty_invoiced"] - item["qty_canceled"], ZERO)


def _to_cancel(item: dict[str, Any]) -> Decimal:
    return min(_to_invoice(item), _to_ship(item))


def _address(kind: str, entity_id: int, order_id: int, person: dict[str, Any]) -> dict[str, Any]:
    first, _, last = str(person.get("name") or "Sandbox Customer").partition(" ")
    return {
        "address_type": kind, "entity_id": entity_id, "parent_id": order_id, "firstname": first,
        "lastname": last or "Customer", "email": str(person.get("email") or ""),
        "company": str(person.get("company") or ""), "street": [str(person.get("street") or "1 Main St")],
        "city": str(person.get("city") or "Berlin"), "postcode": str(person.get("postcode") or "10115"),
        "country_id": str(person.get("country") or "DE"), "telephone": str(person.get("phone") or "0"),
    }


def as_printed(order: dict[str, Any]) -> dict[str, Any]:
    """An order as the REST API prints it (a copy: later changes do not leak into answers),
    with its shipping assignment (the shipping address and the items) as an extension."""
    printed = json.loads(json.dumps(_without_internal(order), default=_plain))
    if "_shipping_address" in order:
        address = json.loads(json.dumps(order["_shipping_address"]))
        printed["extension_attributes"] = {"shipping_assignments": [{
            "shipping": {"address": address, "method": "flatrate_flatrate",
                         "total": {"shipping_amount": 0, "base_shipping_amount": 0}},
            "items": printed["items"],
        }]}
    return printed


def _without_internal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_internal(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_without_internal(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)
