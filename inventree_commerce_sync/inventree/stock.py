"""Stock totals from InvenTree's ORM: one annotated query for a batch of parts.

The rules are InvenTree's own (Part.total_stock / Part.available_stock):

- in stock: the sum of the quantities of the part's stock items that match
  StockItem.IN_STOCK_FILTER (not shipped, not installed, not consumed, not being built,
  an "available" status), the part's variants included when ``include_variants``;
- available: in stock minus the open build allocations (BuildItem) and the pending sales
  order allocations (open order, shipment not shipped), never below 0.

With a stock location, only items in that location's subtree count, and only the
allocations of those items are subtracted.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .config import AVAILABLE

BATCH = 2000  # parts per query (well below every database's limit of query parameters)


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
    return Coalesce(Subquery(total, output_field=models.DecimalField()), Decimal(0),
                    output_field=models.DecimalField())


def totals(part_ids: Iterable[int], *, quantity: str = AVAILABLE, location_id: int | None = None,
           include_variants: bool = True) -> dict[int, Decimal]:
    """{part id: quantity} for the given parts, by InvenTree's rules (see module docstring)."""
    from build.models import BuildItem
    from order.models import SalesOrderAllocation
    from order.status_codes import SalesOrderStatusGroups
    from part.models import Part
    from stock.models import StockItem, StockLocation

    location = StockLocation.objects.filter(pk=location_id).first() if location_id else None
    if location_id and location is None:
        # The configured location was deleted: count nothing rather than everything.
        return {pk: Decimal(0) for pk in part_ids}

    in_stock = StockItem.objects.filter(
        StockItem.IN_STOCK_FILTER, _part_scope("", include_variants), _location_scope("", location))
    annotations = {"in_stock": _sum(in_stock)}
    if quantity == AVAILABLE:
        build_allocated = BuildItem.objects.filter(
            _part_scope("stock_item__", include_variants), _location_scope("stock_item__", location))
        sales_allocated = SalesOrderAllocation.objects.filter(
            _part_scope("item__", include_variants), _location_scope("item__", location),
            line__order__status__in=SalesOrderStatusGroups.OPEN, shipment__shipment_date=None,
        )
        annotations["build_allocated"] = _sum(build_allocated)
        annotations["sales_allocated"] = _sum(sales_allocated)

    ids = sorted(set(part_ids))
    result: dict[int, Decimal] = {}
    for start in range(0, len(ids), BATCH):
        rows = Part.objects.filter(pk__in=ids[start:start + BATCH]).annotate(**annotations).values(
            "pk", *annotations)
        for row in rows:
            total = Decimal(row["in_stock"])
            if quantity == AVAILABLE:
                total = max(total - Decimal(row["build_allocated"]) - Decimal(row["sales_allocated"]), Decimal(0))
            result[row["pk"]] = total
    return result
