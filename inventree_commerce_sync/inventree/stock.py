"""InvenTree's numbers for a batch of parts, from the ORM, as ``core.offer.PartStock``.

The rules are InvenTree's own (Part.total_stock / Part.available_stock):

- in stock: the sum of the quantities of the part's stock items that match
  StockItem.IN_STOCK_FILTER (not shipped, not installed, not consumed, not being built,
  an "available" status), the part's variants included when ``include_variants``;
- pending allocations: build allocations (BuildItem) and sales order allocations of open
  orders whose shipment has not shipped (``shipment_date`` empty);
- open sales order lines (mode ``available_after_open_orders``): the lines of orders in
  ``SalesOrderStatusGroups.OPEN``, each with its unshipped quantity (quantity - shipped)
  and its pending allocations from stock inside / outside the counted location
  (``core.offer`` says how they combine).

With a stock location, only items in that location's subtree count, and only the
allocations of those items are subtracted.

Queries, whatever the number of parts: one for the parts' places in their variant trees,
one grouped sum per figure (in stock; build allocations unless in stock is the mode; sales
order allocations in the mode ``available``), each summing per part the rows of the asked
parts' trees -- or every row, in one scan, when more than ``FEW`` parts are asked -- with
a template's variants added up here from the tree's lft/rght ranges; and, in the open-orders
mode, one query for the open sales order lines (all of them when the parts are many: open
lines are few next to parts). ``shop_reserved`` -- what a reserving target holds back for its own
orders -- comes from the same rows: the lines of sales orders imported from that target
(``orders.py`` keeps the shop's ids and state in the order's metadata) that the shop still
has open, each counted as the smaller of InvenTree's unshipped quantity and the shop's
own (``open`` in the line's metadata, when the import recorded it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce

from ..core import offer as O
from ..core.orders import OPEN as SHOP_OPEN

BATCH = 2000  # open lines: up to this many parts, only theirs are read (below every database's limit of parameters)
# Up to this many parts, the sums read only their rows (or their trees'), named by id; more,
# and every row is read in one scan: a long list of ids costs more than the rows it leaves out.
FEW = 500
META = "commerce_sync"  # the key orders.py writes in sales order and line metadata
ZERO = O.ZERO  # the same object: PartStock takes it without a check


def _location_scope(prefix: str, location) -> Q:
    if location is None:
        return Q()
    return Q(**{
        f"{prefix}location__tree_id": location.tree_id,
        f"{prefix}location__lft__gte": location.lft,
        f"{prefix}location__rght__lte": location.rght,
    })


def part_stock(part_ids: Iterable[int], *, mode: str = O.DEFAULT_MODE, location_id: int | None = None,
               include_variants: bool = True, target: str | None = None,
               per_location: bool = False) -> dict[int, O.PartStock]:
    """{part id: PartStock} for the given parts (module docstring). ``target``: the target
    whose imported open orders are ``shop_reserved``; ``per_location``: break in stock down
    per location when a location is set (one more query per part: for the panel)."""
    from build.models import BuildItem
    from order.models import SalesOrderAllocation
    from order.status_codes import SalesOrderStatusGroups
    from stock.models import StockItem, StockLocation

    mode = O.parse_mode(mode)
    ids = sorted(set(part_ids))
    location = StockLocation.objects.filter(pk=location_id).first() if location_id else None
    if location_id and location is None:
        # The configured location was deleted: count nothing rather than everything.
        return {pk: O.PartStock(ZERO) for pk in ids}

    trees = _trees(ids)
    if not trees:
        return {}
    scope = _Scope(trees, include_variants)
    in_stock = scope.totals(StockItem.objects.filter(StockItem.IN_STOCK_FILTER, _location_scope("", location)), "")
    build = sales = None
    if mode != O.IN_STOCK:
        build = scope.totals(BuildItem.objects.filter(_location_scope("stock_item__", location)), "stock_item__")
    if mode == O.AVAILABLE:
        sales = scope.totals(SalesOrderAllocation.objects.filter(
            _location_scope("item__", location),
            line__order__status__in=SalesOrderStatusGroups.OPEN, shipment__shipment_date=None), "item__")
    result = {row["pk"]: O.PartStock(in_stock.of(row), sales_allocated=sales.of(row) if sales else ZERO,
                                     build_allocated=build.of(row) if build else ZERO)
              for rows in trees.values() for row in rows}
    if mode == O.AFTER_OPEN_ORDERS:
        _add_open_orders(result, trees, location, include_variants, target)
    if per_location and location is not None:
        for pk, stock in result.items():
            result[pk] = replace(stock, locations=_per_location(trees, pk, location, include_variants))
    return result


def _trees(ids: list[int]) -> dict[int, list[dict]]:
    """{tree id: the rows (pk, tree_id, lft, rght) of the parts asked for in that tree}, in one
    query: of those parts when they are few, of every part when they are many."""
    from part.models import Part

    wanted = set(ids)
    rows = Part.objects.order_by().values_list("pk", "tree_id", "lft", "rght")
    rows = rows.filter(pk__in=ids) if len(ids) <= FEW else rows
    trees: dict[int, list[dict]] = {}
    for pk, tree_id, lft, rght in rows:
        if pk in wanted:
            trees.setdefault(tree_id, []).append({"pk": pk, "tree_id": tree_id, "lft": lft, "rght": rght})
    return trees


class _Totals:
    """SUM(quantity) per part of one grouped query, and each asked part's share of it: its
    own rows', or (with variants) those of every part of its subtree (a variant's lft lies
    within its template's lft..rght), added up here from a running sum over lft."""

    def __init__(self, rows, include_variants: bool):
        self.include_variants = include_variants
        self.own: dict[int, Decimal] = {}
        per_tree: dict[int, list[tuple[int, Decimal]]] = {}
        for part_id, total, *place in rows:
            total = total or ZERO
            self.own[part_id] = self.own.get(part_id, ZERO) + total
            if include_variants:
                tree_id, lft = place
                per_tree.setdefault(tree_id, []).append((lft, total))
        self.trees: dict[int, tuple[list[int], list[Decimal]]] = {}
        for tree_id, entries in per_tree.items():
            entries.sort(key=lambda entry: entry[0])
            running, sums = ZERO, [ZERO]
            for _, total in entries:
                running += total
                sums.append(running)
            self.trees[tree_id] = ([lft for lft, _ in entries], sums)

    def of(self, part: dict) -> Decimal:
        if not self.include_variants:
            return self.own.get(part["pk"], ZERO)
        lfts, sums = self.trees.get(part["tree_id"], ((), (ZERO,)))
        return sums[bisect_right(lfts, part["rght"])] - sums[bisect_left(lfts, part["lft"])]


