"""Dirty parts and the flush that pushes them: one worker task serves every target.

A stock change marks its parts dirty for every enabled commerce sync plugin at once (one
transaction, the plugins' state rows locked in order) and, when no flush is queued for a
target yet, queues one flush task:

- no burst under way (the previous mark is older than ``QUIET_SECONDS``): due at once;
- a burst (marks closer together than that): due when the marks have been quiet for
  ``QUIET_SECONDS``, at most ``MAX_WAIT_SECONDS`` after the burst's first mark.

The flush runs in a thread of the process that marked (``_LocalFlusher``: InvenTree's one
worker queue can be minutes behind during a burst), and a worker task queued with it runs
``BACKUP_SECONDS`` later in case that process ended first. A queued task waits without
costing the worker anything: with django-q's database broker (InvenTree's default) its
queue row is locked until the due time, with another broker a one-off schedule is used.

The flush pushes each due target's dirty parts, the targets side by side (under each
target's push lock, see ``locks.py``), each push importing that target's new orders first
(``orders_first.py``: a sale on the shop is counted before its figure is sent). Parts taken by a flush whose process died are pushed
again after ``INFLIGHT_STALE_SECONDS``. A target that was down, refused (5xx, 429) or failed unexpectedly keeps its
parts and is retried on its own after ``RETRY_FIRST_SECONDS``, doubling up to
``RETRY_MAX_SECONDS``; the error and the retry time are in the plugin's status.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from ..core.redact import get_logger, redact
from .state import locked_states

log = get_logger(__name__)

QUIET_SECONDS = 2.0  # marks closer together than this are a burst; it ends after this quiet
MAX_WAIT_SECONDS = 20.0  # a long burst is still pushed this often
FLUSH_STALE_SECONDS = 300.0  # a queued flush that has not run by then is taken as lost
RETRY_FIRST_SECONDS = 15.0
RETRY_MAX_SECONDS = 90.0  # with the quiet and the worker's poll, a shop that is back is exact within 2 min
LOCK_WAIT_SECONDS = 30.0  # how long a flush waits for another push to the same target
PARALLEL_PUSHES = True  # one thread per target (the tests turn it off: threads do not see a test's data)
LOCAL_PUSHES = True  # flush from a thread of the process that marked (off in the tests, see _LocalFlusher)
BACKUP_SECONDS = 30.0  # the worker task queued with a local flush runs this much later
INFLIGHT_STALE_SECONDS = 600.0  # parts taken by a flush that never reported back are pushed again
FLUSH_TASK = "inventree_commerce_sync.inventree.tasks.flush"


# -- which plugins ---------------------------------------------------------------------------

def active_plugins() -> list:
    """The active commerce sync plugins, in slug order (no database query)."""
    from plugin.registry import registry

    from .base import CommerceSyncPlugin

    found = []
    for plugin in list(registry.plugins.values()):
        if not isinstance(plugin, CommerceSyncPlugin):
            continue
        config = getattr(plugin, "db", None)
        if config is not None and not config.is_active():
            continue
        found.append(plugin)
    return sorted(found, key=lambda p: p.slug)


def enabled_plugins() -> list:
    """The active commerce sync plugins with "Enable sync" on."""
    found = []
    for plugin in active_plugins():
        try:
            if plugin.sync_enabled():
                found.append(plugin)
        except Exception:  # a broken setting must not stop the other targets
            log.exception("commerce sync: cannot read the settings of %s", plugin.slug)
    return found


# -- marking ---------------------------------------------------------------------------------

def mark_dirty(plugins: Sequence, part_ids: Iterable[int]) -> None:
    """Add parts to the dirty set of each plugin, and queue a flush where none is queued."""
    new = {int(p) for p in part_ids}
    if not new or not plugins:
        return
    now = time.time()
    due_at = None
    with locked_states(plugins) as states:
        for state in states.values():
            previous = state.get("last_mark")
            state["dirty"] = sorted(set(state.get("dirty") or ()) | new)
            state["first_mark"] = state.get("first_mark") or now
            state["last_mark"] = now
            if _flush_queued(state, now):
                continue
            burst = previous is not None and now - float(previous) < QUIET_SECONDS
            state["burst"] = burst
            due = now + (QUIET_SECONDS if burst else 0.0)
            state["flush_due"] = due
            due_at = due if due_at is None else min(due_at, due)
        if due_at is not None:
            # inside the transaction: a rollback takes the queued flush with it
            queue_flush(max(due_at - now, 0.0))


def _flush_queued(state: dict, now: float) -> bool:
    due = state.get("flush_due")
    return due is not None and now - float(due) < FLUSH_STALE_SECONDS


def queue_flush(delay: float = 0.0, *, backup: bool = True) -> None:
    """Have the dirty parts flushed after ``delay`` seconds: by a thread of this process
    (``LOCAL_PUSHES``), with a worker task ``BACKUP_SECONDS`` later in case this process
    ends first (``backup``); else by a worker task after ``delay`` (0: as soon as it can)."""
    if LOCAL_PUSHES:
        from django.db import transaction

        transaction.on_commit(functools.partial(_local.wake, delay))  # once the marks are visible
        if not backup:
            return
        delay += BACKUP_SECONDS
    if delay <= 0:
        from InvenTree.tasks import offload_task

        # No duplicate check: the states already allow one queued flush per target.
        offload_task(FLUSH_TASK, force_async=True, check_duplicates=False, group="commerce_sync")
        return
    _queue_later(delay)


def _queue_later(delay: float) -> None:
    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.tasks import async_task, schedule

    broker = get_broker()
    if isinstance(broker, ORM):
        async_task(FLUSH_TASK, group="commerce_sync", broker=_LaterORM(broker.list_key, delay))
    else:
        from django_q.models import Schedule

        # deleted once it ran (a ONCE schedule with repeats < 0)
        schedule(FLUSH_TASK, schedule_type=Schedule.ONCE, next_run=timezone.now() + timedelta(seconds=delay))


try:  # django-q is there wherever InvenTree is; the pure tests import this module without it
    from django_q.brokers.orm import ORM as _ORM
except ImportError:  # pragma: no cover
    _ORM = object


class _LaterORM(_ORM):
    """django-q's database broker, with the new queue row locked until the due time: the
    pusher takes only rows whose lock has passed, so the task waits without a worker."""

    def __init__(self, list_key: str, delay: float):
        super().__init__(list_key=list_key)
        self.delay = delay

    def enqueue(self, task):
        from django.utils import timezone

        pk = super().enqueue(task)
        self.get_connection().filter(pk=pk).update(lock=timezone.now() + timedelta(seconds=self.delay))
        return pk


class _LocalFlusher:
    """One thread per process that runs the flush when it is due, then ends.

    Why not only the worker: its one queue is shared with every InvenTree task, and a burst
    of stock changes queues several of InvenTree's own tasks per change, so a flush task can
    wait minutes there. The thread pushes within the second; the worker task queued with it
    is the backup for a process that ends first (it finds nothing left to do otherwise).
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._wake_at: float | None = None
        self._thread: threading.Thread | None = None

    def wake(self, delay: float) -> None:
        at = time.time() + max(delay, 0.0)
        with self._cond:
            if self._wake_at is None or at < self._wake_at:
                self._wake_at = at
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="commerce-sync-flush", daemon=True)
                self._thread.start()
            else:
                self._cond.notify()

    def _run(self) -> None:
        from django.db import connection

        while True:
            with self._cond:
                while self._wake_at is not None and self._wake_at > time.time():
                    self._cond.wait(self._wake_at - time.time())
                if self._wake_at is None:
                    self._thread = None
                    return
                self._wake_at = None
            try:
                flush()
            except Exception:  # the backup task will try again
                log.exception("commerce sync: the flush failed")
            finally:
                connection.close()


