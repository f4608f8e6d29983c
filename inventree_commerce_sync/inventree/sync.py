"""What the plugins do, on InvenTree's side: dirty parts, the flush, reconciliation, status.

Coalescing: an event only marks its parts dirty (a set in the plugin's PluginConfig
metadata, under a row lock, with the times of the first and last mark) and, if no flush is
queued yet, offloads one to InvenTree's background worker. The flush waits, without holding
the worker, until the marks have been quiet for ``QUIET_SECONDS`` (at most
``MAX_WAIT_SECONDS`` after the first): while the burst goes on it sleeps a moment and
offloads itself again, so that events queued behind it are processed first. Then it takes
the whole dirty set and syncs it in the target's largest batches. A burst of events on the
same parts therefore costs one push per part per target. One flush pushes at a time per
plugin (a cache lock), so an older level can never overtake a newer one.

Pushes go through core's SyncEngine with the part-metadata ledger: a part whose quantity
equals what the target last confirmed costs nothing.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..core import ledger as L
from ..core.coalesce import flush_wait
from ..core.engine import Report, SyncEngine
from ..core.errors import AuthenticationError, ConfigError, SyncError
from ..core.ledger import LedgerEntry
from ..core.levels import QuantityPolicy, StockLevel
from ..core.redact import get_logger, redact
from . import parts as P
from .config import find_duplicates
from .ledger import PartLedger, stored_entry, write_entries
from .stock import totals

log = get_logger(__name__)

STATE_KEY = "commerce_sync"
QUIET_SECONDS = 2.0  # a burst is over when no event came for this long
MAX_WAIT_SECONDS = 60.0  # ... or when its first event waited this long
REQUEUE_PAUSE = 0.5  # how long a flush that has to wait sleeps before offloading itself again
FLUSH_STALE_SECONDS = 300  # a queued flush that has not run by then is taken as lost
LOCK_SECONDS = 900  # longest a flush may hold the per-plugin lock
FLUSH_TASK = "inventree_commerce_sync.inventree.tasks.flush"


# -- plugin state (PluginConfig.metadata) ---------------------------------------------------

def _config_row(plugin, lock: bool):
    from plugin.models import PluginConfig

    config = plugin.config_row()
    if config is None:
        return None
    rows = PluginConfig.objects.filter(pk=config.pk)
    return (rows.select_for_update() if lock else rows).first()


def read_state(plugin) -> dict[str, Any]:
    row = _config_row(plugin, lock=False)
    return dict(((row.metadata or {}) if row else {}).get(STATE_KEY) or {})


@contextmanager
def _locked_state(plugin) -> Iterator[dict[str, Any] | None]:
    """The plugin's state, row-locked for the block and saved after it (None: no config row)."""
    from plugin.models import PluginConfig

    with transaction.atomic():
        row = _config_row(plugin, lock=True)
        if row is None:
            yield None
            return
        metadata = dict(row.metadata or {})
        state = dict(metadata.get(STATE_KEY) or {})
        yield state
        metadata[STATE_KEY] = state
        PluginConfig.objects.filter(pk=row.pk).update(metadata=metadata)


def update_state(plugin, **changes: Any) -> None:
    with _locked_state(plugin) as state:
        if state is not None:
            state.update(changes)


def mark_dirty(plugin, part_ids: Iterable[int]) -> None:
    """Add parts to the plugin's dirty set and make sure a flush is queued."""
    new = {int(p) for p in part_ids}
    if not new:
        return
    now = time.time()
    with _locked_state(plugin) as state:
        if state is None:
            return
        state["dirty"] = sorted(set(state.get("dirty") or ()) | new)
        state["first_mark"] = state.get("first_mark") or now
        state["last_mark"] = now
        queued_at = state.get("flush_queued_at")
        if not queued_at or now - float(queued_at) > FLUSH_STALE_SECONDS:
            state["flush_queued_at"] = now
            # inside the transaction: a rollback takes the queued flush with it
            queue_flush(plugin.slug)