class _Scope:
    """Which rows the grouped sums read: those of the asked parts (or of their trees, with
    variants) when the parts are few; every row when they are many (one scan instead of a
    long list of ids)."""

    def __init__(self, trees: dict[int, list[dict]], include_variants: bool):
        self.include_variants = include_variants
        self.tree_ids = sorted(trees)
        self.part_ids = sorted(row["pk"] for rows in trees.values() for row in rows)

    def totals(self, queryset, prefix: str) -> _Totals:
        many = len(self.part_ids) > FEW
        if self.include_variants:
            queryset = queryset if many else queryset.filter(**{f"{prefix}part__tree_id__in": self.tree_ids})
            fields = {"of_part": F(f"{prefix}part_id"), "of_tree": F(f"{prefix}part__tree_id"),
                      "of_lft": F(f"{prefix}part__lft")}
        else:
            queryset = queryset if many else queryset.filter(**{f"{prefix}part_id__in": self.part_ids})
            fields = {"of_part": F(f"{prefix}part_id")}
        grouped = queryset.order_by().values(**fields).annotate(total=Sum("quantity"))
        return _Totals(grouped.values_list("of_part", "total", *list(fields)[1:]), self.include_variants)


def _open_lines(trees: dict[int, list[dict]], location, include_variants: bool):
    """One row per open sales order line of the parts' trees (every open line when the
    parts are many: one query either way)."""
    from order.models import SalesOrderLineItem
    from order.status_codes import SalesOrderStatusGroups

    lines = SalesOrderLineItem.objects.filter(order__status__in=SalesOrderStatusGroups.OPEN, part__isnull=False)
    if sum(len(parts) for parts in trees.values()) <= BATCH:
        if include_variants:
            lines = lines.filter(part__tree_id__in=sorted(trees))
        else:
            lines = lines.filter(part_id__in=sorted(row["pk"] for parts in trees.values() for row in parts))
    pending = Q(allocations__shipment__shipment_date=None)
    scope = _location_scope("allocations__item__", location)
    return (lines.order_by().values("pk")
            .annotate(allocated=Coalesce(Sum("allocations__quantity", filter=pending), ZERO,
                                         output_field=models.DecimalField()),
                      allocated_here=Coalesce(Sum("allocations__quantity", filter=pending & scope), ZERO,
                                              output_field=models.DecimalField()),
                      shop_target=_meta_text("order__metadata", "target"),
                      shop_state=_meta_text("order__metadata", "state"),
                      shop_open=_meta_text("metadata", "open"))
            .values("pk", "part_id", "part__tree_id", "part__lft", "part__rght", "quantity", "shipped",
                    "allocated", "allocated_here", "shop_target", "shop_state", "shop_open"))


