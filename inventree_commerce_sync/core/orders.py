"""Shop orders, normalised: what every target's order reading yields, whatever the vendor.

A client reads its shop's orders and turns each into an ``Order`` (the shop's own ids,
number, a ``state`` the importer acts on, the shop's own ``status`` word, times in UTC, the
buyer and the lines by SKU). ``OrderSource`` is the face a client implements to be read
from; the cursor (``core.cursor``) decides what to ask for, the importer what to do.

Pure code: no Django, no network. What the four clients share when normalising is here
once: times with an offset or in a stated zone read as UTC, quantities as Decimal, and the
checks that make a line importable (reported as data, never raised).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .shipments import NOTHING_TO_DO, ShipOutcome

# The importer's view of an order, whatever the shop calls it.
OPEN = "open"            # goods promised: import, keep the lines
SHIPPED = "shipped"      # goods gone: import if new; no more line changes
CANCELLED = "cancelled"  # cancel the sales order (unless something was shipped)
IGNORED = "ignored"      # holds no stock (draft, pending payment, failed): not an order yet
REMOVED = "removed"      # out of the shop's order list, its stock NOT put back (WooCommerce's trash): flagged
STATES = (OPEN, SHIPPED, CANCELLED, IGNORED, REMOVED)

# ``known(order_id, modified)``: True when the caller has handled that order at that
# modification time (or a later one), so a read may leave it out (``OrderCursor.is_known``).
Known = Callable[[str, datetime], bool]


class OrderBehaviour(str, Enum):
    """What a target does with its stock when one of its own orders is placed
    (``core.offer`` explains what follows from it)."""

    RESERVES_OPEN_ORDERS = "reserves_open_orders"  # stock unchanged, the order reserved apart
    DECREMENTS_ON_ORDER = "decrements_on_order"    # stock lowered at placement


# -- shared normalising helpers ----------------------------------------------------------------

def zone(value: str | tzinfo | None) -> tzinfo | None:
    """A time zone from an IANA name ("Europe/Berlin"), an offset ("+05:30", "-0800", "Z",
    "UTC") or a tzinfo; None stays None. A zone nobody knows is a ValueError naming it."""
    if value is None or isinstance(value, tzinfo):
        return value
    text = str(value).strip()
    if text.upper() in ("Z", "UTC", "GMT", "+00:00", "-00:00"):
        return UTC
    if text[:1] in "+-" and len(text) in (3, 5, 6):
        digits = text[1:].replace(":", "")
        if digits.isdigit() and len(digits) in (2, 4):
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours < 24 and minutes < 60:
                sign = -1 if text[0] == "-" else 1
                return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/Berlin, or an offset "
                         f"such as +05:30)") from None


def parse_time(value: object, default_zone: str | tzinfo | None = None) -> datetime:
    """An aware UTC datetime from what a shop sends.

    ISO-8601 text with an offset ("...+05:30", "...+0530", "...Z") is read as stated; text
    without one is read in ``default_zone`` (the site's or organisation's zone; "UTC" for
    fields that are GMT by name) and refused without it, so no time is silently guessed.
    A number is seconds since the epoch (Invoice Ninja's ``updated_at``).
    """
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("empty time")
        if text.isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO-8601 time: {text!r}") from None
    if moment.tzinfo is None:
        where = zone(default_zone)
        if where is None:
            raise ValueError(f"time {value!r} has no offset and no time zone was given for it")
        moment = moment.replace(tzinfo=where)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a Z ("2026-12-01T19:12:14Z"; microseconds only when there are any)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_quantity(value: object) -> Decimal | None:
    """A line quantity as Decimal, or None when it is not a finite number (the line is then
    reported, never guessed)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal_text(number: Decimal) -> str:
    """A quantity as plain decimal text: 2, 1.5 (no exponent, no trailing zeros)."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


# -- the model -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Customer:
    """The buyer, as far as the shop tells (empty strings for what it does not)."""

    name: str = ""
    email: str = ""
    company: str = ""
    phone: str = ""
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email, "company": self.company}


@dataclass(frozen=True)
class OrderLine:
    """One line of goods. ``quantity`` is None when the shop's value is not a number
    (``quantity_text`` keeps what it said); ``unshipped`` is what the shop has not shipped,
    cancelled or refunded yet (None: all of it); ``kind`` says what the line is on the
    shop (product, variation, bundle item, ...)."""

    line_id: str
    sku: str
    quantity: Decimal | None
    unshipped: Decimal | None = None
    kind: str = "product"
    name: str = ""
    quantity_text: str = ""

    @classmethod
    def of(cls, line_id: object, sku: object, quantity: object, **more: Any) -> OrderLine:
        """A line from the shop's raw values (quantity parsed, ids as text)."""
        return cls(str(line_id), str(sku or "").strip(), parse_quantity(quantity),
                   quantity_text=str(quantity), **more)

    @property
    def open_quantity(self) -> Decimal | None:
        return self.quantity if self.unshipped is None else self.unshipped

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": None if self.quantity is None else decimal_text(self.quantity),
                "line_id": self.line_id}


