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

Access tokens come from ``zoho_auth.ZohoOAuth`` and are renewed once when an API call
answers 401. Every API call carries ``organization_id`` (but the list of organisations,
which ``check`` reads) and passes a client-side limiter that keeps under Zoho's 100
requests per minute per organisation.
"""

from __future__ import annotations

import math
import sys
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..core.errors import AmbiguousFailure, AuthenticationError, ConfigError, ProtocolError, TargetError
from ..core.http import check_base_url
from ..core.ratelimit import RateLimitWait, SlidingWindowLimiter, shared_limiter, wait_out_rate_limit
from ..core.redact import get_logger, redact
from ..core.target import OK, BaseTarget, Change, CheckResult, ConfigField, Outcome, Remote, held_by_several
from .zoho_api import (
    API_PREFIX,
    DATA_CENTERS,
    PAGE_SIZE,
    SCOPE_ADJUST_CREATE,
    SCOPE_ADJUST_READ,
    SCOPE_ITEMS_READ,
    SCOPE_SETTINGS_READ,
    OrganizationRefused,
    ZohoApi,
    adjustment_body,
    quantity_of,
    skip_reason,
)
from .zoho_auth import ZohoOAuth
from .zoho_catalogue import ZohoCatalogue
from .zoho_customers import ZohoContacts
from .zoho_orders import ZohoOrders

__all__ = ["DATA_CENTERS", "OrganizationRefused", "SlidingWindowLimiter", "ZohoTarget"]

log = get_logger(__name__)



class ZohoTarget(ZohoOrders, ZohoCatalogue, ZohoContacts, BaseTarget):
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
    # Where a record of a location map carries its location (core.locations).
    LOCATION_DATA_KEY = "location_id"
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
    # A 429 to the adjustment POST: waited out at most 5 times, 10 s without Retry-After, 60 s at most each.
    RATE_LIMIT_WAIT = RateLimitWait(pause=10.0, max_pause=60.0, max_waits=5, max_total=300.0)
    SETTLE_SECONDS = 2.0  # after a lost answer, give Zoho a moment before looking the adjustment up
    LOOKUP_PAGES = 3  # pages of recent adjustments searched for a reference number
    MAX_PAGES = 1000  # a listing stops here whatever has_more_page says (200,000 items)

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
            raise ConfigError(f"must end with {API_PREFIX} (got {self.api_url!r}; try {self.api_url + API_PREFIX!r})",
                              target=self.name, key="api_url")
        self.organization_id = config["organization_id"]
        self.location_id = config["location_id"] or None
        self.limiter = shared_limiter((self.api_url, self.organization_id),
                                      rate_limit or self.RATE_LIMIT, rate_window or self.RATE_WINDOW)
        self.auth = ZohoOAuth(self.session, self.accounts_url, config)
        self.api = ZohoApi(self.session, self.api_url, self.organization_id, self.limiter, self.auth)
        # SKU -> (item_id, kind, skip_reason) of its item, from one listing of every item,
        # made at most once a sync. Tuples, not the listing's JSON: it may hold 100,000 items.
        self._catalogue: dict[str, tuple[str | None, str, str | None]] | None = None
        self._looked_up = 0  # SKUs resolved one request each in this sync
        # Pages a full item listing took last time; 20 until known (a 4,000-item catalogue).
        self._listing_pages = 20

    @staticmethod
    def forget_tokens() -> None:
        """Drop every cached access token (tests; or after credentials were changed)."""
        ZohoOAuth.forget_tokens()

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

    def resolve_known(self, skus: Sequence[str], known: Mapping[str, Remote]) -> dict[str, Remote]:
        """The items the ledger knows are taken as they are, without a request: writing
        reads their stock right before each adjustment anyway, and an item deleted (or
        given another SKU, or no longer stock-tracked) since is then looked up again. Only
        unknown SKUs are looked up (or the catalogue listed for them)."""
        remotes = {sku: Remote(sku, known[sku].remote_id, str(known[sku].data.get("kind") or ""))
                   for sku in skus if sku in known}
        unknown = [sku for sku in skus if sku not in remotes]
        if unknown:
            remotes.update(self.resolve(unknown))
        return remotes

    def memo(self, remote: Remote) -> dict[str, Any] | None:
        return None if remote.skip_reason else {"kind": remote.kind}

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        details = self._details(list(dict.fromkeys(r.remote_id for r in remotes if r.remote_id)))
        return {r.sku: quantity_of(details[r.id], self._location_of(r)) for r in remotes if r.remote_id in details}

    def _location_of(self, remote: Remote) -> str | None:
        """The location a record is written to: its own (a location map, ``core.locations``), else the setting."""
        return str(remote.data.get(self.LOCATION_DATA_KEY) or self.location_id or "") or None

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        """Bring each item to its level with one adjustment per location (an adjustment
        carries one location); isolate items Zoho refuses."""
        outcomes: dict[str, Outcome] = {}
        by_location: dict[str | None, list[Change]] = {}
        for change in changes:
            by_location.setdefault(self._location_of(change.remote), []).append(change)
        try:
            for location_id, group in by_location.items():
                refused = self._adjust(group, outcomes, location_id)
                if refused is not None:
                    refused_group, error = refused
                    # Halving a refused adjustment finds one bad item in about 2*log2(n) tries.
                    budget = [2 * math.ceil(math.log2(max(len(refused_group), 2))) + 2]
                    self._isolate(refused_group, error, outcomes, budget, location_id)
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
        self.auth.token()
        details.append("access token obtained with the refresh token")

        # The organisations list answers whichever organisation is configured, so this one
        # call goes without organization_id: a wrong id can then be shown with the right ones.
        try:
            organizations = self.api.call("GET", "organizations", organization=False).get("organizations") or []
        except AuthenticationError as exc:
            organizations = None
            details.append(f"organisations cannot be listed ({exc.reason})")
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
                self.api.call("GET", path, params={"per_page": 1})
                details.append(f"{scope}: allowed")
            except OrganizationRefused as exc:
                details.append(exc.reason)
                return CheckResult(self.name, self.api_url, False, details)
            except AuthenticationError as exc:
                ok = False
                details.append(f"{scope}: refused ({exc.reason})")

        if self.location_id:
            found, lines = self.check_locations([self.location_id], "location_id", "fix [zoho] location_id")
            ok &= found
            details.extend(lines)
        details.append(f"{SCOPE_ADJUST_CREATE}: not checked (that needs a write); the first sync shows it")
        return CheckResult(self.name, self.api_url, ok, details)

    def check_locations(self, location_ids: Sequence[str], what: str = "location of the location map",
                        fix: str = "fix the location map") -> tuple[bool, list[str]]:
        """Whether each location exists (one read of the locations), and a line for each."""
        try:
            locations = self.api.call("GET", "locations").get("locations") or []
        except AuthenticationError as exc:
            return False, [f"{SCOPE_SETTINGS_READ}: refused, so {what} cannot be checked ({exc.reason})"]
        names = {str(loc.get("location_id")): loc.get("location_name", "?") for loc in locations}
        ok, details = True, []
        for location_id in location_ids:
            if location_id in names:
                details.append(f"location {location_id}: {names[location_id]}")
            else:
                ok = False
                available = ", ".join(f"{code} ({name})" for code, name in names.items())
                details.append(f"{what} {location_id} not found (locations: {available or 'none'}); {fix}")
        return ok, details

    # -- resolving -----------------------------------------------------------------------

    def _items_with_sku(self, sku: str) -> list[dict[str, Any]]:
        body = self.api.call("GET", "items", params={"sku": sku})
        # The filter is documented as exact; compare anyway, in case Zoho ignores case.
        return [item for item in body.get("items") or [] if item.get("sku") == sku]

    def _all_items(self) -> dict[str, tuple[str | None, str, str | None]]:
        if self._catalogue is None:
            catalogue: dict[str, tuple[str | None, str, str | None]] = {}
            repeated: dict[str, list[dict[str, Any]]] = {}  # SKUs several items have (rare)
            pages = 0
            for items in self.api.pages("items", "items", max_pages=self.MAX_PAGES):
                pages += 1
                for item in items:
                    sku = item.get("sku")
                    if not sku:
                        continue
                    if sku in repeated:
                        repeated[sku].append(item)
                    elif sku in catalogue:
                        repeated[sku] = [{"item_id": catalogue[sku][0]}, item]
                    else:
                        remote = self._found(sku, [item])
                        # Interned: thousands of items share their kind and skip reason.
                        catalogue[sku] = (remote.remote_id, sys.intern(remote.kind),
                                          remote.skip_reason and sys.intern(remote.skip_reason))
            for sku, items in repeated.items():
                remote = self._found(sku, items)
                catalogue[sku] = (remote.remote_id, remote.kind, remote.skip_reason)
            self._catalogue = catalogue
            self._listing_pages = max(pages, 1)
        return self._catalogue

    def _remote(self, sku: str, items: list[dict[str, Any]]) -> Remote | None:
        return self._found(sku, items) if items else None

    def _found(self, sku: str, items: list[dict[str, Any]]) -> Remote:
        if len(items) > 1:
            return held_by_several(sku, [str(i.get("item_id")) for i in items], records="Zoho items",
                                   fix="make SKUs unique in Zoho")
        item = items[0]
        # data stays empty: writing needs only the item_id.
        return Remote(sku, str(item.get("item_id")), str(item.get("item_type") or ""), skip_reason(item))

    # -- stock -----------------------------------------------------------------------------

    def _details(self, item_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """item_id -> the item as itemdetails answers it now, 50 items a request."""
        items: dict[str, dict[str, Any]] = {}
        for start in range(0, len(item_ids), self.DETAILS_BATCH):
            ids = item_ids[start : start + self.DETAILS_BATCH]
            body = self.api.call("GET", "itemdetails", params={"item_ids": ",".join(ids)})
            for item in body.get("items") or []:
                items[str(item.get("item_id"))] = item
        return items

    # -- writing -------------------------------------------------------------------------

    def _adjust(self, changes: list[Change], outcomes: dict[str, Outcome],
                location_id: str | None) -> tuple[list[Change], TargetError] | None:
        """Write ``changes`` with one adjustment at ``location_id`` (None: the item's total),
        resent (bounded) while its answer is lost.

        Fills ``outcomes``; returns (changes, error) when Zoho refused the adjustment as a
        whole, so that the caller can find the item it objects to.
        """
        lost: TargetError | None = None
        for _attempt in range(self.MAX_ATTEMPTS):
            details = self._details([c.remote.id for c in changes])
            lines: list[tuple[Change, Decimal]] = []
            for change in changes:
                item = details.get(change.remote.id)
                gone = _no_longer_the_skus(item, change.remote.data.get("sku", change.sku))
                if gone:
                    outcomes[change.sku] = Outcome.no_longer_there(gone)
                    continue
                assert item is not None
                current = quantity_of(item, location_id)
                if change.quantity == current:
                    outcomes[change.sku] = OK
                else:
                    lines.append((change, change.quantity - current))
            if not lines:
                return None
            changes = [change for change, _ in lines]
            reference = "ICS-" + uuid.uuid4().hex[:20]
            try:
                self._post_adjustment(reference, lines, location_id)
            except AmbiguousFailure as exc:
                lost = exc
                log.warning("zoho: adjustment %s of %d items: %s; checking whether it was applied",
                            reference, len(lines), redact(exc))
                time.sleep(self.SETTLE_SECONDS)
                try:
                    applied = self.api.adjustment_exists(reference, max_pages=self.LOOKUP_PAGES)
                except AuthenticationError:
                    raise
                except TargetError as lookup_error:
                    self._fail(changes, outcomes, f"{exc}; whether it was applied could not be checked "
                                                  f"({lookup_error.reason}); the next sync reads the stock "
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
                 budget: list[int], location_id: str | None) -> None:
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
        refusals = [self._adjust(half, outcomes, location_id) for half in halves]
        if all(r is not None and r[1].same_refusal(error) for r in refusals):
            for refused, _ in filter(None, refusals):
                self._fail(refused, outcomes, str(error))
            return
        for refusal in refusals:
            if refusal is not None:
                self._isolate(refusal[0], refusal[1], outcomes, budget, location_id)

    def _post_adjustment(self, reference: str, lines: list[tuple[Change, Decimal]], location_id: str | None) -> None:
        body = adjustment_body(reference, [(change.remote.id, delta) for change, delta in lines], location_id)
        # A 429 is refused before anything is applied: waiting and resending is safe.
        response = wait_out_rate_limit(self.name, lambda: self.api.send("POST", "inventoryadjustments", json_body=body),
                                       self.RATE_LIMIT_WAIT, sleep=lambda seconds: time.sleep(seconds))
        try:
            self.api.checked(response)
        except ProtocolError as exc:
            if 200 <= response.status_code < 300:  # a success answer we cannot read: it may have been applied
                raise AmbiguousFailure(self.name, exc.reason, status=exc.status) from None
            raise

    def _succeed(self, changes: Iterable[Change], outcomes: dict[str, Outcome]) -> None:
        for change in changes:
            outcomes[change.sku] = OK

    def _fail(self, changes: Iterable[Change], outcomes: dict[str, Outcome], error: str) -> None:
        for change in changes:
            outcomes[change.sku] = Outcome.failed(error)


def _no_longer_the_skus(item: Mapping[str, Any] | None, sku: str) -> str | None:
    """Why the item read for an adjustment is not to be written for ``sku`` (deleted, given
    another SKU, no longer stock-tracked), or None: the engine then looks the SKU up again."""
    if item is None:
        return "the item no longer exists in Zoho"
    if item.get("sku") not in (None, sku):
        return f"the item's SKU in Zoho is now {item.get('sku')!r}"
    return skip_reason(item)
