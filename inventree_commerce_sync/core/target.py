"""The face every target client shares (the connector's "backend adapter", in small).

The engine owns everything that is the same for the four services; a client owns only
what its API makes different. A client is built from a plain dict of settings (from a TOML
table or from a plugin's settings page) described by its ``FIELDS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Protocol, runtime_checkable
from urllib.parse import quote_plus

from .errors import ConfigError
from .http import HttpSettings, TargetSession, check_base_url
from .redact import get_logger, register_secret

log = get_logger(__name__)


@dataclass(frozen=True)
class Remote:
    """What a SKU is on the target.

    ``remote_id`` is None when the SKU was not found. ``skip_reason`` is set when the record
    exists but must not be written (not stock-managed, a configurable parent, ...).
    ``data`` holds what the client needs later to write it (parent id, current quantity).
    """

    sku: str
    remote_id: str | None
    kind: str = ""
    skip_reason: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.remote_id is not None


@dataclass(frozen=True)
class Change:
    """One absolute quantity to write to one resolved record."""

    sku: str
    remote: Remote
    quantity: Decimal


@dataclass(frozen=True)
class Outcome:
    """The result of writing one Change: ok, or the target's own error message."""

    ok: bool
    error: str | None = None

    @classmethod
    def failed(cls, error: str) -> "Outcome":
        return cls(False, error)


OK = Outcome(True)


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: who we are talking to and what the credentials allow."""

    target: str
    url: str
    ok: bool
    details: list[str] = field(default_factory=list)


@runtime_checkable
class Target(Protocol):
    name: str
    write_batch: int
    resolve_batch: int
    integer_quantities: bool
    max_sku_length: int
    session: TargetSession

    def account_key(self) -> dict[str, Any]:
        """The settings that identify the account this client writes to, as checked."""
        return {key: self.config.get(key) for key in ("url", *self.ACCOUNT_KEYS) if key in self.config}

    def start_sync(self) -> None: ...
    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]: ...
    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]: ...
    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]: ...
    def check(self) -> CheckResult: ...


@dataclass(frozen=True)
class ConfigField:
    """One setting of a target: its key in TOML and in the plugin's settings, and its rules."""

    key: str
    label: str
    description: str
    required: bool = False
    default: Any = None
    secret: bool = False
    choices: tuple[str, ...] = ()
    kind: type = str


# Keys every target takes besides its own.
SHARED_FIELDS: tuple[ConfigField, ...] = (
    ConfigField("timeout", "Timeout", "Seconds to wait for each answer", default=30.0, kind=float),
    ConfigField(
        "verify", "Verify TLS", "true, false, or the path of a CA bundle; false is insecure", default=True, kind=object
    ),
    ConfigField(
        "allow_insecure_http", "Allow plain HTTP",
        "Allow http:// to a host that is not loopback (credentials travel unencrypted)", default=False, kind=bool,
    ),
)


class BaseTarget:
    """Common construction: validate settings, register secrets, build the session.

    Subclasses set the class attributes and ``FIELDS``, and implement the API calls.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[ConfigField, ...]] = ()
    API_PATHS: ClassVar[tuple[str, ...]] = ()
    RETRY_METHODS: ClassVar[frozenset[str]] = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    RETRY_BACKOFF: ClassVar[float] = 0.5  # seconds; doubled for each further retry
    write_batch: ClassVar[int] = 1
    resolve_batch: ClassVar[int] = 100
    integer_quantities: ClassVar[bool] = True
    max_sku_length: ClassVar[int] = 64
    # Settings besides ``url`` that say which account (store, organisation, location) is
    # written: what a ledger remembers for one account is never used for another.
    ACCOUNT_KEYS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Mapping[str, Any]):
        self.config = self.validate_config(settings)
        http = HttpSettings(
            timeout=self.config["timeout"],
            connect_timeout=min(10.0, self.config["timeout"]),
            verify=self.config["verify"],
            retry_methods=self.RETRY_METHODS,
            backoff=self.RETRY_BACKOFF,
        )
        self.session = TargetSession(self.name, http)
        if self.config["verify"] is False:
            log.warning("%s: TLS certificate verification is switched off (verify = false); "
                        "anyone on the network path can read the credentials", self.name)

    @classmethod
    def all_fields(cls) -> tuple[ConfigField, ...]:
        return cls.FIELDS + SHARED_FIELDS

    @classmethod
    def validate_config(cls, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Settings checked and completed with defaults, or a ConfigError naming the key."""
        known = {f.key for f in cls.all_fields()}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ConfigError(f"[{cls.name}] unknown key {unknown[0]!r}; known keys: {', '.join(sorted(known))}")
        config: dict[str, Any] = {}
        for f in cls.all_fields():
            value = settings.get(f.key)
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                if f.required:
                    raise ConfigError(f"[{cls.name}] {f.key} is missing ({f.description})")
                value = f.default
            else:
                value = _coerce(cls.name, f, value)
            if f.secret and value:
                register_secret(value)
            config[f.key] = value
        if "url" in config:
            config["url"] = check_base_url(
                cls.name, config["url"], allow_insecure_http=config["allow_insecure_http"], api_paths=cls.API_PATHS
            )
        return config

    def account_key(self) -> dict[str, Any]:
        """The settings that identify the account this client writes to, as checked."""
        return {key: self.config.get(key) for key in ("url", *self.ACCOUNT_KEYS) if key in self.config}

    def start_sync(self) -> None:
        """Called once before each sync; clients that cache per sync clear their cache here."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config.get('url', '')}>"


def _coerce(target: str, f: ConfigField, value: Any) -> Any:
    where = f"[{target}] {f.key}"
    if f.choices and str(value) not in f.choices:
        raise ConfigError(f"{where} must be one of {', '.join(f.choices)} (got {value!r})")
    if f.kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "yes", "on"):
            return True
        if str(value).lower() in ("false", "0", "no", "off"):
            return False
        raise ConfigError(f"{where} must be true or false (got {value!r})")
    if f.kind is float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where} must be a number (got {value!r})") from None
        if not 0 < number <= 600:
            raise ConfigError(f"{where} must be between 0 and 600 seconds (got {value!r})")
        return number
    if f.key == "verify":
        if isinstance(value, bool):
            return value
        text = str(value)
        if text.lower() in ("true", "false", "1", "0", "yes", "no"):
            return text.lower() in ("true", "1", "yes")
        return text  # a CA bundle path; requests reports a missing file clearly
    if f.kind is str:
        return str(value)
    return value


def comma_list_groups(skus: Iterable[str], *, max_items: int, max_chars: int) -> Iterator[list[str]]:
    """SKUs grouped for one comma-separated URL parameter (``sku=a,b,c``) each: at most
    ``max_items`` per group, and at most ``max_chars`` once URL-encoded. A SKU that holds a
    comma would be split by the service, so it always goes alone."""
    group: list[str] = []
    length = 0
    for sku in skus:
        if "," in sku:
            yield [sku]
            continue
        size = len(quote_plus(sku)) + 3  # and the encoded comma
        if group and (len(group) >= max_items or length + size > max_chars):
            yield group
            group, length = [], 0
        group.append(sku)
        length += size
    if group:
        yield group
