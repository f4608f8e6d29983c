"""Fault injection and rate limits: what makes a sandbox fail the way a real service does.

Faults are decided per request and route, seeded so that runs repeat: an error answer
(503), a rate limit (429 with Retry-After), a reset connection, or, after the request was
applied, a hang or a reset (the client cannot tell whether its write landed). "partial" is
only acted on by batch endpoints (some items fail inside a 200).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

ERROR = "error"
RATE_LIMIT = "rate_limit"
RESET = "reset"
TIMEOUT_AFTER_APPLY = "timeout_after_apply"
RESET_AFTER_APPLY = "reset_after_apply"
PARTIAL = "partial"
FAULT_KINDS = (ERROR, RATE_LIMIT, RESET, TIMEOUT_AFTER_APPLY, RESET_AFTER_APPLY, PARTIAL)


@dataclass
class FaultRule:
    """Probabilities of each fault kind for the routes whose name matches ``route`` (fnmatch-like prefix)."""

    route: str = "*"
    rates: dict[str, float] = field(default_factory=dict)
    retry_after: int = 1


class FaultInjector:
    """Decides, per request, whether and how to fail it. Seeded, so runs are repeatable."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)
        self.rules: list[FaultRule] = []
        self.queued: dict[str, deque[str]] = {}
        self.hang_seconds = 2.0
        self.injected: Counter = Counter()
        self._lock = threading.Lock()

    def set(self, route: str = "*", *, retry_after: int = 1, **rates: float) -> None:
        unknown = set(rates) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        with self._lock:
            self.rules.append(FaultRule(route, dict(rates), retry_after))

    def queue(self, route: str, kind: str, count: int = 1) -> None:
        """Fail the next ``count`` requests of ``route`` with ``kind``, whatever the rates say."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self.queued.setdefault(route, deque()).extend([kind] * count)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.queued.clear()

    def decide(self, route: str) -> tuple[str | None, int]:
        with self._lock:
            queue = self.queued.get(route)
            if queue:
                kind = queue.popleft()
                self.injected[kind] += 1
                return kind, 1
            for rule in reversed(self.rules):
                if not _matches(rule.route, route):
                    continue
                roll = self.rng.random()
                for kind, rate in rule.rates.items():
                    if roll < rate:
                        self.injected[kind] += 1
                        return kind, rule.retry_after
                    roll -= rate
                return None, 0
        return None, 0


def _matches(pattern: str, route: str) -> bool:
    if pattern == "*" or pattern == route:
        return True
    return pattern.endswith("*") and route.startswith(pattern[:-1])


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds per key (sliding window)."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit = limit
        self.window = window
        self.hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            hits = self.hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False, max(1, int(hits[0] + self.window - now + 0.999))
            hits.append(now)
            return True, 0