def queue_flush(slug: str) -> None:
    """Offload a flush to the background worker (never run inline: it may wait)."""
    from InvenTree.tasks import offload_task

    # No duplicate check: with the database broker, a running flush is still in the queue
    # table until it returns, so the check would take a flush re-queueing itself for an
    # already queued one and drop it. Our own state (flush_queued_at) already prevents
    # more than one queued flush per plugin.
    offload_task(FLUSH_TASK, slug, force_async=True, check_duplicates=False, group="commerce_sync")


def take_ready(plugin) -> tuple[list[int] | None, float]:
    """The dirty parts if the burst is over (and the set emptied), else (None, seconds to wait)."""
    now = time.time()
    with _locked_state(plugin) as state:
        if state is None:
            return [], 0.0
        dirty = list(state.get("dirty") or ())
        wait = 0.0
        if dirty:
            first = float(state.get("first_mark") or now)
            last = float(state.get("last_mark") or now)
            wait = flush_wait(first, last, now, quiet=QUIET_SECONDS, max_wait=MAX_WAIT_SECONDS)
        if wait > 0:
            state["flush_queued_at"] = now  # this flush goes on waiting
        else:
            state.update(dirty=[], first_mark=None, flush_queued_at=None)
    return (None, wait) if wait > 0 else (dirty, 0.0)


def flush(plugin) -> Report | None:
    """Run by the worker: sync every dirty part once the burst is over."""
    from django.core.cache import cache

    lock = f"commerce_sync:{plugin.slug}:flushing"
    if not cache.add(lock, time.time(), timeout=LOCK_SECONDS):  # another flush is pushing
        _wait_and_requeue(plugin.slug, REQUEUE_PAUSE)
        return None
    try:
        dirty, wait = take_ready(plugin)
    except Exception:
        cache.delete(lock)
        raise
    if dirty is None:
        cache.delete(lock)
        _wait_and_requeue(plugin.slug, wait)
        return None
    try:
        return sync_parts(plugin, dirty) if dirty else None
    except Exception:
        mark_dirty(plugin, dirty)  # keep them for the retry (or the next flush)
        raise
    finally:
        cache.delete(lock)


def _wait_and_requeue(slug: str, wait: float) -> None:
    time.sleep(min(max(wait, 0.0), REQUEUE_PAUSE))
    queue_flush(slug)


# -- syncing --------------------------------------------------------------------------------

def sync_parts(plugin, part_ids: Iterable[int] | None = None, *, force: bool = False,
               verify: bool = False) -> Report | None:
    """Push the given parts (None: every linked part). Returns the engine's report, or None
    when sync is disabled or the plugin is not configured (the reason is kept in the state)."""
    from part.models import Part

    try:
        settings = plugin.sync_settings()
    except ConfigError as exc:
        update_state(plugin, last_error=redact(exc))
        log.warning("%s: %s", plugin.TARGET, redact(exc))
        return None
    if not settings.enabled:
        return None
    target_name = plugin.TARGET

    if part_ids is None:
        skus = P.all_linked(target_name, settings)
        linked = {pk: sku for pk, (sku, _) in skus.items() if sku}
        claims = linked
    else:
        ids = set(part_ids)
        if settings.include_variants:
            ids = P.with_templates(ids)
        skus = P.part_skus(target_name, settings, Part.objects.filter(pk__in=sorted(ids)))
        linked = {pk: sku for pk, (sku, _) in skus.items() if sku}
        # A part outside this batch may claim the same SKU.
        claims = {**P.claimants(target_name, settings, set(linked.values()), set(linked)), **linked}
    duplicates = find_duplicates(claims)
    if duplicates:
        _record_duplicates(target_name, duplicates)
        linked = {pk: sku for pk, sku in linked.items() if sku not in duplicates}
    if not linked:
        return None

    try:
        target = plugin.build_target()
    except (ConfigError, SyncError) as exc:
        update_state(plugin, last_error=redact(exc))
        log.warning("%s: %s", target_name, redact(exc))
        return None

    quantities = totals(linked, quantity=settings.quantity, location_id=settings.location_id,
                        include_variants=settings.include_variants)
    levels = [StockLevel(sku, quantities.get(pk, Decimal(0)), f"part {pk}") for pk, sku in sorted(linked.items())]
    engine = SyncEngine(target, PartLedger({sku: pk for pk, sku in linked.items()}),
                        policy=QuantityPolicy(buffer=settings.buffer), dry_run=settings.dry_run)
    try:
        report = engine.sync(levels, force=force, verify=verify)
    except AuthenticationError as exc:
        message = redact(plugin.describe_error(exc))
        _record_failure(target_name, linked, message)
        update_state(plugin, last_error=message)
        log.warning("%s", message)
        return None
    update_state(plugin, last_error=None, last_sync=time.time(), last_summary=report.summary())
    return report


