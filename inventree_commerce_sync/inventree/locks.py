"""One push at a time per target, across every web process and worker: a database lock.

A cache entry is no lock when InvenTree runs without a shared cache (each process has its
own). On PostgreSQL the lock is a session advisory lock (``pg_try_advisory_lock``): no long
transaction, and the server drops it by itself if the process holding it dies. On MySQL /
MariaDB it is ``GET_LOCK``. Elsewhere (SQLite) it is a lease kept in the plugin's state row
and taken under that row's lock: it expires after ``LEASE_SECONDS`` if its holder died.

The lease logic is plain code (``Lease``) over any "locked read-modify-write of a dict", so
that it can be tested without InvenTree.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

NAMESPACE = zlib.crc32(b"inventree_commerce_sync") & 0x7FFFFFFF
LEASE_KEY = "push_lease"
LEASE_SECONDS = 900.0
POLL_SECONDS = 0.2


def lock_key(slug: str) -> int:
    """The advisory lock number of one target (a 31-bit hash of the plugin slug)."""
    return zlib.crc32(slug.encode("utf-8")) & 0x7FFFFFFF


def wait_for(try_once: Callable[[], bool], wait: float, *, sleep: Callable[[float], None] = time.sleep,
             clock: Callable[[], float] = time.monotonic) -> bool:
    """Call ``try_once`` until it returns True or ``wait`` seconds have passed."""
    deadline = clock() + max(wait, 0.0)
    while True:
        if try_once():
            return True
        if clock() >= deadline:
            return False
        sleep(min(POLL_SECONDS, max(deadline - clock(), 0.0)))


class Lease:
    """A lock held as {"owner", "until"} under ``LEASE_KEY`` of a state dict.

    ``locked_state()`` must return a context manager yielding the state dict, locked against
    every other writer for the block and saved after it (or None when there is no state).
    """

    def __init__(self, locked_state: Callable[[], AbstractContextManager[dict[str, Any] | None]], *,
                 seconds: float = LEASE_SECONDS, clock: Callable[[], float] = time.time):
        self.locked_state = locked_state
        self.seconds = seconds
        self.clock = clock
        self.owner = f"{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"

    def try_acquire(self) -> bool:
        with self.locked_state() as state:
            if state is None:
                return True  # nothing to lock against (no config row): nothing to protect either
            now = self.clock()
            lease = state.get(LEASE_KEY) or {}
            if lease and lease.get("owner") != self.owner and float(lease.get("until") or 0) > now:
                return False
            state[LEASE_KEY] = {"owner": self.owner, "until": now + self.seconds}
            return True

    def release(self) -> None:
        with self.locked_state() as state:
            if state is not None and (state.get(LEASE_KEY) or {}).get("owner") == self.owner:
                state.pop(LEASE_KEY, None)


@contextmanager
def target_lock(plugin, *, wait: float) -> Iterator[bool]:
    """Hold the push lock of ``plugin``'s target for the block; yields False (and holds
    nothing) if another process kept it for ``wait`` seconds."""
    from django.db import connection

    vendor = connection.vendor
    if vendor == "postgresql":
        key = lock_key(plugin.slug)

        def try_once() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
                return bool(cursor.fetchone()[0])

        def release() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key])
    elif vendor == "mysql":
        name = f"commerce_sync:{plugin.slug}"

        def try_once() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
                return cursor.fetchone()[0] == 1

        def release() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
    else:
        from .state import locked_state

        lease = Lease(lambda: locked_state(plugin))
        try_once, release = lease.try_acquire, lease.release

    acquired = wait_for(try_once, wait)
    try:
        yield acquired
    finally:
        if acquired:
            release()
