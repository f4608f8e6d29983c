"""The base of every sandbox: requests, answers, routing, and the control API.

A ``SandboxApp`` (one per service, in its own module) registers its routes and keeps its
state; ``dispatch`` turns a ``Request`` into a ``Response``, counting it and applying
rate limits, authentication and injected faults on the way. Besides the service's own
routes, every sandbox answers a small control API under ``/__sandbox__/`` (stock levels,
counters, faults, seeding) for tests and benchmarks that run it in another process; a
sandbox adds its own control calls with ``add_control(method, action, handler)``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from .faults import ERROR, RATE_LIMIT, RESET, RESET_AFTER_APPLY, TIMEOUT_AFTER_APPLY, FaultInjector, RateLimiter


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


Handler = Callable[[Request], Response]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler
    writes: bool


@dataclass(frozen=True)
class OrderCall:
    """How a sandbox places one order as a customer would: ``POST /__sandbox__/<action>``
    with ``body``; ``order_id(answer)`` is the placed order's id as its client reads it."""

    action: str
    body: dict[str, Any]
    order_id: Callable[[Any], str]


@dataclass
class _Control:
    method: str
    action: re.Pattern[str]
    handler: Handler


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
        self.controls: list[_Control] = []
        self.add_control("GET", "stock", lambda r: Response(200, {sku: str(q) for sku, q in self.stock().items()}))
        self.add_control("GET", "counters", lambda r: Response(200, {
            "counters": dict(self.counters), "reads": self.reads, "writes": self.writes,
            "faults": dict(self.faults.injected)}))
        self.add_control("POST", "faults", self._set_faults)
        self.add_control("POST", "seed", self._seed_call)
        self.add_control("POST", "rate-limit", self._set_rate_limit)
        self.add_control("POST", "reset-counters", self._reset_counters_call)

    # -- to be provided by each sandbox ------------------------------------------------

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def stock(self) -> dict[str, Decimal]:
        """SKU -> quantity as the service would report it (for convergence checks)."""
        raise NotImplementedError

    @classmethod
    def client_settings(cls, url: str) -> dict[str, Any]:
        """The settings that point the matching client at a sandbox served at ``url``."""
        raise NotImplementedError

    @classmethod
    def order_call(cls, sku: str, quantity: int, *, at: datetime | None = None,
                   buyer: Mapping[str, str] | None = None) -> OrderCall | None:
        """The control call placing one order of ``quantity`` x ``sku`` modified ``at`` (None:
        now), bought by ``buyer`` ({"name", "email", "company"}); None for a sandbox without
        orders (the demo and the order tests then leave it out)."""
        return None

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

    def add_control(self, method: str, action: str, handler: Handler) -> None:
        """Answer ``method /__sandbox__/<action>`` with ``handler``. ``action`` is a regular
        expression matched in full (slashes at either end ignored); its named groups reach
        the handler as ``request.params``. A BadRequest (or a ValueError, KeyError or
        TypeError from a body that lacks what the call needs) is a 400 naming it."""
        self.controls.append(_Control(method, re.compile(f"^{action}$"), handler))

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
            no_route = self.error(405 if allowed else 404, "No route was found matching the URL and request method")
            return no_route, None, None

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
        action = request.path[len("/__sandbox__/"):].strip("/")
        matching = [(c, m) for c in self.controls if (m := c.action.match(action)) is not None]
        for control, match in matching:
            if control.method == request.method:
                request.params = {k: v for k, v in match.groupdict().items() if v is not None}
                try:
                    return control.handler(request)
                except BadRequest as exc:
                    return Response(exc.status, {"message": str(exc)})
                except (ValueError, KeyError, TypeError) as exc:
                    return Response(400, {"message": f"{request.method} /__sandbox__/{action}: {exc}"})
        if matching:
            return Response(405, {"message": f"{request.method} /__sandbox__/{action} is not a control call"})
        return Response(404, {"message": f"unknown control action {action!r}"})

    def _reset_counters_call(self, request: Request) -> Response:
        self.reset_counters()
        return Response(200, {"ok": True})

    def _set_faults(self, request: Request) -> Response:
        body = request.json() or {}
        self.faults.clear()
        for rule in body.get("rules", []):
            rule = dict(rule)
            self.faults.set(rule.pop("route", "*"), retry_after=rule.pop("retry_after", 1), **rule)
        return Response(200, {"ok": True})

    def _seed_call(self, request: Request) -> Response:
        with self.lock:
            self.seed(request.json() or {})
        return Response(200, {"ok": True})

    def _set_rate_limit(self, request: Request) -> Response:
        body = request.json() or {}
        limit = body.get("limit")
        self.rate_limiter = RateLimiter(int(limit), float(body.get("window", 60.0))) if limit else None
        return Response(200, {"ok": True})