@dataclass(frozen=True)
class Order:
    """One shop order, normalised. ``created``/``modified`` are aware and kept in UTC."""

    target: str
    id: str
    number: str
    state: str
    status: str
    created: datetime
    modified: datetime
    customer: Customer = field(default_factory=Customer)
    lines: tuple[OrderLine, ...] = ()

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"order {self.id}: state must be one of {', '.join(STATES)} (got {self.state!r})")
        for name in ("created", "modified"):
            moment = getattr(self, name)
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                raise ValueError(f"order {self.id}: {name} must be an aware datetime (got {moment!r})")
            object.__setattr__(self, name, moment.astimezone(UTC))
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "number", str(self.number or self.id))
        object.__setattr__(self, "lines", tuple(self.lines))

    def to_json(self) -> dict[str, Any]:
        """The form ``orders --json`` prints (one object per order)."""
        return {
            "id": self.id,
            "number": self.number,
            "state": self.state,
            "status": self.status,
            "created": iso_utc(self.created),
            "modified": iso_utc(self.modified),
            "customer": self.customer.to_json(),
            "lines": [line.to_json() for line in self.lines],
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, JSON-serialisable, for keeping a copy (a held order's metadata)."""
        record = self.to_json()
        record["target"] = self.target
        record["customer"] = asdict(self.customer)
        record["lines"] = [{**line.to_json(), "unshipped": None if line.unshipped is None
                            else decimal_text(line.unshipped), "kind": line.kind, "name": line.name,
                            "quantity_text": line.quantity_text} for line in self.lines]
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any], target: str | None = None) -> Order:
        """The inverse of ``to_record`` (also reads ``to_json``'s shorter form)."""
        customer = {k: str(v or "") for k, v in (record.get("customer") or {}).items()
                    if k in Customer.__dataclass_fields__}
        lines = []
        for raw in record.get("lines") or ():
            unshipped = raw.get("unshipped")
            lines.append(OrderLine(
                str(raw.get("line_id", "")), str(raw.get("sku") or ""), parse_quantity(raw.get("quantity")),
                unshipped=None if unshipped is None else parse_quantity(unshipped),
                kind=str(raw.get("kind") or "product"), name=str(raw.get("name") or ""),
                quantity_text=str(raw.get("quantity_text") or raw.get("quantity"))))
        return cls(target or str(record.get("target") or ""), str(record["id"]), str(record.get("number") or ""),
                   str(record["state"]), str(record.get("status") or ""), parse_time(record["created"]),
                   parse_time(record["modified"]), Customer(**customer), tuple(lines))


# -- what makes a line importable -------------------------------------------------------------------

@dataclass(frozen=True)
class LineProblem:
    """Why one line cannot be imported (yet)."""

    line_id: str
    sku: str
    problem: str

    def text(self) -> str:
        return f"line {self.line_id} (SKU {self.sku!r}): {self.problem}" if self.sku else \
            f"line {self.line_id}: {self.problem}"

    def to_json(self) -> dict[str, str]:
        return {"line_id": self.line_id, "sku": self.sku, "problem": self.problem}


def quantity_problem(line: OrderLine) -> str | None:
    if line.quantity is None:
        return f"quantity {line.quantity_text!r} is not a number"
    if line.quantity <= 0:
        return f"quantity {decimal_text(line.quantity)} is not a positive number"
    return None


def line_problems(lines: Iterable[OrderLine], why_unusable: Callable[[str], str | None]) -> list[LineProblem]:
    """Every line that cannot be imported, with the reason: no SKU, a quantity that is not a
    positive number, or what ``why_unusable(sku)`` says (unknown SKU, part not salable, ...)."""
    problems = []
    for line in lines:
        if not line.sku:
            problems.append(LineProblem(line.line_id, "", "no SKU"))
            continue
        reason = quantity_problem(line) or why_unusable(line.sku)
        if reason:
            problems.append(LineProblem(line.line_id, line.sku, reason))
    return problems


