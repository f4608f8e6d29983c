"""Coalescing: many change notifications for the same keys become one push per key.

A ``Coalescer`` collects the keys (part ids) that changed. The first key marked after a
drain asks, once, for a flush to be scheduled (in InvenTree: one background task offloaded
with a short delay); the flush drains every key marked until then and syncs them together.
A burst of a thousand events on twenty parts therefore costs one flush of twenty parts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K")


class Coalescer(Generic[K]):
    def __init__(self, schedule_flush: Callable[[], None]):
        self._schedule_flush = schedule_flush
        self._dirty: set[K] = set()
        self._flush_scheduled = False
        self._lock = threading.Lock()

    def mark(self, keys: Iterable[K]) -> None:
        with self._lock:
            self._dirty.update(keys)
            if not self._dirty or self._flush_scheduled:
                return
            self._flush_scheduled = True
        self._schedule_flush()

    def drain(self) -> set[K]:
        """Every key marked since the last drain; the next mark schedules a new flush."""
        with self._lock:
            keys, self._dirty = self._dirty, set()
            self._flush_scheduled = False
        return keys

    def __len__(self) -> int:
        with self._lock:
            return len(self._dirty)
