"""The sync engine: desired levels + ledger + target -> plan -> resolve -> write -> report.

Levels are taken in chunks, so that memory stays flat however many SKUs there are. For
each chunk: SKUs whose quantity equals what the ledger says the target already has are
``unchanged`` and cost no request; the rest are resolved in the target's lookup batches,
written in its largest write batches, and recorded in the ledger batch by batch, so that
a crash loses at most the batch in flight, and that batch is marked ``pending`` first.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from itertools import islice
from typing import Any

from . import ledger as L
from .errors import AuthenticationError, InputError, TargetError, TargetUnavailable
from .ledger import Ledger, LedgerEntry
from .levels import QuantityPolicy, StockLevel, check_sku
from .redact import get_logger, redact
from .target import Change, Outcome, Remote, Target

log = get_logger(__name__)


class Result(str, Enum):
    PUSHED = "pushed"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"
    FAILED = "failed"
    WOULD_PUSH = "would_push"

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


class SyncEngine:
    """Pushes absolute stock levels to one target.

    ``dry_run`` resolves (reads are harmless) but writes nothing, and records in the ledger
    what it would have written. ``on_result`` sees every SkuResult as it is decided;
    ``keep_results=False`` keeps only the counts in the report (for very large syncs).
    """

    def __init__(
        self,
        target: Target,
        ledger: Ledger,
        *,
        policy: QuantityPolicy | None = None,
        dry_run: bool = False,
        chunk_size: int | None = None,
        keep_results: bool = True,
        on_result: Callable[[SkuResult], None] | None = None,
        progress: ProgressFn | None = None,
    ):
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

        Raises AuthenticationError at once when the credentials are refused. Any other
        target error fails the SKUs it concerns and stops the sync, reporting the rest failed
        as not attempted, so that a target that is down costs one error, not one per chunk.
        """
        started = time.monotonic()
        before = self.target.session.counter.snapshot()
        report = Report(self.target.name, dry_run=self.dry_run)
        self.target.start_sync()
        stop_error: str | None = None
        done = 0
        for chunk in _chunks(levels, self.chunk_size):
            if stop_error is not None:
                self._fail_all(report, [(lv.sku, lv.quantity) for lv in chunk], f"not attempted: {stop_error}")
            else:
                stop_error = self._sync_chunk(report, chunk, force=force, verify=verify)
            done += len(chunk)
            if self.progress:
                self.progress(self.target.name, done)
        after = self.target.session.counter.snapshot()
        report.requests = {k: after[k] - before[k] for k in after}
        report.seconds = time.monotonic() - started
        return report

    # -- one chunk ----------------------------------------------------------------------

    def _sync_chunk(self, report: Report, chunk: list[StockLevel], *, force: bool, verify: bool) -> str | None:
        """Sync one chunk; returns the error that should stop the sync, if any."""
        desired: dict[str, Decimal] = {}
        for level in chunk:
            try:
                sku = check_sku(level.sku, max_length=self.target.max_sku_length, where=level.source or "sku")
                quantity = self.policy.apply(level.quantity, integer=self.target.integer_quantities)
            except InputError as exc:
                self._emit(report, SkuResult(level.sku, Result.FAILED, None, str(exc)))
                continue
            desired[sku] = quantity

        known = self.ledger.get_many(self.target.name, list(desired))
        todo: list[str] = []
        for sku, quantity in desired.items():
            entry = known.get(sku)
            if not force and not verify and entry is not None and entry.is_synced_at(quantity):
                self._emit(report, SkuResult(sku, Result.UNCHANGED, quantity, remote_id=entry.remote_id))
            else:
                todo.append(sku)
        if not todo:
            return None

        try:
            remotes = self._resolve(todo)
        except AuthenticationError:
            raise
        except TargetError as exc:
            return self._stop(report, [(sku, desired[sku]) for sku in todo], exc)
        now = L.now()
        updates: list[LedgerEntry] = []
        changes: list[Change] = []
        for sku in todo:
            entry = known.get(sku) or LedgerEntry(sku, L.PENDING)
            remote = remotes.get(sku)
            quantity = desired[sku]
            if remote is None or not remote.found:
                updates.append(entry.updated(status=L.NOT_FOUND, remote_id=None, last_attempt=now,
                                             last_error="not found on the target", pending_quantity=quantity))
                self._emit(report, SkuResult(sku, Result.NOT_FOUND, quantity, "not found on the target"))
            elif remote.skip_reason:
                updates.append(entry.updated(status=L.SKIPPED, remote_id=remote.remote_id, last_attempt=now,
                                             last_error=remote.skip_reason, pending_quantity=quantity))
                self._emit(report, SkuResult(sku, Result.SKIPPED, quantity, remote.skip_reason, remote.remote_id))
            else:
                changes.append(Change(sku, remote, quantity))

        if verify and changes:
            try:
                changes = self._drop_matching(report, changes, known, updates, force=force)
            except AuthenticationError:
                raise
            except TargetError as exc:
                self.ledger.put_many(self.target.name, updates)
                return self._stop(report, [(c.sku, c.quantity) for c in changes], exc)

        if self.dry_run:
            for change in changes:
                entry = known.get(change.sku) or LedgerEntry(change.sku, L.DRY_RUN)
                updates.append(entry.updated(status=L.DRY_RUN, pending_quantity=change.quantity,
                                             remote_id=change.remote.remote_id, last_attempt=now))
                self._emit(report, SkuResult(change.sku, Result.WOULD_PUSH, change.quantity,
                                             remote_id=change.remote.remote_id))
            self.ledger.put_many(self.target.name, updates)
            return None
        self.ledger.put_many(self.target.name, updates)

        size = self.target.write_batch
        for start in range(0, len(changes), size):
            stop_error = self._write_batch(report, changes[start : start + size], known)
            if stop_error is not None:
                rest = changes[start + size :]
                self._fail_all(report, [(c.sku, c.quantity) for c in rest], f"not attempted: {stop_error}")
                return stop_error
        return None

    def _stop(self, report: Report, items: list[tuple[str, Decimal]], exc: TargetError) -> str:
        message = redact(exc)
        log.warning("%s", message)
        self._fail_all(report, items, message, record=True)
        return message

    def _resolve(self, skus: list[str]) -> dict[str, Remote]:
        remotes: dict[str, Remote] = {}
        for start in range(0, len(skus), self.target.resolve_batch):
            remotes.update(self.target.resolve(skus[start : start + self.target.resolve_batch]))
        return remotes

    def _drop_matching(self, report: Report, changes: list[Change], known: dict[str, LedgerEntry],
                       updates: list[LedgerEntry], *, force: bool) -> list[Change]:
        """In verify mode: SKUs whose quantity on the target is already right need no write."""
        current = self.target.read([c.remote for c in changes])
        remaining = []
        now = L.now()
        for change in changes:
            actual = current.get(change.sku)
            if not force and actual is not None and actual == change.quantity:
                entry = known.get(change.sku) or LedgerEntry(change.sku, L.SYNCED)
                updates.append(entry.updated(status=L.SYNCED, quantity=change.quantity, pending_quantity=None,
                                             remote_id=change.remote.remote_id, attempts=0, last_error=None,
                                             last_attempt=now, last_success=now))
                self._emit(report, SkuResult(change.sku, Result.UNCHANGED, change.quantity,
                                             remote_id=change.remote.remote_id))
            else:
                remaining.append(change)
        return remaining

    def _write_batch(self, report: Report, batch: list[Change], known: dict[str, LedgerEntry]) -> str | None:
        """Write one batch; returns the error that should stop the sync (target unreachable)."""
        name = self.target.name
        now = L.now()
        pending = {
            c.sku: (known.get(c.sku) or LedgerEntry(c.sku, L.PENDING)).updated(
                status=L.PENDING, pending_quantity=c.quantity, remote_id=c.remote.remote_id, last_attempt=now
            )
            for c in batch
        }
        self.ledger.put_many(name, pending.values())
        stop_error = None
        try:
            outcomes = self.target.write(batch)
        except AuthenticationError:
            raise
        except TargetError as exc:
            message = redact(exc)
            outcomes = {c.sku: Outcome.failed(message) for c in batch}
            if isinstance(exc, TargetUnavailable):
                stop_error = message
        done = L.now()
        updates = []
        for change in batch:
            entry = pending[change.sku]
            outcome = outcomes.get(change.sku) or Outcome.failed("the target gave no result for this SKU")
            if outcome.ok:
                updates.append(entry.updated(status=L.SYNCED, quantity=change.quantity, pending_quantity=None,
                                             attempts=0, last_error=None, last_success=done))
                self._emit(report, SkuResult(change.sku, Result.PUSHED, change.quantity,
                                             remote_id=change.remote.remote_id))
            else:
                error = redact(outcome.error or "failed")
                updates.append(entry.updated(status=L.ERROR, attempts=entry.attempts + 1, last_error=error))
                self._emit(report, SkuResult(change.sku, Result.FAILED, change.quantity, error,
                                             change.remote.remote_id))
        self.ledger.put_many(name, updates)
        return stop_error

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


def _chunks(levels: Iterable[StockLevel], size: int) -> Iterator[list[StockLevel]]:
    iterator = iter(levels)
    while chunk := list(islice(iterator, size)):
        yield chunk
