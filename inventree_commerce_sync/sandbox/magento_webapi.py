"""The framework side of the Magento sandbox, as ``Magento\\Framework\\Webapi`` behaves:
its error answers, the check that every input field has an accessor, and ``searchCriteria``
(parsed from the query string, filters applied, paged).

searchCriteria rules: groups are ANDed, filters in a group ORed; ``in`` splits its value on
commas; values compare without regard to letter case (MySQL collation), numbers as numbers
and times as their text (Magento's "YYYY-MM-DD HH:MM:SS", which sorts as it reads);
``sortOrders`` sort by each field in turn, and rows the sort leaves tied come back in no
particular order (as MySQL's ORDER BY on a non-unique column: shuffled per request here, so
a client that pages without a unique last sort field is caught); a page past the end
answers the last page again; ``total_count`` counts every match.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .app import BadRequest, Request, Response

REQUIRED = '"%fieldName" is required. Enter and try again.'
WRONG_TYPE = 'The "%1" value\'s type is invalid. The "%2" type was expected. Verify and try again.'
NO_ACCESSOR = 'Property "%fieldName" does not have accessor method "%accessorMethod" in class "%className".'

_CRITERIA_KEY = re.compile(
    r"searchCriteria\[(?:filterGroups|filter_groups)\]\[(\d+)\]\[filters\]\[(\d+)\]"
    r"\[(field|value|conditionType|condition_type)\]"
)
_SORT_KEY = re.compile(r"searchCriteria\[(?:sortOrders|sort_orders)\]\[(\d+)\]\[(field|direction)\]")
_PAGING_KEYS = {"searchCriteria[pageSize]": "page_size", "searchCriteria[page_size]": "page_size",
                "searchCriteria[currentPage]": "current_page", "searchCriteria[current_page]": "current_page"}


class MagentoError(BadRequest):
    """A Magento error answer with parameters."""

    def __init__(self, status: int, message: str, parameters: Any = None, errors: list | None = None):
        super().__init__(message, status)
        self.body: dict[str, Any] = {"message": message}
        if parameters is not None:
            self.body["parameters"] = parameters
        if errors:
            self.body["errors"] = errors


def check_known_fields(item: Mapping[str, Any], fields: tuple[str, ...], class_name: str) -> None:
    """As the web API's input processor: a field the data interface has no getter for is a 400."""
    for key in item:
        if key not in fields and key != "extension_attributes":
            accessor = "get" + "".join(part.capitalize() for part in key.split("_"))
            raise MagentoError(400, NO_ACCESSOR,
                               {"fieldName": key, "accessorMethod": accessor, "className": class_name})


