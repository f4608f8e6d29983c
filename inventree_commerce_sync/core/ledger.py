"""What was pushed to each target, per SKU: the memory that makes a sync a diff.

Two implementations with one interface: ``MemoryLedger`` for tests and short runs, and
``SqliteLedger`` (stdlib sqlite3, WAL, one transaction per batch) for the command line.
The InvenTree layer keeps its own in plugin metadata, with the same interface.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from .errors import InputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None  # type: ignore[assignment]

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
    # What the client keeps of the record for the next sync (JSON values only; see
    # BaseTarget.memo), so that a known SKU costs fewer lookups. None: look it up.
    remote_data: Mapping[str, Any] | None = None

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


class LedgerError(InputError):
    """The ledger file cannot be used: not a ledger, another account's, or in use. Names the file."""


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
    remote_data TEXT,
    PRIMARY KEY (target, sku)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS account (
    target TEXT PRIMARY KEY,
    identity TEXT NOT NULL
)
"""
# Marks a SQLite file as this package's ledger ("ICSL"), so that another program's
# database given by mistake is refused instead of having tables added to it.
_APPLICATION_ID = 0x4943534C
_COLUMNS = ("sku", "status", "quantity", "pending_quantity", "remote_id",
            "attempts", "last_error", "last_attempt", "last_success", "remote_data")
# SQLite allows 999 bound parameters in older builds; stay below it.
_CHUNK = 900


class SqliteLedger:
    """A ledger in one SQLite file. Safe to share between threads of one process."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.is_dir():
            raise LedgerError(f"{self.path}: is a folder; name a ledger file (it is created if missing)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"{self.path}: cannot create its folder ({exc.strerror})") from None
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot be opened ({exc})") from None
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise LedgerError(f"{self.path}: is not a ledger ({exc}); name another file") from None
        except LedgerError:
            self._db.close()
            raise

    def _open(self) -> None:
        """Checks that the file is empty or a ledger before anything is written to it."""
        application_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        # A file written before ledgers were marked has the ledger table and no mark.
        if application_id != _APPLICATION_ID and (application_id or (tables and "ledger" not in tables)):
            raise LedgerError(f"{self.path}: is another program's SQLite database, not a ledger; name another file")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(ledger)")}
        if "remote_data" not in columns:  # a ledger written before entries kept remote data
            self._db.execute("ALTER TABLE ledger ADD COLUMN remote_data TEXT")
        self._db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")

    def claim_account(self, target: str, account: Mapping[str, Any]) -> None:
        """Records which account the entries of ``target`` belong to, or refuses another one.

        Entries kept before the ledger recorded its account are trusted for nothing: they
        become ``pending``, so the next sync writes each of them once.
        """
        identity = json.dumps(dict(account), sort_keys=True)
        with self._lock:
            row = self._db.execute("SELECT identity FROM account WHERE target = ?", [target]).fetchone()
            if row is not None and row[0] != identity:
                recorded = json.loads(row[0])
                differences = [f"{key} {recorded.get(key)!r} in the ledger, {account.get(key)!r} now"
                               for key in sorted(set(recorded) | set(account)) if recorded.get(key) != account.get(key)]
                raise LedgerError(f"{self.path}: belongs to another {target} account ({'; '.join(differences)}); "
                                  "name another ledger file, or none for one per account")
            if row is None:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("UPDATE ledger SET status = ? WHERE target = ? AND status = ?",
                                 [PENDING, target, SYNCED])
                self._db.execute("INSERT INTO account (target, identity) VALUES (?, ?)", [target, identity])
                self._db.execute("COMMIT")

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


class LedgerBusy(LedgerError):
    """Another process holds the ledger's lock."""


@contextmanager
def locked(ledger_path: str | Path, *, wait: float, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Holds the lock file beside a ledger, so that one process at a time syncs with it.

    Two syncs at once would both read the same ledger and the same stock, and a target
    written by deltas (Zoho) would get each change twice. Waits up to ``wait`` seconds
    (``on_wait`` is called once when it has to), then raises LedgerBusy.
    """
    lock_path = Path(f"{ledger_path}.lock")
    deadline = time.monotonic() + wait
    called = False
    while (release := _try_lock(lock_path)) is None:
        if time.monotonic() >= deadline:
            raise LedgerBusy(f"{ledger_path}: another push is running with this ledger (waited {wait:g} s)")
        if on_wait is not None and not called:
            on_wait()
            called = True
        time.sleep(max(0.0, min(0.1, deadline - time.monotonic())))
    try:
        yield
    finally:
        release()


def _try_lock(lock_path: Path) -> Callable[[], None] | None:
    """The lock's release function, or None when another process holds it."""
    try:
        if fcntl is None and msvcrt is None:  # neither: a file that exists while the lock is held
            try:
                os.close(os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return None
            return lambda: os.unlink(lock_path)
        handle = open(lock_path, "a+b")
    except OSError as exc:
        raise LedgerError(f"{lock_path}: cannot create the ledger's lock file ({exc.strerror})") from None
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.close()
        return None

    def release() -> None:
        if fcntl is None:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        handle.close()  # closing the file releases a flock

    return release


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def remote_data_to_json(data: Mapping[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(dict(data), sort_keys=True, separators=(",", ":"))


def remote_data_from_json(text: str | None) -> dict[str, Any] | None:
    """The remote data kept as JSON text; None (look the SKU up) for text that is not a JSON object."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _from_row(row: tuple) -> LedgerEntry:
    sku, status, quantity, pending, remote_id, attempts, error, attempt, success, remote_data = row
    return LedgerEntry(sku, status, _dec(quantity), _dec(pending), remote_id, attempts, error, attempt, success,
                       remote_data_from_json(remote_data))


def _to_row(target: str, e: LedgerEntry) -> tuple:
    return (
        target, e.sku, e.status,
        None if e.quantity is None else str(e.quantity),
        None if e.pending_quantity is None else str(e.pending_quantity),
        e.remote_id, e.attempts, e.last_error, e.last_attempt, e.last_success, remote_data_to_json(e.remote_data),
    )


def now() -> float:
    return time.time()
