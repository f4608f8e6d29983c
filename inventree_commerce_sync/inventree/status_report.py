"""What the status API, the part panel and the CSV show: one row per part.

A row compares the figure a push would send now (``sync.offers``) with the part's ledger
entry. Asked for every part out of sync, the comparison first runs on three plain fields of
every entry (``out_of_sync_candidates``), and the full rows are made for the few left.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal

from ..core import ledger as L
from ..core.redact import redact
from . import locations
from . import parts as P
from .ledger import stored_entry
from .sync import configured_behaviour, many_objects, offers

EXPLAINED_PARTS = 50  # status rows of at most this many parts say how each number was made (the panel)


def status_rows(plugin, part_ids: Iterable[int] | None = None, *, only_out_of_sync: bool = False) -> list[dict]:
    """One row per part (linked or not, when part_ids are given; linked only otherwise)."""
    with many_objects():
        return _status_rows(plugin, part_ids, only_out_of_sync=only_out_of_sync)


def _status_rows(plugin, part_ids: Iterable[int] | None, *, only_out_of_sync: bool) -> list[dict]:
    from part.models import Part

    if part_ids is None and only_out_of_sync:  # compare all cheaply, then make the rows of the few
        part_ids = out_of_sync_candidates(plugin)
    settings = plugin.sync_settings()
    queryset = Part.objects.all() if part_ids is None else Part.objects.filter(pk__in=list(part_ids))
    info = {row["pk"]: row for row in P.part_rows(queryset, plugin.TARGET)}
    skus = P.skus_of_rows(plugin.TARGET, settings, list(info.values()))
    if part_ids is None:
        skus = {pk: v for pk, v in skus.items() if v[0]}
    linked_ids = [pk for pk, (sku, _) in skus.items() if sku]
    explain = part_ids is not None and len(linked_ids) <= EXPLAINED_PARTS
    made = offers(plugin, settings, linked_ids, configured_behaviour(plugin), per_location=explain, explain=explain)
    pairs = locations.mapped_locations(plugin)
    # part_rows cut the metadata down to the target's own entry: a map's entries are read whole
    located = locations.located_status(
        plugin, settings, pairs, {pk: skus[pk][0] or "" for pk in linked_ids},
        dict(Part.objects.filter(pk__in=linked_ids).values_list("pk", "metadata")), explain=explain) if pairs else {}
    rows = []
    for pk in sorted(skus):
        sku, reason = skus[pk]
        entry = stored_entry(info[pk]["metadata"], plugin.TARGET)
        if entry is not None and entry.sku != sku:
            entry = None
        offer = made.get(pk) if sku else None
        desired = offer.quantity if offer is not None else None
        in_sync = desired is not None and entry is not None and entry.is_synced_at(desired)
        if pk in located:  # a location map: the figure and entry of each mapped location
            in_sync = located[pk]["in_sync"]
        if only_out_of_sync and (in_sync or not sku):
            continue
        rows.append({
            "target": plugin.TARGET,
            "part": pk,
            "part_name": info[pk]["name"],
            "ipn": info[pk]["IPN"],
            "sku": sku,
            "linked": bool(sku),
            "reason": reason,
            "quantity": None if desired is None else str(desired),
            "status": entry.status if entry else ("unlinked" if not sku else "never_synced"),
            "remote_id": entry.remote_id if entry else None,
            "pushed_quantity": str(entry.quantity) if entry and entry.quantity is not None else None,
            "pending_quantity": (str(entry.pending_quantity)
                                 if entry and entry.pending_quantity is not None else None),
            "attempts": entry.attempts if entry else 0,
            "last_error": redact(entry.last_error) if entry and entry.last_error else None,
            "last_attempt": _iso(entry.last_attempt) if entry else None,
            "last_success": _iso(entry.last_success) if entry else None,
            "in_sync": in_sync,
            "dry_run": settings.dry_run,
            **({"sellable": str(offer.sellable), "offer": offer.to_json()} if offer is not None and explain else {}),
            **located.get(pk, {}),
        })
    return rows


def desired_quantities(plugin, settings, part_ids: list[int]) -> dict[int, Decimal]:
    """{part id: the figure a push sends for it}: what the status compares with the ledger."""
    made = offers(plugin, settings, part_ids, configured_behaviour(plugin))
    return {pk: offer.quantity for pk, offer in made.items()}


def out_of_sync_candidates(plugin) -> list[int]:
    """The linked parts not known to be in sync: every one but those whose ledger entry says
    synced, under today's SKU, at exactly today's figure. Compared from three fields of the
    entry read as text (``parts.ledger_glance``), so that 50,000 parts are told apart in well
    under a second; ``status_rows`` then makes (and checks again) the rows of the few left."""
    from part.models import Part

    settings = plugin.sync_settings()
    rows = P.ledger_glance(Part.objects.all(), plugin.TARGET)
    skus = P.skus_of_rows(plugin.TARGET, settings, rows)
    linked = [row for row in rows if skus[row["pk"]][0]]
    pairs = locations.mapped_locations(plugin)
    if pairs:  # each mapped location's entry
        ids = [row["pk"] for row in linked]
        metadata = dict(Part.objects.filter(pk__in=ids).values_list("pk", "metadata"))
        located = locations.located_status(plugin, settings, pairs, {pk: skus[pk][0] or "" for pk in ids}, metadata)
        return [pk for pk in ids if not located[pk]["in_sync"]]
    desired = desired_quantities(plugin, settings, [row["pk"] for row in linked])
    return [row["pk"] for row in linked
            if not (row["entry_status"] == L.SYNCED and row["entry_sku"] == skus[row["pk"]][0]
                    and _same_quantity(row["entry_quantity"], desired[row["pk"]]))]


def _same_quantity(text: str | None, quantity: Decimal) -> bool:
    try:
        return text is not None and Decimal(text) == quantity
    except ArithmeticError:  # not a number: the row shows what is there
        return False


CSV_COLUMNS = ("target", "part", "part_name", "ipn", "sku", "quantity", "pushed_quantity", "pending_quantity",
               "status", "attempts", "last_error", "last_attempt")


def status_csv(plugin) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in status_rows(plugin, only_out_of_sync=True):
        writer.writerow(row)
    return out.getvalue()


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    from datetime import datetime

    return datetime.fromtimestamp(float(timestamp), UTC).isoformat(timespec="seconds")
