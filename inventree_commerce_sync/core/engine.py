"""The sync engine: desired levels + ledger + target -> plan -> resolve -> write -> report.

Levels are taken in chunks, so that memory stays flat however many SKUs there are. SKUs
whose quantity equals what the ledger says the target already has are ``unchanged`` and
cost no request; the rest wait in a queue for the target's next full lookup batch, and the
resolved ones in another for its next full write batch, so that a few changes spread over
many chunks still travel together. The ledger is updated batch by batch: a crash loses at
most the batch in flight, and that batch is marked ``pending`` before it is sent.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from itertools import islice
from typing import Any, Protocol

from . import ledger as L
from .errors import AuthenticationError, InputError, TargetError, TargetUnavailable
from .ledger import Ledger, LedgerEntry
from .levels import QuantityPolicy, StockLevel, check_sku
from .redact import get_logger, redact
from .repairs import FLAG, WAIT
from .target import BaseTarget, Change, Outcome, Remote

log = get_logger(__name__)


class Result(str, Enum):
    PUSHED = "pushed"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"
    FAILED = "failed"
    WOULD_PUSH = "would_push"
    FLAGGED = "flagged"  # a target check's repair beyond the limit: not written (core.repairs)
    WAITING = "waiting"  # a target check's repair left until the shop's orders can be read

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class SkuResult:
    sku: str
    outcome: Result
    quantity: Decimal | None = None
    error: str | None = None
    remote_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "outcome": self.outcome.value,
            "quantity": None if self.quantity is None else str(self.quantity),
            "error": self.error,
        }


@dataclass
class Report:
    target: str
    dry_run: bool = False
    results: list[SkuResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.counts[Result.FAILED]

    def add(self, result: SkuResult, keep: bool) -> None:
        self.counts[result.outcome] += 1
        if keep:
            self.results.append(result)

    def summary(self) -> str:
        parts = [f"{self.counts[r]} {r.value.replace('_', ' ')}" for r in Result if self.counts[r]]
        return f"{self.target}: " + (", ".join(parts) or "nothing to do")


ProgressFn = Callable[[str, int], None]


class RepairGate(Protocol):
    """What a target check asks before it repairs a SKU (``core.repairs.RepairCheck``)."""

    def decide(self, sku: str, shop_had: Decimal, wanted: Decimal) -> Any: ...  # has .action and .reason
    def written(self, sku: str) -> None: ...


class SyncEngine:
    """Pushes absolute stock levels to one target.

    ``dry_run`` resolves (reads are harmless) but writes nothing, and records in the ledger
    what it would have written. ``on_result`` sees every SkuResult as it is decided;
    ``keep_results=False`` keeps only the counts in the report (for very large syncs).
    ``repairs`` decides, in a target check (``verify``), which differences are written
    (``core.repairs``); without it every difference is.
    """

    def __init__(
        self,
        target: BaseTarget,
        ledger: Ledger,
        *,
        policy: QuantityPolicy | None = None,
        dry_run: bool = False,
        chunk_size: int | None = None,
        keep_results: bool = True,
        on_result: Callable[[SkuResult], None] | None = None,
        progress: ProgressFn | None = None,
        repairs: RepairGate | None = None,
    ):
        self.repairs = repairs
        self.target = target
        self.ledger = ledger
        self.policy = policy or QuantityPolicy()
        self.dry_run = dry_run
        self.chunk_size = chunk_size or max(500, target.write_batch * 10)
        self.keep_results = keep_results
        self.on_result = on_result
        self.progress = progress

    def sync(self, levels: Iterable[StockLevel], *, force: bool = False, verify: bool = False) -> Report:
        """Push ``levels``. ``force`` writes even what the ledger says is unchanged; ``verify``
        reads the target's quantities and writes every SKU that differs (drift repair).

        Raises AuthenticationError at once when the credentials are refused. Any other error
        that means the target is unusable (unreachable, down, not answering its API) fails
        the SKUs it concerns and stops the sync, reporting the rest failed as not attempted,
        so that a target that is down costs one error, not one per batch.
        """
        started = time.monotonic()
        before = self.target.session.counter.snapshot()
        run = _Run(Report(self.target.name, dry_run=self.dry_run), force=force, verify=verify)
        self.target.start_sync()
        done = 0
        for chunk in _chunks(levels, self.chunk_size):
            if run.stop_error is not None:
                self._fail_all(run.report, [(lv.sku, lv.quantity) for lv in chunk], f"not attempted: {run.stop_error}")
            else:
                self._plan(run, chunk)
                while run.stop_error is None and len(run.to_resolve) >= self.target.resolve_batch:
                    self._resolve_batch(run)
                while run.stop_error is None and len(run.to_write) >= self.target.write_batch:
                    self._write_batch(run)
            done += len(chunk)
            if self.progress:
                self.progress(self.target.name, done)
        # A write can send a SKU back for another lookup (its record was gone): drain both.
        while run.stop_error is None and (run.to_resolve or run.to_write):
            if run.to_resolve:
                self._resolve_batch(run)
            else:
                self._write_batch(run)
        if run.stop_error is not None:  # whatever was still waiting in the buffers
            waiting = [(sku, quantity) for sku, quantity, _ in run.to_resolve]
            waiting += [(change.sku, change.quantity) for change, _ in run.to_write]
            self._fail_all(run.report, waiting, f"not attempted: {run.stop_error}")
        after = self.target.session.counter.snapshot()
        run.report.requests = {k: after[k] - before[k] for k in after}
        run.report.seconds = time.monotonic() - started
        return run.report

    # -- the pipeline: plan (no request) -> resolve (in lookup batches) -> write (in write batches)

    def _plan(self, run: _Run, chunk: list[StockLevel]) -> None:
        """Validate a chunk and compare it with the ledger; what needs a write is queued for lookup."""
        desired: dict[str, Decimal] = {}
        for level in chunk:
            try:
                sku = check_sku(level.sku, max_length=self.target.max_sku_length, where=level.source or "sku")
                quantity = self.policy.apply(level.quantity, integer=self.target.integer_quantities)
            except InputError as exc:
                self._emit(run.report, SkuResult(level.sku, Result.FAILED, None, str(exc)))
                continue
            desired[sku] = quantity
        known = self.ledger.get_many(self.target.name, list(desired))
        for sku, quantity in desired.items():
            entry = known.get(sku)
            if not run.force and not run.verify and entry is not None and entry.is_synced_at(quantity):
                self._emit(run.report, SkuResult(sku, Result.UNCHANGED, quantity, remote_id=entry.remote_id))
            else:
                run.to_resolve.append((sku, quantity, entry))

    def _resolve_batch(self, run: _Run) -> None:
        batch = run.to_resolve[: self.target.resolve_batch]
        del run.to_resolve[: self.target.resolve_batch]
        # What the ledger kept of each record saves lookups, except when the target is
        # being checked (verify) or everything rewritten (force): then all is looked up.
        known = {} if run.force or run.verify else {
            sku: Remote(sku, entry.remote_id, data=entry.remote_data)
            for sku, _, entry in batch
            if entry is not None and entry.remote_id is not None and entry.remote_data is not None}
        try:
            skus = [sku for sku, _, _ in batch]
            remotes = self.target.resolve_known(skus, known) if known else self.target.resolve(skus)
        except AuthenticationError:
            raise
        except TargetError as exc:
            self._stop(run, [(sku, quantity) for sku, quantity, _ in batch], exc)
            return
        now = L.now()
        updates: list[LedgerEntry] = []
        changes: list[tuple[Change, LedgerEntry]] = []
        for sku, quantity, entry in batch:
            entry = entry or LedgerEntry(sku, L.PENDING)
            remote = remotes.get(sku)
            if remote is None or not remote.found:
                updates.append(entry.updated(status=L.NOT_FOUND, remote_id=None, remote_data=None, last_attempt=now,
                                             last_error="not found on the target", pending_quantity=quantity))
                self._emit(run.report, SkuResult(sku, Result.NOT_FOUND, quantity, "not found on the target"))
            elif remote.skip_reason:
                updates.append(entry.updated(status=L.SKIPPED, remote_id=remote.remote_id, last_attempt=now,
                                             remote_data=self.target.memo(remote),
                                             last_error=remote.skip_reason, pending_quantity=quantity))
                self._emit(run.report, SkuResult(sku, Result.SKIPPED, quantity, remote.skip_reason,
                                                 remote.remote_id))
            else:
                changes.append((Change(sku, remote, quantity),
                                entry.updated(remote_id=remote.remote_id, remote_data=self.target.memo(remote))))

        if run.verify and changes:
            try:
                changes = self._drop_matching(run, changes, updates)
            except AuthenticationError:
                raise
            except TargetError as exc:
                self.ledger.put_many(self.target.name, updates)
                self._stop(run, [(c.sku, c.quantity) for c, _ in changes], exc)
                return

        if self.dry_run:
            for change, entry in changes:
                updates.append(entry.updated(status=L.DRY_RUN, pending_quantity=change.quantity,
                                             remote_id=change.remote.remote_id, last_attempt=now))
                self._emit(run.report, SkuResult(change.sku, Result.WOULD_PUSH, change.quantity,
                                                 remote_id=change.remote.remote_id))
        else:
            run.to_write.extend(changes)
        self.ledger.put_many(self.target.name, updates)

    def _drop_matching(self, run: _Run, changes: list[tuple[Change, LedgerEntry]],
                       updates: list[LedgerEntry]) -> list[tuple[Change, LedgerEntry]]:
        """In verify mode: SKUs whose quantity on the target is already right need no write."""
        current = self.target.read([change.remote for change, _ in changes])
        remaining = []
        now = L.now()
        for change, entry in changes:
            actual = current.get(change.sku)
            decision = None
            if self.repairs is not None and not run.force and actual is not None:
                decision = self.repairs.decide(change.sku, actual, change.quantity)
            if decision is not None and decision.action in (FLAG, WAIT):
                # not written: the ledger keeps what it had, with the reason in view
                updates.append(entry.updated(last_error=decision.reason, last_attempt=now))
                self._emit(run.report, SkuResult(change.sku, Result.FLAGGED if decision.action == FLAG
                                                 else Result.WAITING, change.quantity, decision.reason,
                                                 change.remote.remote_id))
            elif not run.force and actual is not None and actual == change.quantity:
                updates.append(entry.updated(status=L.SYNCED, quantity=change.quantity, pending_quantity=None,
                                             remote_id=change.remote.remote_id, attempts=0, last_error=None,
                                             last_attempt=now, last_success=now))
                self._emit(run.report, SkuResult(change.sku, Result.UNCHANGED, change.quantity,
                                                 remote_id=change.remote.remote_id))
            else:
                remaining.append((change, entry))
        return remaining

    def _write_batch(self, run: _Run) -> None:
        batch = run.to_write[: self.target.write_batch]
        del run.to_write[: self.target.write_batch]
        name = self.target.name
        now = L.now()
        pending = {
            change.sku: entry.updated(status=L.PENDING, pending_quantity=change.quantity,
                                      remote_id=change.remote.remote_id, last_attempt=now)
            for change, entry in batch
        }
        self.ledger.put_many(name, pending.values())
        try:
            outcomes = self.target.write([change for change, _ in batch])
        except AuthenticationError:
            raise
        except TargetError as exc:
            message = redact(exc)
            outcomes = {change.sku: Outcome.failed(message) for change, _ in batch}
            if isinstance(exc, TargetUnavailable):
                run.stop_error = message
                log.warning("%s", message)
        done = L.now()
        updates = []
        for change, _ in batch:
            entry = pending[change.sku]
            outcome = outcomes.get(change.sku) or Outcome.failed("the target gave no result for this SKU")
            if outcome.gone and change.sku not in run.looked_up_again:
                # The record was deleted (or took another SKU) since the ledger learnt it:
                # nothing was written; find the SKU's record again, once.
                run.looked_up_again.add(change.sku)
                entry = entry.updated(remote_id=None, remote_data=None)
                updates.append(entry)
                run.to_resolve.append((change.sku, change.quantity, entry))
            elif outcome.ok:
                updates.append(entry.updated(status=L.SYNCED, quantity=change.quantity, pending_quantity=None,
                                             attempts=0, last_error=None, last_success=done))
                if run.verify and self.repairs is not None:
                    self.repairs.written(change.sku)
                self._emit(run.report, SkuResult(change.sku, Result.PUSHED, change.quantity,
                                                 remote_id=change.remote.remote_id))
            else:
                error = redact(outcome.error or "failed")
                updates.append(entry.updated(status=L.ERROR, attempts=entry.attempts + 1, last_error=error))
                self._emit(run.report, SkuResult(change.sku, Result.FAILED, change.quantity, error,
                                                 change.remote.remote_id))
        self.ledger.put_many(name, updates)

    def _stop(self, run: _Run, items: list[tuple[str, Decimal]], exc: TargetError) -> None:
        run.stop_error = redact(exc)
        log.warning("%s", run.stop_error)
        self._fail_all(run.report, items, run.stop_error, record=True)

    def _fail_all(self, report: Report, items: list[tuple[str, Decimal]], error: str, *, record: bool = False) -> None:
        """Fail every (sku, quantity); with ``record`` also count the attempt in the ledger."""
        now = L.now()
        known = self.ledger.get_many(self.target.name, [sku for sku, _ in items]) if record else {}
        updates = []
        for sku, quantity in items:
            if record:
                entry = known.get(sku) or LedgerEntry(sku, L.ERROR)
                status = L.PENDING if entry.status == L.PENDING else L.ERROR
                updates.append(entry.updated(status=status, attempts=entry.attempts + 1,
                                             last_error=error, last_attempt=now))
            self._emit(report, SkuResult(sku, Result.FAILED, quantity, error))
        if updates:
            self.ledger.put_many(self.target.name, updates)

    def _emit(self, report: Report, result: SkuResult) -> None:
        report.add(result, self.keep_results)
        if self.on_result is not None:
            self.on_result(result)


@dataclass
class _Run:
    """One sync's state: its report and the SKUs waiting for a lookup or a write."""

    report: Report
    force: bool
    verify: bool
    to_resolve: list[tuple[str, Decimal, LedgerEntry | None]] = field(default_factory=list)
    to_write: list[tuple[Change, LedgerEntry]] = field(default_factory=list)
    stop_error: str | None = None
    looked_up_again: set[str] = field(default_factory=set)  # SKUs whose record was gone at write time


def _chunks(levels: Iterable[StockLevel], size: int) -> Iterator[list[StockLevel]]:
    iterator = iter(levels)
    while chunk := list(islice(iterator, size)):
        yield chunk