_local = _LocalFlusher()


# -- the flush -------------------------------------------------------------------------------

def take_due(plugins: Sequence, now: float | None = None) -> dict[str, list[int]]:
    """{slug: dirty parts} of the targets whose flush is due now (their sets emptied).
    A target in a burst that is not over is re-queued for the burst's end instead."""
    from ..core.coalesce import flush_wait

    now = time.time() if now is None else now
    taken: dict[str, list[int]] = {}
    later = None
    with locked_states(plugins) as states:
        for slug, state in states.items():
            if state.get("inflight") and now - float(state.get("inflight_at") or 0) > INFLIGHT_STALE_SECONDS:
                # taken by a flush whose process ended before it said how the push went
                state["dirty"] = sorted(set(state.get("dirty") or ()) | set(state["inflight"]))
                state["inflight"] = []
            due = state.get("flush_due")
            retry_at = float(state.get("retry_at") or 0)
            dirty = list(state.get("dirty") or ())
            if not dirty:
                if due is not None and float(due) <= now + 0.5:
                    state["flush_due"] = None
                continue
            if due is not None and float(due) > now + 0.5 and _flush_queued(state, now):
                continue  # another flush task is queued for it
            if retry_at > now + 0.5:
                continue
            if state.get("burst"):
                first = float(state.get("first_mark") or now)
                last = float(state.get("last_mark") or now)
                wait = flush_wait(first, last, now, quiet=QUIET_SECONDS, max_wait=MAX_WAIT_SECONDS)
                if wait > 0.5:
                    state["flush_due"] = now + wait
                    later = wait if later is None else min(later, wait)
                    continue
            state.update(dirty=[], first_mark=None, burst=False, flush_due=None, inflight_at=now,
                         inflight=sorted(set(state.get("inflight") or ()) | set(dirty)))
            taken[slug] = dirty
        if later is not None:
            queue_flush(later, backup=False)  # the backup queued with the first mark still waits
    return taken