def _meta_text(field: str, key: str) -> KeyTextTransform:
    """metadata -> commerce_sync -> key as text (None when absent), across a relation too."""
    return KeyTextTransform(key, KeyTransform(META, field))


def _add_open_orders(result: dict[int, O.PartStock], trees: dict[int, list[dict]], location,
                     include_variants: bool, target: str | None) -> None:
    per_part: dict[int, list[O.OpenLine]] = {}
    reserved: dict[int, Decimal] = {}
    for line in _open_lines(trees, location, include_variants):
        unshipped = max(Decimal(line["quantity"]) - Decimal(line["shipped"]), ZERO)
        here = Decimal(line["allocated_here"])
        open_line = O.OpenLine(unshipped, here, max(Decimal(line["allocated"]) - here, ZERO))
        for row in trees.get(line["part__tree_id"], ()):
            own = row["pk"] == line["part_id"]
            if own or (include_variants and row["lft"] <= line["part__lft"] and line["part__rght"] <= row["rght"]):
                per_part.setdefault(row["pk"], []).append(open_line)
            if own and target is not None and line["shop_target"] == target and line["shop_state"] == SHOP_OPEN:
                reserved[row["pk"]] = reserved.get(row["pk"], ZERO) + _shop_open(unshipped, line["shop_open"])
    for pk, lines in per_part.items():
        result[pk] = replace(result[pk].with_open_orders(O.open_order_totals(lines)),
                               shop_reserved=reserved.get(pk, ZERO))


def _shop_open(unshipped: Decimal, recorded: str | None) -> Decimal:
    """The smaller of InvenTree's and the shop's unshipped quantity of one line: what the
    shop reserves, never more than InvenTree subtracts."""
    if recorded in (None, ""):
        return unshipped
    try:
        shop = Decimal(str(recorded))
    except ArithmeticError:
        return unshipped
    return min(unshipped, max(shop, ZERO)) if shop.is_finite() else unshipped


def _per_location(trees: dict[int, list[dict]], pk: int, location, include_variants: bool):
    """((location path, quantity), ...) of one part's stock in the location's subtree."""
    from stock.models import StockItem

    row = next(r for parts in trees.values() for r in parts if r["pk"] == pk)
    scope = (Q(part__tree_id=row["tree_id"], part__lft__gte=row["lft"], part__rght__lte=row["rght"])
             if include_variants else Q(part_id=pk))
    rows = (StockItem.objects.filter(StockItem.IN_STOCK_FILTER, scope, _location_scope("", location))
            .order_by().values("location__pathstring").annotate(total=Sum("quantity"))
            .order_by("location__pathstring"))
    return tuple((r["location__pathstring"] or "?", Decimal(r["total"])) for r in rows)


def totals(part_ids: Iterable[int], *, quantity: str = O.AVAILABLE, location_id: int | None = None,
           include_variants: bool = True) -> dict[int, Decimal]:
    """{part id: quantity} in the given mode, before buffer and rounding."""
    stock = part_stock(part_ids, mode=quantity, location_id=location_id, include_variants=include_variants)
    return {pk: O.make_offer(s, mode=quantity).quantity for pk, s in stock.items()}
