"""What the plugins do, on InvenTree's side: pushes and reconciliation (what the status
shows: ``status_report.py``).

Stock changes mark parts dirty and one flush task pushes them to every target (see
``flush.py``). Every push to a target -- a flush, a reconciliation, a target check, "sync
now" -- holds that target's push lock (``locks.py``), so that pushes never overlap and an
older level can never overtake a newer one.

Every push first imports the target's new orders (``orders_first.py``), so that it never
puts back on offer what the shop just sold. The figure of each part is core's ``make_offer``
from InvenTree's numbers (``stock.py``) and the target's order behaviour: a target that
reserves its own open orders gets them added back.

Pushes go through core's SyncEngine with the part-metadata ledger: a part whose quantity
equals what the target last confirmed costs nothing.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from ..core import ledger as L
from ..core.engine import Report, Result, SyncEngine
from ..core.errors import AuthenticationError, ConfigError, InputError, SyncError, TargetUnavailable
from ..core.ledger import LedgerEntry
from ..core.levels import QuantityPolicy, StockLevel, check_sku
from ..core.offer import Offer, make_offer, order_behaviour
from ..core.orders import OrderBehaviour
from ..core.redact import get_logger, redact
from ..core.target import BaseTarget
from . import catalogue, locations, repairs
from . import parts as P
from .config import SyncSettings, connection_config, find_duplicates
from .ledger import STATUS_KEY, PartLedger, stored_entry, write_entries
from .locks import target_lock
from .orders_first import import_orders_first
from .state import STATE_KEY, read_state, update_state  # noqa: F401  (the views read the state here)
from .stock import part_stock

log = get_logger(__name__)

LOCK_WAIT_SECONDS = 120.0  # how long a reconciliation or "sync now" waits for another push
SCHEDULE_SLACK_SECONDS = 90.0  # the schedule may fire this much early (django-q checks every ~30 s)
KEPT_RESULTS = 1000  # a push of more parts keeps only the counts of its results (the engine's keep_results)


# -- syncing --------------------------------------------------------------------------------

@dataclass
class Pushed:
    """What a push did: the engine's report (None: nothing pushed, see the state's
    last_error), and, when the target was unreachable, down or refusing for a while, the
    error to retry after (the parts may not all be on the target)."""

    report: Report | None = None
    retry_error: str | None = None


class _Watched:
    """The target client, noting whether a call failed because the target was unavailable
    (the engine reports those SKUs failed and stops; the flush must retry them later)."""

    def __init__(self, target):
        self._target = target
        self.unavailable: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def _call(self, method: str, *args):
        try:
            return getattr(self._target, method)(*args)
        except TargetUnavailable as exc:
            self.unavailable = redact(exc)
            raise

    def resolve(self, skus):
        return self._call("resolve", skus)

    def resolve_known(self, skus, known):
        return self._call("resolve_known", skus, known)

    def read(self, remotes):
        return self._call("read", remotes)

    def write(self, changes):
        return self._call("write", changes)


def sync_parts(plugin, part_ids: Iterable[int] | None = None, *, force: bool = False,
               verify: bool = False, only: Iterable[str] | None = None) -> Report | None:
    """Push the given parts (None: every linked part). Returns the engine's report, or None
    when sync is disabled or the plugin is not configured (the reason is kept in the state).
    ``only``: push just these keys (a SKU, or ``SKU@code`` of a location map: a confirmed flag)."""
    return push(plugin, part_ids, force=force, verify=verify, lock_wait=LOCK_WAIT_SECONDS, only=only).report


def push(plugin, part_ids: Iterable[int] | None = None, *, force: bool = False, verify: bool = False,
         lock_wait: float = LOCK_WAIT_SECONDS, only: Iterable[str] | None = None) -> Pushed:
    """sync_parts, under the target's push lock, telling whether to retry."""
    with plugin.reading_settings(), many_objects(), target_lock(plugin, wait=lock_wait) as locked:
        if not locked:
            message = f"{plugin.TARGET}: another push to this target ran for more than {lock_wait:.0f} s"
            log.warning("%s", message)
            return Pushed(retry_error=message)
        return _push(plugin, part_ids, force=force, verify=verify, only=only)


