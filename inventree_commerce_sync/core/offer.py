"""The figure pushed to a target, and how it was made.

``make_offer`` turns InvenTree's numbers for one part (``PartStock``) into what one target
is sent (``Offer``), with every step the part panel and the status API show as they are.

Quantity modes:

- ``in_stock``: what is on the shelf (with the location and variant rules);
- ``available``: in stock minus pending sales order allocations and build allocations,
  InvenTree's ``available_stock``;
- ``available_after_open_orders``: in stock minus the unshipped quantity of
  every open sales order line, allocated or not, minus build allocations.

``available_after_open_orders`` is ``make_offer``'s default (``DEFAULT_MODE``) and the
plugins' QUANTITY default on a new install (a stored setting stays as it was set).
``inventree/stock.py`` computes ``PartStock`` from InvenTree's ORM.

Why allocations are not subtracted on top of open orders: stock allocated to a sales order
line is stock promised to that line, and the line's unshipped quantity already counts it.
A line of 5 with 3 allocated takes 5 off, not 8. Only allocation beyond a line's unshipped
quantity (InvenTree lets a line be over-allocated, e.g. after its quantity was lowered)
holds more stock than the line needs; that excess is subtracted too, so this mode never
offers more than ``available``. With a location set, stock allocated to a line from outside
the location leaves from there: that part of the line is not taken off this location's
figure (the unallocated rest still is, since it may be shipped from anywhere).
``open_order_totals`` does this sum per line.

Shipments (InvenTree 1.5): completing a shipment runs in the worker as one transaction
(``order.tasks.complete_sales_order_shipment``): each allocated item is split off to the
customer (so it leaves "in stock"), the line's ``shipped`` grows by as much, and the
shipment gets its ``shipment_date``. Until then the shipment, even one "sent" in the real
world, still holds its stock in "in stock" and on its line. Either way in stock and
unshipped move together, so completing a shipment never changes the figure. The caller
passes only allocations of shipments without a ``shipment_date``, as InvenTree's
``available_stock`` does, and the lines of open orders (``SalesOrderStatusGroups.OPEN``:
pending, on hold, in progress, and shipped, whose lines may still hold an unshipped rest).

How a target treats its own orders (``OrderBehaviour``):

- ``DECREMENTS_ON_ORDER`` (WooCommerce, Invoice Ninja, Magento legacy stock): the shop
  lowers its stock when an order is placed and offers what it holds, so it is sent the
  figure as it is; its own orders are counted once, by InvenTree, after the import.
- ``RESERVES_OPEN_ORDERS`` (Magento MSI: salable = source quantity minus reservations;
  Zoho: available for sale = stock on hand minus committed): the shop subtracts its own open
  orders itself, so it is sent the figure plus what it reserves (``shop_reserved``), and
  then offers exactly the figure. Only ``available_after_open_orders`` adds it back; the
  two older modes are sent as they always were.

Buffer, floor at 0, rounding and cap (``QuantityPolicy``) apply to the figure the shop will
offer, before a reserving target's reservations are added back: its salable quantity is
then exactly what a decrementing target holds. Pure code: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from .errors import ConfigError, InputError
from .levels import QuantityPolicy, normalize
from .orders import OrderBehaviour, decimal_text

IN_STOCK = "in_stock"
AVAILABLE = "available"
AFTER_OPEN_ORDERS = "available_after_open_orders"
MODES = (AFTER_OPEN_ORDERS, AVAILABLE, IN_STOCK)
DEFAULT_MODE = AFTER_OPEN_ORDERS

ZERO = Decimal(0)


def parse_mode(value: object, *, where: str = "QUANTITY") -> str:
    """A quantity mode from a setting ("" or None: the default), or a ConfigError naming it."""
    text = str(value if value is not None else "").strip().lower() or DEFAULT_MODE
    if text not in MODES:
        raise ConfigError(f"{where} must be one of {', '.join(MODES)} (got {value!r})")
    return text


def order_behaviour(client: object, config: Mapping[str, Any] | None = None) -> OrderBehaviour:
    """How a target with this client config treats its own orders: its client (class or
    instance; an instance's own ``config`` is used when none is given) is asked through its
    classmethod ``order_behaviour(config)`` (``OrderSource`` declares it, decrementing by
    default). Anything that does not declare it is taken to decrement: it is then sent the
    figure as it is, which can offer too little on a reserving shop but never too much.
    """
    declared = getattr(client, "order_behaviour", None)
    if config is None:
        config = getattr(client, "config", None) if not isinstance(client, (str, type)) else None
    if callable(declared):
        return OrderBehaviour(declared(config or {}))
    return OrderBehaviour.DECREMENTS_ON_ORDER


# -- the input ---------------------------------------------------------------------------------

def _amount(value: object, what: str) -> Decimal:
    if type(value) is Decimal and value.is_finite() and not value < 0:  # the usual case, first: 50,000 parts
        return value
    if isinstance(value, bool):
        raise InputError(f"{what} {value!r} is not a number")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        raise InputError(f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise InputError(f"{what} {value!r} is not a finite number")
    if number < 0:
        raise InputError(f"{what} {decimal_text(number)} is negative")
    return number


@dataclass(frozen=True)
class OpenLine:
    """One line of an open sales order, for ``open_order_totals``.

    ``unshipped`` is the line quantity minus what was shipped (not below 0);
    ``allocated_here`` the pending allocations of stock that ``in_stock`` counts,
    ``allocated_elsewhere`` those of stock outside the counted location.
    """

    unshipped: Decimal
    allocated_here: Decimal = ZERO
    allocated_elsewhere: Decimal = ZERO


@dataclass(frozen=True)
class OpenOrders:
    unshipped: Decimal = ZERO
    allocated_elsewhere: Decimal = ZERO  # per line at most its unshipped quantity
    over_allocated: Decimal = ZERO


def open_order_totals(lines: Iterable[OpenLine]) -> OpenOrders:
    """What the open lines of one part hold against the counted stock: per line, the
    unshipped quantity not covered by stock allocated elsewhere, or the stock allocated here
    when that is more (over-allocation), summed as three totals for the explanation."""
    unshipped = elsewhere = over = ZERO
    for line in lines:
        left = _amount(line.unshipped, "unshipped quantity")
        here = _amount(line.allocated_here, "allocated quantity")
        away = min(_amount(line.allocated_elsewhere, "allocated quantity"), left)
        unshipped += left
        elsewhere += away
        over += max(here - (left - away), ZERO)
    return OpenOrders(unshipped, elsewhere, over)


@dataclass(frozen=True)
class PartStock:
    """InvenTree's numbers for one part, as one target sees them.

    - ``in_stock``: in stock by InvenTree's rules, in the configured location's subtree and
      with variants when set; ``locations`` optionally breaks it down ((name, quantity),
      summing to ``in_stock``) for the panel;
    - ``sales_allocated``, ``build_allocated``: pending allocations of that stock
      (what ``available`` subtracts);
    - ``open_unshipped``, ``allocated_elsewhere``, ``over_allocated``: the open sales order
      lines of the part, every channel's and InvenTree's own (``open_order_totals``);
    - ``shop_reserved``: what this target holds back itself for its own open orders: the
      unshipped quantity of its imported orders that the shop still has open. Take the shop's
      view (the lines' ``open_quantity`` of orders last imported as open): it is what the
      shop subtracts, also while InvenTree and the shop disagree on what was shipped. When
      only InvenTree's view is at hand, the smaller of the two never offers too much.
    """

    in_stock: Decimal
    sales_allocated: Decimal = ZERO
    build_allocated: Decimal = ZERO
    open_unshipped: Decimal = ZERO
    allocated_elsewhere: Decimal = ZERO
    over_allocated: Decimal = ZERO
    shop_reserved: Decimal = ZERO
    locations: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        for name, what in _AMOUNTS:
            value = getattr(self, name)
            if value is ZERO or (type(value) is Decimal and value.is_finite() and not value < 0):  # as _amount
                continue
            object.__setattr__(self, name, _amount(value, what))
        if self.allocated_elsewhere > self.open_unshipped:
            raise InputError(f"allocated elsewhere {decimal_text(self.allocated_elsewhere)} is more than the "
                             f"open orders' unshipped quantity {decimal_text(self.open_unshipped)}")
        if self.locations == ():
            return
        locations = tuple((str(name), _amount(qty, f"in stock at {name}")) for name, qty in self.locations)
        if locations and sum((qty for _, qty in locations), ZERO) != self.in_stock:
            raise InputError(f"the per-location quantities add up to "
                             f"{decimal_text(sum((q for _, q in locations), ZERO))}, not to in stock "
                             f"{decimal_text(self.in_stock)}")
        object.__setattr__(self, "locations", locations)

    def with_open_orders(self, totals: OpenOrders) -> PartStock:
        return replace(self, open_unshipped=totals.unshipped, allocated_elsewhere=totals.allocated_elsewhere,
                       over_allocated=totals.over_allocated)


_AMOUNTS = tuple((name, name.replace("_", " ")) for name in (
    "in_stock", "sales_allocated", "build_allocated", "open_unshipped", "allocated_elsewhere", "over_allocated",
    "shop_reserved"))


# -- the result --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One line of the explanation: ``amount`` added (negative: taken off) gives ``total``.
    ``key`` names the kind of step for a program; ``label`` is for the admin."""

    key: str
    label: str
    amount: Decimal
    total: Decimal

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "amount": decimal_text(self.amount),
                "total": decimal_text(self.total)}


@dataclass(frozen=True)
class Offer:
    """The figure to push (``quantity``), what the shop then offers for sale (``sellable``:
    a reserving shop subtracts ``shop_reserved`` itself) and the steps that made it."""

    quantity: Decimal
    sellable: Decimal
    mode: str
    behaviour: OrderBehaviour
    steps: tuple[Step, ...]

    def to_json(self) -> dict[str, Any]:
        return {"quantity": decimal_text(self.quantity), "sellable": decimal_text(self.sellable),
                "mode": self.mode, "behaviour": self.behaviour.value, "steps": [s.to_json() for s in self.steps]}

    def text(self) -> str:
        """One line per step: "open sales orders (unshipped)   -5 = 5"."""
        width = max(len(s.label) for s in self.steps)
        return "\n".join(f"{s.label:<{width}}  {_signed(s.amount):>8} = {decimal_text(s.total)}" for s in self.steps)


def _signed(amount: Decimal) -> str:
    text = decimal_text(amount)
    return text if text.startswith("-") else f"+{text}"


class _Explanation:
    def __init__(self, explain: bool = True) -> None:
        self.total = ZERO
        self.steps: list[Step] = []
        self.explain = explain

    def add(self, key: str, label: str, amount: Decimal, *, always: bool = False) -> None:
        if amount or always:
            self.total += amount
            if self.explain:
                self.steps.append(Step(key, label, normalize(amount), normalize(self.total)))


def make_offer(stock: PartStock, *, mode: str = DEFAULT_MODE,
               behaviour: OrderBehaviour = OrderBehaviour.DECREMENTS_ON_ORDER,
               policy: QuantityPolicy | None = None, integer: bool = False, explain: bool = True) -> Offer:
    """The figure one target is sent for one part, with its explanation (module docstring).

    ``integer`` is the target's ``integer_quantities``. Steps that change nothing are left
    out, except in stock, which is always the first line (one per location when given).
    ``explain`` False: the same figures without the steps (``steps`` empty), for pushes and
    comparisons of many parts, where making the steps would be most of the time."""
    mode = mode if mode in MODES else parse_mode(mode, where="quantity mode")
    behaviour = behaviour if type(behaviour) is OrderBehaviour else OrderBehaviour(behaviour)
    policy = policy or QuantityPolicy()
    if not explain and not stock.locations:
        return _figures_only(stock, mode, behaviour, policy, integer)
    out = _Explanation(explain)
    if stock.locations:
        for name, qty in stock.locations:
            out.add("in_stock", f"in stock at {name}", qty, always=True)
    else:
        out.add("in_stock", "in stock", stock.in_stock, always=True)

    if mode == AVAILABLE:
        out.add("sales_allocated", "allocated to sales orders", -stock.sales_allocated)
        out.add("build_allocated", "allocated to build orders", -stock.build_allocated)
    elif mode == AFTER_OPEN_ORDERS:
        out.add("open_orders", "open sales orders (unshipped, allocated or not)", -stock.open_unshipped)
        out.add("allocated_elsewhere", "of which allocated from stock elsewhere", stock.allocated_elsewhere)
        out.add("over_allocated", "allocated beyond the unshipped quantity", -stock.over_allocated)
        out.add("build_allocated", "allocated to build orders", -stock.build_allocated)

    # QuantityPolicy.apply, one step at a time.
    out.add("buffer", "safety buffer", -policy.buffer)
    if out.total < 0:
        out.add("floor", "not below 0", -out.total)
    if integer:
        out.add("rounding", "rounded down to a whole number",
                out.total.to_integral_value(rounding=ROUND_FLOOR) - out.total)
    if policy.cap is not None and out.total > policy.cap:
        out.add("cap", f"capped at {decimal_text(policy.cap)}", policy.cap - out.total)

    reserves = behaviour is OrderBehaviour.RESERVES_OPEN_ORDERS
    if reserves and mode == AFTER_OPEN_ORDERS:
        out.add("shop_reserved", "the shop's own open orders (it reserves them itself)", stock.shop_reserved)
        if integer:
            out.add("rounding", "rounded down to a whole number",
                    out.total.to_integral_value(rounding=ROUND_FLOOR) - out.total)
    # A reserving shop offers what it is sent minus its reservations, whatever the mode.
    sellable = max(out.total - stock.shop_reserved, ZERO) if reserves else out.total
    return Offer(normalize(out.total), normalize(sellable), mode, behaviour, tuple(out.steps))


def _figures_only(stock: PartStock, mode: str, behaviour: OrderBehaviour, policy: QuantityPolicy,
                  integer: bool) -> Offer:
    """make_offer without steps: the same sums, in the same order, as plain arithmetic (a
    step that adds 0 is left out there, and adding 0 changes no figure here)."""
    total = ZERO + stock.in_stock
    if mode == AVAILABLE:
        total = total - stock.sales_allocated - stock.build_allocated
    elif mode == AFTER_OPEN_ORDERS:
        total = total - stock.open_unshipped + stock.allocated_elsewhere - stock.over_allocated - stock.build_allocated
    total -= policy.buffer
    if total < 0:
        total = ZERO
    if integer:
        total = total.to_integral_value(rounding=ROUND_FLOOR)
    if policy.cap is not None and total > policy.cap:
        total = policy.cap
    reserves = behaviour is OrderBehaviour.RESERVES_OPEN_ORDERS
    if reserves and mode == AFTER_OPEN_ORDERS:
        total += stock.shop_reserved
        if integer:
            total = total.to_integral_value(rounding=ROUND_FLOOR)
    sellable = max(total - stock.shop_reserved, ZERO) if reserves else total
    return Offer(normalize(total), normalize(sellable), mode, behaviour, ())
