"""What was pushed to each target, per SKU: the memory that makes a sync a diff.

Two implementations with one interface: ``MemoryLedger`` for tests and short runs, and
``SqliteLedger`` (stdlib sqlite3, WAL, one transaction per batch) for the command line.
The InvenTree layer keeps its own in plugin metadata, with the same interface.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Protocol

# Statuses an entry can have. "pending" means a write was started and not confirmed:
# the next sync writes it again whatever the quantities say.
SYNCED = "synced"
PENDING = "pending"
DRY_RUN = "dry_run"
NOT_FOUND = "not_found"
SKIPPED = "skipped"
ERROR = "error"
STATUSES = (SYNCED, PENDING, DRY_RUN, NOT_FOUND, SKIPPED, ERROR)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    sku: str
    status: str
    quantity: Decimal | None = None  # last quantity the target confirmed
    pending_quantity: Decimal | None = None  # quantity being written, or that dry-run would write
    remote_id: str | None = None
    attempts: int = 0  # consecutive failed attempts
    last_error: str | None = None
    last_attempt: float | None = None
    last_success: float | None = None

    def is_synced_at(self, quantity: Decimal) -> bool:
        return self.status == SYNCED and self.quantity is not None and self.quantity == quantity

    def updated(self, **changes) -> LedgerEntry:
        return replace(self, **changes)


class Ledger(Protocol):
    def get_many(self, target: str, skus: Sequence[str]) -> dict[str, LedgerEntry]: ...
    def put_many(self, target: str, entries: Iterable[LedgerEntry]) -> None: ...
    def entries(self, target: str) -> Iterator[LedgerEntry]: ...


class MemoryLedger:
    def __init__(self) -> None:
        self._data: dict[tuple[str, str], LedgerEntry] = {}
        self._lock = threading.Lock()

    def get_many(self, target: str, skus: Sequence[str]) -> dict[str, LedgerEntry]:
        with self._lock:
            return {sku: self._data[(target, sku)] for sku in skus if (target, sku) in self._data}

    def put_many(self, target: str, entries: Iterable[LedgerEntry]) -> None:
        with self._lock:
            for entry in entries:
                self._data[(target, entry.sku)] = entry

    def entries(self, target: str) -> Iterator[LedgerEntry]:
        with self._lock:
            items = [e for (t, _), e in self._data.items() if t == target]
        return iter(sorted(items, key=lambda e: e.sku))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    target TEXT NOT NULL,
    sku TEXT NOT NULL,
    status TEXT NOT NULL,
    quantity TEXT,
    pending_quantity TEXT,
    remote_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt REAL,
    last_success REAL,
    PRIMARY KEY (target, sku)
) WITHOUT ROWID
"""
_COLUMNS = ("sku", "status", "quantity", "pending_quantity", "remote_id",
            "attempts", "last_error", "last_attempt", "last_success")
# SQLite allows 999 bound parameters in older builds; stay below it.
_CHUNK = 900


class SqliteLedger:
    """A ledger in one SQLite file. Safe to share between threads of one process."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get_many(self, target: str, skus: Sequence[str]) -> dict[str, LedgerEntry]:
        found: dict[str, LedgerEntry] = {}
        with self._lock:
            for start in range(0, len(skus), _CHUNK):
                chunk = list(skus[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT {', '.join(_COLUMNS)} FROM ledger WHERE target = ? AND sku IN ({marks})",
                    [target, *chunk],
                )
                for row in rows:
                    entry = _from_row(row)
                    found[entry.sku] = entry
        return found

    def put_many(self, target: str, entries: Iterable[LedgerEntry]) -> None:
        rows = [_to_row(target, e) for e in entries]
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    f"INSERT OR REPLACE INTO ledger (target, {', '.join(_COLUMNS)}) "
                    f"VALUES ({','.join('?' * (len(_COLUMNS) + 1))})",
                    rows,
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def entries(self, target: str) -> Iterator[LedgerEntry]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM ledger WHERE target = ? ORDER BY sku", [target]
            ).fetchall()
        return (_from_row(row) for row in rows)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _from_row(row: tuple) -> LedgerEntry:
    sku, status, quantity, pending, remote_id, attempts, error, attempt, success = row
    return LedgerEntry(sku, status, _dec(quantity), _dec(pending), remote_id, attempts, error, attempt, success)


def _to_row(target: str, e: LedgerEntry) -> tuple:
    return (
        target, e.sku, e.status,
        None if e.quantity is None else str(e.quantity),
        None if e.pending_quantity is None else str(e.pending_quantity),
        e.remote_id, e.attempts, e.last_error, e.last_attempt, e.last_success,
    )


def now() -> float:
    return time.time()
