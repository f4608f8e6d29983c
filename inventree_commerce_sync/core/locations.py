"""Several stock locations pushed to several locations of one target in one sync.

A location map pairs places in the stock system (an InvenTree location id or path) with
locations of the target: Magento MSI source codes, Zoho location ids. The engine pushes
one level per (SKU, target location) under the key ``SKU@code``: the ledger keeps each
pair apart, and ``LocatedTarget`` turns the keys back into the client's records, each
carrying its location in ``Remote.data`` under the client's ``LOCATION_DATA_KEY``. The
client then writes every location of a batch as its API allows: Magento all sources in
one source-items POST, Zoho one adjustment per location. WooCommerce and Invoice Ninja
hold one figure per product and have no ``LOCATION_DATA_KEY``: no map for them.

Open sales order lines not allocated from any location may ship from any of them, so each
location could take them off its figure; but then the shop, which sells the sum of its
locations, would offer that quantity too little once per extra location (an order of 2
on a two-source Magento would lower its salable quantity by 4). ``share_unallocated``
takes it off once instead: in map order, from each location as far as its figure goes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import ConfigError
from .target import BaseTarget, Change, CheckResult, Outcome, Remote

__all__ = ["LocatedTarget", "LocationPair", "located_key", "location_data_key", "parse_location_map",
           "share_unallocated", "split_key"]

# A target location code: Magento source codes are letters, digits, "_" and "-"; Zoho's
# location ids are digits. "@" separates it from the SKU in the engine's key.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class LocationPair:
    """Stock of ``stock_location`` (and below it) is pushed to the target's ``code``."""

    stock_location: str
    code: str


def parse_location_map(text: object) -> tuple[LocationPair, ...]:
    """``"<stock location>=<target code>, ..."`` as pairs; empty text is no map. A
    ValueError says which entry is wrong and how to write it."""
    pairs: list[LocationPair] = []
    for raw in str(text or "").replace("\n", ",").split(","):
        entry = raw.strip()
        if not entry:
            continue
        stock, sep, code = entry.rpartition("=")
        stock, code = stock.strip(), code.strip()
        if not sep or not stock or not code:
            raise ValueError(f"{entry!r} is not <stock location>=<target location code>, "
                             "e.g. 12=warehouse_a or Shop/Back room=warehouse_b")
        if not _CODE.fullmatch(code):
            raise ValueError(f"{code!r} in {entry!r} is not a target location code "
                             "(letters, digits, '_' or '-', as Magento source codes and Zoho location ids are)")
        if any(p.code == code for p in pairs):
            raise ValueError(f"target location {code!r} appears twice; each gets the stock of one location")
        if any(p.stock_location == stock for p in pairs):
            raise ValueError(f"stock location {stock!r} appears twice; map it to one target location")
        pairs.append(LocationPair(stock, code))
    return tuple(pairs)


def share_unallocated(unallocated: Decimal, before: Sequence[Decimal]) -> list[Decimal]:
    """How much of ``unallocated`` (open order quantity no location holds for) each location
    takes off, given each one's figure ``before`` it: in order, as much as the figure holds
    (nothing from one at or below 0), the last location the rest. The shares add up to
    ``unallocated``, so the locations together offer it once less, never more."""
    shares: list[Decimal] = []
    rest = max(unallocated, Decimal(0))
    for index, figure in enumerate(before):
        share = rest if index == len(before) - 1 else min(rest, max(figure, Decimal(0)))
        shares.append(share)
        rest -= share
    return shares


def located_key(sku: str, code: str) -> str:
    return f"{sku}@{code}"


def split_key(key: str) -> tuple[str, str]:
    """(SKU, code) of a ``located_key``; codes never hold "@", SKUs may."""
    sku, _, code = key.rpartition("@")
    return sku, code


def location_data_key(target: object) -> str | None:
    """The ``Remote.data`` key in which ``target`` takes a record's location, if it has locations."""
    key = getattr(target, "LOCATION_DATA_KEY", None)
    return key if isinstance(key, str) else None


class LocatedTarget:
    """A client seen by the engine with keys ``SKU@code``: each SKU is looked up once for
    all its locations; reads and writes go to the client with the location in each
    record's data. Everything else (name, session, batches) is the client's."""

    def __init__(self, target: BaseTarget, codes: Sequence[str]):
        key = location_data_key(target)
        if key is None:
            raise ConfigError(f"{target.title or target.name} holds one stock figure per product, so it takes one "
                              "location (the stock location setting), not a location map", target=target.name)
        if getattr(target, "legacy", False):
            raise ConfigError("mode legacy writes only the default source; a location map needs mode msi",
                              target=target.name, key="mode")
        self._target = target
        self._data_key = key
        self.codes = tuple(codes)
        self.max_sku_length = target.max_sku_length + 1 + max((len(c) for c in self.codes), default=0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def resolve(self, keys: Sequence[str]) -> dict[str, Remote]:
        return self.resolve_known(keys, {})

    def resolve_known(self, keys: Sequence[str], known: Mapping[str, Remote]) -> dict[str, Remote]:
        split = {key: split_key(key) for key in keys}
        skus = list(dict.fromkeys(sku for sku, _ in split.values()))
        known_by_sku: dict[str, Remote] = {}
        for key, kept in known.items():
            sku = split_key(key)[0]
            data = {k: v for k, v in kept.data.items() if k != self._data_key}
            known_by_sku.setdefault(sku, Remote(sku, kept.remote_id, kept.kind, kept.skip_reason, data))
        found = (self._target.resolve_known(skus, known_by_sku) if known_by_sku
                 else self._target.resolve(skus))
        remotes: dict[str, Remote] = {}
        for key, (sku, code) in split.items():
            remote = found.get(sku)
            if remote is not None:
                data = {"sku": sku, **remote.data, self._data_key: code}
                remotes[key] = Remote(key, remote.remote_id, remote.kind, remote.skip_reason, data)
        return remotes

    def check(self) -> CheckResult:
        """The client's connection check, and whether each location of the map exists
        (its ``check_locations``)."""
        result = self._target.check()
        check_locations = getattr(self._target, "check_locations", None)
        ok, details = check_locations(self.codes) if callable(check_locations) else (True, [])
        return CheckResult(result.target, result.url, result.ok and ok, [*result.details, *details])

    def memo(self, remote: Remote) -> dict[str, Any] | None:
        return self._target.memo(remote)

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        return self._target.read(remotes)

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        return self._target.write(changes)
