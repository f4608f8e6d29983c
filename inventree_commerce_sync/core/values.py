"""Small readings of values that several services share."""

from __future__ import annotations

import unicodedata
from decimal import Decimal


def json_number(quantity: Decimal) -> int | float:
    """A quantity for a JSON body: an integer when it is whole (``5``, not ``5.0``)."""
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def collate_sku(sku: str) -> str:
    """A SKU as MySQL's default collation compares it (utf8mb4_general_ci and its kin):
    letter case and accents ignored, trailing spaces too. Magento, WooCommerce and Invoice
    Ninja look SKUs up in MySQL, so their filters answer every SKU equal in this sense."""
    decomposed = unicodedata.normalize("NFKD", str(sku))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip(" ")