def _record_duplicates(target: str, duplicates: dict[str, list[int]]) -> None:
    from part.models import Part

    part_ids = [pk for ids in duplicates.values() for pk in ids]
    metadata = dict(Part.objects.filter(pk__in=part_ids).values_list("pk", "metadata"))
    now = L.now()
    entries = {}
    for sku, ids in duplicates.items():
        for pk in ids:
            others = ", ".join(str(o) for o in ids if o != pk)
            previous = stored_entry(metadata.get(pk), target)
            base = previous if previous is not None and previous.sku == sku else LedgerEntry(sku, L.SKIPPED)
            entries[pk] = base.updated(status=L.SKIPPED, last_attempt=now,
                                       last_error=f"SKU {sku!r} is also the SKU of part {others}; neither is pushed")
    write_entries(target, entries)


def _record_failure(target: str, linked: dict[int, str], message: str) -> None:
    from part.models import Part

    metadata = dict(Part.objects.filter(pk__in=list(linked)).values_list("pk", "metadata"))
    now = L.now()
    entries = {}
    for pk, sku in linked.items():
        previous = stored_entry(metadata.get(pk), target)
        base = previous if previous is not None and previous.sku == sku else LedgerEntry(sku, L.ERROR)
        entries[pk] = base.updated(status=L.ERROR, attempts=base.attempts + 1, last_error=message, last_attempt=now)
    write_entries(target, entries)


def reconcile(plugin, *, now: float | None = None) -> Report | None:
    """Run by the schedule: a ledger comparison every RECONCILE_MINUTES, a comparison with
    the target itself every VERIFY_MINUTES."""
    try:
        settings = plugin.sync_settings()
    except ConfigError:
        return None
    if not settings.enabled:
        return None
    now = time.time() if now is None else now
    state = read_state(plugin)
    verify_due = settings.verify_minutes > 0 and now - float(state.get("last_verify") or 0) >= settings.verify_minutes * 60
    reconcile_due = (settings.reconcile_minutes > 0
                     and now - float(state.get("last_reconcile") or 0) >= settings.reconcile_minutes * 60)
    if not (verify_due or reconcile_due):
        return None
    update_state(plugin, last_reconcile=now, **({"last_verify": now} if verify_due else {}))
    return sync_parts(plugin, None, verify=verify_due)


# -- status ---------------------------------------------------------------------------------

def status_rows(plugin, part_ids: Iterable[int] | None = None, *, only_out_of_sync: bool = False) -> list[dict]:
    """One row per part (linked or not, when part_ids are given; linked only otherwise)."""
    from part.models import Part

    settings = plugin.sync_settings()
    target_cls = plugin.target_class()
    queryset = Part.objects.all() if part_ids is None else Part.objects.filter(pk__in=list(part_ids))
    skus = P.part_skus(plugin.TARGET, settings, queryset)
    if part_ids is None:
        skus = {pk: v for pk, v in skus.items() if v[0]}
    linked_ids = [pk for pk, (sku, _) in skus.items() if sku]
    quantities = totals(linked_ids, quantity=settings.quantity, location_id=settings.location_id,
                        include_variants=settings.include_variants)
    policy = QuantityPolicy(buffer=settings.buffer)
    info = {row["pk"]: row for row in queryset.filter(pk__in=list(skus)).values("pk", "name", "IPN", "metadata")}
    rows = []
    for pk in sorted(skus):
        sku, reason = skus[pk]
        entry = stored_entry(info[pk]["metadata"], plugin.TARGET)
        if entry is not None and entry.sku != sku:
            entry = None
        desired = (policy.apply(quantities.get(pk, Decimal(0)), integer=target_cls.integer_quantities)
                   if sku else None)
        in_sync = bool(sku and entry is not None and entry.is_synced_at(desired))
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
        })
    return rows


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
