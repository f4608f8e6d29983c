"""Magento's REST vocabulary: search criteria, stock items and error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from ..core.errors import TargetError


class StockItem(NamedTuple):
    """What this client uses of a Magento stock item."""

    item_id: Any
    manage_stock: bool
    backorders: bool
    qty: Any  # as Magento sent it (legacy mode reads it); None when absent

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> StockItem:
        return cls(item.get("item_id"), item.get("manage_stock") is not False, bool(item.get("backorders")),
                   item.get("qty"))


class RouteMissing(TargetError):
    """Magento has no REST route at the path asked for (as opposed to a missing record)."""


def error_message(body: Mapping[str, Any]) -> str:
    """Magento's error text with its parameters put in: ``%1`` from a list, ``%name`` from a
    dict, followed by the messages of a validation error's ``errors``."""
    text = _substitute(str(body.get("message", "")), body.get("parameters"))
    details = [
        _substitute(str(error.get("message", "")), error.get("parameters"))
        for error in body.get("errors") or []
        if isinstance(error, dict)
    ]
    return "; ".join([text, *details]) if details else text


def _substitute(message: str, parameters: Any) -> str:
    if isinstance(parameters, list):
        values = {str(index): value for index, value in enumerate(parameters, start=1)}
    elif isinstance(parameters, dict):
        values = {str(key): value for key, value in parameters.items()}
    else:
        return message
    return re.sub(r"%(\w+)", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), message)


def criteria(filters: list[tuple[str, str, str]], *, page_size: int, page: int) -> dict[str, Any]:
    """searchCriteria query parameters: one filter group per filter (the groups are ANDed)."""
    params: dict[str, Any] = {}
    for index, (field, condition, value) in enumerate(filters):
        prefix = f"searchCriteria[filterGroups][{index}][filters][0]"
        params[f"{prefix}[field]"] = field
        params[f"{prefix}[value]"] = value
        params[f"{prefix}[conditionType]"] = condition
    params["searchCriteria[pageSize]"] = page_size
    params["searchCriteria[currentPage]"] = page
    return params


def path_segment(sku: str) -> str:
    """A SKU as one path segment: '/' as %2F, and '+' as %2B so that it is not read as a space."""
    return quote(sku, safe="")
