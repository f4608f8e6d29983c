"""Zoho Inventory sales orders: read them (``OrderSource``), and ship them back.

Reading. ``GET /salesorders`` lists orders without line items, so each order that is new or
changed costs one detail read (``GET /salesorders/{id}``); ``known(order_id, modified)``
(the cursor's ``is_known``) says which listed orders were already handled at
that modification time, and those cost nothing. The list is asked newest modification
first (``sort_column=last_modified_time&sort_order=D``: Zoho documents no "modified after"
filter) and paged until an order older than ``since`` shows up; the orders found are then
read oldest first, as the face promises. Should Zoho not sort as asked (a listed time later
than the one before it), every page is read instead, so nothing is lost.

Times come in the organisation's time zone with its offset (``2026-12-01T20:35:52+0100``)
and are read as stated; a time without an offset is read in the organisation's zone (from
``GET /organizations``). Statuses: draft and those awaiting approval hold no stock
(ignored); void is cancelled; confirmed, packed, partially shipped and the like are open;
shipped, fulfilled and closed are shipped (as is an open order whose every line has gone).

Shipping (``ship_order``): the documented package for the order's lines not yet packed
(``POST /packages?salesorder_id=``), then the shipment of the order's packages not yet
shipped (``POST /shipmentorders?package_ids=&salesorder_id=``) under a shipment number
derived from the caller's reference. The order's detail lists its packages and their
shipments, so it is read before each step: a shipment number already there means "already
shipped". Neither POST is repeated blindly; an answer that was lost is followed by reading
the order again, and only what is still missing is sent.

A mixin for ``ZohoTarget``: it uses the stock client's ``api.call``, ``name`` and ``RETRY``-safe
session, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ..core.errors import InputError, ProtocolError, TargetError
from ..core.http import send_once
from ..core.orders import (
    CANCELLED,
    IGNORED,
    OPEN,
    SHIPPED,
    Customer,
    Known,
    Order,
    OrderBehaviour,
    OrderLine,
    OrderSource,
    parse_quantity,
    parse_time,
    zone,
)
from ..core.redact import get_logger
from ..core.shipments import ALREADY_SHIPPED, ShipOutcome
from ..core.shipments import SHIPPED as SENT
from ..core.values import json_number

log = get_logger(__name__)

IGNORED_STATUSES = frozenset({"draft", "pending_approval", "approved", "rejected"})
CANCELLED_STATUSES = frozenset({"void"})
SHIPPED_STATUSES = frozenset({"shipped", "fulfilled", "delivered", "closed"})
MAX_ORDER_PAGES = 1000  # 200,000 orders changed since the cursor: a read stops there whatever Zoho says
SHIP_ATTEMPTS = 3  # each POST of a shipment is sent at most this often when its answers are lost



class ZohoOrders(OrderSource):
    page_size = 200  # Zoho's largest page

    if TYPE_CHECKING:  # provided by ZohoTarget, which this class is mixed into
        from .zoho_api import ZohoApi

        name: ClassVar[str]
        organization_id: str
        api: ZohoApi
    SHIP_SETTLE_SECONDS = 2.0  # after a lost answer, before the order is read again

    @classmethod
    def order_behaviour(cls, config: Mapping[str, Any]) -> OrderBehaviour:
        """Zoho commits stock for a confirmed sales order: available for sale is stock on
        hand minus committed."""
        return OrderBehaviour.RESERVES_OPEN_ORDERS

    # -- reading ------------------------------------------------------------------------

    def read_orders(self, since: datetime, known: Known | None = None) -> Iterator[Order]:
        """Orders modified at or after ``since``, oldest first; ``known(id, modified)`` True
        skips an order (and its detail read): the caller has handled it at that time."""
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        listed: dict[str, tuple[datetime, dict[str, Any]]] = {}
        for order_id, modified, row in self._listed_since(since):
            if order_id not in listed or modified > listed[order_id][0]:
                listed[order_id] = (modified, row)
        for order_id, (modified, _row) in sorted(listed.items(), key=lambda item: (item[1][0], item[0])):
            if known is not None and known(order_id, modified):
                continue
            try:
                detail = self.api.call("GET", f"salesorders/{order_id}").get("salesorder")
            except TargetError as exc:
                if exc.status == 404:  # deleted since it was listed: nothing left to import
                    log.info("%s: sales order %s was deleted while being read", self.name, order_id)
                    continue
                raise
            if not isinstance(detail, dict):
                raise ProtocolError(self.name, f"sales order {order_id}: the answer has no salesorder")
            yield self.zoho_order(detail)

    def _listed_since(self, since: datetime) -> Iterator[tuple[str, datetime, dict[str, Any]]]:
        newest_first = True
        previous: datetime | None = None
        for page in range(1, MAX_ORDER_PAGES + 1):
            body = self.api.call("GET", "salesorders", params={
                "sort_column": "last_modified_time", "sort_order": "D", "page": page, "per_page": self.page_size})
            rows = body.get("salesorders") or []
            for row in rows:
                modified = self._time(row.get("last_modified_time"), f"sales order {row.get('salesorder_id')}")
                if previous is not None and modified > previous and newest_first:
                    log.warning("%s: sales orders are not listed newest first; reading every page", self.name)
                    newest_first = False
                previous = modified
                if modified >= since:
                    yield str(row.get("salesorder_id")), modified, row
            context = body.get("page_context")
            more = context.get("has_more_page") if isinstance(context, dict) else None
            if not (more if more is not None else len(rows) >= self.page_size):
                return
            if newest_first and previous is not None and previous < since:
                return  # everything further on is older still
        log.warning("%s: stopped listing sales orders after %d pages", self.name, MAX_ORDER_PAGES)

    def order_from_webhook(self, payload: Mapping[str, Any]) -> Order | None:
        """A Zoho workflow webhook that sends the sales order (``{"salesorder": {...}}`` with
        its line items); None for anything else (the importer then reads the shop)."""
        detail = payload.get("salesorder") if isinstance(payload, Mapping) else None
        if not isinstance(detail, Mapping) or not isinstance(detail.get("line_items"), list):
            return None
        try:
            return self.zoho_order(detail)
        except (ProtocolError, ValueError, KeyError):
            return None

    def zoho_order(self, detail: Mapping[str, Any]) -> Order:
        """An Order from a sales order's detail."""
        order_id = str(detail.get("salesorder_id") or "")
        if not order_id:
            raise ProtocolError(self.name, "a sales order without salesorder_id")
        what = f"sales order {order_id}"
        raw_lines = [raw for raw in detail.get("line_items") or () if isinstance(raw, Mapping)]
        self._fill_skus(raw_lines)
        lines = tuple(self._line(raw) for raw in raw_lines)
        status = str(detail.get("status") or "").lower()
        modified = self._time(detail.get("last_modified_time"), what)
        created = self._time(detail.get("created_time"), what) if detail.get("created_time") else modified
        return Order(self.name, order_id, str(detail.get("salesorder_number") or order_id),
                     _state(status, lines), status, created, modified, _customer(detail), lines)

    def _line(self, raw: Mapping[str, Any]) -> OrderLine:
        quantity = parse_quantity(raw.get("quantity"))
        shipped = parse_quantity(raw.get("quantity_shipped"))
        unshipped = None if quantity is None or shipped is None else max(quantity - shipped, Decimal(0))
        sku = raw.get("sku") or getattr(self, "_zoho_item_skus", {}).get(str(raw.get("item_id")), "")
        return OrderLine.of(raw.get("line_item_id"), sku, raw.get("quantity"), unshipped=unshipped,
                            kind="composite" if raw.get("is_combo_product") else "item",
                            name=str(raw.get("name") or ""))

    def _fill_skus(self, raw_lines: list[Mapping[str, Any]]) -> None:
        """Lines that do not carry their item's SKU get it from ``GET itemdetails`` (the
        documents list no ``sku`` on a sales order line), remembered for the client's life."""
        skus: dict[str, str] = self.__dict__.setdefault("_zoho_item_skus", {})
        wanted = sorted({str(raw.get("item_id")) for raw in raw_lines
                         if not raw.get("sku") and raw.get("item_id") and str(raw.get("item_id")) not in skus})
        for start in range(0, len(wanted), 50):
            body = self.api.call("GET", "itemdetails", params={"item_ids": ",".join(wanted[start:start + 50])})
            for item in body.get("items") or []:
                skus[str(item.get("item_id"))] = str(item.get("sku") or "")

    def _time(self, value: Any, what: str) -> datetime:
        try:
            return parse_time(value, self._organization_zone if _lacks_offset(value) else None)
        except ValueError as exc:
            raise ProtocolError(self.name, f"{what}: {exc}") from None

    @property
    def _organization_zone(self) -> tzinfo:
        """The organisation's time zone, read once (only needed for a time without offset)."""
        if "_zoho_zone" not in self.__dict__:
            organizations = self.api.call("GET", "organizations", organization=False).get("organizations") or []
            mine = [o for o in organizations if str(o.get("organization_id")) == self.organization_id]
            name = (mine[0] if mine else {}).get("time_zone")
            if not name:
                raise ProtocolError(self.name, "a time without offset, and the organisation names no time zone")
            self.__dict__["_zoho_zone"] = zone(str(name))
        return self.__dict__["_zoho_zone"]

    # -- shipping -------------------------------------------------------------------------

    def ship_order(self, order_id: str, *, reference: str, tracking: str = "", carrier: str = "",
                   lines: Mapping[str, Decimal] | None = None) -> ShipOutcome:
        """Ship a Zoho sales order: its package, then its shipment, each created at most once.

        ``reference`` names the shipment on our side (the InvenTree shipment); the Zoho
        shipment number ``ICS-<reference>`` makes a repeated call find it. ``lines`` (Zoho
        line_item_id -> quantity) ships part of the order; by default whatever is not
        shipped yet. ``carrier`` is the delivery method. A refusal raises TargetError (the
        worker tries again later).
        """
        number = _shipment_number(reference)
        detail = self._sales_order(order_id)
        done = self._shipment_named(detail, number)
        if done is not None:
            return done
        if str(detail.get("status") or "") in IGNORED_STATUSES | CANCELLED_STATUSES:
            raise TargetError(self.name, f"sales order {detail.get('salesorder_number')} is "
                             f"{detail.get('status')}: it cannot be shipped")
        today = self._organization_today(detail)
        notes = f"Shipped from InvenTree ({reference})"
        to_pack = _to_pack(detail, lines)
        if to_pack:
            package = {"date": today, "notes": notes,
                       "line_items": [{"so_line_item_id": i, "quantity": json_number(q)} for i, q in to_pack.items()]}

            def pack() -> dict[str, Any]:  # the order read again: it now lists the package
                self._post("packages", {"salesorder_id": order_id}, package)
                return self._sales_order(order_id)

            def packed() -> dict[str, Any] | None:  # a lost answer: is the package there now?
                again = self._sales_order(order_id)
                return again if _to_pack(again, lines) != to_pack else None

            detail = send_once(self.name, f"package of sales order {order_id}", pack, packed,
                               attempts=SHIP_ATTEMPTS, settle=self.SHIP_SETTLE_SECONDS)
        waiting = [str(p["package_id"]) for p in detail.get("packages") or () if not p.get("shipment_id")]
        if not waiting:
            return ShipOutcome(str(order_id), ALREADY_SHIPPED, "Zoho has nothing left to ship for this order")
        shipment = {"shipment_number": number, "date": today, "delivery_method": carrier or "Courier",
                    "tracking_number": tracking or reference, "notes": notes}

        def sent() -> ShipOutcome:
            answer = self._post("shipmentorders", {"package_ids": ",".join(waiting), "salesorder_id": order_id},
                                shipment)
            raw = answer.get("shipment_order")
            made: dict[str, Any] = raw if isinstance(raw, dict) else {}
            return ShipOutcome(str(order_id), SENT, f"Zoho shipment {number} created for {len(waiting)} "
                               "package(s)", (str(made.get("shipment_id") or ""),))

        return send_once(self.name, f"shipment {number} of sales order {order_id}", sent,
                         lambda: self._shipment_named(self._sales_order(order_id), number),
                         attempts=SHIP_ATTEMPTS, settle=self.SHIP_SETTLE_SECONDS)

    def _shipment_named(self, detail: Mapping[str, Any], number: str) -> ShipOutcome | None:
        done = [p for p in detail.get("packages") or () if p.get("shipment_number") == number]
        if not done:
            return None
        return ShipOutcome(str(detail.get("salesorder_id")), ALREADY_SHIPPED, f"Zoho already has shipment {number}",
                           tuple(str(p.get("shipment_id")) for p in done[:1]))

    def _organization_today(self, detail: Mapping[str, Any]) -> str:
        """Today's date where the organisation is (Zoho's dates are the organisation's): in
        the offset of the order's own times, else in the organisation's time zone, else UTC."""
        where: tzinfo | None = None
        try:
            where = datetime.fromisoformat(str(detail.get("last_modified_time") or "")).tzinfo
        except ValueError:
            pass
        if where is None:
            try:
                where = self._organization_zone
            except ProtocolError:
                where = UTC
        return datetime.now(where).date().isoformat()

    def _sales_order(self, order_id: str) -> dict[str, Any]:
        detail = self.api.call("GET", f"salesorders/{order_id}").get("salesorder")
        if not isinstance(detail, dict):
            raise ProtocolError(self.name, f"sales order {order_id}: the answer has no salesorder")
        return detail

    def _post(self, path: str, params: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        with self.api.session.no_retries():
            return self.api.call("POST", path, params=params, json_body=body)


def _state(status: str, lines: tuple[OrderLine, ...]) -> str:
    if status in IGNORED_STATUSES:
        return IGNORED
    if status in CANCELLED_STATUSES:
        return CANCELLED
    if status in SHIPPED_STATUSES:
        return SHIPPED
    if lines and all(line.unshipped == 0 for line in lines):
        return SHIPPED  # every line has gone, whatever the status word says
    return OPEN


def _customer(detail: Mapping[str, Any]) -> Customer:
    persons = [p for p in detail.get("contact_persons_associated") or detail.get("contact_persons") or ()
               if isinstance(p, Mapping)]
    person = persons[0] if persons else {}
    shipping = detail.get("shipping_address")
    address: Mapping[str, Any] = shipping if isinstance(shipping, Mapping) else {}
    name = " ".join(str(person.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    customer = str(detail.get("customer_name") or "")
    return Customer(name=name or customer, email=str(person.get("contact_person_email") or detail.get("email") or ""),
                    company=customer if name and name != customer else "",
                    phone=str(person.get("phone") or person.get("mobile") or ""),
                    line1=str(address.get("address") or ""), line2=str(address.get("street2") or ""),
                    postcode=str(address.get("zip") or ""), city=str(address.get("city") or ""),
                    region=str(address.get("state") or ""), country=str(address.get("country") or ""))


def _to_pack(detail: Mapping[str, Any], lines: Mapping[str, Decimal] | None) -> dict[str, Decimal]:
    """line_item_id -> quantity still to be packed (of what ``lines`` asks, else of everything)."""
    wanted: dict[str, Decimal] = {}
    for raw in detail.get("line_items") or ():
        line_id = str(raw.get("line_item_id"))
        free = (parse_quantity(raw.get("quantity")) or Decimal(0)) - (parse_quantity(raw.get("quantity_packed"))
                                                                        or Decimal(0))
        asked = free if lines is None else min(Decimal(lines.get(line_id, 0)), free)
        if asked > 0:
            wanted[line_id] = asked
    return wanted


def _shipment_number(reference: str) -> str:
    text = "".join(ch if ch.isalnum() or ch in "-_/" else "-" for ch in str(reference).strip())
    if not text:
        raise InputError("a shipment needs a reference (the InvenTree shipment) to be sent to Zoho once")
    return ("ICS-" + text)[:50]


def _lacks_offset(value: Any) -> bool:
    text = str(value or "")
    return "T" in text and not (text.endswith("Z") or "+" in text[10:] or "-" in text[10:])
