"""The push lock's lease (``inventree.locks.Lease``), without InvenTree: kept in a state row
of a real SQLite database, taken by several processes and threads at once."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from inventree_commerce_sync.inventree import locks

HOLD = 0.15


class SqliteState:
    """One state row, locked for writing (BEGIN IMMEDIATE) by the block that reads it."""

    def __init__(self, path: Path):
        self.path = str(path)
        with sqlite3.connect(self.path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY, data TEXT)")
            db.execute("INSERT OR IGNORE INTO state VALUES (1, '{}')")

    @contextmanager
    def locked(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            state = json.loads(db.execute("SELECT data FROM state WHERE id = 1").fetchone()[0])
            try:
                yield state
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("UPDATE state SET data = ? WHERE id = 1", (json.dumps(state),))
            db.execute("COMMIT")
        finally:
            db.close()


def _push_under_lease(db_path: str, log_path: str, pushes: int) -> None:
    """What each competitor does: take the lease, "push" for HOLD seconds, note when."""
    state = SqliteState(Path(db_path))
    lease = locks.Lease(state.locked)
    for _ in range(pushes):
        assert locks.wait_for(lease.try_acquire, 30)
        started = time.time()
        time.sleep(HOLD)
        ended = time.time()
        lease.release()
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{started} {ended}\n")


def _assert_no_overlap(log_path: Path, expected: int) -> None:
    spans = sorted(tuple(map(float, line.split())) for line in log_path.read_text().splitlines())
    assert len(spans) == expected
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start, f"two pushes overlapped: {spans}"


def test_pushes_in_several_processes_never_overlap(tmp_path):
    db, log = tmp_path / "state.db", tmp_path / "pushes.log"
    SqliteState(db)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_push_under_lease, args=(str(db), str(log), 3)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    _assert_no_overlap(log, 9)


def test_pushes_in_several_threads_never_overlap(tmp_path):
    db, log = tmp_path / "state.db", tmp_path / "pushes.log"
    SqliteState(db)
    threads = [threading.Thread(target=_push_under_lease, args=(str(db), str(log), 3)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    _assert_no_overlap(log, 12)


def test_a_held_lease_is_refused_until_released_or_expired(tmp_path):
    state = SqliteState(tmp_path / "state.db")
    now = [1000.0]
    first = locks.Lease(state.locked, seconds=60, clock=lambda: now[0])
    second = locks.Lease(state.locked, seconds=60, clock=lambda: now[0])
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.try_acquire()  # its own lease: renewed
    second.release()  # not its lease: nothing happens
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    now[0] += 61  # the holder died without releasing: the lease runs out
    assert first.try_acquire()


def test_waiting_gives_up_after_the_wait():
    calls = []
    clock = [0.0]

    def never() -> bool:
        calls.append(clock[0])
        return False

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    assert not locks.wait_for(never, 1.0, sleep=sleep, clock=lambda: clock[0])
    assert 5 <= len(calls) <= 7  # every POLL_SECONDS, then once at the end
    assert locks.wait_for(lambda: True, 0.0)


def test_each_target_has_its_own_lock_number():
    keys = {locks.lock_key(f"commerce-sync-{t}") for t in ("magento", "woocommerce", "zoho", "invoiceninja")}
    assert len(keys) == 4
    assert all(0 <= k < 2**31 for k in keys | {locks.NAMESPACE})
