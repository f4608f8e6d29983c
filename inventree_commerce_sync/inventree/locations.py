"""Several InvenTree stock locations pushed to several target locations (``core.locations``).

The Magento and Zoho plugins have a LOCATION_MAP setting: ``<location>=<code>, ...``, where a
location is an InvenTree stock location's id or path (``Shop/Back room``) and counts with
its sublocations, and a code is a Magento MSI source code or a Zoho location id. With a map,
a push sends one figure per part and mapped location -- made as with the LOCATION setting
set to that location -- in one engine run: Magento gets every source in one source-items
write, Zoho one adjustment per location. The ledger keeps each pair under its own key in
the part's metadata (``<target>@<code>``, e.g. ``magento@src_b``).

Open sales order quantity allocated from no location is taken off once over all mapped
locations (in map order, as far as each location's figure goes), not from each: the shop
sells the sum of its locations. A reserving target's own open orders are added back once,
at the first mapped location: the shop subtracts them once from the sum of its locations.
Empty map: one figure, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..core.errors import ConfigError
from ..core.ledger import LedgerEntry
from ..core.levels import QuantityPolicy, StockLevel
from ..core.locations import (
    LocatedTarget,
    located_key,
    location_data_key,
    parse_location_map,
    share_unallocated,
    split_key,
)
from ..core.offer import AFTER_OPEN_ORDERS, Offer, PartStock, make_offer
from ..core.orders import OrderBehaviour, decimal_text
from ..core.target import BaseTarget

MAP_KEY = "LOCATION_MAP"
BATCH = 2000  # parts per query of their open sales order lines
ZERO = Decimal(0)


def setting_definitions(target_cls: type[BaseTarget] | None) -> dict[str, dict[str, Any]]:
    """The LOCATION_MAP entry, for a target that has locations (Magento, Zoho); else none."""
    if target_cls is None or location_data_key(target_cls) is None:
        return {}
    magento = target_cls.name == "magento"
    what = "Magento MSI source code" if magento else f"{target_cls.title} location id"
    setting = "Source code" if magento else "Location ID"
    return {MAP_KEY: {
        "name": "Location map",
        "description": (f"Stock of several InvenTree locations to several {target_cls.title} locations: "
                        f"<InvenTree location id or path>=<{what}>, separated by commas, e.g. "
                        "'12=src_a, Shop/Back room=src_b'; each location counts with its sublocations, "
                        "open orders allocated from no location are taken off once over all of them, and "
                        f"the {setting} setting is not used. Empty: one figure, of the stock location setting"),
        "default": "",
        "validator": validate_map,
    }}


def validate_map(value: object) -> None:
    """Where the map is entered: every entry well formed and naming an existing location."""
    resolve_map(value)


def resolve_map(value: object) -> tuple[tuple[int, str], ...]:
    """((stock location pk, target code), ...) of a map; ValueError naming what is wrong."""
    from stock.models import StockLocation

    resolved: list[tuple[int, str]] = []
    for pair in parse_location_map(value):
        query = (StockLocation.objects.filter(pk=int(pair.stock_location)) if pair.stock_location.isdigit()
                 else StockLocation.objects.filter(pathstring=pair.stock_location.strip("/")))
        pk = query.values_list("pk", flat=True).first()
        if pk is None:
            raise ValueError(f"{pair.stock_location!r} (for {pair.code!r}) is not an InvenTree stock location; "
                             "give its id or its full path, e.g. Shop/Back room")
        if any(pk == other for other, _ in resolved):
            raise ValueError(f"{pair.stock_location!r} is mapped twice; map each location once")
        resolved.append((pk, pair.code))
    return tuple(resolved)


def mapped_locations(plugin) -> tuple[tuple[int, str], ...]:
    """The plugin's map, resolved (empty: no map); a ConfigError names the setting."""
    if location_data_key(plugin.target_class()) is None:
        return ()
    try:
        return resolve_map(plugin.get_setting(MAP_KEY))
    except ValueError as exc:
        raise ConfigError(f"{exc} (plugin settings of {plugin.TITLE})", key=MAP_KEY) from None


def located_target(target: BaseTarget, pairs: Sequence[tuple[int, str]]) -> LocatedTarget:
    return LocatedTarget(target, [code for _, code in pairs])


def connection_target(plugin) -> BaseTarget | LocatedTarget:
    """The client "Test connection" checks: with a map, one that also checks that each mapped
    source / location exists (and refuses a map the client cannot take, e.g. Magento legacy)."""
    target = plugin.build_target()
    pairs = mapped_locations(plugin)
    return located_target(target, pairs) if pairs else target


@dataclasses.dataclass(frozen=True)
class LocatedOffer:
    """The figure of one part at one mapped location, and how it was made."""

    key: str  # SKU@code: the engine's key
    part: int
    code: str  # the target location
    location: int  # the InvenTree stock location (counted with its sublocations)
    offer: Offer
    unallocated: Decimal  # open order quantity no location holds for, all locations together
    share: Decimal  # of which this location takes off


