"""The server every sandbox runs on: routing, fault injection, rate limits, counters.

A sandbox is a ``SandboxApp`` (one per service, in its own module) served by
``SandboxServer``, a threaded HTTP/1.1 server bound to 127.0.0.1 on a free port. Besides
the service's own routes, every sandbox answers a small control API under ``/__sandbox__/``
(stock levels, counters, faults, seeding) for tests and benchmarks that run it in another
process.
"""

from __future__ import annotations

import json
import random
import re
import socket
import ssl
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# Fault kinds. "partial" is only acted on by batch endpoints (some items fail inside a 200).
ERROR = "error"
RATE_LIMIT = "rate_limit"
RESET = "reset"
TIMEOUT_AFTER_APPLY = "timeout_after_apply"
RESET_AFTER_APPLY = "reset_after_apply"
PARTIAL = "partial"
FAULT_KINDS = (ERROR, RATE_LIMIT, RESET, TIMEOUT_AFTER_APPLY, RESET_AFTER_APPLY, PARTIAL)


@dataclass
class Request:
    method: str
    path: str  # percent-decoded
    raw_path: str  # as sent, still percent-encoded
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route pattern
    route: str = ""
    fault: str | None = None
    scheme: str = "http"  # "https" when the sandbox serves TLS

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise BadRequest(f"body is not valid JSON: {exc}") from None