def parse_criteria(request: Request) -> tuple[list[list[dict[str, str]]], int | None, int]:
    """(filter groups, page size, current page) from searchCriteria query parameters."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    paging: dict[str, int] = {}
    for key, values in request.query.items():
        if not key.startswith("searchCriteria"):
            continue
        if key in _PAGING_KEYS:
            try:
                paging[_PAGING_KEYS[key]] = int(values[-1])
            except ValueError:
                raise MagentoError(400, WRONG_TYPE, [values[-1], "int"]) from None
            continue
        match = _CRITERIA_KEY.fullmatch(key)
        if match is None:
            if key == "searchCriteria" or _SORT_KEY.fullmatch(key):
                continue
            raise MagentoError(400, "\"%fieldName\" is not supported.", {"fieldName": key})
        group, number, part = int(match[1]), int(match[2]), match[3]
        part = "condition_type" if part == "conditionType" else part
        groups.setdefault(group, {}).setdefault(number, {})[part] = values[-1]
    filter_groups = []
    for group in sorted(groups):
        filters = []
        for number in sorted(groups[group]):
            spec = groups[group][number]
            if "field" not in spec or "value" not in spec:
                raise MagentoError(400, REQUIRED, {"fieldName": "field" if "field" not in spec else "value"})
            filters.append({"field": spec["field"], "value": spec["value"],
                            "condition_type": spec.get("condition_type", "eq")})
        filter_groups.append(filters)
    return filter_groups, paging.get("page_size"), paging.get("current_page", 1)


def parse_sort_orders(request: Request) -> list[tuple[str, bool]]:
    """(field, descending) for each ``sortOrders`` entry, in index order."""
    orders: dict[int, dict[str, str]] = {}
    for key, values in request.query.items():
        match = _SORT_KEY.fullmatch(key)
        if match:
            orders.setdefault(int(match[1]), {})[match[2]] = values[-1]
    result = []
    for index in sorted(orders):
        spec = orders[index]
        if "field" not in spec:
            raise MagentoError(400, REQUIRED, {"fieldName": "field"})
        direction = spec.get("direction", "ASC").upper()
        if direction not in ("ASC", "DESC"):
            raise MagentoError(400, 'Sort order "%1" is not supported.', [spec["direction"]])
        result.append((spec["field"], direction == "DESC"))
    return result


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _ordering(value: Any, wanted: str) -> int:
    """-1, 0 or 1 as ``value`` compares to ``wanted``: as numbers when both are, else as text."""
    left, right = _number(value), _number(wanted)
    if left is None or right is None:
        left, right = str(value).casefold(), wanted.casefold()  # type: ignore[assignment]
    return (left > right) - (left < right)  # type: ignore[operator]


def _field(record: Mapping[str, Any], field: str) -> Any:
    return record.get(field, record.get("id") if field == "entity_id" else None)


def _matches(record: Mapping[str, Any], spec: Mapping[str, str]) -> bool:
    value = _field(record, spec["field"])
    condition = spec["condition_type"]
    if condition in ("null", "notnull"):
        return (value is None) == (condition == "null")
    if value is None:
        return False
    text = str(value).casefold()
    wanted = spec["value"]
    if condition in _ORDER_CONDITIONS:
        return _ORDER_CONDITIONS[condition](_ordering(value, wanted))
    if condition == "eq":
        return text == wanted.casefold()
    if condition == "neq":
        return text != wanted.casefold()
    if condition in ("in", "nin"):
        inside = text in split_folded(wanted)
        return inside if condition == "in" else not inside
    if condition == "like":
        pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in wanted.casefold())
        return re.fullmatch(pattern, text, re.DOTALL) is not None
    raise MagentoError(400, 'Invalid condition type "%1"', [condition])


_ORDER_CONDITIONS: dict[str, Callable[[int], bool]] = {
    "gt": lambda c: c > 0, "gteq": lambda c: c >= 0, "from": lambda c: c >= 0,
    "lt": lambda c: c < 0, "lteq": lambda c: c <= 0, "to": lambda c: c <= 0,
}


@lru_cache(maxsize=64)
def split_folded(value: str) -> frozenset[str]:
    return frozenset(part.casefold() for part in value.split(","))


def search(records: list[dict[str, Any]], request: Request, show: Callable[[dict], dict]) -> Response:
    filter_groups, page_size, current_page = parse_criteria(request)
    found = [r for r in records if all(any(_matches(r, spec) for spec in group) for group in filter_groups)]
    sort_orders = parse_sort_orders(request)
    if sort_orders:
        shuffle = random.Random()
        found = sorted(found, key=lambda _: shuffle.random())  # ties: no particular order
        for field, descending in reversed(sort_orders):
            found.sort(key=_by_field(field), reverse=descending)
    page_items = found
    if page_size:
        last_page = max(1, -(-len(found) // page_size))
        page = min(max(current_page, 1), last_page)  # Magento answers the last page for one past it
        page_items = found[(page - 1) * page_size : page * page_size]
    criteria: dict[str, Any] = {"filter_groups": [{"filters": group} for group in filter_groups]}
    if sort_orders:
        criteria["sort_orders"] = [{"field": f, "direction": "DESC" if d else "ASC"} for f, d in sort_orders]
    if page_size:
        criteria["page_size"] = page_size
    criteria["current_page"] = current_page
    return Response(200, {"items": [show(r) for r in page_items], "search_criteria": criteria,
                          "total_count": len(found)})


def _by_field(field: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    return lambda record: _sort_key(_field(record, field))


def _sort_key(value: Any) -> tuple[int, Any]:
    """NULLs first (as MySQL sorts them ascending), then numbers, then text."""
    if value is None:
        return (0, 0)
    number = _number(value)
    return (1, number) if number is not None else (2, str(value).casefold())