def _push(plugin, part_ids: Iterable[int] | None, *, force: bool, verify: bool,
          only: Iterable[str] | None = None) -> Pushed:
    from part.models import Part

    try:
        settings = plugin.sync_settings()
    except ConfigError as exc:
        update_state(plugin, last_error=redact(exc))
        log.warning("%s: %s", plugin.TARGET, redact(exc))
        return Pushed()
    if not settings.enabled:
        return Pushed()
    target_name = plugin.TARGET
    orders_stale = import_orders_first(plugin)

    if part_ids is None:
        rows = P.part_rows(Part.objects.all(), target_name)
        skus = P.skus_of_rows(target_name, settings, rows)
        linked = {pk: sku for pk, (sku, _) in skus.items() if sku}
        claims = linked
    else:
        ids = set(part_ids)
        if settings.include_variants:
            ids = P.with_templates(ids)
        rows = P.part_rows(Part.objects.filter(pk__in=sorted(ids)), target_name)
        skus = P.skus_of_rows(target_name, settings, rows)
        linked = {pk: sku for pk, (sku, _) in skus.items() if sku}
        # A part outside this batch may claim the same SKU.
        claims = {**P.claimants(target_name, settings, set(linked.values()), set(linked)), **linked}
    metadata = {row["pk"]: row["metadata"] for row in rows}
    del rows
    duplicates = find_duplicates(claims)
    if duplicates:
        _record_duplicates(target_name, duplicates)
        linked = {pk: sku for pk, sku in linked.items() if sku not in duplicates}
    if not linked:
        return Pushed()

    try:
        target = _Watched(plugin.build_target())
        pairs = locations.mapped_locations(plugin)  # several locations (locations.py); () for one
    except (ConfigError, SyncError) as exc:
        update_state(plugin, last_error=redact(exc))
        log.warning("%s: %s", target_name, redact(exc))
        return Pushed()

    # The orders were imported first (above): a raise the check would write could undo a sale
    # only when they could not be read.
    check = repairs.start_check(plugin, settings, linked, orders_stale=orders_stale is not None) if verify else None
    behaviour = order_behaviour(target._target)
    engine_target: Any = target
    settled: set[int] = set()  # parts counted unchanged without the engine (below)
    if pairs:
        try:
            engine_target = locations.located_target(cast(BaseTarget, target), pairs)
        except ConfigError as exc:
            update_state(plugin, last_error=redact(plugin.describe_error(exc)))
            return Pushed()
        # New products first, without stock: the located levels give each location its own.
        catalogue.publish_parts(plugin, target._target, linked, {}, dry_run=settings.dry_run,
                                metadata_cache=metadata)
        levels, key_parts = locations.located_levels(plugin, settings, linked, behaviour, pairs)
        # not from ``metadata``: part_rows cut it down to the target's own entry
        ledger: Any = locations.LocatedLedger(PartLedger({sku: pk for pk, sku in linked.items()}), engine_target.codes)
        if check is not None:  # the repair history names the part of each SKU@code
            check.parts = {key: (pk, "") for key, pk in key_parts.items()}
    else:
        made = offers(plugin, settings, linked, behaviour)
        # New products first (with the figure below as their stock), so the levels find them.
        catalogue.publish_parts(plugin, target._target, linked, {pk: o.quantity for pk, o in made.items()},
                                dry_run=settings.dry_run, metadata_cache=metadata)
        # Many parts and no results kept: the parts the ledger has synced at today's figure are
        # counted unchanged here, as the engine would, without making their levels and entries.
        if not (force or verify or only is not None or len(linked) <= KEPT_RESULTS):
            settled = _settled(target_name, linked, made, metadata, target.max_sku_length)
        levels = [StockLevel(sku, made[pk].quantity, f"part {pk}")
                  for pk, sku in sorted(linked.items()) if pk not in settled]
        ledger = PartLedger({sku: pk for pk, sku in linked.items() if pk not in settled}, metadata)
    if only is not None:
        keys = set(only)
        levels = [level for level in levels if level.sku in keys]
    # The offers already hold buffer and rounding: the engine's policy changes nothing.
    # _Watched forwards every attribute to the client it wraps, so the engine sees a BaseTarget.
    engine = SyncEngine(cast(BaseTarget, engine_target), ledger, policy=QuantityPolicy(), dry_run=settings.dry_run,
                        keep_results=len(linked) <= KEPT_RESULTS, repairs=check)
    try:
        report = engine.sync(levels, force=force, verify=verify)
        if settled:
            report.counts[Result.UNCHANGED] += len(settled)
        if check is not None:
            repairs.finish_check(plugin, check)
    except AuthenticationError as exc:
        message = redact(plugin.describe_error(exc))
        _record_failure(target_name, linked, message)
        update_state(plugin, last_error=message)
        log.warning("%s", message)
        return Pushed()
    if target.unavailable is not None:
        update_state(plugin, last_error=target.unavailable, last_summary=report.summary(), orders_stale=orders_stale)
        return Pushed(report, retry_error=target.unavailable)
    update_state(plugin, last_error=None, last_sync=time.time(), last_summary=report.summary(),
                 orders_stale=orders_stale)
    return Pushed(report)


