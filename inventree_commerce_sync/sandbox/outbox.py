"""Webhook deliveries of a sandbox: what a shop's background job sends, sent from one thread.

An ``Outbox`` takes deliveries (``send``) into a bounded queue (one beyond it is logged as
dropped, never blocks the request that caused it) and posts them from one background
thread: only to ``http://127.0.0.1`` or ``localhost`` (anything else is logged as refused,
unsent), redirects never followed (a 3xx is the answer), each attempt bounded by a timeout,
no retry. ``log`` keeps the last deliveries (bounded); ``drain(timeout)`` waits until all
queued deliveries were attempted and says whether they were. The thread starts with the
first delivery and ends after ``idle`` seconds without one; whether it ends is decided
under the same lock ``send`` takes, so a delivery queued meanwhile never waits for the next.
"""

from __future__ import annotations

import http.client
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

REFUSED = "the sandbox delivers to 127.0.0.1 only"
FULL = "the sandbox's delivery queue is full"

# Called on the delivery thread after the attempt: (HTTP status or None, error text or None).
Done = Callable[[int | None, str | None], None]


@dataclass(frozen=True)
class Delivery:
    url: str
    body: bytes
    headers: Mapping[str, str]
    method: str = "POST"
    about: Mapping[str, Any] = field(default_factory=dict)  # what the log keeps besides status and error
    done: Done | None = None


class Outbox:
    def __init__(self, name: str, *, timeout: float = 5.0, idle: float = 5.0, max_queued: int = 10_000,
                 log_size: int = 5000):
        self.name = name
        self.timeout = timeout
        self.idle = idle
        self.log: deque[dict[str, Any]] = deque(maxlen=log_size)  # newest last
        self.dropped = 0
        self._queue: queue.Queue[Delivery] = queue.Queue(maxsize=max_queued)
        self._pending = 0
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def send(self, delivery: Delivery) -> bool:
        """Queue a delivery; False (and logged as dropped) when the queue is full."""
        with self._lock:
            try:
                self._queue.put_nowait(delivery)
            except queue.Full:
                self.dropped += 1
                self.log.append({**delivery.about, "url": delivery.url, "status": None, "error": FULL})
                return False
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"sandbox-{self.name}-webhooks", daemon=True)
                self._thread.start()
        return True

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery was attempted; False when ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _work(self) -> None:
        while True:
            try:
                delivery = self._queue.get(timeout=self.idle)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            status, error = post(delivery, self.timeout)
            try:
                self.log.append({**delivery.about, "url": delivery.url, "status": status, "error": error})
                if delivery.done is not None:
                    delivery.done(status, error)
            finally:
                with self._lock:
                    self._pending -= 1
                    self._lock.notify_all()


def post(delivery: Delivery, timeout: float) -> tuple[int | None, str | None]:
    """One attempt: (the answer's status, None), or (None, why it was not delivered)."""
    parts = urlsplit(delivery.url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
        return None, REFUSED
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(delivery.method, path, body=delivery.body, headers=dict(delivery.headers))
        response = connection.getresponse()
        response.read()
        return response.status, None  # a redirect is an answer, not followed
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
