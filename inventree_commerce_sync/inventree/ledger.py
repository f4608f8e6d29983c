"""The InvenTree-side ledger: what was pushed for each part, kept in the part's metadata.

Implements ``core.ledger.Ledger`` (get_many / put_many / entries). An entry lives in
``Part.metadata["commerce_sync_status"][<target>]`` with the SKU it was recorded for and
what the client keeps of the record (``remote_data``: Magento's stock item flags, Zoho's
item kind, so that a known SKU costs fewer requests, as with the command line's ledger); an
entry recorded for another SKU (the part's SKU changed) counts as absent. Writes go
through ``bulk_update`` of the metadata column only, so that they fire no save signal and
hence no event (a push must not trigger another push).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..core.ledger import LedgerEntry

STATUS_KEY = "commerce_sync_status"

_FIELDS = ("status", "quantity", "pending_quantity", "remote_id", "attempts",
           "last_error", "last_attempt", "last_success", "remote_data")


def entry_to_json(entry: LedgerEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"sku": entry.sku}
    for name in _FIELDS:
        value = getattr(entry, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        data[name] = value
    return data


def entry_from_json(data: Mapping[str, Any]) -> LedgerEntry:
    def dec(value: Any) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return LedgerEntry(
        sku=str(data.get("sku", "")),
        status=str(data.get("status", "pending")),
        quantity=dec(data.get("quantity")),
        pending_quantity=dec(data.get("pending_quantity")),
        remote_id=data.get("remote_id"),
        attempts=int(data.get("attempts") or 0),
        last_error=data.get("last_error"),
        last_attempt=data.get("last_attempt"),
        last_success=data.get("last_success"),
        # What the client keeps of the record (see LedgerEntry.remote_data); anything but
        # an object (an entry written before it was kept) means: look the SKU up.
        remote_data=dict(remote_data) if isinstance(remote_data := data.get("remote_data"), Mapping) else None,
    )


def stored_entry(metadata: object, target: str) -> LedgerEntry | None:
    """The ledger entry kept in a part's metadata for ``target``, if any."""
    if not isinstance(metadata, Mapping):
        return None
    block = metadata.get(STATUS_KEY)
    if not isinstance(block, Mapping) or not isinstance(block.get(target), Mapping):
        return None
    return entry_from_json(block[target])


def write_entries(target: str, entries_by_part: Mapping[int, LedgerEntry]) -> None:
    """Store entries in the metadata of their parts (one locked read, one bulk write)."""
    from part.models import Part

    if not entries_by_part:
        return
    with transaction.atomic():
        parts = list(Part.objects.select_for_update().filter(pk__in=list(entries_by_part)).only("pk", "metadata"))
        for part in parts:
            metadata = dict(part.metadata or {})
            block = dict(metadata.get(STATUS_KEY) or {})
            block[target] = entry_to_json(entries_by_part[part.pk])
            metadata[STATUS_KEY] = block
            part.metadata = metadata
        Part.objects.bulk_update(parts, ["metadata"])


class PartLedger:
    """A Ledger over part metadata, for the SKUs of one sync (``sku_parts`` maps SKU -> part id).

    ``metadata`` ({part id: metadata}), when the caller has just read it, answers the lookups
    without a query (a reconciliation of 50,000 parts would otherwise read them again in
    hundreds of chunks); the entries this ledger writes are kept in step with it.
    """

    def __init__(self, sku_parts: Mapping[str, int], metadata: Mapping[int, Any] | None = None):
        self.sku_parts = dict(sku_parts)
        self._known: dict[str, dict[int, LedgerEntry | None]] = {}
        self._metadata = metadata

    def _cache(self, target: str) -> dict[int, LedgerEntry | None] | None:
        if self._metadata is None:
            return None
        if target not in self._known:
            self._known[target] = {pk: stored_entry(self._metadata.get(pk), target)
                                   for pk in self.sku_parts.values()}
        return self._known[target]

    def get_many(self, target: str, skus: Sequence[str]) -> dict[str, LedgerEntry]:
        from part.models import Part

        wanted = {self.sku_parts[s]: s for s in skus if s in self.sku_parts}
        cache = self._cache(target)
        if cache is not None:
            rows = [(pk, cache.get(pk)) for pk in wanted]
        else:
            rows = [(pk, stored_entry(metadata, target))
                    for pk, metadata in Part.objects.filter(pk__in=list(wanted)).values_list("pk", "metadata")]
        return {entry.sku: entry for pk, entry in rows if entry is not None and entry.sku == wanted[pk]}

    def put_many(self, target: str, entries: Iterable[LedgerEntry]) -> None:
        by_part = {self.sku_parts[e.sku]: e for e in entries if e.sku in self.sku_parts}
        write_entries(target, by_part)
        cache = self._cache(target)
        if cache is not None:
            cache.update(by_part)

    def entries(self, target: str) -> Iterator[LedgerEntry]:
        from part.models import Part

        rows = Part.objects.filter(**{f"metadata__{STATUS_KEY}__has_key": target}).values_list("metadata", flat=True)
        found = [e for e in (stored_entry(m, target) for m in rows) if e is not None]
        return iter(sorted(found, key=lambda e: e.sku))