def flush(plugins: Sequence | None = None) -> dict[str, object]:
    """Run by the worker: push the dirty parts of every due target. Returns {slug: report}."""
    plugins = enabled_plugins() if plugins is None else list(plugins)
    by_slug = {p.slug: p for p in plugins}
    taken = take_due(plugins)
    if PARALLEL_PUSHES and len(taken) > 1:
        # The targets are pushed side by side: a change reaches the last shop after the
        # slowest push, not after the sum of the four.
        with ThreadPoolExecutor(len(taken), thread_name_prefix="commerce-sync") as pool:
            futures = {slug: pool.submit(_in_thread, _flush_one, by_slug[slug], parts)
                       for slug, parts in taken.items()}
            return {slug: future.result() for slug, future in futures.items()}
    return {slug: _flush_one(by_slug[slug], parts) for slug, parts in taken.items()}


def _in_thread(function, *args):
    from django.db import connection

    try:
        return function(*args)
    finally:
        connection.close()  # each thread has its own connection; do not leave it open


def _flush_one(plugin, parts: list[int]):
    from . import sync

    try:
        outcome = sync.push(plugin, parts, lock_wait=LOCK_WAIT_SECONDS)
    except Exception as exc:  # unexpected: keep the parts, back off, show the error
        log.exception("commerce sync: the flush of %s failed", plugin.slug)
        retry_later(plugin, parts, f"unexpected error: {redact(exc)}")
        return None
    if outcome.retry_error is not None:
        retry_later(plugin, parts, outcome.retry_error)
    else:
        _pushed(plugin, parts)
    return outcome.report


def retry_later(plugin, part_ids: Iterable[int], error: str) -> float:
    """Keep the parts dirty and retry them after the next backoff step; returns the delay."""
    now = time.time()
    parts = {int(p) for p in part_ids}
    with locked_states([plugin]) as states:
        state = states.get(plugin.slug)
        if state is None:
            return 0.0
        previous = float(state.get("retry_delay") or 0)
        delay = min(max(RETRY_FIRST_SECONDS, previous * 2), RETRY_MAX_SECONDS)
        state.update(dirty=sorted(set(state.get("dirty") or ()) | parts), retry_delay=delay,
                     inflight=sorted(set(state.get("inflight") or ()) - parts),
                     retry_at=now + delay, flush_due=now + delay, burst=False, last_error=error,
                     failures=int(state.get("failures") or 0) + 1)
        queue_flush(delay)
    log.warning("commerce sync: %s; retrying in %.0f s", error, delay)
    return delay


def _pushed(plugin, part_ids: Iterable[int]) -> None:
    """The push went through: the parts are no longer in flight, the backoff starts over."""
    parts = set(part_ids)
    with locked_states([plugin]) as states:
        state = states.get(plugin.slug)
        if state is not None:
            state.update(inflight=sorted(set(state.get("inflight") or ()) - parts))
            if state.get("retry_at") or state.get("failures"):
                state.update(retry_at=None, retry_delay=None, failures=0)
