"""Orders of the WooCommerce sandbox, and the shop's own effect on its stock.

What WooCommerce does (``wc-stock-functions.php``, the REST orders controllers, WP_Query):

- An order lowers each stock-managed line's stock once when it becomes processing, on-hold
  or completed (the order's "stock reduced" flag, each line's ``_reduced_stock`` meta); going
  back to pending, or being cancelled, puts back what was taken. Refunded and failed change
  nothing. A variation whose stock its parent manages lowers the parent's stock.
- Trash (``DELETE orders/<id>``, or the admin's "Move to Trash") writes the status column
  alone (``OrdersTableDataStore::trash_order``): no status transition, so no stock goes
  back, and ``date_modified`` moves; the webhook ``order.deleted`` carries ``{"id"}`` only.
  Restoring gives back the old status (``order.restored`` and ``order.updated``); the stock
  stays taken (the order's "stock reduced" flag is still set). ``force=true`` deletes for
  good, stock untouched.
- ``GET orders``: ``status`` defaults to ``any`` (every status but ``trash``); ``orderby``
  takes date, id, include, title, slug and modified (the docs omit modified), ties broken by
  id in the same direction; ``modified_after`` is strict. A time without an offset is read as
  it stands against ``date_modified`` (site time) or, with ``dates_are_gmt=true``,
  ``date_modified_gmt``; a time WITH an offset is first turned into site time
  (``WP_Date_Query::build_mysql_datetime``), even when compared with the GMT column.
- A line's ``sku`` is read from its product at answer time; a variation without a SKU of its
  own shows its parent's; a deleted product shows ``null``.
- Notes (``orders/<id>/notes``) newest first; a status change adds the shop's own note.

Control calls (``/__sandbox__/...``) place orders as a customer would and change them as the
shop's admin would; see ``control``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..core.orders import parse_time
from .app import BadRequest, Request, Response
from .woocommerce_rest import API, collate
from .woocommerce_webhooks import WebhookHub, gmt, time_text

if TYPE_CHECKING:
    from .woocommerce import WooCommerceSandbox

STATUS_LABELS = {
    "pending": "Pending payment", "processing": "Processing", "on-hold": "On hold", "completed": "Completed",
    "cancelled": "Cancelled", "refunded": "Refunded", "failed": "Failed", "checkout-draft": "Draft",
}
REDUCING = ("processing", "on-hold", "completed")
RESTORING = ("pending", "cancelled")
PRICE = Decimal("9.90")


class OrderBook:
    """The shop's orders, their notes and the webhooks that announce them."""

    def __init__(self, shop: WooCommerceSandbox):
        self.shop = shop
        self.orders: dict[int, dict[str, Any]] = {}
        self.hub = WebhookHub()
        self.site_timezone = "UTC"  # WordPress > Settings > General > Timezone
        self.frozen: datetime | None = None  # a fixed clock for the next changes (equal modification times)
        self.host = "127.0.0.1"
        self._next_id, self._next_item, self._next_note = 1000, 1, 1
        self.hub.clock = self.now

    def clear(self) -> None:
        self.orders.clear()
        self.hub.clear()

    def now(self) -> datetime:
        return self.frozen or datetime.now(UTC).replace(microsecond=0)

    def local(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return time_text(moment, self.site_timezone)

    # -- placing and changing orders (the shop's own behaviour) ------------------------------

    def place(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """An order as the checkout makes it: created pending, then moved to ``status``
        (default processing: paid), announced by order.created (and order.updated)."""
        raw_lines = spec.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise BadRequest("an order needs \"lines\": [{\"sku\": ..., \"quantity\": ...}]")
        when = parse_time(spec["time"], "UTC").replace(microsecond=0) if spec.get("time") else self.now()
        record: dict[str, Any] = {
            "id": self._next_id, "status": "pending", "created": when, "modified": when, "paid": None,
            "completed": None, "stock_reduced": False, "notes": [], "lines": [],
            "billing": _address(spec.get("billing"), email=True), "shipping": _address(spec.get("shipping")),
            "customer_note": str(spec.get("customer_note") or ""),
        }
        for raw in raw_lines:
            record["lines"].append(self._line(raw))
        self._next_id += 1
        self.orders[record["id"]] = record
        status = str(spec.get("status") or "processing")
        if status != "pending":
            self.set_status(record, status, when, fire=False)
        self._fire(record, "order.created")
        if status != "pending":
            self._fire(record, "order.updated")
        return record

    def _line(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise BadRequest("each line is an object {\"sku\": ..., \"quantity\": ...}")
        quantity = raw.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise BadRequest(f"line quantity must be a whole number of at least 1 (got {quantity!r})")
        sku = str(raw.get("sku") or "")
        matches = [self.shop.products[i] for i in self.shop._by_sku.get(collate(sku), [])] if sku else []
        product = next((p for p in matches if p["sku"] == sku), matches[0] if matches else None)
        if product is None and not raw.get("name"):
            raise BadRequest(f"no product with SKU {sku!r} in the shop (give \"name\" for a line of a deleted product)")
        line = {"id": self._next_item, "quantity": quantity, "reduced": 0, "product_id": 0, "variation_id": 0,
                "name": str(raw.get("name") or (product or {}).get("name") or "")}
        if product is not None:
            if product["type"] == "variation":
                line["product_id"], line["variation_id"] = product["parent_id"], product["id"]
            else:
                line["product_id"] = product["id"]
        self._next_item += 1
        return line

    def set_status(self, record: dict[str, Any], status: str, when: datetime | None = None, *,
                   fire: bool = True) -> None:
        if status not in STATUS_LABELS and status != "trash":
            raise BadRequest(f"unknown order status {status!r} (one of {', '.join(STATUS_LABELS)}, trash)")
        old = record["status"]
        record["status"], record["modified"] = status, when or self.now()
        if old != status and "trash" not in (old, status):
            self._note(record, f"Order status changed from {STATUS_LABELS[old]} to {STATUS_LABELS[status]}.")
        if status in ("processing", "completed") and record["paid"] is None:
            record["paid"] = record["modified"]
        if status == "completed":
            record["completed"] = record["modified"]
        if status in REDUCING:
            self._reduce(record)
        elif status in RESTORING:
            self._restore(record)
        if not fire:
            return
        if status == "trash":  # a "deleted" event carries the id alone (WC_Webhook::build_payload)
            self.hub.fire("order.deleted", {"id": record["id"]}, self.host)
            return
        if old == "trash":  # untrash_order() saves the order: woocommerce_update_order fires too
            self._fire(record, "order.restored")
        self._fire(record, "order.updated")

    def trash(self, record: dict[str, Any]) -> None:
        """``$order->delete()``: into the trash, the status column alone (no status transition,
        so no stock goes back); a second time is refused by the caller."""
        self.set_status(record, "trash")

    def delete(self, record: dict[str, Any]) -> None:
        """``$order->delete(true)``: gone for good; its stock is not put back either."""
        del self.orders[record["id"]]
        if record["status"] != "trash":
            self.hub.fire("order.deleted", {"id": record["id"]}, self.host)

    def set_quantities(self, record: dict[str, Any], quantities: Mapping[int, int]) -> None:
        """The admin edits line quantities (0 removes the line); stock follows for lines
        whose stock was already taken (``wc_maybe_adjust_line_item_product_stock``)."""
        adjusted = []
        for line in list(record["lines"]):
            if line["id"] not in quantities:
                continue
            wanted = quantities[line["id"]]
            holder = self._stock_holder(line)
            if record["status"] in REDUCING and holder is not None and line["reduced"] != wanted:
                before = holder["stock_quantity"] or 0
                holder["stock_quantity"] = before - (wanted - line["reduced"])
                self.shop._refresh_status(holder)
                adjusted.append(f"{holder['sku']} ({before}&rarr;{holder['stock_quantity']})")
                line["reduced"] = wanted
            if wanted <= 0:
                record["lines"].remove(line)
            else:
                line["quantity"] = wanted
        if adjusted:
            self._note(record, "Adjusted stock: " + ", ".join(adjusted))
        record["modified"] = self.now()
        self._fire(record, "order.updated")

    def _stock_holder(self, line: Mapping[str, Any]) -> dict[str, Any] | None:
        product = self.shop.products.get(line["variation_id"] or line["product_id"])
        managed = self.shop._manage_stock(product) if product is not None else False
        if managed is True:
            return product
        if managed == "parent":
            return self.shop.products[product["parent_id"]]  # type: ignore[index]
        return None

    def _reduce(self, record: dict[str, Any]) -> None:
        if record["stock_reduced"]:
            return
        changes = []
        for line in record["lines"]:
            holder = self._stock_holder(line)
            if holder is None or line["reduced"]:
                continue
            before = holder["stock_quantity"] or 0
            holder["stock_quantity"] = before - line["quantity"]
            self.shop._refresh_status(holder)
            line["reduced"] = line["quantity"]
            changes.append(f"{holder['sku']} ({before}&rarr;{holder['stock_quantity']})")
        record["stock_reduced"] = True
        if changes:
            self._note(record, "Stock levels reduced: " + ", ".join(changes))

    def _restore(self, record: dict[str, Any]) -> None:
        if not record["stock_reduced"]:
            return
        changes = []
        for line in record["lines"]:
            holder = self._stock_holder(line)
            if holder is None or not line["reduced"]:
                continue
            before = holder["stock_quantity"] or 0
            holder["stock_quantity"] = before + line["reduced"]
            self.shop._refresh_status(holder)
            line["reduced"] = 0
            changes.append(f"{holder['sku']} ({before}&rarr;{holder['stock_quantity']})")
        record["stock_reduced"] = False
        if changes:
            self._note(record, "Stock levels increased: " + ", ".join(changes))

    def _note(self, record: dict[str, Any], text: str, *, customer: bool = False, author: str = "system") -> dict:
        note = {"id": self._next_note, "note": text, "customer_note": customer, "author": author,
                "created": self.now()}
        self._next_note += 1
        record["notes"].append(note)
        return note

    def _fire(self, record: Mapping[str, Any], topic: str) -> None:
        self.hub.fire(topic, self.order_json(record, self.host), self.host)

    # -- control calls: the customer and the admin ---------------------------------------------

    def register_controls(self) -> None:
        """``POST orders`` places an order ({"lines": [{"sku", "quantity"}], "status"?, "billing"?,
        "shipping"?, "time"?}) or several ({"orders": [...]}); ``GET orders`` lists them all;
        ``POST orders/<id>/status`` {"status", "time"?} and ``POST orders/<id>/lines``
        {"lines": [{"id", "quantity"}]} change one as the admin would; ``POST site``
        {"timezone"}; ``POST clock`` {"time": ISO-8601 or null} fixes the time of the next
        changes; ``GET webhook-deliveries`` (``?wait=S``: first wait for the queue)."""
        add = self.shop.add_control
        add("GET", "webhook-deliveries", self._deliveries_call)
        add("GET", "orders", self._locked(lambda r, body: Response(
            200, [self.order_json(o, self.host) for o in self.orders.values()])))
        add("POST", "orders", self._locked(self._place_call))
        add("POST", r"orders/(?P<id>\d+)/(?P<change>status|lines)", self._locked(self._change_call))
        add("POST", "site", self._locked(self._site_call))
        add("POST", "clock", self._locked(self._clock_call))

    def _locked(self, handler: Callable[[Request, dict[str, Any]], Response]) -> Callable[[Request], Response]:
        def call(request: Request) -> Response:
            self.host = request.header("host") or self.host
            with self.shop.lock:
                return handler(request, request.json() or {})
        return call

    def _deliveries_call(self, request: Request) -> Response:
        drained = self.hub.drain(float(request.arg("wait") or 0)) if request.arg("wait") else True
        return Response(200, {"drained": drained, "deliveries": list(self.hub.deliveries)})

    def _site_call(self, request: Request, body: dict[str, Any]) -> Response:
        ZoneInfo(str(body["timezone"]))  # an unknown zone is refused here, not at the next read
        self.site_timezone = str(body["timezone"])
        return Response(200, {"timezone": self.site_timezone})

    def _clock_call(self, request: Request, body: dict[str, Any]) -> Response:
        self.frozen = parse_time(body["time"], "UTC").replace(microsecond=0) if body.get("time") else None
        return Response(200, {"time": gmt(self.frozen) if self.frozen else None})

    def _place_call(self, request: Request, body: dict[str, Any]) -> Response:
        specs = body["orders"] if isinstance(body.get("orders"), list) else [body]
        placed = [self.order_json(self.place(spec), self.host) for spec in specs]
        return Response(201, placed if "orders" in body else placed[0])

    def _change_call(self, request: Request, body: dict[str, Any]) -> Response:
        record = self.orders.get(int(request.params["id"]))
        if record is None:
            return Response(404, {"message": f"no order {request.params['id']}"})
        if request.params["change"] == "status":
            when = parse_time(body["time"], "UTC").replace(microsecond=0) if body.get("time") else None
            self.set_status(record, str(body["status"]), when)
        else:
            self.set_quantities(record, {int(line["id"]): int(line["quantity"]) for line in body["lines"]})
        return Response(200, self.order_json(record, self.host))

    # -- what the REST API shows ----------------------------------------------------------------

    def order_json(self, record: Mapping[str, Any], host: str) -> dict[str, Any]:
        lines = [self._line_json(line) for line in record["lines"]]
        total = sum((Decimal(line["total"]) for line in lines), Decimal(0))
        order_id, status = record["id"], record["status"]
        refunds = [{"id": order_id + 500000, "reason": "Order status set to refunded.", "total": f"-{total:.2f}"}] \
            if status == "refunded" else []
        return {
            "id": order_id, "parent_id": 0, "number": str(order_id), "order_key": f"wc_order_sbx{order_id}",
            "created_via": "checkout", "version": "9.8.5", "status": status, "currency": "EUR",
            "date_created": self.local(record["created"]), "date_created_gmt": gmt(record["created"]),
            "date_modified": self.local(record["modified"]), "date_modified_gmt": gmt(record["modified"]),
            "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "0.00", "shipping_tax": "0.00",
            "cart_tax": "0.00", "total": f"{total:.2f}", "total_tax": "0.00", "prices_include_tax": False,
            "customer_id": 0, "customer_ip_address": "127.0.0.1", "customer_user_agent": "", "customer_note":
            record["customer_note"], "billing": dict(record["billing"]), "shipping": dict(record["shipping"]),
            "payment_method": "bacs", "payment_method_title": "Direct bank transfer", "transaction_id": "",
            "date_paid": self.local(record["paid"]), "date_paid_gmt": record["paid"] and gmt(record["paid"]),
            "date_completed": self.local(record["completed"]),
            "date_completed_gmt": record["completed"] and gmt(record["completed"]),
            "cart_hash": "", "meta_data": [], "line_items": lines, "tax_lines": [], "shipping_lines": [],
            "fee_lines": [], "coupon_lines": [], "refunds": refunds,
            "payment_url": f"http://{host}/checkout/order-pay/{order_id}/?pay_for_order=true",
            "is_editable": status in ("pending", "on-hold", "checkout-draft"),
            "needs_payment": status in ("pending", "failed") and total > 0, "needs_processing": True,
            "_links": {"self": [{"href": f"http://{host}{API}/orders/{order_id}"}],
                       "collection": [{"href": f"http://{host}{API}/orders"}]},
        }

    def _line_json(self, line: Mapping[str, Any]) -> dict[str, Any]:
        product = self.shop.products.get(line["variation_id"] or line["product_id"])
        sku = None
        parent_name = None
        if product is not None:
            sku = product["sku"]
            if product["type"] == "variation":
                parent = self.shop.products.get(product["parent_id"])
                parent_name = parent["name"] if parent else None
                if not sku and parent is not None:
                    sku = parent["sku"]  # WC_Product_Variation::get_sku() falls back to the parent's
        total = PRICE * line["quantity"]
        meta = [{"id": line["id"] * 10, "key": "_reduced_stock", "value": str(line["reduced"]),
                 "display_key": "_reduced_stock", "display_value": str(line["reduced"])}] if line["reduced"] else []
        return {"id": line["id"], "name": line["name"], "product_id": line["product_id"],
                "variation_id": line["variation_id"], "quantity": line["quantity"], "tax_class": "",
                "subtotal": f"{total:.2f}", "subtotal_tax": "0.00", "total": f"{total:.2f}", "total_tax": "0.00",
                "taxes": [], "meta_data": meta, "sku": sku, "price": float(PRICE),
                "image": {"id": 0, "src": ""}, "parent_name": parent_name}

    def note_json(self, order_id: int, note: Mapping[str, Any], host: str) -> dict[str, Any]:
        base = f"http://{host}{API}/orders/{order_id}"
        return {"id": note["id"], "author": note["author"], "date_created": self.local(note["created"]),
                "date_created_gmt": gmt(note["created"]), "note": note["note"], "customer_note": note["customer_note"],
                "_links": {"self": [{"href": f"{base}/notes/{note['id']}"}],
                           "collection": [{"href": f"{base}/notes"}], "up": [{"href": base}]}}

def _address(raw: Any, *, email: bool = False) -> dict[str, str]:
    names = ["first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country"]
    if email:
        names += ["email", "phone"]
    given = raw if isinstance(raw, Mapping) else {}
    return {name: str(given.get(name) or "") for name in names}