class BadRequest(Exception):
    """Raised by a handler for a malformed request; the app turns it into its error shape."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-serialisable, or bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, default=_json_default).encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


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


Handler = Callable[[Request], Response]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler
    writes: bool


class SandboxApp:
    """Base of the four emulators. Subclasses register routes and implement the state.

    ``counters`` counts requests by route name (``"GET products.list"``) as they arrive,
    faulted ones included; ``requests`` keeps the last requests for contract tests.
    """

    name = "sandbox"

    def __init__(self, *, seed: int = 0):
        self.routes: list[_Route] = []
        self.faults = FaultInjector(seed)
        self.rate_limiter: RateLimiter | None = None
        self.counters: Counter = Counter()
        self.requests: deque[Request] = deque(maxlen=2000)
        self.lock = threading.RLock()
        self.latency = 0.0  # seconds added to every answer, to make benchmarks realistic

    # -- to be provided by each sandbox ------------------------------------------------

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def stock(self) -> dict[str, Decimal]:
        """SKU -> quantity as the service would report it (for convergence checks)."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> Response | None:
        """None when the request's credentials are good, else the service's refusal."""
        return None

    def error(self, status: int, message: str) -> Response:
        """The service's error shape."""
        return Response(status, {"message": message})

    def rate_limit_key(self, request: Request) -> str:
        return "all"

    # -- routing ------------------------------------------------------------------------

    def add_route(self, method: str, pattern: str, name: str, handler: Handler, *, writes: bool | None = None) -> None:
        self.routes.append(_Route(method, re.compile(f"^{pattern}$"), name, handler,
                                  method != "GET" if writes is None else writes))

    def count(self, route: str) -> int:
        return sum(n for key, n in self.counters.items() if key.split(" ", 1)[1] == route)

    @property
    def reads(self) -> int:
        return sum(n for key, n in self.counters.items() if key.startswith("GET "))

    @property
    def writes(self) -> int:
        return sum(n for key, n in self.counters.items() if not key.startswith("GET ") and "auth" not in key)

    def reset_counters(self) -> None:
        with self.lock:
            self.counters.clear()
            self.requests.clear()

    def dispatch(self, request: Request) -> tuple[Response | None, str | None, Callable[[], Response] | None]:
        """Returns (response, fault, deferred): for faults that act after applying the
        request, ``deferred`` applies it and the server then hangs or resets."""
        if request.path.startswith("/__sandbox__/"):
            return self._control(request), None, None
        for route in self.routes:
            if route.method != request.method:
                continue
            match = route.pattern.match(request.raw_path if "%" in route.pattern.pattern else request.path)
            if match:
                break
        else:
            allowed = any(r.pattern.match(request.path) for r in self.routes)
            return self.error(405 if allowed else 404, "No route was found matching the URL and request method"), None, None

        request.params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
        request.route = route.name
        with self.lock:
            self.counters[f"{request.method} {route.name}"] += 1
            self.requests.append(request)

        if self.rate_limiter is not None:
            allowed, wait = self.rate_limiter.allow(self.rate_limit_key(request))
            if not allowed:
                response = self.rate_limited(wait)
                return response, None, None

        refusal = self.authenticate(request)
        if refusal is not None:
            return refusal, None, None

        fault, retry_after = self.faults.decide(route.name)
        if fault == ERROR:
            return self.error(503, "Service temporarily unavailable (injected)"), None, None
        if fault == RATE_LIMIT:
            return self.rate_limited(retry_after), None, None
        if fault == RESET:
            return None, RESET, None
        request.fault = fault

        def apply() -> Response:
            try:
                with self.lock:
                    return route.handler(request)
            except BadRequest as exc:
                return self.error(exc.status, str(exc))

        if fault in (TIMEOUT_AFTER_APPLY, RESET_AFTER_APPLY):
            return None, fault, apply
        return apply(), None, None

    def rate_limited(self, retry_after: int) -> Response:
        response = self.error(429, "Too many requests, please try again later")
        response.headers["Retry-After"] = str(retry_after)
        return response

    def _control(self, request: Request) -> Response:
        action = request.path[len("/__sandbox__/"):]
        if request.method == "GET" and action == "stock":
            return Response(200, {sku: str(q) for sku, q in self.stock().items()})
        if request.method == "GET" and action == "counters":
            return Response(200, {"counters": dict(self.counters), "reads": self.reads, "writes": self.writes,
                                  "faults": dict(self.faults.injected)})
        if request.method == "POST" and action == "faults":
            body = request.json() or {}
            self.faults.clear()
            for rule in body.get("rules", []):
                rule = dict(rule)
                self.faults.set(rule.pop("route", "*"), retry_after=rule.pop("retry_after", 1), **rule)
            return Response(200, {"ok": True})
        if request.method == "POST" and action == "seed":
            with self.lock:
                self.seed(request.json() or {})
            return Response(200, {"ok": True})
        if request.method == "POST" and action == "rate-limit":
            body = request.json() or {}
            limit = body.get("limit")
            self.rate_limiter = RateLimiter(int(limit), float(body.get("window", 60.0))) if limit else None
            return Response(200, {"ok": True})
        if request.method == "POST" and action == "reset-counters":
            self.reset_counters()
            return Response(200, {"ok": True})
        return Response(404, {"message": f"unknown control action {action!r}"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read counters instead
        pass

    def _handle(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(parts.path),
            raw_path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()} | dict(self.headers.items()),
            body=body,
            scheme="https" if isinstance(self.connection, ssl.SSLSocket) else "http",
        )
        if app.latency:
            time.sleep(app.latency)
        response, fault, deferred = app.dispatch(request)
        if deferred is not None:
            deferred()
        if fault == TIMEOUT_AFTER_APPLY:
            time.sleep(app.faults.hang_seconds)
            self._drop(reset=False)
            return
        if fault in (RESET, RESET_AFTER_APPLY):
            self._drop(reset=True)
            return
        assert response is not None
        payload = response.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _drop(self, *, reset: bool) -> None:
        if reset:  # RST instead of FIN: the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: SandboxApp):
        self.app = app
        super().__init__(address, _Handler)


class SandboxServer:
    """Serves one SandboxApp on 127.0.0.1 in a background thread.

    Use as a context manager, or call ``start``/``stop``. ``url`` is the base address.
    """

    def __init__(self, app: SandboxApp, *, port: int = 0, host: str = "127.0.0.1",
                 ssl_context: ssl.SSLContext | None = None):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("sandboxes bind to loopback only")
        self.app = app
        self._server = _Server((host, port), app)
        self.tls = ssl_context is not None
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"sandbox-{self.app.name}",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
