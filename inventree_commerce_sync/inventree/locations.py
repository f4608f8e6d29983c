"""Several InvenTree stock locations pushed to several target locations (``core.locations``).

The Magento and Zoho plugins have a LOCATION_MAP setting: ``<location>=<code>, ...``, where a
location is an InvenTree stock location's id or path (``Shop/Back room``) and counts with
its sublocations, and a code is a Magento MSI source code or a Zoho location id. With a map,
a push sends one figure per part and mapped location -- made as with the LOCATION setting
set to that location -- in one engine run: Magento gets every source in one source-items
write, Zoho one adjustment per location. The ledger keeps each pair under its own key in
the part's metadata (``<target>@<code>``, e.g. ``magento@src_b``).

A reserving target's own open orders are added back once, at the first mapped location:
the shop subtracts them once from the sum of its locations. Empty map: one figure, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..core.errors import ConfigError
from ..core.ledger import LedgerEntry
from ..core.levels import StockLevel
from ..core.locations import LocatedTarget, located_key, location_data_key, parse_location_map, split_key
from ..core.orders import OrderBehaviour
from ..core.target import BaseTarget

MAP_KEY = "LOCATION_MAP"


def setting_definitions(target_cls: type[BaseTarget] | None) -> dict[str, dict[str, Any]]:
    """The LOCATION_MAP entry, for a target that has locations (Magento, Zoho); else none."""
    if target_cls is None or location_data_key(target_cls) is None:
        return {}
    what = "Magento MSI source code" if target_cls.name == "magento" else f"{target_cls.title} location id"
    return {MAP_KEY: {
        "name": "Location map",
        "description": (f"Stock of several InvenTree locations to several {target_cls.title} locations: "
                        f"<InvenTree location id or path>=<{what}>, separated by commas, e.g. "
                        "'12=src_a, Shop/Back room=src_b'; each location counts with its sublocations. "
                        "Empty: one figure, of the stock location setting"),
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


def located_levels(plugin, settings, linked: Mapping[int, str], behaviour: OrderBehaviour,
                   pairs: Sequence[tuple[int, str]]) -> tuple[list[StockLevel], dict[str, int]]:
    """One level per part and mapped location, each made as with LOCATION set to it; and
    {key: part id} of the levels."""
    from .sync import offers

    levels = []
    parts = {}
    for index, (location_pk, code) in enumerate(pairs):
        here = dataclasses.replace(settings, location_id=location_pk)
        made = offers(plugin, here, linked, behaviour if index == 0 else OrderBehaviour.DECREMENTS_ON_ORDER)
        for pk, sku in sorted(linked.items()):
            key = located_key(sku, code)
            levels.append(StockLevel(key, made[pk].quantity, f"part {pk} at {code}"))
            parts[key] = pk
    return levels, parts


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
                   metadata: Mapping[int, Any]) -> dict[int, dict[str, Any]]:
    """What the status row of each linked part says with a map: the figure and ledger entry
    of every mapped location, and the part in sync only when each of them is."""
    from .ledger import stored_entry
    from .sync import configured_behaviour

    levels, parts = located_levels(plugin, settings, linked, configured_behaviour(plugin), pairs)
    rows: dict[int, dict[str, Any]] = {}
    for level in levels:
        sku, code = split_key(level.sku)
        pk = parts[level.sku]
        entry = stored_entry(metadata.get(pk), ledger_name(plugin.TARGET, code))
        entry = entry if entry is not None and entry.sku == sku else None
        rows.setdefault(pk, {"quantity": Decimal(0), "locations": []})
        rows[pk]["quantity"] += level.quantity
        rows[pk]["locations"].append({
            "location": code, "quantity": str(level.quantity),
            "pushed_quantity": None if entry is None or entry.quantity is None else str(entry.quantity),
            "status": entry.status if entry else "never_synced",
            "in_sync": entry is not None and entry.is_synced_at(level.quantity),
            "last_error": entry.last_error if entry else None,
        })
    for row in rows.values():
        places = row["locations"]
        row["in_sync"] = all(place["in_sync"] for place in places)
        row["status"] = next((p["status"] for p in places if not p["in_sync"]), places[0]["status"])
        row["last_error"] = next((p["last_error"] for p in places if p["last_error"]), None)
        pushed = [p["pushed_quantity"] for p in places]
        row["pushed_quantity"] = None if None in pushed else str(sum(Decimal(p) for p in pushed))
        row["quantity"] = str(row["quantity"])
    return rows