def _settled(target: str, linked: dict[int, str], made: dict[int, Offer], metadata: dict[int, Any],
             max_sku_length: int) -> set[int]:
    """The parts whose stored entry (in ``metadata``, as ``part_rows`` read it) says synced,
    under today's SKU, at exactly today's figure: what the engine would report unchanged
    (``LedgerEntry.is_synced_at``), compared on the entry's plain fields. Anything odd -- an
    entry that does not read, a SKU the engine would refuse -- is left to the engine."""
    settled = set()
    for pk, sku in linked.items():
        block = metadata.get(pk)  # JSON read by part_rows: dicts (anything else goes to the engine)
        block = block.get(STATUS_KEY) if type(block) is dict else None
        data = block.get(target) if type(block) is dict else None
        if type(data) is not dict or data.get("status") != L.SYNCED or str(data.get("sku", "")) != sku:
            continue
        stored = data.get("quantity")
        try:
            if stored in (None, "") or Decimal(str(stored)) != made[pk].quantity:
                continue
            check_sku(sku, max_length=max_sku_length)
        except (ArithmeticError, InputError):
            continue
        settled.add(pk)
    return settled


def offers(plugin, settings: SyncSettings, part_ids: Iterable[int], behaviour: OrderBehaviour, *,
           per_location: bool = False, explain: bool = False) -> dict[int, Offer]:
    """{part id: the Offer to push} (every part asked for; one it cannot find offers 0);
    ``explain``: with the steps that made each figure (the panel's)."""
    from ..core.offer import PartStock

    ids = list(part_ids)
    reserving = behaviour is OrderBehaviour.RESERVES_OPEN_ORDERS
    stock = part_stock(ids, mode=settings.quantity, location_id=settings.location_id,
                       include_variants=settings.include_variants, target=plugin.TARGET if reserving else None,
                       per_location=per_location)
    policy = QuantityPolicy(buffer=settings.buffer)
    integer = plugin.target_class().integer_quantities
    return {pk: make_offer(stock.get(pk) or PartStock(Decimal(0)), mode=settings.quantity, behaviour=behaviour,
                           policy=policy, integer=integer, explain=explain) for pk in ids}


def configured_behaviour(plugin) -> OrderBehaviour:
    """How the plugin's target, as configured, treats its own orders (no client is built).
    A client that cannot be loaded is taken to decrement: sent the figure, never more."""
    import os

    try:
        target_cls = plugin.target_class()
        return order_behaviour(target_cls, connection_config(target_cls, plugin.connection_values(), os.environ))
    except Exception:
        return OrderBehaviour.DECREMENTS_ON_ORDER


@contextmanager
def many_objects() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one operation makes objects for many
    parts (each collection walks the whole process -- InvenTree's is large -- and one is
    triggered every few hundred new objects: a second of 50,000 parts' work). The rows, sums
    and entries hold no cycles; what cycles there are are collected afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def reconcile(plugin, *, now: float | None = None, verify: bool | None = None) -> Report | None:
    """Run by the schedules: a ledger comparison every RECONCILE_MINUTES, a comparison with
    the target itself (a target check) every VERIFY_MINUTES. ``verify`` None: whichever is
    due (a schedule fires up to SCHEDULE_SLACK_SECONDS early)."""
    with plugin.reading_settings():
        return _reconcile(plugin, now=now, verify=verify)


def _reconcile(plugin, *, now: float | None, verify: bool | None) -> Report | None:
    try:
        settings = plugin.sync_settings()
    except ConfigError:
        return None
    if not settings.enabled:
        return None
    now = time.time() if now is None else now
    state = read_state(plugin)

    def due(minutes: int, last_key: str) -> bool:
        return minutes > 0 and now - float(state.get(last_key) or 0) >= minutes * 60 - SCHEDULE_SLACK_SECONDS

    verify_due = due(settings.verify_minutes, "last_verify") if verify is not False else False
    reconcile_due = verify_due or due(settings.reconcile_minutes, "last_reconcile")
    if not reconcile_due:
        return None
    update_state(plugin, last_reconcile=now, **({"last_verify": now} if verify_due else {}))
    return sync_parts(plugin, None, verify=verify_due)
