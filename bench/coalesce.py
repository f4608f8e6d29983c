"""An in-memory coalescer for the burst benchmark, standing in for the InvenTree layer's
flush (which keeps its marks in the database, for several worker processes).

A ``Coalescer`` collects the keys (part ids) that changed. The first key marked after a
flush asks, once, for a flush to be scheduled. When the flush runs, ``take`` hands over
every key marked until then, unless the burst is still going on: then it asks for the flush
to be scheduled again, as long as ``core.coalesce.flush_wait`` says.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from inventree_commerce_sync.core.coalesce import flush_wait

K = TypeVar("K")


class Coalescer(Generic[K]):
    def __init__(self, schedule_flush: Callable[[float], None], *, quiet: float = 1.0, max_wait: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self._schedule_flush = schedule_flush
        self.quiet = quiet
        self.max_wait = max_wait
        self._clock = clock
        self._dirty: set[K] = set()
        self._first_mark: float | None = None
        self._last_mark = 0.0
        self._flush_scheduled = False
        self._lock = threading.Lock()

    def mark(self, keys: Iterable[K]) -> None:
        with self._lock:
            before = len(self._dirty)
            self._dirty.update(keys)
            if len(self._dirty) == before and not self._dirty:
                return
            now = self._clock()
            self._last_mark = now
            if self._first_mark is None:
                self._first_mark = now
            if self._flush_scheduled:
                return
            self._flush_scheduled = True
        self._schedule_flush(self.quiet)

    def take(self) -> set[K] | None:
        """For the scheduled flush: the keys to sync now, or None if the burst goes on (the
        flush has then been scheduled again)."""
        with self._lock:
            if not self._dirty:
                self._flush_scheduled = False
                return set()
            now = self._clock()
            assert self._first_mark is not None
            wait = flush_wait(self._first_mark, self._last_mark, now, quiet=self.quiet, max_wait=self.max_wait)
            if wait <= 0:
                keys, self._dirty = self._dirty, set()
                self._first_mark = None
                self._flush_scheduled = False
                return keys
        self._schedule_flush(wait)
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._dirty)
