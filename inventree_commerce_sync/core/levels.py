"""Stock levels and the quantity policy that turns InvenTree's totals into what a target gets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from .errors import InputError

# Far above any real stock level, far below what breaks a target's integer column.
MAX_QUANTITY = Decimal(1_000_000_000)


@dataclass(frozen=True, slots=True)
class StockLevel:
    """The absolute quantity one SKU should have on a target.

    ``source`` says where the level came from (a part, a CSV line) for messages only.
    """

    sku: str
    quantity: Decimal
    source: str = ""


def parse_quantity(value: object, *, where: str = "quantity") -> Decimal:
    """A finite, non-negative Decimal not above MAX_QUANTITY, or an InputError naming ``where``."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InputError(f"{where}: quantity is empty")
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{where}: quantity {text!r} is not a number") from None
    if not quantity.is_finite():
        raise InputError(f"{where}: quantity {text!r} is not a finite number")
    if quantity < 0:
        raise InputError(f"{where}: quantity {text} is negative")
    if quantity > MAX_QUANTITY:
        raise InputError(f"{where}: quantity {text} is larger than {MAX_QUANTITY}")
    return quantity


_CONTROL = re.compile("[\x00-\x1f]")  # a control character (below the space)


def check_sku(sku: object, *, max_length: int, where: str = "sku") -> str:
    """The SKU with surrounding whitespace removed, or an InputError saying what is wrong."""
    text = str(sku if sku is not None else "").strip()
    if not text:
        raise InputError(f"{where}: SKU is empty")
    if len(text) > max_length:
        raise InputError(f"{where}: SKU {text[:40]!r}... is {len(text)} characters long; the target allows {max_length}")
    if _CONTROL.search(text):
        raise InputError(f"{where}: SKU {text!r} contains a control character")
    return text


def find_duplicate_skus(levels: Iterable[StockLevel]) -> dict[str, list[str]]:
    """SKUs that appear more than once, with the sources that claim each."""
    seen: dict[str, list[str]] = {}
    for level in levels:
        seen.setdefault(level.sku, []).append(level.source or level.sku)
    return {sku: sources for sku, sources in seen.items() if len(sources) > 1}


@dataclass(frozen=True)
class QuantityPolicy:
    """How a total becomes a pushed quantity.

    ``buffer`` is subtracted first (a safety stock kept back from sale), the result is
    floored at 0, rounded down to a whole number when the target only takes integers, and
    capped at ``cap`` when one is set.
    """

    buffer: Decimal = Decimal(0)
    cap: Decimal | None = None

    def __post_init__(self) -> None:
        if self.buffer < 0:
            raise InputError(f"safety buffer {self.buffer} is negative")
        if self.cap is not None and self.cap < 0:
            raise InputError(f"quantity cap {self.cap} is negative")

    def apply(self, quantity: Decimal, *, integer: bool) -> Decimal:
        result = max(Decimal(quantity) - self.buffer, Decimal(0))
        if integer:
            result = result.to_integral_value(rounding=ROUND_FLOOR)
        if self.cap is not None:
            result = min(result, self.cap)
        return normalize(result)


_UNIT = Decimal(1)


def normalize(quantity: Decimal) -> Decimal:
    """A Decimal without trailing zeros or exponent, so that equal quantities compare and print alike."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(_UNIT)
    return quantity.normalize()