def located_offers(plugin, settings, linked: Mapping[int, str], behaviour: OrderBehaviour,
                   pairs: Sequence[tuple[int, str]], *, per_location: bool = False) -> list[LocatedOffer]:
    """One offer per part and mapped location (map order, then part), each made as with
    LOCATION set to that location, except that open order quantity allocated from no
    location is taken off once over all of them (``core.locations.share_unallocated``).
    ``per_location``: in stock broken down per sublocation (the panel)."""
    from .stock import part_stock

    ids = sorted(linked)
    reserving = behaviour is OrderBehaviour.RESERVES_OPEN_ORDERS
    stocks = [part_stock(ids, mode=settings.quantity, location_id=location_pk,
                         include_variants=settings.include_variants,
                         target=plugin.TARGET if reserving and index == 0 else None, per_location=per_location)
              for index, (location_pk, _) in enumerate(pairs)]
    unallocated = (unallocated_open_orders(ids, include_variants=settings.include_variants)
                   if settings.quantity == AFTER_OPEN_ORDERS else {})
    policy = QuantityPolicy(buffer=settings.buffer)
    integer = plugin.target_class().integer_quantities
    made: dict[tuple[int, int], LocatedOffer] = {}
    for pk in ids:
        total = unallocated.get(pk, ZERO)
        # each location's numbers take ``total`` off whole: take it out, then each its share
        without = []
        for stock in (found.get(pk) or PartStock(ZERO) for found in stocks):
            cut = min(total, stock.open_unshipped - stock.allocated_elsewhere)
            without.append(dataclasses.replace(stock, open_unshipped=stock.open_unshipped - cut))
        before = [make_offer(stock, mode=settings.quantity).quantity for stock in without]
        for index, (stock, share) in enumerate(zip(without, share_unallocated(total, before), strict=True)):
            location_pk, code = pairs[index]
            offer = make_offer(dataclasses.replace(stock, open_unshipped=stock.open_unshipped + share),
                               mode=settings.quantity, policy=policy, integer=integer,
                               behaviour=behaviour if index == 0 else OrderBehaviour.DECREMENTS_ON_ORDER)
            made[(index, pk)] = LocatedOffer(located_key(linked[pk], code), pk, code, location_pk, offer, total, share)
    return [made[key] for key in sorted(made)]


def unallocated_open_orders(part_ids: Sequence[int], *, include_variants: bool) -> dict[int, Decimal]:
    """{part id: the unshipped quantity of its open sales order lines (its variants' too when
    ``include_variants``) that no pending allocation holds for}: one query per ``BATCH`` parts."""
    from django.db.models import DecimalField, Q, Sum
    from django.db.models.functions import Coalesce
    from order.models import SalesOrderLineItem
    from order.status_codes import SalesOrderStatusGroups
    from part.models import Part

    found: dict[int, Decimal] = {}
    ids = sorted(set(part_ids))
    for start in range(0, len(ids), BATCH):
        parts = list(Part.objects.filter(pk__in=ids[start:start + BATCH]).values("pk", "tree_id", "lft", "rght"))
        lines = SalesOrderLineItem.objects.filter(order__status__in=SalesOrderStatusGroups.OPEN, part__isnull=False)
        lines = (lines.filter(part__tree_id__in={p["tree_id"] for p in parts}) if include_variants
                 else lines.filter(part_id__in=[p["pk"] for p in parts]))
        rows = (lines.order_by().values("pk")
                .annotate(allocated=Coalesce(Sum("allocations__quantity",
                                                 filter=Q(allocations__shipment__shipment_date=None)),
                                             ZERO, output_field=DecimalField()))
                .values("part_id", "part__tree_id", "part__lft", "part__rght", "quantity", "shipped", "allocated"))
        for line in rows:
            rest = max(Decimal(line["quantity"]) - Decimal(line["shipped"]) - Decimal(line["allocated"]), ZERO)
            for part in parts:
                own = part["pk"] == line["part_id"]
                if own or (include_variants and part["tree_id"] == line["part__tree_id"]
                           and part["lft"] <= line["part__lft"] and line["part__rght"] <= part["rght"]):
                    found[part["pk"]] = found.get(part["pk"], ZERO) + rest
    return found


def located_levels(plugin, settings, linked: Mapping[int, str], behaviour: OrderBehaviour,
                   pairs: Sequence[tuple[int, str]]) -> tuple[list[StockLevel], dict[str, int]]:
    """One level per part and mapped location (``located_offers``); and {key: part id} of the levels."""
    made = located_offers(plugin, settings, linked, behaviour, pairs)
    levels = [StockLevel(m.key, m.offer.quantity, f"part {m.part} at {m.code}") for m in made]
    return levels, {m.key: m.part for m in made}


