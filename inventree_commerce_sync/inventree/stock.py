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

Queries, whatever the number of parts: one annotated part query per ``BATCH`` parts (in
stock and allocations as correlated subqueries) and, in the open-orders mode, one query
for the open sales order lines (all of them when the batch is large: open lines are few
next to parts). ``shop_reserved`` -- what a reserving target holds back for its own
orders -- comes from the same rows: the lines of sales orders imported from that target
(``orders.py`` keeps the shop's ids and state in the order's metadata) that the shop still
has open, each counted as the smaller of InvenTree's unshipped quantity and the shop's
own (``open`` in the line's metadata, when the import recorded it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce

from ..core import offer as O
from ..core.orders import OPEN as SHOP_OPEN

BATCH = 2000  # parts per query (well below every database's limit of query parameters)
META = "commerce_sync"  # the key orders.py writes in sales order and line metadata
ZERO = Decimal(0)


def _part_scope(prefix: str, include_variants: bool) -> Q:
    """Rows (through ``prefix``) whose part is the outer part, or one of its variants."""
    if include_variants:
        return Q(**{
            f"{prefix}part__tree_id": OuterRef("tree_id"),
            f"{prefix}part__lft__gte": OuterRef("lft"),
            f"{prefix}part__rght__lte": OuterRef("rght"),
        })
    return Q(**{f"{prefix}part": OuterRef("pk")})


def _location_scope(prefix: str, location) -> Q:
    if location is None:
        return Q()
    return Q(**{
        f"{prefix}location__tree_id": location.tree_id,
        f"{prefix}location__lft__gte": location.lft,
        f"{prefix}location__rght__lte": location.rght,
    })


def _sum(queryset) -> Coalesce:
    """SUM(quantity) of a correlated queryset, as a subquery without GROUP BY."""
    total = queryset.order_by().annotate(total=Func(F("quantity"), function="SUM")).values("total")[:1]
    return Coalesce(Subquery(total, output_field=models.DecimalField()), ZERO,
                    output_field=models.DecimalField())


def part_stock(part_ids: Iterable[int], *, mode: str = O.DEFAULT_MODE, location_id: int | None = None,
               include_variants: bool = True, target: str | None = None,
               per_location: bool = False) -> dict[int, O.PartStock]:
    """{part id: PartStock} for the given parts (module docstring). ``target``: the target
    whose imported open orders are ``shop_reserved``; ``per_location``: break in stock down
    per location when a location is set (one more query per part: for the panel)."""
    from build.models import BuildItem
    from order.models import SalesOrderAllocation
    from order.status_codes import SalesOrderStatusGroups
    from part.models import Part
    from stock.models import StockItem, StockLocation

    mode = O.parse_mode(mode)
    ids = sorted(set(part_ids))
    location = StockLocation.objects.filter(pk=location_id).first() if location_id else None
    if location_id and location is None:
        # The configured location was deleted: count nothing rather than everything.
        return {pk: O.PartStock(ZERO) for pk in ids}

    in_stock = StockItem.objects.filter(
        StockItem.IN_STOCK_FILTER, _part_scope("", include_variants), _location_scope("", location))
    annotations = {"in_stock": _sum(in_stock)}
    if mode != O.IN_STOCK:
        annotations["build_allocated"] = _sum(BuildItem.objects.filter(
            _part_scope("stock_item__", include_variants), _location_scope("stock_item__", location)))
    if mode == O.AVAILABLE:
        annotations["sales_allocated"] = _sum(SalesOrderAllocation.objects.filter(
            _part_scope("item__", include_variants), _location_scope("item__", location),
            line__order__status__in=SalesOrderStatusGroups.OPEN, shipment__shipment_date=None,
        ))

    result: dict[int, O.PartStock] = {}
    trees: dict[int, list[dict]] = {}  # tree id -> the parts asked for in that tree
    for start in range(0, len(ids), BATCH):
        rows = Part.objects.filter(pk__in=ids[start:start + BATCH]).annotate(**annotations).values(
            "pk", "tree_id", "lft", "rght", *annotations)
        for row in rows:
            result[row["pk"]] = O.PartStock(
                Decimal(row["in_stock"]), sales_allocated=Decimal(row.get("sales_allocated") or 0),
                build_allocated=Decimal(row.get("build_allocated") or 0))
            trees.setdefault(row["tree_id"], []).append(row)
    if mode == O.AFTER_OPEN_ORDERS and result:
        _add_open_orders(result, trees, location, include_variants, target)
    if per_location and location is not None:
        for pk, stock in result.items():
            result[pk] = replace(stock, locations=_per_location(trees, pk, location, include_variants))
    return result


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
