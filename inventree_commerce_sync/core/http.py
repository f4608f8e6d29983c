"""The one HTTP session factory every client uses.

A ``TargetSession`` is a ``requests.Session`` with connect and read timeouts, urllib3
retries with backoff that honour ``Retry-After`` (capped), retries on answers only for the
methods the client declares safe to repeat, TLS verification on by default, a User-Agent
naming the package, per-session request counters, and transport errors turned into
``TargetError``s whose messages are redacted.

A write that is not idempotent (a shipment, a note, a webhook) is sent inside
``session.no_retries()`` (urllib3 then retries only connections that never reached the
server) and through ``send_once``, which looks up whether a write whose answer was lost
took effect before it sends it again.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__
from .errors import (
    AmbiguousFailure,
    AuthenticationError,
    ConfigError,
    ProtocolError,
    TargetError,
    TargetUnavailable,
)
from .redact import get_logger, redact

log = get_logger(__name__)

USER_AGENT = f"inventree-commerce-sync/{__version__} (+https://pypi.org/project/inventree-commerce-sync/)"

# Methods whose repetition cannot change the outcome. A client whose POSTs set absolute
# values (Magento source items, WooCommerce batches) adds "POST" for its own session.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0
    connect_timeout: float = 10.0
    verify: bool | str = True
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 60.0
    retry_methods: frozenset[str] = SAFE_METHODS


@dataclass
class RequestCounter:
    """What a session sent: logical requests by kind, plus the retries urllib3 made."""

    reads: int = 0
    writes: int = 0
    auth: int = 0
    retries: int = 0
    by_route: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, method: str, route: str, *, kind: str | None = None) -> None:
        with self._lock:
            kind = kind or ("reads" if method in ("GET", "HEAD") else "writes")
            setattr(self, kind, getattr(self, kind) + 1)
            self.by_route[f"{method} {route}"] += 1

    def add_retry(self) -> None:
        with self._lock:
            self.retries += 1

    @property
    def total(self) -> int:
        return self.reads + self.writes + self.auth + self.retries

    def snapshot(self) -> dict[str, int]:
        return {"reads": self.reads, "writes": self.writes, "auth": self.auth, "retries": self.retries}


class _CountingRetry(Retry):
    """urllib3 Retry that counts each retry and never sleeps longer than ``max_retry_after``."""

    counter: RequestCounter | None = None
    max_retry_after: float = 60.0

    def new(self, **kw: Any) -> _CountingRetry:
        retry = super().new(**kw)
        retry.counter = self.counter
        retry.max_retry_after = self.max_retry_after
        return retry

    def increment(self, *args: Any, **kwargs: Any) -> _CountingRetry:
        retry = super().increment(*args, **kwargs)
        if self.counter is not None:
            self.counter.add_retry()
        return retry

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)


class TargetSession(requests.Session):
    """A session bound to one target: default timeouts, counted requests, clear errors."""

    def __init__(self, target: str, settings: HttpSettings | None = None):
        super().__init__()
        self.target = target
        self.settings = settings or HttpSettings()
        self.counter = RequestCounter()
        self.verify = self.settings.verify
        self.headers["User-Agent"] = USER_AGENT
        self.headers["Accept"] = "application/json"
        retry = _CountingRetry(
            total=self.settings.retries,
            connect=self.settings.retries,
            read=self.settings.retries,
            status=self.settings.retries,
            other=0,  # TLS failures and the like: retrying cannot help
            backoff_factor=self.settings.backoff,
            backoff_max=self.settings.max_retry_after,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=self.settings.retry_methods,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        retry.counter = self.counter
        retry.max_retry_after = self.settings.max_retry_after
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        # For ``no_retries``: a request that reached the server is never sent again by urllib3.
        self._once_adapter = HTTPAdapter(max_retries=retry.new(read=0, status=0, allowed_methods=frozenset({"GET", "HEAD"})),
                                         pool_connections=2, pool_maxsize=4)
        self._local = threading.local()

    @contextmanager
    def no_retries(self) -> Iterator[None]:
        """Requests made inside (by this thread) are not repeated once they may have reached
        the server: a lost answer or a 5xx is the caller's to look up (``send_once``).
        Connections that were never made are still retried."""
        before = getattr(self._local, "once", False)
        self._local.once = True
        try:
            yield
        finally:
            self._local.once = before

    def get_adapter(self, url: str) -> Any:
        if getattr(self._local, "once", False) and url.lower().startswith(("http://", "https://")):
            return self._once_adapter
        return super().get_adapter(url)

    def close(self) -> None:
        super().close()
        self._once_adapter.close()

    # Narrower than requests' own signature (str method and url) and with count_as added.
    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, count_as: str | None = None, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", (self.settings.connect_timeout, self.settings.timeout))
        # Passed per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a
        # session's verify (psf/requests#3829), which would ignore a configured CA bundle or false.
        kwargs.setdefault("verify", self.verify)
        self.counter.record(method.upper(), urlsplit(url).path, kind=count_as)
        host = urlsplit(url).netloc
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise TargetUnavailable(
                self.target,
                f"TLS verification failed for {host} ({_reason(exc)}). Fix the server's certificate, "
                "or set verify to the path of a CA bundle that signs it",
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise TargetUnavailable(
                self.target, f"cannot connect to {host}: no answer within {self.settings.connect_timeout:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise AmbiguousFailure(
                self.target, f"{method} {urlsplit(url).path} got no answer within {self.settings.timeout:g} s"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            if _never_sent(exc):
                raise TargetUnavailable(self.target, f"cannot connect to {host} ({_reason(exc)})") from None
            raise AmbiguousFailure(
                self.target, f"{method} {urlsplit(url).path}: connection lost ({_reason(exc)})"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise TargetUnavailable(self.target, f"{method} {urlsplit(url).path} failed: {_reason(exc)}") from None


T = TypeVar("T")


def send_once(target: str, what: str, send: Callable[[], T], look_up: Callable[[], T | None], *,
              attempts: int = 2, settle: float = 0.0) -> T:
    """``send()`` a write that must not happen twice, at most ``attempts`` times.

    When an attempt ends in an AmbiguousFailure (the answer was lost, or a 5xx: it may have
    been applied), ``look_up()`` is asked, after ``settle`` seconds, whether it took effect;
    what it finds is returned, and only when it finds nothing (None) is the write sent
    again. ``send`` should run inside ``session.no_retries()``. Every attempt lost and never
    found is an AmbiguousFailure naming ``what``."""
    last: AmbiguousFailure | None = None
    for _attempt in range(max(1, attempts)):
        try:
            return send()
        except AmbiguousFailure as exc:
            last = exc
            log.warning("%s: %s: %s; looking it up before anything is sent again", target, what, exc.reason)
        if settle:
            time.sleep(settle)
        found = look_up()
        if found is not None:
            return found
    assert last is not None
    raise AmbiguousFailure(target, f"{what}: {last.reason}; sent {max(1, attempts)} time(s) without an answer "
                                   "and not found afterwards; try again later", status=last.status) from None


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    return any(
        marker in text
        for marker in ("NewConnectionError", "Failed to resolve", "Name or service not known",
                       "Connection refused", "ConnectTimeoutError", "nodename nor servname")
    )


def _reason(exc: BaseException) -> str:
    """The innermost useful text of a requests/urllib3 exception, redacted and without URLs."""
    text = str(exc)
    for marker in ("Caused by ", "("):
        if marker in text and "Max retries exceeded" in text:
            text = text.split("Caused by ", 1)[-1]
    text = text.strip("()'\" ")
    if "Connection refused" in text:
        return "connection refused"
    if "certificate verify failed" in text:
        return "certificate verify failed: " + text.split("certificate verify failed:", 1)[-1].split("'")[0].strip(" ()")
    if "Connection reset" in text or "ConnectionResetError" in text:
        return "connection reset by peer"
    if "RemoteDisconnected" in text:
        return "remote end closed the connection without an answer"
    if "Failed to resolve" in text or "Name or service not known" in text:
        return "host name not found"
    return redact(text)[:300]


def decode_json(target: str, response: requests.Response, *,
                hint: str = "check that url points at the service's base address") -> Any:
    """The response's JSON body, or a ProtocolError that says what came back instead, and
    ``hint`` (which setting to check)."""
    path = urlsplit(response.url or "").path
    content_type = response.headers.get("Content-Type", "")
    body = response.content or b""
    try:
        return json.loads(body)
    except ValueError:
        pass
    sample = body[:200].decode("utf-8", "replace").lower()
    if "html" in content_type or "<html" in sample or "<!doctype" in sample:
        what = "an HTML page"
    elif not body.strip():
        what = "an empty body"
    else:
        what = "invalid JSON"
    raise ProtocolError(
        target,
        f"answered {what} instead of JSON (HTTP {response.status_code} for {path}); {hint}",
        status=response.status_code,
    )


def check_base_url(
    target: str,
    url: object,
    *,
    allow_insecure_http: bool = False,
    api_paths: tuple[str, ...] = (),
    field: str = "url",
) -> str:
    """Validate a configured base URL and return it without a trailing slash.

    Refused: no scheme or host, a query or fragment, a path that already holds the API's
    own prefix (``api_paths``), and plain http to a host that is not loopback unless
    ``allow_insecure_http`` is set.
    """
    text = str(url or "").strip()

    def error(problem: str) -> ConfigError:
        return ConfigError(problem, target=target, key=field)

    if not text:
        raise error("is missing")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise error(f"must start with https:// (got {text!r})")
    if parts.query or parts.fragment:
        raise error(f"must not have a query or fragment (got {text!r})")
    path = parts.path.rstrip("/")
    for api_path in api_paths:
        if path.lower().endswith(api_path.lower()) or (api_path.lower() + "/") in path.lower() + "/":
            base = text[: text.lower().find(api_path.lower())].rstrip("/")
            raise error(f"must be the base address without {api_path} (got {text!r}; try {base!r})")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname or ""):
        raise error(
            f"uses plain http to {parts.hostname}, which would send credentials unencrypted; "
            "use https, or set allow_insecure_http = true"
        )
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def status_error(target: str, response: requests.Response, message: str, *, auth_hint: str,
                 code: object = None) -> TargetError:
    """The exception for an error answer, chosen by status; ``message`` is the target's own
    text and ``code`` its own error code (both kept on the exception).

    401 and 403 become an AuthenticationError that ends with ``auth_hint`` (which setting to
    fix); 429 and 5xx a TargetUnavailable (a 5xx to a write is an AmbiguousFailure: the
    service may have applied it before failing); anything else a plain TargetError.
    """
    status = response.status_code
    method = response.request.method if response.request is not None else "GET"
    path = urlsplit(response.url or "").path
    detail = redact(message).strip()
    text = detail or response.reason or "no message"
    parts: dict[str, Any] = {"status": status, "code": code, "detail": detail}
    if status in (401, 403):
        return AuthenticationError(target, f"credentials refused (HTTP {status}: {text}); {auth_hint}", **parts)
    if status == 429:
        return TargetUnavailable(target, f"rate limit reached (HTTP 429: {text}); try again later", **parts)
    if status >= 500:
        cls = AmbiguousFailure if method not in ("GET", "HEAD") else TargetUnavailable
        return cls(target, f"{method} {path} failed with HTTP {status}: {text}", **parts)
    return TargetError(target, f"{method} {path} failed with HTTP {status}: {text}", **parts)


def shapeless_error(target: str, response: requests.Response, *, auth_hint: str) -> TargetError:
    """The error for an error answer without the service's own error body (a proxy's page,
    an empty body): by status where that says enough, else what came back instead."""
    status = response.status_code
    if status in (401, 403, 429) or status >= 500:
        return status_error(target, response, response.reason or "", auth_hint=auth_hint)
    try:
        decode_json(target, response)
    except ProtocolError as exc:
        return exc
    return ProtocolError(target, f"answered HTTP {status} without an error message", status=status)


def error_body(response: requests.Response) -> dict[str, Any] | None:
    """The JSON object of an error answer, or None when the body is not one (a proxy's
    page, an empty body): then ``shapeless_error`` says what came back."""
    try:
        body = json.loads(response.content or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
