"""Magento 2 orders: read them normalised, and send shipments back.

Meant as a mixin of the stock client (``class MagentoTarget(MagentoOrders, BaseTarget)``):
it uses only ``self.name``, ``self.base`` (``.../rest/<store>/V1``), ``self.session`` and
the stock client's ``self._call(method, path, params=, json=)``.

Reading: ``GET /V1/orders`` with ``updated_at gteq`` the cursor's time, sorted by
``updated_at`` and then ``entity_id`` (MySQL leaves rows with equal sort values in no
particular order, so without a unique last key a page boundary inside equal times could
repeat one order and skip another), ``page_size`` per page. The number of pages comes
from ``total_count``: Magento answers a page past the end with the last page again. Page
numbers shift when an order already read is modified during the read (it moves to the end,
and the rest move up one place); that shows as an order seen twice, and then the range is
read once more so that the order that moved onto an already-read page is not lost (the
orders found then come after newer ones; the cursor does not mind). An order deleted
during a read shifts pages too and shows nothing: the cursor's overlap and the order
audit read those again.

Magento prints ``created_at``/``updated_at`` in UTC without an offset (its timestamp
columns), and compares the filter value with them as such.

Lines: a configurable product ordered is a parent item (``product_type`` configurable,
carrying the child's SKU) and its simple child: it counts once, as the parent (whose
quantities are the ones shipments and cancellations update). A bundle counts its children
(the bundle item's SKU is the bundle's with its selections' appended). What is still open
on a line is what Magento itself would still ship: ordered − shipped − refunded − cancelled.

States: new (status pending), pending_payment, processing, holded and payment_review all
hold MSI reservations, so they are open; complete is shipped, as is an open order with
everything shipped (Magento leaves it processing until it is invoiced); canceled and closed
are cancelled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from ..core.errors import AmbiguousFailure, InputError, ProtocolError, TargetError
from ..core.http import TargetSession, send_once
from ..core.orders import (
    CANCELLED,
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
)
from ..core.redact import get_logger
from ..core.shipments import ALREADY_SHIPPED, ShipOutcome
from ..core.shipments import SHIPPED as SENT
from ..core.values import json_number

log = get_logger(__name__)

STATES = {"new": OPEN, "pending_payment": OPEN, "processing": OPEN, "holded": OPEN, "payment_review": OPEN,
          "complete": SHIPPED, "canceled": CANCELLED, "closed": CANCELLED}
# Magento's web API input limits (on by default since 2.4.7) refuse a larger pageSize with
# "Maximum SearchCriteria pageSize is N" (N = 300 unless configured); a smaller N is adopted.
MAX_PAGE_SIZE = 300
_PAGE_LIMIT = re.compile(r"Maximum SearchCriteria pageSize is (\d+)")
MAX_PAGES = 10_000  # a bound on one read, far above any shop's order count per read
MAX_PASSES = 2  # the read, and one more when page numbers shifted under it
SHIP_ATTEMPTS = 2  # POSTs of one shipment whose answers were lost, before giving up
SHIP_SETTLE_SECONDS = 1.0  # after a lost answer, before looking the shipment up
ZERO = Decimal(0)
# Magento's offline-shipping carriers with tracking (their codes and default titles).
CARRIERS = {"ups": "United Parcel Service", "usps": "United States Postal Service", "fedex": "Federal Express",
            "dhl": "DHL"}


@dataclass(frozen=True)
class Shipment:
    """What ``ship`` did: the Magento shipment id (None when nothing was left to ship),
    whether this call created it, and the quantities by line id."""

    id: str | None
    created: bool
    quantities: Mapping[str, Decimal] = field(default_factory=dict)


class MagentoOrders(OrderSource):
    """Order reading and shipments for the Magento client (see the module docstring)."""

    page_size = 100

    # Provided by the stock client this is mixed into.
    name: ClassVar[str]
    base: str
    session: TargetSession
    if TYPE_CHECKING:
        def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                  json: Any = None) -> Any: ...

    @classmethod
    def order_behaviour(cls, config: Mapping[str, Any]) -> OrderBehaviour:
        """MSI (``mode = "msi"``, the default) keeps the source quantity and reserves the
        order apart; ``mode = "legacy"`` writes the single-source stock item, which Magento
        lowers at placement."""
        mode = str(config.get("mode") or "msi").strip().lower()
        return OrderBehaviour.DECREMENTS_ON_ORDER if mode == "legacy" else OrderBehaviour.RESERVES_OPEN_ORDERS

    # -- reading -----------------------------------------------------------------------

    def read_orders(self, since: datetime, known: Known | None = None) -> Iterator[Order]:
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        start = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        yielded: dict[str, str] = {}  # entity_id -> updated_at already yielded in this read
        for _ in range(MAX_PASSES):
            shifted = False
            listed: set[str] = set()  # entity_ids of this pass: one listed twice means pages shifted
            for raw in self._order_pages(start):
                key, stamp = str(raw.get("entity_id")), str(raw.get("updated_at"))
                shifted = shifted or key in listed
                listed.add(key)
                if yielded.get(key) == stamp:
                    continue
                yielded[key] = stamp
                try:
                    order = self.normalise_order(raw)
                except ValueError as exc:
                    raise ProtocolError(self.name, f"order {raw.get('increment_id') or key} cannot be read: "
                                                   f"{exc}") from None
                if known is None or not known(order.id, order.modified):
                    yield order
            if not shifted:
                return
        log.warning("%s: page numbers kept shifting while orders were read %d times; the cursor's overlap and the "
                    "order audit read them again", self.name, MAX_PASSES)

    def _order_pages(self, start: str) -> Iterator[dict[str, Any]]:
        size = min(max(1, int(self.page_size)), MAX_PAGE_SIZE)
        page, pages = 1, 1
        while page <= pages and page <= MAX_PAGES:
            try:
                body = self._call("GET", "/orders", params=order_criteria(start, size, page))
            except TargetError as exc:
                limit = _PAGE_LIMIT.search(str(exc))
                if page == 1 and exc.status == 400 and limit and 0 < int(limit.group(1)) < size:
                    log.info("%s: the store answers at most %s orders per page", self.name, limit.group(1))
                    size = self.page_size = int(limit.group(1))
                    continue
                raise
            if not isinstance(body, dict) or not isinstance(body.get("items"), list) \
                    or not isinstance(body.get("total_count"), int):
                raise ProtocolError(self.name, "GET /V1/orders did not answer a search result (items, total_count)")
            for raw in body["items"]:
                if not isinstance(raw, dict) or "entity_id" not in raw:
                    raise ProtocolError(self.name, "GET /V1/orders answered an item that is not an order")
                yield raw
            pages = math.ceil(body["total_count"] / size)
            if not body["items"]:
                return
            page += 1

    def read_order(self, order_id: object) -> Order:
        """One order read afresh (``GET /V1/orders/{id}``)."""
        return self.normalise_order(self._get_order(order_id))

    def _get_order(self, order_id: object) -> dict[str, Any]:
        text = str(order_id)
        if not text.isdigit():
            raise InputError(f"{self.name}: order id {text!r} is not a Magento order id (entity_id)")
        raw = self._call("GET", f"/orders/{text}")
        if not isinstance(raw, dict) or "entity_id" not in raw:
            raise ProtocolError(self.name, "GET /V1/orders/{id} did not answer an order")
        return raw

    def order_from_webhook(self, payload: Mapping[str, Any]) -> Order | None:
        """Magento Open Source sends no order webhooks; a payload that is a whole order (as an
        integration's own observer might post it) is read as one."""
        if isinstance(payload.get("entity_id"), int) and isinstance(payload.get("items"), list):
            return self.normalise_order(payload)
        return None

    def normalise_order(self, raw: Mapping[str, Any]) -> Order:
        """An order of ``GET /V1/orders`` as the pure model."""
        state = str(raw.get("state") or "")
        lines = tuple(order_lines(raw.get("items") or []))
        normal = STATES.get(state, OPEN)  # an unknown state: keep the goods promised
        if normal == OPEN and lines and all(line.unshipped == 0 for line in lines) \
                and any(_quantity(item, "qty_shipped") > 0 for item in raw.get("items") or ()):
            normal = SHIPPED
        return Order(
            self.name, str(raw["entity_id"]), str(raw.get("increment_id") or raw["entity_id"]), normal,
            str(raw.get("status") or state), parse_time(raw.get("created_at") or raw.get("updated_at"), "UTC"),
            parse_time(raw.get("updated_at") or raw.get("created_at"), "UTC"), customer_of(raw), lines,
        )

    # -- MSI -------------------------------------------------------------------------

    def salable_quantity(self, sku: str, stock_id: int = 1) -> Decimal:
        """What Magento offers of a SKU: source quantities minus reservations (MSI only)."""
        value = self._call("GET", f"/inventory/get-product-salable-quantity/{quote(sku, safe='')}/{int(stock_id)}")
        number = parse_quantity(value)
        if number is None or isinstance(value, (str, bool)):
            raise ProtocolError(self.name, f"the salable quantity of {sku!r} is not a number ({value!r})")
        return number

    # -- shipments ---------------------------------------------------------------------

    def ship(self, order: Order | str, lines: Mapping[str, object] | None = None, tracking: str = "", *,
             carrier: str = "", reference: str = "", notify: bool = False) -> Shipment:
        """Ship ``lines`` (line id -> quantity; None: every open line in full) of an order,
        with a tracking number, exactly once.

        ``carrier`` is a Magento carrier code (ups, usps, fedex, dhl) or any carrier's name
        (then sent as the "custom" carrier with that title); ``notify`` has Magento email
        the shipment to the customer.

        ``reference`` names the shipment on our side (e.g. the InvenTree shipment); it goes
        into the shipment's comment and is what a repeated call finds: a shipment with it
        (or, without one, with this tracking number) means it was done already. Before
        sending, the order is read again and each quantity capped at what Magento still has
        to ship; nothing left is not an error (``Shipment(None, False)``). The POST is never
        retried blindly: when its answer is lost, the shipment is looked up, and only sent
        again when Magento does not have it.
        """
        order_id = order.id if isinstance(order, Order) else str(order)
        marker = f"InvenTree shipment {reference}" if reference else ""
        existing = self._find_shipment(order_id, marker, tracking)
        if existing is not None:
            return existing
        quantities: dict[str, Decimal] = {}

        def send() -> Shipment:
            raw = self._get_order(order_id)  # read again each time: caps at what is left to ship
            items, wanted = shipment_items(raw, lines)
            quantities.clear()
            quantities.update(wanted)
            if not items:
                return Shipment(None, False, {})
            body: dict[str, Any] = {"items": items, "notify": bool(notify)}
            if tracking:
                body["tracks"] = [track(tracking, carrier)]
            if marker:  # kept on the shipment whatever appendComment says (it only mails it)
                body["comment"] = {"comment": marker, "is_visible_on_front": 0}
            return Shipment(str(self._post_once(f"/order/{order_id}/ship", body)), True, dict(wanted))

        def look_up() -> Shipment | None:
            if not (marker or tracking):
                raise TargetError(self.name, f"the answer to the shipment of order {order_id} was lost; without a "
                                             "reference or tracking number whether the shipment was made cannot be "
                                             "checked: look at the order in Magento")
            found = self._find_shipment(order_id, marker, tracking)
            return None if found is None else Shipment(found.id, True, dict(quantities))

        return send_once(self.name, f"shipment of order {order_id}", send, look_up, attempts=SHIP_ATTEMPTS,
                         settle=SHIP_SETTLE_SECONDS)

    def ship_order(self, order_id: str, *, reference: str, tracking: str = "", carrier: str = "",
                   lines: Mapping[str, Decimal] | None = None) -> ShipOutcome:
        """``OrderSource.ship_order``: ``ship`` (which see), its result as a ShipOutcome."""
        shipment = self.ship(str(order_id), lines, tracking, carrier=carrier, reference=reference)
        if shipment.id is None:
            return ShipOutcome(str(order_id), ALREADY_SHIPPED, "Magento has nothing left to ship for this order")
        if shipment.created:
            return ShipOutcome(str(order_id), SENT, f"Magento shipment {shipment.id} created", (shipment.id,))
        return ShipOutcome(str(order_id), ALREADY_SHIPPED, f"Magento already has shipment {shipment.id}",
                           (shipment.id,))

    def _find_shipment(self, order_id: str, marker: str, tracking: str) -> Shipment | None:
        """A shipment of the order that carries ``marker`` in a comment, or, without a
        marker, ``tracking`` as a track number."""
        if not marker and not tracking:
            return None
        params = {
            "searchCriteria[filterGroups][0][filters][0][field]": "order_id",
            "searchCriteria[filterGroups][0][filters][0][value]": order_id,
            "searchCriteria[filterGroups][0][filters][0][conditionType]": "eq",
            "searchCriteria[pageSize]": 100, "searchCriteria[currentPage]": 1,
        }
        body = self._call("GET", "/shipments", params=params)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ProtocolError(self.name, "GET /V1/shipments did not answer a search result")
        for shipment in body["items"]:
            comments = [str(c.get("comment") or "") for c in shipment.get("comments") or () if isinstance(c, dict)]
            tracks = [str(t.get("track_number") or "") for t in shipment.get("tracks") or () if isinstance(t, dict)]
            if (marker and marker in comments) or (not marker and tracking in tracks):
                quantities = {str(i.get("order_item_id")): parse_quantity(i.get("qty")) or ZERO
                              for i in shipment.get("items") or () if isinstance(i, dict)}
                return Shipment(str(shipment.get("entity_id")), False, quantities)
        return None

    def _post_once(self, path: str, body: Any) -> Any:
        """A POST that no layer repeats on its own (the stock client's session retries POSTs,
        which set absolute values there; a shipment is not one)."""
        try:
            with self.session.no_retries():
                return self._call("POST", path, json=body)
        except ProtocolError as exc:
            if exc.status == 200:  # made, but the answer is unreadable
                raise AmbiguousFailure(self.name, exc.reason, status=200) from None
            raise


# -- pure helpers --------------------------------------------------------------------------------

def track(number: str, carrier: str = "") -> dict[str, str]:
    """A shipment track: Magento's own carrier code when ``carrier`` is one, else the
    "custom" carrier titled with the carrier's name."""
    code = carrier.strip().lower()
    if code in CARRIERS:
        return {"track_number": number, "title": CARRIERS[code], "carrier_code": code}
    return {"track_number": number, "title": carrier.strip() or "Tracking number", "carrier_code": "custom"}


def order_criteria(start: str, page_size: int, page: int) -> dict[str, Any]:
    """searchCriteria of the order list: modified at or after ``start``, oldest first."""
    return {
        "searchCriteria[filterGroups][0][filters][0][field]": "updated_at",
        "searchCriteria[filterGroups][0][filters][0][value]": start,
        "searchCriteria[filterGroups][0][filters][0][conditionType]": "gteq",
        "searchCriteria[sortOrders][0][field]": "updated_at",
        "searchCriteria[sortOrders][0][direction]": "ASC",
        "searchCriteria[sortOrders][1][field]": "entity_id",
        "searchCriteria[sortOrders][1][direction]": "ASC",
        "searchCriteria[pageSize]": page_size,
        "searchCriteria[currentPage]": page,
    }


def _quantity(item: Mapping[str, Any], key: str) -> Decimal:
    return parse_quantity(item.get(key)) or ZERO


def to_ship(item: Mapping[str, Any]) -> Decimal:
    """What Magento still has to ship of an item (Order\\Item::getSimpleQtyToShip)."""
    left = _quantity(item, "qty_ordered") - _quantity(item, "qty_shipped") - _quantity(item, "qty_refunded") \
        - _quantity(item, "qty_canceled")
    return max(left, ZERO)


def order_lines(items: Iterable[Any]) -> Iterator[OrderLine]:
    """The goods lines of an order's items: configurables once, bundles by their children."""
    items = [item for item in items if isinstance(item, dict)]
    by_id = {item.get("item_id"): item for item in items}
    children: dict[Any, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("parent_item_id") is not None:
            children.setdefault(item["parent_item_id"], []).append(item)
    for item in items:
        parent = by_id.get(item.get("parent_item_id")) if item.get("parent_item_id") is not None else None
        kind = str(item.get("product_type") or "simple")
        if parent is not None:
            if parent.get("product_type") == "configurable":
                continue  # counted as its parent
            kind = f"{parent.get('product_type') or 'parent'} item"
        elif kind == "configurable":
            child = next(iter(children.get(item.get("item_id"), [])), None)
            sku = (child or item).get("sku")
            yield OrderLine.of(item.get("item_id"), sku, item.get("qty_ordered"), unshipped=to_ship(item),
                               kind="configurable", name=str(item.get("name") or ""))
            continue
        elif children.get(item.get("item_id")):
            continue  # a bundle (or another parent) counts its children
        yield OrderLine.of(item.get("item_id"), item.get("sku"), item.get("qty_ordered"), unshipped=to_ship(item),
                           kind=kind, name=str(item.get("name") or ""))


def shipment_items(raw: Mapping[str, Any], lines: Mapping[str, object] | None) -> tuple[list[dict[str, Any]],
                                                                                        dict[str, Decimal]]:
    """The ``items`` of a ship request for ``lines`` (line id -> quantity; None: all open),
    each capped at what is left to ship, and the quantities that leaves per line.

    Magento ships a configurable by its parent item (our line id) and a bundle shipped
    together by its bundle item; a bundle's lines are its children, so the bundle item is
    sent with the whole bundles those quantities make, and the children with their own
    quantities (which a bundle shipped separately takes instead)."""
    items = [item for item in raw.get("items") or () if isinstance(item, dict)]
    by_id = {str(item.get("item_id")): item for item in items}
    wanted: dict[str, Decimal] = {}
    for line in order_lines(items):
        if lines is None:
            quantity: Decimal | None = line.open_quantity
        elif line.line_id in lines:
            quantity = parse_quantity(lines[line.line_id])
            if quantity is None or quantity < 0:
                raise InputError(f"quantity {lines[line.line_id]!r} to ship of line {line.line_id} is not a number")
        else:
            continue
        left = to_ship(by_id[line.line_id])
        if quantity and left > 0:
            wanted[line.line_id] = min(quantity, left)
    unknown = sorted(set(lines or ()) - {line.line_id for line in order_lines(items)})
    if unknown:
        raise InputError(f"order {raw.get('entity_id')} has no line {unknown[0]} to ship")
    request: dict[str, Decimal] = dict(wanted)
    for line_id, quantity in wanted.items():
        parent_id = by_id[line_id].get("parent_item_id")
        parent = by_id.get(str(parent_id)) if parent_id is not None else None
        if parent is None:
            continue
        per_bundle = _quantity(by_id[line_id], "qty_ordered") / (_quantity(parent, "qty_ordered") or 1)
        bundles = min(quantity / per_bundle, to_ship(parent)) if per_bundle else ZERO
        key = str(parent["item_id"])
        request[key] = min(request.get(key, bundles), bundles)
    body = [{"order_item_id": int(key) if key.isdigit() else key, "qty": json_number(quantity)}
            for key, quantity in request.items() if quantity > 0]
    return body, wanted


def customer_of(raw: Mapping[str, Any]) -> Customer:
    """The buyer: the order's customer fields and the billing company; the address (where
    the goods go) from the shipping assignment, else the billing address."""
    billing: Mapping[str, Any] = raw["billing_address"] if isinstance(raw.get("billing_address"), dict) else {}
    address: Mapping[str, Any] = billing
    for assignment in (raw.get("extension_attributes") or {}).get("shipping_assignments") or ():
        shipping = ((assignment or {}).get("shipping") or {}).get("address")
        if isinstance(shipping, dict):
            address = shipping
            break
    first = raw.get("customer_firstname") or billing.get("firstname") or ""
    last = raw.get("customer_lastname") or billing.get("lastname") or ""
    street = address.get("street") or []
    street = street if isinstance(street, list) else [str(street)]
    return Customer(
        name=" ".join(str(part) for part in (first, last) if part).strip(),
        email=str(raw.get("customer_email") or billing.get("email") or ""),
        company=str(billing.get("company") or address.get("company") or ""),
        phone=str(address.get("telephone") or ""),
        line1=str(street[0]) if street else "", line2=", ".join(str(s) for s in street[1:]),
        postcode=str(address.get("postcode") or ""), city=str(address.get("city") or ""),
        region=str(address.get("region") or ""), country=str(address.get("country_id") or ""),
    )
