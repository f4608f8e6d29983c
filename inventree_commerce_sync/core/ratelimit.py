"""Keeping under a service's rate limit, and waiting one out.

A ``SlidingWindowLimiter`` spaces the requests of a client (Zoho counts them per minute and
organisation); ``retry_after`` reads how long a 429 asks to wait, and ``wait_out_rate_limit``
sends a request again after each 429 until a bounded wait is used up. A 429 means the
service refused the request before doing anything, so resending it is safe even for a
write that moves stock by a delta.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from .redact import get_logger

log = get_logger(__name__)


class SlidingWindowLimiter:
    """At most ``limit`` calls in any ``window`` seconds; ``acquire`` waits for a free slot.

    Thread-safe. ``clock`` and ``sleep`` are injectable so that tests need not wait.
    """

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.window:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                wait = self._sent[0] + self.window - now
            self._sleep(max(wait, 0.001))


# One limiter per key (a service's address and account, the limit and its window) in this
# process, so that two clients for the same account share its budget.
_limiters: dict[tuple[object, ...], SlidingWindowLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(key: tuple[object, ...], limit: int, window: float) -> SlidingWindowLimiter:
    with _limiters_lock:
        full_key = (*key, limit, window)
        if full_key not in _limiters:
            _limiters[full_key] = SlidingWindowLimiter(limit, window)
        return _limiters[full_key]


def retry_after(response: requests.Response, *, default: float, cap: float) -> float:
    """Seconds the answer's ``Retry-After`` asks to wait (seconds or an HTTP date, read as
    urllib3 reads it), at most ``cap``; ``default`` when it has none or one unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return default
    try:
        seconds = Retry().parse_retry_after(value)
    except InvalidHeader:
        return default
    return min(max(seconds, 0.0), cap)


@dataclass(frozen=True)
class RateLimitWait:
    """How long to wait out a 429: ``pause`` when the service does not say, at most
    ``max_pause`` at a time, ``max_waits`` times and ``max_total`` seconds in all."""

    pause: float = 10.0
    max_pause: float = 60.0
    max_waits: int = 5
    max_total: float = 300.0


def wait_out_rate_limit(target: str, send: Callable[[], requests.Response], policy: RateLimitWait, *,
                        sleep: Callable[[float], None]) -> requests.Response:
    """``send()``'s answer, sent again after each 429 until ``policy`` says to stop; the
    last 429 is returned as it is, for the caller's error handling."""
    waited, waits = 0.0, 0
    while True:
        response = send()
        if response.status_code != 429 or waits >= policy.max_waits or waited >= policy.max_total:
            return response
        pause = min(retry_after(response, default=policy.pause, cap=policy.max_pause), policy.max_total - waited)
        log.info("%s: rate limit reached; waiting %.0f s", target, pause)
        sleep(pause)
        waited += pause
        waits += 1