# -- the face a client implements --------------------------------------------------------------------

class OrderSource(abc.ABC):
    """Something orders can be read from: a target client, or a list in a test.

    ``read_orders(since, known)`` yields every order modified at or after ``since`` (a shop
    whose filter is strict may leave out orders at exactly ``since``: the cursor's overlap
    window re-reads them anyway), in ascending order of ``modified``, paging through the
    target ``page_size`` orders per list request. Orders of every state are yielded, so that
    a cancellation or a shipment reaches the importer; only those ``known(id, modified)``
    says were handled at that time already are left out (a client that pays a request per
    order skips it; for the others it only filters).

    ``read_removed(since)`` yields the orders modified since ``since`` that the shop's order
    list leaves out but still keeps, their stock not put back (WooCommerce's trash); only the
    order audit asks, and most shops have none.

    ``ship_order`` tells the shop about one shipment, at most once, and says what that came
    to; ``order_behaviour(config)`` says what the shop does with its stock at an order.
    """

    page_size: int = 100
    # How the shop's webhook deliveries are verified: "woocommerce" (a signature of the body),
    # "secret-header" (a header the admin chose, for shops that do not sign), or None (no
    # webhooks: polling only).
    webhook: str | None = None

    @abc.abstractmethod
    def read_orders(self, since: datetime, known: Known | None = None) -> Iterator[Order]:
        """Orders modified since ``since`` (aware), oldest modification first, less the known."""

    def read_removed(self, since: datetime) -> Iterator[Order]:
        """Orders out of the shop's list since ``since`` (state REMOVED); none by default."""
        return iter(())

    def order_from_webhook(self, payload: Mapping[str, Any]) -> Order | None:
        """The order a webhook delivered, normalised; None when the payload is not one (the
        importer then reads the shop instead)."""
        return None

    def ship_order(self, order_id: str, *, reference: str, tracking: str = "", carrier: str = "",
                   lines: Mapping[str, Decimal] | None = None) -> ShipOutcome:
        """Tell the shop that ``lines`` (its line id -> quantity; None: everything not yet
        shipped) of an order have gone, with ``tracking`` and ``carrier`` when known.
        ``reference`` (the InvenTree shipment) is what a repeated call finds: the shop is
        then told nothing twice. By default there is nothing to tell."""
        return ShipOutcome(str(order_id), NOTHING_TO_DO, f"{getattr(self, 'name', 'this shop')} takes no shipments")

    @classmethod
    def order_behaviour(cls, config: Mapping[str, Any]) -> OrderBehaviour:
        """What the shop does with its stock when one of its orders is placed, with this
        client config: by default it lowers it."""
        return OrderBehaviour.DECREMENTS_ON_ORDER


class ListOrderSource(OrderSource):
    """Orders held in memory, read like a shop would serve them (tests, the demo).

    ``pages`` counts the list requests a real shop would have answered."""

    def __init__(self, orders: Iterable[Order] = (), page_size: int = 100):
        self.orders: list[Order] = list(orders)
        self.page_size = page_size
        self.pages = 0

    def put(self, order: Order) -> None:
        """Add an order, or replace the one with the same id (a change on the shop)."""
        self.orders = [o for o in self.orders if o.id != order.id] + [order]

    def read_orders(self, since: datetime, known: Known | None = None) -> Iterator[Order]:
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        # Sorted by (modified, id) like the shops' own list order; removed orders are not listed.
        matching = sorted((o for o in self.orders if o.modified >= since and o.state != REMOVED),
                          key=lambda o: (o.modified, o.id))
        for start in range(0, max(len(matching), 1), self.page_size):
            self.pages += 1
            yield from (o for o in matching[start:start + self.page_size]
                        if known is None or not known(o.id, o.modified))

    def read_removed(self, since: datetime) -> Iterator[Order]:
        removed = sorted((o for o in self.orders if o.modified >= since and o.state == REMOVED),
                         key=lambda o: (o.modified, o.id))
        self.pages += 1
        yield from removed

    def order_from_webhook(self, payload: Mapping[str, Any]) -> Order | None:
        wanted = str(payload.get("id", ""))
        return next((o for o in self.orders if o.id == wanted), None)