def ledger_name(target: str, code: str) -> str:
    return f"{target}@{code}"


class LocatedLedger:
    """The engine's ledger for keys ``SKU@code``: each code's entries under its own target
    name in the part ledger (``magento@src_b``), keyed by the plain SKU there."""

    def __init__(self, ledger, codes: Sequence[str]):
        self.ledger = ledger
        self.codes = tuple(codes)

    def _by_code(self, keys: Iterable[str]) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for key in keys:
            sku, code = split_key(key)
            grouped.setdefault(code, []).append(sku)
        return grouped

    def get_many(self, target: str, keys: Sequence[str]) -> dict[str, LedgerEntry]:
        found = {}
        for code, skus in self._by_code(keys).items():
            for sku, entry in self.ledger.get_many(ledger_name(target, code), skus).items():
                found[located_key(sku, code)] = dataclasses.replace(entry, sku=located_key(sku, code))
        return found

    def put_many(self, target: str, entries: Iterable[LedgerEntry]) -> None:
        grouped: dict[str, list[LedgerEntry]] = {}
        for entry in entries:
            sku, code = split_key(entry.sku)
            grouped.setdefault(code, []).append(dataclasses.replace(entry, sku=sku))
        for code, plain in grouped.items():
            self.ledger.put_many(ledger_name(target, code), plain)

    def entries(self, target: str) -> Iterator[LedgerEntry]:
        for code in self.codes:
            for entry in self.ledger.entries(ledger_name(target, code)):
                yield dataclasses.replace(entry, sku=located_key(entry.sku, code))


def located_status(plugin, settings, pairs: Sequence[tuple[int, str]], linked: Mapping[int, str],
                   metadata: Mapping[int, Any], *, explain: bool = False) -> dict[int, dict[str, Any]]:
    """What the status row of each linked part says with a map: the figure and ledger entry
    of every mapped location, and the part in sync only when each of them is. ``explain``
    (the panel's answer for a few parts): each location also says how its figure was made,
    and the row's own explanation (of the LOCATION setting, not what is pushed) is dropped."""
    from stock.models import StockLocation

    from .ledger import stored_entry
    from .sync import configured_behaviour

    made = located_offers(plugin, settings, linked, configured_behaviour(plugin), pairs, per_location=explain)
    paths = dict(StockLocation.objects.filter(pk__in=[pk for pk, _ in pairs]).values_list("pk", "pathstring"))
    rows: dict[int, dict[str, Any]] = {}
    for figure in made:
        sku = linked[figure.part]
        entry = stored_entry(metadata.get(figure.part), ledger_name(plugin.TARGET, figure.code))
        entry = entry if entry is not None and entry.sku == sku else None
        quantity = figure.offer.quantity
        row = rows.setdefault(figure.part, {"quantity": ZERO, "sellable": ZERO, "locations": [], "entries": []})
        row["quantity"] += quantity
        row["sellable"] += figure.offer.sellable
        row["entries"].extend([entry] if entry is not None else [])
        place: dict[str, Any] = {
            "location": figure.code, "quantity": str(quantity),
            "stock_location": {"pk": figure.location, "path": paths.get(figure.location, "?")},
            "pushed_quantity": None if entry is None or entry.quantity is None else str(entry.quantity),
            "status": entry.status if entry else "never_synced",
            "in_sync": entry is not None and entry.is_synced_at(quantity),
            "last_error": entry.last_error if entry else None,
        }
        if explain:
            place.update(sellable=str(figure.offer.sellable), offer=figure.offer.to_json(),
                         unallocated=decimal_text(figure.unallocated), unallocated_share=decimal_text(figure.share))
        row["locations"].append(place)
    for row in rows.values():
        places = row["locations"]
        row["in_sync"] = all(place["in_sync"] for place in places)
        row["status"] = next((p["status"] for p in places if not p["in_sync"]), places[0]["status"])
        row["last_error"] = next((p["last_error"] for p in places if p["last_error"]), None)
        pushed = [p["pushed_quantity"] for p in places]
        row["pushed_quantity"] = None if None in pushed else str(sum(Decimal(p) for p in pushed))
        row["quantity"] = str(row["quantity"])
        # the part's product is one on the target: its id, and the latest attempt and success anywhere
        entries = row.pop("entries")
        row["remote_id"] = next((e.remote_id for e in entries if e.remote_id), None)
        row["attempts"] = max((e.attempts for e in entries), default=0)
        for key in ("last_attempt", "last_success"):
            times = [getattr(e, key) for e in entries if getattr(e, key) is not None]
            row[key] = datetime.fromtimestamp(max(times), UTC).isoformat(timespec="seconds") if times else None
        sellable = row.pop("sellable")
        if explain:
            row.update(sellable=decimal_text(sellable), offer=None)
    return rows
