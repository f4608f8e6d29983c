"""Zoho Inventory client: absolute stock levels written as inventory adjustments.

Zoho has no "set stock to N" call. An inventory adjustment carries a *delta* per item
(``quantity_adjusted``), so this client reads each item's stock right before writing,
sends ``desired - current`` for the items that differ, many items per adjustment, and
makes sure an adjustment is never applied twice:

* every adjustment gets a new ``reference_number`` (``ICS-`` and 20 random hex digits);
* POST is never retried blindly (not in ``RETRY_METHODS``); a 429 or a 401 to it means
  "not applied", so it is sent again after waiting or after a new token;
* when its answer is lost (timeout, reset, 5xx), the client first looks the reference up
  in Zoho's list of adjustments; only when it is not there does it send a new adjustment,
  with a new reference and deltas computed from stock read again. If the lost one did
  land after all, the fresh deltas are zero and nothing more is sent.

Access tokens come from the OAuth2 refresh-token grant on the region's accounts server,
are cached (per credentials, across client instances: Zoho limits how many tokens a
refresh token may mint in ten minutes) until shortly before they expire, and are renewed
once when an API call answers 401. Every API call carries ``organization_id`` (but the
list of organisations, which ``check`` reads) and passes a client-side limiter that keeps
under Zoho's 100 requests per minute per organisation.
"""

from __future__ import annotations

import hashlib
import math
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests

from ..core.errors import (
    AmbiguousFailure,
    AuthenticationError,
    ConfigError,
    ProtocolError,
    TargetError,
    TargetUnavailable,
)
from ..core.http import check_base_url, decode_json, status_error
from ..core.redact import get_logger, redact, register_secret
from ..core.target import OK, BaseTarget, Change, CheckResult, ConfigField, Outcome, Remote

log = get_logger(__name__)

# data_center -> (accounts server, API base). Canada runs on its own "zohocloud" domain.
DATA_CENTERS: dict[str, tuple[str, str]] = {
    "com": ("https://accounts.zoho.com", "https://www.zohoapis.com/inventory/v1"),
    "eu": ("https://accounts.zoho.eu", "https://www.zohoapis.eu/inventory/v1"),
    "in": ("https://accounts.zoho.in", "https://www.zohoapis.in/inventory/v1"),
    "com.au": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au/inventory/v1"),
    "jp": ("https://accounts.zoho.jp", "https://www.zohoapis.jp/inventory/v1"),
    "com.cn": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/inventory/v1"),
    "sa": ("https://accounts.zoho.sa", "https://www.zohoapis.sa/inventory/v1"),
    "ca": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca/inventory/v1"),
}
API_PREFIX = "/inventory/v1"

# The OAuth scopes a sync needs; check() reports which ones the token has.
SCOPE_ITEMS_READ = "ZohoInventory.items.READ"
SCOPE_ADJUST_CREATE = "ZohoInventory.inventoryadjustments.CREATE"
SCOPE_ADJUST_READ = "ZohoInventory.inventoryadjustments.READ"
SCOPE_SETTINGS_READ = "ZohoInventory.settings.READ"

# Zoho's own error codes that name a setting to fix.
CODE_NOT_AUTHORIZED = 57
CODE_ORG_REQUIRED = 6024  # the user belongs to several organisations: organization_id needed
CODE_ORG_NOT_ACCESSIBLE = 6041  # the user is not in that organisation

ADJUSTMENT_REASON = "Stock level sync from InvenTree"
PAGE_SIZE = 200  # Zoho's largest page


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


# One limiter per (API base, organisation, limit, window) in this process, so that two
# clients for the same organisation share its budget.
_limiters: dict[tuple[str, str, int, float], SlidingWindowLimiter] = {}
_limiters_lock = threading.Lock()


def _shared_limiter(api_url: str, organization_id: str, limit: int, window: float) -> SlidingWindowLimiter:
    key = (api_url, organization_id, limit, window)
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = SlidingWindowLimiter(limit, window)
        return _limiters[key]


class OrganizationRefused(AuthenticationError):
    """Zoho does not let this user into the configured organisation (codes 6024, 6041)."""


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # on the time.monotonic clock


