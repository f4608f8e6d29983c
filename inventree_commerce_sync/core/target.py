"""The face every target client shares (the connector's "backend adapter", in small).

The engine owns everything that is the same for the four services; a client owns only
what its API makes different. ``BaseTarget`` is the one contract: what a client must
implement is abstract there. Its settings are described in ``core.settings``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import quote_plus

from .http import HttpSettings, TargetSession
from .redact import get_logger
from .settings import SHARED_FIELDS, ConfigField, validate_settings

__all__ = ["OK", "SHARED_FIELDS", "BaseTarget", "Change", "CheckResult", "ConfigField", "Outcome", "Remote",
           "case_differs", "comma_list_groups", "held_by_several"]

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

    @property
    def id(self) -> str:
        """The record's id, for a SKU that was found."""
        if self.remote_id is None:
            raise ValueError(f"SKU {self.sku!r} has no record on the target")
        return self.remote_id


@dataclass(frozen=True)
class Change:
    """One absolute quantity to write to one resolved record."""

    sku: str
    remote: Remote
    quantity: Decimal


@dataclass(frozen=True)
class Outcome:
    """The result of writing one Change: ok, or the target's own error message.

    ``gone``: the record written to no longer is the SKU's (deleted, or its SKU changed on
    the target) and nothing was written; the engine looks the SKU up again once.
    """

    ok: bool
    error: str | None = None
    gone: bool = False

    @classmethod
    def failed(cls, error: str) -> Outcome:
        return cls(False, error)

    @classmethod
    def no_longer_there(cls, error: str) -> Outcome:
        return cls(False, error, gone=True)


OK = Outcome(True)


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: who we are talking to and what the credentials allow."""

    target: str
    url: str
    ok: bool
    details: list[str] = field(default_factory=list)


class BaseTarget(ABC):
    """The contract of a target client, and the construction they share: validate the
    settings, register the secrets, build the session.

    A client sets the class attributes and ``FIELDS``, and implements the abstract methods.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[ConfigField, ...]] = ()
    API_PATHS: ClassVar[tuple[str, ...]] = ()
    RETRY_METHODS: ClassVar[frozenset[str]] = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    RETRY_BACKOFF: ClassVar[float] = 0.5  # seconds; doubled for each further retry
    # Records per write() and per resolve() call the engine sends; a client may lower
    # write_batch on its instance (Magento's legacy mode writes one at a time).
    write_batch: int = 1
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
        return validate_settings(cls.name, cls.all_fields(), settings, api_paths=cls.API_PATHS)

    def account_key(self) -> dict[str, Any]:
        """The settings that identify the account this client writes to, as checked."""
        return {key: self.config.get(key) for key in ("url", *self.ACCOUNT_KEYS) if key in self.config}

    def start_sync(self) -> None:  # noqa: B027 -- most clients keep nothing between syncs
        """Called once before each sync; clients that cache per sync clear their cache here."""

    @abstractmethod
    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        """The record of each SKU found on the target (SKUs not found are left out)."""

    def resolve_known(self, skus: Sequence[str], known: Mapping[str, Remote]) -> dict[str, Remote]:
        """``resolve`` for SKUs of which ``known`` holds what the ledger kept from an earlier
        sync (the record's id, and ``memo`` as ``data``). A client that can trust some of it
        asks less; the default looks everything up, as ``resolve`` does."""
        return self.resolve(skus)

    def memo(self, remote: Remote) -> dict[str, Any] | None:
        """What the ledger keeps of a resolved record (JSON values) for ``resolve_known``
        next time; None (the default) keeps nothing, so that the SKU is looked up again."""
        return None

    @abstractmethod
    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        """The target's current quantity of each resolved record, by SKU."""

    @abstractmethod
    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        """Each change written, with its outcome by SKU. Raises AuthenticationError when
        the credentials are refused; other failures are per-SKU outcomes where possible."""

    @abstractmethod
    def check(self) -> CheckResult:
        """What the settings reach and the credentials allow; writes nothing."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config.get('url', '')}>"


def case_differs(sku: str, actual: str, remote_id: str, kind: str, *, title: str) -> Remote:
    """A SKU the target holds only with other letter case or accents (MySQL finds it, the
    client would write a record the SKU does not name exactly): skipped, saying so."""
    what = "letter case" if sku.casefold() == actual.casefold() else "letter case or accents"
    return Remote(sku, remote_id, kind,
                  skip_reason=f"{title}'s SKU is {actual!r}, which differs in {what}; make them identical")


def held_by_several(sku: str, ids: Sequence[str], *, records: str, fix: str, kind: str = "") -> Remote:
    """A SKU that several records on the target have: writing one would leave the others
    wrong, so it is skipped, naming every record so that the user can remove the extra ones."""
    return Remote(sku, ids[0], kind or "duplicate",
                  skip_reason=f"{len(ids)} {records} have this SKU (ids {', '.join(ids)}); {fix}")


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
