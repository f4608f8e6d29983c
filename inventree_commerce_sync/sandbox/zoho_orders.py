"""Sales orders, packages and shipments of the Zoho Inventory sandbox, and their effect on stock.

As on Zoho: a confirmed sales order *commits* its lines' stock (the item's
``actual_available_stock``, available for sale, is stock on hand minus committed; stock on
hand stays); a shipment lowers stock on hand and ends the commitment of what it ships; void
releases what is still committed; a draft commits nothing. The list carries no line items
(one detail read per order); times are in the organisation's time zone with its offset
(``2026-12-01T20:35:52+0100``). Packages are created for a confirmed order's lines
(``POST /packages?salesorder_id=``), shipments for its packages (``POST /shipmentorders?
package_ids=&salesorder_id=``; ``shipment_number`` must be unique).

Control calls (``/__sandbox__/...``) act as the shop's staff or a sales channel would:
``salesorders`` places orders (``{"lines": [{"sku", "quantity"}], "status": "confirmed"|"draft",
"customer": {...}, "at": ISO time, "count": N}``), ``salesorders/<id>/status`` changes the
status (``confirmed``, ``void``, ``draft``), ``salesorders/<id>/lines`` replaces the lines,
``available`` answers SKU -> available for sale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .app import BadRequest, Request, Response

if TYPE_CHECKING:
    from .zoho import ZohoSandbox

API = "/inventory/v1"
TIME_ZONE = "Europe/Berlin"  # the organisation's, as GET /organizations says
DRAFT, CONFIRMED, VOID = "draft", "confirmed", "void"
_SORTABLE = {"created_time", "last_modified_time", "date", "salesorder_number", "customer_name", "total",
             "shipment_date", "reference_number"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ZohoOrders:
    """The sandbox's sales orders (``orders``: salesorder_id -> order), added to a ZohoSandbox."""

    def __init__(self, app: ZohoSandbox, clock: Callable[[], datetime] | None = None):
        self.app = app
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = ZoneInfo(TIME_ZONE)
        self.orders: dict[str, dict[str, Any]] = {}
        self.shipment_numbers: set[str] = set()
        self._numbers = 0
        add = app.add_route
        add("GET", f"{API}/salesorders", "salesorders.list", self._list)
        add("GET", f"{API}/salesorders/(?P<salesorder_id>[^/]+)", "salesorders.get", self._get)
        add("POST", f"{API}/salesorders/(?P<salesorder_id>[^/]+)/status/(?P<status>confirmed|void)",
            "salesorders.status", self._status_call)
        add("POST", f"{API}/packages", "packages.create", self._create_package)
        add("POST", f"{API}/shipmentorders", "shipmentorders.create", self._create_shipment)

    def clear(self) -> None:
        self.orders.clear()
        self.shipment_numbers.clear()
        self._numbers = 0

    # -- what the items show ------------------------------------------------------------

    def committed(self, item_id: str, location_id: str | None = None) -> Decimal:
        """Stock of an item committed to confirmed orders (of one location, or all)."""
        total = Decimal(0)
        for order in self.orders.values():
            if order["status"] in (DRAFT, VOID):
                continue
            for line in order["line_items"]:
                if line["item_id"] == item_id and location_id in (None, line["location_id"]):
                    total += line["quantity"] - line["quantity_shipped"]
        return total

    def available_for_sale(self) -> dict[str, Decimal]:
        with self.app.lock:
            return {i["sku"]: sum(i["stock"].values(), Decimal(0)) - self.committed(i["item_id"])
                    for i in self.app.items.values() if i["track_inventory"]}

    # -- placing and changing orders, as the shop's staff would ----------------------------

    def place(self, lines: list[Mapping[str, Any]], *, status: str = CONFIRMED,
              customer: Mapping[str, Any] | None = None, at: datetime | str | None = None) -> dict[str, Any]:
        if status not in (DRAFT, CONFIRMED):
            raise BadRequest("a new sales order is draft or confirmed")
        with self.app.lock:
            moment = self._moment(at)
            self._numbers += 1
            buyer = dict(customer or {})
            order: dict[str, Any] = {
                "salesorder_id": self.app._new_id(),
                "salesorder_number": f"SO-{self._numbers:05d}",
                "date": moment.astimezone(self.zone).date().isoformat(),
                "status": status,
                "customer_id": self.app._new_id(),
                "customer_name": str(buyer.get("company") or buyer.get("name") or "Walk-in Customer"),
                "contact": {k: str(buyer.get(k) or "") for k in ("name", "email", "phone")},
                "shipping_address": {k: str(buyer.get(k) or "") for k in ("address", "city", "state", "zip",
                                                                           "country")},
                "reference_number": str(buyer.get("reference") or ""),
                "created": moment,
                "modified": moment,
                "line_items": [],
                "packages": [],
            }
            order["line_items"] = self._lines(lines)
            self.orders[order["salesorder_id"]] = order
            return self._detail(order)

    def set_status(self, salesorder_id: str, status: str, at: datetime | str | None = None) -> dict[str, Any]:
        with self.app.lock:
            order = self._order(salesorder_id)
            if status not in (DRAFT, CONFIRMED, VOID):
                raise BadRequest(f"unknown status {status!r} (draft, confirmed or void)")
            if order["status"] == VOID:
                raise BadRequest("The sales order is void", 400)
            if status == DRAFT and order["packages"]:
                raise BadRequest("A sales order with packages cannot be made a draft")
            if status == CONFIRMED and order["status"] != DRAFT:
                raise BadRequest("Only a draft sales order can be confirmed")
            order["status"] = status
            order["modified"] = self._moment(at)
            return self._detail(order)

    def set_lines(self, salesorder_id: str, lines: list[Mapping[str, Any]],
                  at: datetime | str | None = None) -> dict[str, Any]:
        with self.app.lock:
            order = self._order(salesorder_id)
            if order["status"] == VOID or order["packages"]:
                raise BadRequest("Only a sales order without packages can be edited")
            order["line_items"] = self._lines(lines)
            order["modified"] = self._moment(at)
            return self._detail(order)

    def register_controls(self) -> None:
        """The orders' control calls (see the module docstring)."""
        add = self.app.add_control
        add("GET", "available", lambda r: Response(200, {sku: str(q) for sku, q in self.available_for_sale().items()}))
        add("POST", "salesorders", self._place_call)
        add("POST", "salesorders/(?P<id>[^/]+)/status", lambda r: Response(200, {"salesorder": self.set_status(
            r.params["id"], str((r.json() or {}).get("status")), (r.json() or {}).get("at"))}))
        add("POST", "salesorders/(?P<id>[^/]+)/lines", lambda r: Response(200, {"salesorder": self.set_lines(
            r.params["id"], (r.json() or {}).get("lines") or [], (r.json() or {}).get("at"))}))

    def _place_call(self, request: Request) -> Response:
        body = request.json() or {}
        placed = [self.place(body.get("lines") or [], status=body.get("status", CONFIRMED),
                             customer=body.get("customer"), at=body.get("at"))
                  for _ in range(int(body.get("count", 1)))]
        return Response(201, {"salesorders": placed})

    def _lines(self, lines: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        if not lines:
            raise BadRequest("Add at least one line item")
        made = []
        for order_of, line in enumerate(lines):
            found = self.app._by_sku.get(str(line.get("sku")))
            if not found:
                raise BadRequest(f"no item with SKU {line.get('sku')!r}")
            try:
                quantity = Decimal(str(line.get("quantity")))
            except InvalidOperation:
                raise BadRequest(f"quantity {line.get('quantity')!r} is not a number") from None
            if not quantity.is_finite() or quantity <= 0:
                raise BadRequest("Quantity must be a positive number")
            item = found[0]
            made.append({"line_item_id": self.app._new_id(), "item_id": item["item_id"], "sku": item["sku"],
                         "name": item["name"], "item_order": order_of, "quantity": quantity,
                         "quantity_packed": Decimal(0), "quantity_shipped": Decimal(0), "unit": item["unit"],
                         "is_combo_product": item["is_combo_product"],
                         "location_id": str(line.get("location_id") or "460000000038080")})
        return made

    def _moment(self, at: datetime | str | None) -> datetime:
        if at is None:
            return self.clock().replace(microsecond=0)
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        if moment.tzinfo is None:
            raise BadRequest(f"time {at!r} needs an offset")
        return moment.replace(microsecond=0)

    def _order(self, salesorder_id: str) -> dict[str, Any]:
        order = self.orders.get(str(salesorder_id))
        if order is None:
            raise BadRequest("Sales Order does not exist.", 404)
        return order

    # -- the API ---------------------------------------------------------------------------

    def _list(self, request: Request) -> Response:
        from .zoho import _context, _ok, _page

        column = request.arg("sort_column") or "created_time"
        order = (request.arg("sort_order") or "D").upper()
        if column not in _SORTABLE or order not in ("A", "D"):
            raise BadRequest("Invalid value passed for sort_column or sort_order")
        key = {"created_time": "created", "last_modified_time": "modified"}.get(column, column)
        records = sorted(self.orders.values(), key=lambda o: (o[key] if key in ("created", "modified")
                                                              else str(o.get(key, "")), int(o["salesorder_id"])),
                         reverse=order == "D")
        page, shown, more, per_page = _page(request, records)
        context = {**_context(page, per_page, more, "Sales Orders"), "sort_column": column, "sort_order": order}
        return _ok(salesorders=[self._summary(o) for o in shown], page_context=context)

    def _get(self, request: Request) -> Response:
        from .zoho import _ok

        order = self.orders.get(request.params["salesorder_id"])
        if order is None:
            return self.app.error(404, "Sales Order does not exist.", 36004)
        return _ok(salesorder=self._detail(order))

    def _status_call(self, request: Request) -> Response:
        from .zoho import _ok

        if request.params["salesorder_id"] not in self.orders:
            return self.app.error(404, "Sales Order does not exist.", 36004)
        self.set_status(request.params["salesorder_id"], request.params["status"])
        word = "Confirmed" if request.params["status"] == CONFIRMED else "void"
        return _ok(message=f"Sales order status has been changed to {word}.")

    def _create_package(self, request: Request) -> Response:
        order = self._order_of(request)
        if order["status"] in (DRAFT, VOID):
            raise BadRequest(f"Packages cannot be created for a {order['status']} sales order")
        body = _body(request)
        if not _DATE.match(str(body.get("date") or "")):
            raise BadRequest("Invalid value passed for date")
        lines = body.get("line_items")
        if not isinstance(lines, list) or not lines:
            raise BadRequest("Add at least one line item")
        by_id = {line["line_item_id"]: line for line in order["line_items"]}
        planned = []
        for raw in lines:
            line = by_id.get(str((raw or {}).get("so_line_item_id")))
            quantity = (raw or {}).get("quantity")
            if line is None:
                raise BadRequest("Invalid value passed for so_line_item_id")
            if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity <= 0:
                raise BadRequest("Invalid value passed for quantity")
            if line["quantity_packed"] + Decimal(str(quantity)) > line["quantity"]:
                raise BadRequest(f"The quantity packed of '{line['name']}' exceeds the quantity ordered")
            planned.append((line, Decimal(str(quantity))))
        for line, quantity in planned:
            line["quantity_packed"] += quantity
        package = {"package_id": self.app._new_id(),
                   "package_number": str(body.get("package_number") or f"PK-{len(self._all_packages()) + 1:05d}"),
                   "date": body["date"], "status": "not_shipped", "notes": str(body.get("notes") or ""),
                   "lines": [(line["line_item_id"], q) for line, q in planned],
                   "shipment_id": "", "shipment_number": "", "tracking_number": "", "delivery_method": ""}
        order["packages"].append(package)
        order["modified"] = self._moment(None)
        return Response(201, {"code": 0, "message": "Package created successfully. It's now time to ship!",
                              "package": self._package_json(order, package)})

    def _create_shipment(self, request: Request) -> Response:
        order = self._order_of(request)
        body = _body(request)
        for name in ("shipment_number", "date", "delivery_method", "tracking_number"):
            if not str(body.get(name) or "").strip():
                raise BadRequest(f"Invalid value passed for {name}")
        if not _DATE.match(str(body["date"])):
            raise BadRequest("Invalid value passed for date")
        if body["shipment_number"] in self.shipment_numbers:
            return self.app.error(400, "Shipment order number already exists. Please enter a unique number.", 36012)
        wanted = [p for p in (request.arg("package_ids") or "").split(",") if p]
        packages = {p["package_id"]: p for p in order["packages"]}
        if not wanted or any(p not in packages for p in wanted):
            raise BadRequest("Invalid value passed for package_ids")
        if any(packages[p]["shipment_id"] for p in wanted):
            raise BadRequest("The package has already been shipped")
        shipment_id = self.app._new_id()
        by_id = {line["line_item_id"]: line for line in order["line_items"]}
        for package_id in wanted:
            package = packages[package_id]
            package.update(shipment_id=shipment_id, shipment_number=body["shipment_number"], status="shipped",
                           tracking_number=body["tracking_number"], delivery_method=body["delivery_method"])
            for line_id, quantity in package["lines"]:
                line = by_id[line_id]
                line["quantity_shipped"] += quantity
                stock = self.app.items[line["item_id"]]["stock"]
                stock[line["location_id"]] = stock.get(line["location_id"], Decimal(0)) - quantity
        self.shipment_numbers.add(body["shipment_number"])
        order["modified"] = self._moment(None)
        return Response(201, {"code": 0, "message": "Shipment created successfully.", "shipment_order": {
            "shipment_id": shipment_id, "shipment_number": body["shipment_number"], "date": body["date"],
            "status": "shipped", "salesorder_id": order["salesorder_id"],
            "salesorder_number": order["salesorder_number"], "delivery_method": body["delivery_method"],
            "tracking_number": body["tracking_number"], "customer_id": order["customer_id"],
            "customer_name": order["customer_name"]}})

    def _order_of(self, request: Request) -> dict[str, Any]:
        salesorder_id = request.arg("salesorder_id")
        if not salesorder_id:
            raise BadRequest("Invalid value passed for salesorder_id")
        return self._order(salesorder_id)

    def _all_packages(self) -> list[dict[str, Any]]:
        return [p for o in self.orders.values() for p in o["packages"]]

    # -- JSON ------------------------------------------------------------------------------

    def _status_of(self, order: Mapping[str, Any]) -> str:
        """Zoho's status word: draft, confirmed, (partially_)packed, (partially_)shipped, void."""
        if order["status"] in (DRAFT, VOID):
            return order["status"]
        lines = order["line_items"]
        shipped = sum(line["quantity_shipped"] for line in lines)
        packed = sum(line["quantity_packed"] for line in lines)
        ordered = sum(line["quantity"] for line in lines)
        if shipped:
            return "shipped" if shipped >= ordered else "partially_shipped"
        if packed:
            return "packed" if packed >= ordered else "partially_packed"
        return CONFIRMED

    def _time(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M:%S%z")

    def _summary(self, order: Mapping[str, Any]) -> dict[str, Any]:
        lines = order["line_items"]
        return {"salesorder_id": order["salesorder_id"], "customer_name": order["customer_name"],
                "customer_id": order["customer_id"], "status": self._status_of(order),
                "salesorder_number": order["salesorder_number"], "reference_number": order["reference_number"],
                "date": order["date"], "shipment_date": "", "currency_code": "EUR", "total": 0, "bcy_total": 0,
                "quantity": sum(line["quantity"] for line in lines),
                "quantity_packed": sum(line["quantity_packed"] for line in lines),
                "quantity_shipped": sum(line["quantity_shipped"] for line in lines),
                "created_time": self._time(order["created"]), "last_modified_time": self._time(order["modified"])}

    def _detail(self, order: Mapping[str, Any]) -> dict[str, Any]:
        contact = order["contact"]
        first, _, last = contact["name"].partition(" ")
        return {
            **{k: v for k, v in self._summary(order).items() if k not in ("quantity", "quantity_packed",
                                                                          "quantity_shipped", "bcy_total")},
            "contact_persons_associated": [{"contact_person_id": order["customer_id"], "first_name": first,
                                            "last_name": last, "contact_person_email": contact["email"],
                                            "phone": contact["phone"]}] if contact["name"] or contact["email"] else [],
            "shipping_address": dict(order["shipping_address"]),
            "line_items": [{k: v for k, v in line.items()} for line in order["line_items"]],
            "packages": [self._package_json(order, p) for p in order["packages"]],
            "location_id": "460000000038080",
        }

    def _package_json(self, order: Mapping[str, Any], package: Mapping[str, Any]) -> dict[str, Any]:
        return {"package_id": package["package_id"], "package_number": package["package_number"],
                "salesorder_id": order["salesorder_id"], "date": package["date"], "status": package["status"],
                "shipment_id": package["shipment_id"], "shipment_number": package["shipment_number"],
                "tracking_number": package["tracking_number"], "carrier": package["delivery_method"],
                "shipment_status": package["status"],
                # The published schema types it as a string.
                "total_quantity": _text(sum((q for _, q in package["lines"]), Decimal(0)))}


def _text(quantity: Decimal) -> str:
    return str(int(quantity)) if quantity == quantity.to_integral_value() else str(quantity.normalize())


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body