class ZohoTarget(BaseTarget):
    name = "zoho"
    title = "Zoho Inventory"
    FIELDS = (
        ConfigField("data_center", "Data center",
                    "Where the Zoho account lives: com (US), eu, in, com.au, jp, com.cn, sa or ca",
                    default="com", choices=tuple(DATA_CENTERS)),
        ConfigField("accounts_url", "Accounts server",
                    "Overrides the accounts server data_center implies, e.g. https://accounts.zoho.eu"),
        ConfigField("api_url", "API address",
                    "Overrides the API address data_center implies, e.g. https://www.zohoapis.eu/inventory/v1"),
        ConfigField("client_id", "Client ID", "Client ID of the self client or server-based app in Zoho's API console",
                    required=True),
        ConfigField("client_secret", "Client secret", "Client secret of that app", required=True, secret=True),
        ConfigField("refresh_token", "Refresh token",
                    "Refresh token with the scopes ZohoInventory.items.READ, ZohoInventory.inventoryadjustments.CREATE "
                    "and .READ (and ZohoInventory.settings.READ to check location_id)", required=True, secret=True),
        ConfigField("organization_id", "Organization ID", "The Zoho Inventory organisation to write to",
                    required=True),
        ConfigField("location_id", "Location ID",
                    "Write the stock of this location (warehouse) instead of the item's total; optional"),
    )
    ACCOUNT_KEYS = ("data_center", "api_url", "organization_id", "location_id")
    # POST creates an adjustment, which moves stock by a delta: never repeat it blindly.
    RETRY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
    # Items per adjustment. Zoho documents no limit; 100 keeps a request small and a
    # refused adjustment cheap to split, at one adjustment per 100 changed items.
    write_batch = 100
    resolve_batch = PAGE_SIZE
    # Zoho keeps decimal quantities (items in kg, m, l); InvenTree can hold 2.5 m of cable.
    integer_quantities = False
    max_sku_length = 100

    RATE_LIMIT = 90  # requests per RATE_WINDOW: under Zoho's 100/min, with room for other integrations
    RATE_WINDOW = 60.0
    DETAILS_BATCH = 50  # item ids per GET itemdetails (a comma-separated list in the URL)
    MAX_ATTEMPTS = 3  # adjustments sent for one batch after answers were lost
    MAX_RATE_LIMIT_WAITS = 5  # times a 429 to the adjustment POST is waited out
    RATE_LIMIT_PAUSE = 10.0  # seconds to wait after a 429 without Retry-After
    MAX_PAUSE = 60.0
    SETTLE_SECONDS = 2.0  # after a lost answer, give Zoho a moment before looking the adjustment up
    LOOKUP_PAGES = 3  # pages of recent adjustments searched for a reference number
    TOKEN_MARGIN = 120.0  # renew the access token this long before it expires
    MAX_PAGES = 1000  # a listing stops here whatever has_more_page says (200,000 items)

    _tokens: ClassVar[dict[str, _Token]] = {}
    _tokens_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: Mapping[str, Any], *, rate_limit: int | None = None,
                 rate_window: float | None = None):
        super().__init__(settings)
        config = self.config
        accounts_default, api_default = DATA_CENTERS[config["data_center"]]
        insecure = config["allow_insecure_http"]
        self.accounts_url = check_base_url(self.name, config["accounts_url"] or accounts_default,
                                           allow_insecure_http=insecure, api_paths=("/oauth",),
                                           field="accounts_url")
        self.api_url = check_base_url(self.name, config["api_url"] or api_default,
                                      allow_insecure_http=insecure, field="api_url")
        if not self.api_url.endswith(API_PREFIX):
            raise ConfigError(f"[zoho] api_url must end with {API_PREFIX} (got {self.api_url!r}; "
                              f"try {self.api_url + API_PREFIX!r})")
        self.organization_id = config["organization_id"]
        self.location_id = config["location_id"] or None
        self.limiter = _shared_limiter(self.api_url, self.organization_id,
                                       rate_limit or self.RATE_LIMIT, rate_window or self.RATE_WINDOW)
        self._token_key = hashlib.sha256("\0".join(
            (self.accounts_url, config["client_id"], config["client_secret"], config["refresh_token"])
        ).encode()).hexdigest()
        # SKU -> (item_id, kind, skip_reason) of its item, from one listing of every item,
        # made at most once a sync. Tuples, not the listing's JSON: it may hold 100,000 items.
        self._catalogue: dict[str, tuple[str | None, str, str | None]] | None = None
        self._looked_up = 0  # SKUs resolved one request each in this sync
        # Pages a full item listing took last time; 20 until known (a 4,000-item catalogue).
        self._listing_pages = 20

    @classmethod
    def forget_tokens(cls) -> None:
        """Drop every cached access token (tests; or after credentials were changed)."""
        with cls._tokens_lock:
            cls._tokens.clear()

    def start_sync(self) -> None:
        self._catalogue = None
        self._looked_up = 0

    def __repr__(self) -> str:
        return f"<ZohoTarget {self.api_url} organization {self.organization_id}>"

    # -- the four calls of a sync --------------------------------------------------------

    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        """Find each SKU's item.

        Zoho counts API calls against a daily allowance that depends on the plan, so this
        keeps the requests of the whole sync low: a lookup costs one request per SKU; a
        listing of every item costs one request per 200 items (its pages), once, and then
        answers every SKU of the sync. How many SKUs a sync will resolve is not known in
        advance, so SKUs are looked up one by one until doing so would take more requests
        than the listing (as counted by the last listing), and from then on the listing is
        used. A sync of a few changed levels thus never lists; a large one spends at most
        as many lookups as the listing has pages before listing: never more than twice the
        requests of the better choice made with hindsight.
        """
        if self._catalogue is None and self._looked_up + len(skus) <= self._listing_pages:
            self._looked_up += len(skus)
            return {sku: remote for sku in skus if (remote := self._remote(sku, self._items_with_sku(sku)))}
        catalogue = self._all_items()
        return {sku: Remote(sku, *catalogue[sku]) for sku in skus if sku in catalogue}

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        stock = self._stock([r.remote_id for r in remotes if r.remote_id])
        return {r.sku: stock[r.remote_id] for r in remotes if r.remote_id in stock}

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        """Bring each item to its level with one adjustment; isolate items Zoho refuses."""
        outcomes: dict[str, Outcome] = {}
        try:
            refused = self._adjust(list(changes), outcomes)
            if refused is not None:
                group, error = refused
                # Halving a refused adjustment finds one bad item in about 2*log2(n) tries.
                budget = [2 * math.ceil(math.log2(max(len(group), 2))) + 2]
                self._isolate(group, error, outcomes, budget)
        except AuthenticationError:
            raise
        except TargetError as exc:
            # Items already written keep their outcome; the next sync re-reads the rest.
            for change in changes:
                outcomes.setdefault(change.sku, Outcome.failed(str(exc)))
        return outcomes

    def check(self) -> CheckResult:
        """Get a token, find the organisation (and location), and say which scopes the token
        showed. Writes nothing, so the right to create adjustments cannot be shown."""
        details = [f"accounts server {self.accounts_url}; API {self.api_url}"]
        self._access_token()
        details.append("access token obtained with the refresh token")

        # The organisations list answers whichever organisation is configured, so this one
        # call goes without organization_id: a wrong id can then be shown with the right ones.
        try:
            organizations = self._call("GET", "organizations", organization=False).get("organizations") or []
        except AuthenticationError as exc:
            organizations = None
            details.append(f"organisations cannot be listed ({_short(exc)})")
        if organizations is not None:
            mine = [o for o in organizations if str(o.get("organization_id")) == self.organization_id]
            if not mine:
                available = ", ".join(f"{o.get('organization_id')} ({o.get('name', '?')})" for o in organizations)
                details.append(f"organization_id {self.organization_id} is not one of this user's organisations "
                               f"({available or 'none'}); fix [zoho] organization_id")
                return CheckResult(self.name, self.api_url, False, details)
            details.append(f"organisation {self.organization_id}: {mine[0].get('name', '?')}")

        ok = True
        for scope, path in ((SCOPE_ITEMS_READ, "items"), (SCOPE_ADJUST_READ, "inventoryadjustments")):
            try:
                self._call("GET", path, params={"per_page": 1})
                details.append(f"{scope}: allowed")
            except OrganizationRefused as exc:
                details.append(_short(exc))
                return CheckResult(self.name, self.api_url, False, details)
            except AuthenticationError as exc:
                ok = False
                details.append(f"{scope}: refused ({_short(exc)})")

        if self.location_id:
            try:
                locations = self._call("GET", "locations").get("locations") or []
            except AuthenticationError as exc:
                ok = False
                details.append(f"{SCOPE_SETTINGS_READ}: refused, so location_id cannot be checked ({_short(exc)})")
            else:
                mine = [loc for loc in locations if str(loc.get("location_id")) == self.location_id]
                if mine:
                    details.append(f"location {self.location_id}: {mine[0].get('location_name', '?')}")
                else:
                    ok = False
                    available = ", ".join(f"{loc.get('location_id')} ({loc.get('location_name', '?')})"
                                          for loc in locations)
                    details.append(f"location_id {self.location_id} not found (locations: {available or 'none'}); "
                                   "fix [zoho] location_id")
        details.append(f"{SCOPE_ADJUST_CREATE}: not checked (that needs a write); the first sync shows it")
        return CheckResult(self.name, self.api_url, ok, details)

    # -- resolving -----------------------------------------------------------------------

    def _items_with_sku(self, sku: str) -> list[dict[str, Any]]:
        body = self._call("GET", "items", params={"sku": sku})
        # The filter is documented as exact; compare anyway, in case Zoho ignores case.
        return [item for item in body.get("items") or [] if item.get("sku") == sku]

    def _all_items(self) -> dict[str, tuple[str | None, str, str | None]]:
        if self._catalogue is None:
            catalogue: dict[str, tuple[str | None, str, str | None]] = {}
            repeated: dict[str, list[dict[str, Any]]] = {}  # SKUs several items have (rare)
            pages = 0
            for pages, items in enumerate(self._pages("items", "items"), start=1):
                for item in items:
                    sku = item.get("sku")
                    if not sku:
                        continue
                    if sku in repeated:
                        repeated[sku].append(item)
                    elif sku in catalogue:
                        repeated[sku] = [{"item_id": catalogue[sku][0]}, item]
                    else:
                        remote = self._remote(sku, [item])
                        # Interned: thousands of items share their kind and skip reason.
                        catalogue[sku] = (remote.remote_id, sys.intern(remote.kind),
                                          remote.skip_reason and sys.intern(remote.skip_reason))
            for sku, items in repeated.items():
                remote = self._remote(sku, items)
                catalogue[sku] = (remote.remote_id, remote.kind, remote.skip_reason)
            self._catalogue = catalogue
            self._listing_pages = max(pages, 1)
        return self._catalogue

    def _pages(self, path: str, key: str, params: Mapping[str, Any] | None = None,
               max_pages: int | None = None) -> Iterable[list[dict[str, Any]]]:
        for page in range(1, (max_pages or self.MAX_PAGES) + 1):
            body = self._call("GET", path, params={**(params or {}), "page": page, "per_page": PAGE_SIZE})
            records = body.get(key) or []
            yield records
            context = body.get("page_context")
            more = context.get("has_more_page") if isinstance(context, dict) else None
            if not (more if more is not None else len(records) >= PAGE_SIZE):
                return

    def _remote(self, sku: str, items: list[dict[str, Any]]) -> Remote | None:
        if not items:
            return None
        if len(items) > 1:
            ids = ", ".join(str(i.get("item_id")) for i in items)
            return Remote(sku, str(items[0].get("item_id")), "duplicate",
                          f"{len(items)} Zoho items have this SKU (item ids {ids}); make SKUs unique in Zoho")
        item = items[0]
        # data stays empty: writing needs only the item_id.
        return Remote(sku, str(item.get("item_id")), str(item.get("item_type") or ""), _skip_reason(item))

    # -- stock -----------------------------------------------------------------------------

    def _stock(self, item_ids: Sequence[str]) -> dict[str, Decimal]:
        """item_id -> current stock (of the configured location, else the item's total), read now."""
        stock: dict[str, Decimal] = {}
        for start in range(0, len(item_ids), self.DETAILS_BATCH):
            ids = item_ids[start : start + self.DETAILS_BATCH]
            body = self._call("GET", "itemdetails", params={"item_ids": ",".join(ids)})
            for item in body.get("items") or []:
                stock[str(item.get("item_id"))] = self._quantity_of(item)
        return stock

    def _quantity_of(self, item: Mapping[str, Any]) -> Decimal:
        locations = item.get("locations") or []
        if self.location_id:
            for location in locations:
                if str(location.get("location_id")) == self.location_id:
                    return _number(location.get("location_stock_on_hand"))
            return Decimal(0)  # the item has never had stock there
        if item.get("stock_on_hand") is not None:
            return _number(item["stock_on_hand"])
        return sum((_number(loc.get("location_stock_on_hand")) for loc in locations), Decimal(0))

    # -- writing -------------------------------------------------------------------------

    def _adjust(self, changes: list[Change], outcomes: dict[str, Outcome]) -> tuple[list[Change], TargetError] | None:
        """Write ``changes`` with one adjustment, resent (bounded) while its answer is lost.

        Fills ``outcomes``; returns (changes, error) when Zoho refused the adjustment as a
        whole, so that the caller can find the item it objects to.
        """
        lost: TargetError | None = None
        for _attempt in range(self.MAX_ATTEMPTS):
            current = self._stock([c.remote.remote_id for c in changes])
            lines: list[tuple[Change, Decimal]] = []
            for change in changes:
                if change.remote.remote_id not in current:
                    outcomes[change.sku] = Outcome.failed("the item no longer exists in Zoho")
                elif change.quantity == current[change.remote.remote_id]:
                    outcomes[change.sku] = OK
                else:
                    lines.append((change, change.quantity - current[change.remote.remote_id]))
            if not lines:
                return None
            changes = [change for change, _ in lines]
            reference = "ICS-" + uuid.uuid4().hex[:20]
            try:
                self._post_adjustment(reference, lines)
            except AmbiguousFailure as exc:
                lost = exc
                log.warning("zoho: adjustment %s of %d items: %s; checking whether it was applied",
                            reference, len(lines), redact(exc))
                time.sleep(self.SETTLE_SECONDS)
                try:
                    applied = self._adjustment_exists(reference)
                except AuthenticationError:
                    raise
                except TargetError as lookup_error:
                    self._fail(changes, outcomes, f"{exc}; whether it was applied could not be checked "
                                                  f"({_short(lookup_error)}); the next sync reads the stock "
                                                  "again and corrects it")
                    return None
                if applied:
                    self._succeed(changes, outcomes)
                    return None
                continue  # not applied: read the stock again and send a new adjustment
            except AuthenticationError:
                raise
            except TargetError as exc:
                refused = exc.status is not None and exc.status < 500 and exc.status != 429
                if refused and not isinstance(exc, ProtocolError):
                    return changes, exc
                self._fail(changes, outcomes, str(exc))
                return None
            self._succeed(changes, outcomes)
            return None
        self._fail(changes, outcomes, f"{lost}; gave up after {self.MAX_ATTEMPTS} adjustments whose answers were lost "
                                      "and which Zoho does not list")
        return None

    def _isolate(self, changes: list[Change], error: TargetError, outcomes: dict[str, Outcome],
                 budget: list[int]) -> None:
        """Zoho refused an adjustment of ``changes`` with ``error``: halve it to find the culprits.

        When both halves are refused with the very same message, the refusal is about the
        adjustment as a whole (a locked period, a bad location), not about one item: stop.
        """
        if len(changes) == 1 or budget[0] < 2:
            self._fail(changes, outcomes, str(error))
            return
        middle = len(changes) // 2
        halves = (changes[:middle], changes[middle:])
        budget[0] -= 2
        refusals = [self._adjust(half, outcomes) for half in halves]
        if all(r is not None and str(r[1]) == str(error) for r in refusals):
            for refused, _ in filter(None, refusals):
                self._fail(refused, outcomes, str(error))
            return
        for refusal in refusals:
            if refusal is not None:
                self._isolate(refusal[0], refusal[1], outcomes, budget)

    def _post_adjustment(self, reference: str, lines: list[tuple[Change, Decimal]]) -> None:
        line_items = []
        for change, delta in lines:
            line: dict[str, Any] = {"item_id": change.remote.remote_id, "quantity_adjusted": _json_number(delta)}
            if self.location_id:
                line["location_id"] = self.location_id
            line_items.append(line)
        body = {
            "date": date.today().isoformat(),
            "reason": ADJUSTMENT_REASON,
            "description": "Sets stock to InvenTree's levels (inventree-commerce-sync)",
            "reference_number": reference,
            "adjustment_type": "quantity",
            "line_items": line_items,
        }
        for wait in range(self.MAX_RATE_LIMIT_WAITS + 1):
            response = self._send("POST", "inventoryadjustments", json_body=body)
            if response.status_code != 429 or wait == self.MAX_RATE_LIMIT_WAITS:
                break
            # A 429 is refused before anything is applied: waiting and resending is safe.
            time.sleep(_retry_after(response, self.RATE_LIMIT_PAUSE, self.MAX_PAUSE))
        try:
            self._checked(response)
        except ProtocolError as exc:
            if 200 <= response.status_code < 300:  # a success answer we cannot read: it may have been applied
                raise AmbiguousFailure(self.name, _short(exc), status=exc.status) from None
            raise

    def _adjustment_exists(self, reference: str) -> bool:
        """Whether Zoho lists an adjustment with this reference number.

        The list call documents no filter; ``search_text`` is Zoho's usual full-text filter
        and is sent in the hope it narrows the answer, but the match is made here, so
        that a server that ignores it only costs more pages (newest adjustments come first).
        """
        for adjustments in self._pages("inventoryadjustments", "inventory_adjustments",
                                       {"search_text": reference}, max_pages=self.LOOKUP_PAGES):
            if any(a.get("reference_number") == reference for a in adjustments):
                return True
        return False

    def _succeed(self, changes: Iterable[Change], outcomes: dict[str, Outcome]) -> None:
        for change in changes:
            outcomes[change.sku] = OK

    def _fail(self, changes: Iterable[Change], outcomes: dict[str, Outcome], error: str) -> None:
        for change in changes:
            outcomes[change.sku] = Outcome.failed(error)

    # -- HTTP --------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json_body: Any = None, organization: bool = True) -> dict[str, Any]:
        return self._checked(self._send(method, path, params=params, json_body=json_body,
                                        organization=organization))

    def _send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json_body: Any = None, organization: bool = True) -> requests.Response:
        """One API call with a valid token; a 401 gets a new token and one more try."""
        query = {**(params or {})}
        if organization:
            query["organization_id"] = self.organization_id
        url = f"{self.api_url}/{path}"
        token = self._access_token()
        for attempt in (1, 2):
            self.limiter.acquire()
            response = self.session.request(method, url, params=query, json=json_body,
                                            headers={"Authorization": f"Zoho-oauthtoken {token}"})
            if response.status_code != 401 or attempt == 2:
                return response
            # Expired early or revoked (Zoho: 401, code 57). A 401 means nothing was done.
            token = self._access_token(renew=token)
        raise AssertionError("unreachable")

    def _checked(self, response: requests.Response) -> dict[str, Any]:
        """The body of a successful answer, or the error that says what went wrong."""
        status = response.status_code
        if status >= 500:
            raise status_error(self.name, response, _message(response), auth_hint="")
        body = self._json(response, "api_url")
        if not isinstance(body, dict):
            raise ProtocolError(self.name, f"unexpected answer {str(body)[:100]!r}", status=status)
        code = body.get("code", 0)
        if 200 <= status < 300 and code == 0:
            return body
        message = str(body.get("message") or response.reason or "no message")
        if code in (CODE_ORG_REQUIRED, CODE_ORG_NOT_ACCESSIBLE):
            raise OrganizationRefused(self.name, f"organisation refused ({message}); "
                                                 "check [zoho] organization_id", status=status)
        if status in (401, 403):
            raise status_error(self.name, response, f"{message} (code {code})", auth_hint=(
                f"the token from [zoho] refresh_token needs the scopes {SCOPE_ITEMS_READ}, {SCOPE_ADJUST_CREATE} "
                f"and {SCOPE_ADJUST_READ}, and its user access to organisation {self.organization_id}"))
        if 200 <= status < 300:
            method = response.request.method if response.request is not None else "GET"
            where = urlsplit(response.url or "").path
            raise TargetError(self.name, f"{method} {where} failed: {message} (code {code})", status=status)
        raise status_error(self.name, response, f"{message} (code {code})" if code else message, auth_hint="")

    def _json(self, response: requests.Response, setting: str) -> Any:
        try:
            return decode_json(self.name, response)
        except ProtocolError as exc:
            what = _short(exc).split(";")[0]
            raise ProtocolError(self.name, f"{what}; check [zoho] data_center, or {setting} if you set it",
                                status=exc.status) from None

    # -- OAuth -------------------------------------------------------------------------

    def _access_token(self, renew: str | None = None) -> str:
        """A valid access token: the cached one, or a new one from the refresh-token grant.

        ``renew`` is a token the API just refused: replace it, unless another thread has.
        """
        with self._tokens_lock:
            token = self._tokens.get(self._token_key)
            if token is not None and token.value != renew and time.monotonic() < token.expires_at:
                return token.value
            token = self._grant()
            self._tokens[self._token_key] = token
            return token.value

    def _grant(self) -> _Token:
        url = f"{self.accounts_url}/oauth/v2/token"
        form = {
            "grant_type": "refresh_token",
            "client_id": self.config["client_id"],
            "client_secret": self.config["client_secret"],
            "refresh_token": self.config["refresh_token"],
        }
        try:
            response = self.session.request("POST", url, data=form, count_as="auth")
        except AmbiguousFailure as exc:  # asking for a token again is harmless
            raise TargetUnavailable(self.name, _short(exc)) from None
        if response.status_code >= 500:
            raise TargetUnavailable(self.name, f"the accounts server {self.accounts_url} failed with "
                                               f"HTTP {response.status_code}; try again later")
        body = self._json(response, "accounts_url")
        if not isinstance(body, dict):
            body = {}
        error = str(body.get("error") or "")
        if error or not body.get("access_token"):
            raise self._grant_error(error or f"HTTP {response.status_code}", body)
        value = str(body["access_token"])
        register_secret(value)
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        return _Token(value, time.monotonic() + max(lifetime - self.TOKEN_MARGIN, lifetime / 2))

    def _grant_error(self, error: str, body: Mapping[str, Any]) -> TargetError:
        region = (f"and that data_center ({self.config['data_center']}) is the region the account lives in"
                  if not self.config["accounts_url"] else "and that accounts_url is the account's region")
        if error == "invalid_code":
            return AuthenticationError(self.name, f"refresh token refused by {self.accounts_url} ({error}); check "
                                                  f"[zoho] refresh_token (it may have been revoked) {region}")
        if error.startswith("invalid_client"):
            return AuthenticationError(self.name, f"client refused by {self.accounts_url} ({error}); check [zoho] "
                                                  f"client_id and client_secret {region}")
        description = redact(body.get("error_description") or "")
        if "too many" in description.lower():
            return TargetUnavailable(self.name, f"the accounts server refuses to issue more tokens for now "
                                                f"({description}); try again in a few minutes")
        return AuthenticationError(self.name, f"token request refused by {self.accounts_url} ({redact(error)}"
                                              f"{': ' + description if description else ''}); check [zoho] "
                                              f"client_id, client_secret and refresh_token")


def _skip_reason(item: Mapping[str, Any]) -> str | None:
    """Why an item's stock must not be written, or None."""
    item_type = str(item.get("item_type") or "inventory")
    if str(item.get("product_type") or "") == "service":
        return "a service in Zoho: it has no stock"
    if item_type != "inventory" or item.get("track_inventory") is False:
        return f"not inventory-tracked in Zoho (item type {item_type!r}): it has no stock to set"
    if str(item.get("status") or "active") != "active":
        return "the item is inactive in Zoho"
    return None


def _number(value: Any) -> Decimal:
    """A quantity as Zoho sends it (number, numeric string, or "" for none) as a Decimal."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ProtocolError("zoho", f"stock {value!r} is not a number") from None


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or ""
    return str(body.get("message") or "") if isinstance(body, dict) else ""


def _retry_after(response: requests.Response, default: float, cap: float) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", default)), 0.0), cap)
    except ValueError:
        return default


def _short(exc: BaseException) -> str:
    return str(exc).split(": ", 1)[-1]
