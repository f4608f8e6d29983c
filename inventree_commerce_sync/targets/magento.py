"""Magento 2 (Open Source / Adobe Commerce) client: pushes absolute stock levels over REST.

Two ways to write, chosen by ``mode``:

- ``msi`` (default): Multi-Source Inventory. ``POST /V1/inventory/source-items`` sets the
  quantity of many SKUs at the configured source in one call. Magento answers 200 ``[]``
  even for SKUs it does not know, so every SKU is looked up first.
- ``legacy``: ``PUT /V1/products/{sku}/stockItems/{itemId}``, one SKU per call, for stores
  without the Inventory modules. It only ever writes the ``default`` source.

SKUs are looked up in batches with the products search (``sku in a,b,c``); Magento splits
that value on commas, so a SKU that holds a comma is looked up on its own with ``eq``.
Configurable, bundle and grouped products hold no stock of their own and are skipped, as
are products whose stock is not managed. The product list does not carry the stock item
(magento/magento2#36533), so whether stock is managed is read from
``GET /V1/stockItems/{sku}`` for each SKU about to be written, a few at a time, when the
ledger does not know it yet: it keeps the flags with the product id until the next target
check (the engine's verify), which reads them again for every SKU.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import requests

from ..core.errors import AuthenticationError, ConfigError, ProtocolError, TargetError
from ..core.http import SAFE_METHODS, decode_json, error_body, shapeless_error, status_error
from ..core.redact import get_logger
from ..core.target import (
    OK,
    BaseTarget,
    Change,
    CheckResult,
    ConfigField,
    Outcome,
    Remote,
    case_differs,
    comma_list_groups,
)
from ..core.values import collate_sku, json_number
from .magento_catalogue import CATALOGUE_FIELDS, MagentoCatalogue
from .magento_orders import MagentoOrders
from .magento_rest import RouteMissing, StockItem, criteria, error_message, path_segment

__all__ = ["UNMANAGED", "MagentoTarget", "error_message"]

log = get_logger(__name__)

AUTH_HINT = (
    "check the access token in [magento] token and that its role allows the resource named; "
    "since Magento 2.4.4 an integration's access token works as a Bearer token only when "
    "Stores > Configuration > Services > OAuth > Consumer Settings > "
    "'Allow OAuth Access Tokens to be used as standalone Bearer tokens' is Yes"
)

# Product types whose stock Magento keeps per product ("isQty" types); the others derive
# their availability from their children.
STOCK_TYPES = frozenset({"simple", "virtual", "downloadable", "giftcard"})
DERIVED_STOCK = {
    "configurable": "configurable product: its stock is that of its variants; sync the variants' SKUs",
    "bundle": "bundle product: its stock comes from the products it bundles",
    "grouped": "grouped product: its stock comes from the products it groups",
}
UNMANAGED = "stock is not managed for this product in Magento (Manage Stock = No)"

# SKUs per products/source-items search, and a bound on the length of the `in` value,
# which travels in the query string (proxies commonly refuse URLs over 8 KB).
SEARCH_BATCH = 100
MAX_IN_VALUE_CHARS = 3000
# Parallel GET /V1/stockItems/{sku} calls while resolving: enough to hide latency,
# few enough not to hurt a small store.
STOCK_ITEM_WORKERS = 4

# A store that enables the web API input limits refuses longer arrays with this message
# (Magento\Framework\Webapi\Validator\EntityArrayValidator); we then send smaller batches.
_ARRAY_LIMIT = re.compile(r"Maximum items of type .* is (\d+)")
_STORE_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class MagentoTarget(MagentoOrders, MagentoCatalogue, BaseTarget):
    name = "magento"
    title = "Magento 2"
    FIELDS = (
        ConfigField("url", "Store URL", "Base address of the store, e.g. https://shop.example.com", required=True),
        ConfigField("token", "Access token",
                    "Admin or integration access token allowed to read products and write stock",
                    required=True, secret=True),
        ConfigField("store_code", "Store code", "Store view code in the REST path /rest/<store_code>/V1",
                    default="default"),
        ConfigField("mode", "Inventory mode",
                    "msi: write a Multi-Source Inventory source; legacy: the single-source stock item API",
                    default="msi", choices=("msi", "legacy")),
        ConfigField("source_code", "Source code", "MSI source whose quantities are set (mode msi)",
                    default="default"),
        *CATALOGUE_FIELDS,
    )
    API_PATHS = ("/rest",)
    ACCOUNT_KEYS = ("store_code", "mode", "source_code")
    # Where a record of a location map carries its source (core.locations).
    LOCATION_DATA_KEY = "source_code"
    # A source-items POST sets absolute quantities, so sending it twice changes nothing.
    RETRY_METHODS = SAFE_METHODS | {"POST"}
    # One source-items call carries 500 items (about 50 KB of JSON): few requests for a big
    # catalogue, one save and reindex per call that stays well inside PHP's time limits.
    write_batch = 500
    resolve_batch = SEARCH_BATCH
    # Magento stores decimal quantities, but only products flagged "Qty Uses Decimals" can
    # sell fractions, and that flag is per product while the engine rounds before resolving.
    # Rounding down everywhere never offers stock that is not there.
    integer_quantities = True
    max_sku_length = 64

    def __init__(self, settings: Mapping[str, Any]):
        super().__init__(settings)
        store_code = self.config["store_code"]
        if not _STORE_CODE.fullmatch(store_code):
            raise ConfigError(f"{store_code!r} is not a store code (letters, digits, underscore)",
                              target=self.name, key="store_code")
        self.legacy = self.config["mode"] == "legacy"
        self.source_code = self.config["source_code"]
        if self.legacy and self.source_code != "default":
            raise ConfigError("must be default in legacy mode, which can only write the default source; "
                              "leave it empty, or use mode msi", target=self.name, key="source_code")
        if self.legacy:
            self.write_batch = 1  # the stock item API has no batch form
        self.base = f"{self.config['url']}/rest/{store_code}/V1"
        self.session.headers["Authorization"] = f"Bearer {self.config['token']}"
        # Legacy mode: Magento SKU -> stock item of SKUs resolved and not yet read or written,
        # so that read() knows the quantity without asking again. Emptied as they are used.
        self._stock_items: dict[str, StockItem] = {}
        self._array_limit: int | None = None  # items per call when the store limits web API arrays

    def start_sync(self) -> None:
        self._stock_items.clear()

    # -- resolve ------------------------------------------------------------------------

    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        return self.resolve_known(skus, {})

    def resolve_known(self, skus: Sequence[str], known: Mapping[str, Remote]) -> dict[str, Remote]:
        """Every SKU is searched (a source-items write accepts SKUs Magento does not know, so
        existence and type are always checked, 100 SKUs a request); the stock item (whether
        stock is managed, backorders) is read only for products the ledger does not know
        under the same id: a target check (the engine's verify) reads it for every SKU."""
        wanted = list(dict.fromkeys(skus))
        products: dict[str, dict[str, Any]] = {}
        for product in self._search_by_sku("/products", wanted):
            if isinstance(product, dict) and isinstance(product.get("sku"), str):
                products[product["sku"]] = product
        # MySQL compares SKUs without regard to letter case, so a search may answer "ABC" for "abc".
        by_collated: dict[str, str] = {}
        for sku in products:
            by_collated.setdefault(collate_sku(sku), sku)

        remotes: dict[str, Remote] = {}
        stock_items: dict[str, StockItem | None] = {}
        needs_stock_item: list[str] = []
        for sku in wanted:
            product = products.get(sku)
            if product is None:
                actual = by_collated.get(collate_sku(sku))
                if actual is not None:
                    other = products[actual]
                    remotes[sku] = case_differs(sku, actual, str(other.get("id") or actual),
                                                str(other.get("type_id") or ""), title="Magento")
                continue
            kind = str(product.get("type_id") or "")
            reason = DERIVED_STOCK.get(kind)
            if reason is None and kind not in STOCK_TYPES:
                reason = f"Magento keeps no stock for products of type {kind!r}"
            remotes[sku] = Remote(sku, str(product.get("id") or sku), kind, reason, {"sku": sku})
            if reason is None:
                listed = (product.get("extension_attributes") or {}).get("stock_item")
                remembered = _remembered_stock_item(known.get(sku), remotes[sku].remote_id)
                if isinstance(listed, dict):
                    stock_items[sku] = StockItem.of(listed)
                elif remembered is not None:
                    stock_items[sku] = remembered
                else:
                    needs_stock_item.append(sku)

        stock_items.update(self._fetch_stock_items(needs_stock_item))
        for sku in wanted:
            remote = remotes.get(sku)
            if remote is None or remote.skip_reason:
                continue
            item = stock_items.get(sku)
            if item is None:  # deleted between the search and the stock item lookup
                del remotes[sku]
            else:
                data = {"sku": sku, "item_id": item.item_id, "backorders": item.backorders,
                        "manage_stock": item.manage_stock}
                remotes[sku] = Remote(sku, remote.remote_id, remote.kind, None if item.manage_stock else UNMANAGED,
                                      data)
                if self.legacy and item.qty is not None:
                    self._stock_items[sku] = item
        return remotes

    def memo(self, remote: Remote) -> dict[str, Any] | None:
        """The stock item's flags, kept with the product id until the next target check."""
        if "manage_stock" not in remote.data:
            return None
        return {key: remote.data.get(key) for key in ("item_id", "backorders", "manage_stock")}

    def _fetch_stock_items(self, skus: list[str]) -> dict[str, StockItem | None]:
        """The stock item of each SKU (None for a product that no longer exists), a few at a time."""
        if not skus:
            return {}
        with ThreadPoolExecutor(max_workers=min(STOCK_ITEM_WORKERS, len(skus))) as pool:
            return dict(zip(skus, pool.map(self._get_stock_item, skus), strict=True))

    def _get_stock_item(self, sku: str) -> StockItem | None:
        try:
            item = self._call("GET", f"/stockItems/{path_segment(sku)}")
        except TargetError as exc:
            if exc.status == 404 and not isinstance(exc, RouteMissing):
                return None
            raise
        if not isinstance(item, dict):
            raise ProtocolError(self.name, f"GET /V1/stockItems/{{sku}} answered {type(item).__name__}, "
                                           "not a stock item")
        return StockItem.of(item)

    # -- read ---------------------------------------------------------------------------

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        quantities: dict[str, Decimal] = {}
        if self.legacy:
            by_magento_sku = {r.data.get("sku", r.sku): r.sku for r in remotes if r.found}
            items: dict[str, StockItem | None] = {
                magento_sku: self._stock_items.pop(magento_sku) for magento_sku in by_magento_sku
                if magento_sku in self._stock_items}
            items.update(self._fetch_stock_items([s for s in by_magento_sku if s not in items]))
            for magento_sku, sku in by_magento_sku.items():
                item = items.get(magento_sku)
                if item is not None and item.qty is not None:
                    quantities[sku] = Decimal(str(item.qty))
            return quantities
        by_source: dict[str, dict[str, str]] = {}  # source code -> Magento SKU -> key of the record
        for remote in remotes:
            if remote.found:
                source_code = self._source_of(remote)
                by_source.setdefault(source_code, {})[remote.data.get("sku", remote.sku)] = remote.sku
        for source_code, keys in by_source.items():
            source = ("source_code", "eq", source_code)
            for item in self._search_by_sku("/inventory/source-items", list(keys), also=source):
                if not isinstance(item, dict) or item.get("source_code") != source_code:
                    continue
                found = keys.get(str(item.get("sku")))
                if found is not None and item.get("quantity") is not None:
                    quantities[found] = Decimal(str(item["quantity"]))
        return quantities

    def _source_of(self, remote: Remote) -> str:
        """The source a record is written to: its own (a location map, ``core.locations``), else the setting."""
        return str(remote.data.get(self.LOCATION_DATA_KEY) or self.source_code)

    # -- write --------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        for change in changes:
            self._stock_items.pop(change.remote.data.get("sku", change.sku), None)
        if self.legacy:
            return {change.sku: self._put_stock_item(change) for change in changes}
        return self._save_source_items(list(changes))

    def _save_source_items(self, changes: list[Change]) -> dict[str, Outcome]:
        """One POST per batch, whatever sources its items are in; Magento saves a batch
        whole or not at all."""
        outcomes: dict[str, Outcome] = {}
        position = 0
        while position < len(changes):
            batch = changes[position : position + (self._array_limit or len(changes))]
            body = {"sourceItems": [
                {
                    "sku": change.remote.data.get("sku", change.sku),
                    "source_code": self._source_of(change.remote),
                    "quantity": json_number(change.quantity),
                    "status": 1 if _in_stock(change) else 0,
                }
                for change in batch
            ]}
            try:
                self._call("POST", "/inventory/source-items", json=body)
            except AuthenticationError:
                raise
            except TargetError as exc:
                limit = _ARRAY_LIMIT.search(exc.detail)
                if exc.status == 400 and limit and 0 < int(limit.group(1)) < len(batch):
                    log.info("magento: the store accepts at most %s items per call", limit.group(1))
                    self._array_limit = int(limit.group(1))
                    continue
                if not outcomes:
                    raise
                failed = Outcome.failed(str(exc))
                outcomes.update({change.sku: failed for change in changes[position:]})
                return outcomes
            outcomes.update({change.sku: OK for change in batch})
            position += len(batch)
        return outcomes

    def _put_stock_item(self, change: Change) -> Outcome:
        magento_sku = change.remote.data.get("sku", change.sku)
        item_id = change.remote.data.get("item_id") or 1
        body = {"stockItem": {"qty": json_number(change.quantity), "is_in_stock": _in_stock(change)}}
        try:
            self._call("PUT", f"/products/{path_segment(magento_sku)}/stockItems/{item_id}", json=body)
        except AuthenticationError:
            raise
        except TargetError as exc:
            if exc.status in (400, 404) and not isinstance(exc, RouteMissing):
                return Outcome.failed(str(exc))
            raise
        return OK

    # -- check --------------------------------------------------------------------------

    def check(self) -> CheckResult:
        details: list[str] = []
        ok = True
        listing = self._call("GET", "/products",
                             params={"searchCriteria[pageSize]": 1, "searchCriteria[currentPage]": 1})
        items, total = self._search_result(listing, "/products")
        details.append(f"token accepted; the catalogue holds {total} products")

        try:
            configs = self._call("GET", "/store/storeConfigs")
            configs = configs if isinstance(configs, list) else []
            code = self.config["store_code"]
            store = next((c for c in configs if isinstance(c, dict) and c.get("code") == code), None)
            if store is not None:
                details.append(f"store view {code!r}: {store.get('base_url')} ({store.get('base_currency_code')})")
        except TargetError as exc:
            details.append(f"store configuration not readable (not needed for syncing): {exc.reason}")

        if self.legacy:
            details.append("mode legacy: quantities are written to the default source with the stock item API")
            if items and isinstance(items[0], dict):
                ok &= self._check_step(details, "read stock items", lambda: self._get_stock_item(items[0]["sku"]))
            return CheckResult(self.name, self.config["url"], ok, details)

        ok &= self._check_step(details, "find the source", lambda: self._find_source(self.source_code))
        ok &= self._check_step(details, "read source items", lambda: self._call(
            "GET", "/inventory/source-items",
            params=criteria([("source_code", "eq", self.source_code)], page_size=1, page=1)))
        return CheckResult(self.name, self.config["url"], ok, details)

    def _find_source(self, code: str) -> str:
        found = self._call("GET", f"/inventory/sources/{path_segment(code)}")
        if not isinstance(found, dict):
            raise ProtocolError(self.name, "GET /V1/inventory/sources/{code} did not answer a source")
        if found.get("enabled") is False:
            raise TargetError(self.name, f"source {code!r} is disabled in Magento")
        return f"source {code!r} ({found.get('name', '')}) exists and is enabled"

    def check_locations(self, codes: Sequence[str]) -> tuple[bool, list[str]]:
        """Whether each source of a location map exists and is enabled, and a line for each."""
        details: list[str] = []
        ok = True
        for code in codes:
            ok &= self._check_step(details, f"find the source {code!r} of the location map",
                                   partial(self._find_source, code))
        return ok, details

    def _check_step(self, details: list[str], what: str, step: Callable[[], object]) -> bool:
        try:
            result = step()
        except TargetError as exc:
            details.append(f"cannot {what}: {exc.reason}")
            return False
        details.append(result if isinstance(result, str) else f"can {what}")
        return True

    # -- HTTP ---------------------------------------------------------------------------

    def _search_by_sku(self, path: str, skus: list[str], *,
                       also: tuple[str, str, str] | None = None) -> Iterator[Any]:
        """Every record of ``path`` whose SKU is one of ``skus`` (and that matches ``also``)."""
        extra = [also] if also else []
        plain = [sku for sku in skus if "," not in sku]
        for group in comma_list_groups(plain, max_items=SEARCH_BATCH, max_chars=MAX_IN_VALUE_CHARS):
            yield from self._search(path, [("sku", "in", ",".join(group)), *extra], page_size=len(group))
        for sku in skus:
            if "," in sku:  # the `in` filter would split it
                yield from self._search(path, [("sku", "eq", sku), *extra], page_size=10)

    def _search(self, path: str, filters: list[tuple[str, str, str]], *, page_size: int) -> Iterator[Any]:
        """All pages of a searchCriteria query. Magento answers the last page again for a page
        past the end, so the number of pages comes from ``total_count``, not from an empty page."""
        page = 1
        while True:
            body = self._call("GET", path, params=criteria(filters, page_size=page_size, page=page))
            items, total = self._search_result(body, path)
            yield from items
            if page * page_size >= total or not items:
                return
            page += 1

    def _search_result(self, body: Any, path: str) -> tuple[list[Any], int]:
        if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
            raise ProtocolError(self.name, f"GET /V1{path} did not answer a search result (items, total_count)")
        items = body.get("items") or []
        total = body.get("total_count")
        return items, total if isinstance(total, int) else len(items)

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None) -> Any:
        response = self.session.request(method, self.base + path, params=params, json=json)
        if response.status_code == 200:
            return decode_json(self.name, response)
        raise self._error(response)

    def _error(self, response: requests.Response) -> TargetError:
        body = error_body(response)
        if body is None or not isinstance(body.get("message"), str):
            return shapeless_error(self.name, response, auth_hint=AUTH_HINT)
        message = error_message(body)
        # Magento's "Request does not match any route.": a wrong store code, or no MSI modules.
        if response.status_code == 404 and "route" in body["message"].lower():
            path = urlsplit(response.url or "").path
            if "/inventory/" in path:
                return RouteMissing(self.name, f"{path}: {message} (the Inventory (MSI) REST API is not installed; "
                                    "set [magento] mode = \"legacy\")", status=404, detail=message)
            return RouteMissing(self.name, f"{path}: {message}", status=404, detail=message,
                                fix=("url", "store_code"))
        return status_error(self.name, response, message, auth_hint=AUTH_HINT)


def _in_stock(change: Change) -> bool:
    # As Magento itself decides: a product that takes backorders stays in stock at 0.
    return change.quantity > 0 or bool(change.remote.data.get("backorders"))


def _remembered_stock_item(known: Remote | None, product_id: str | None) -> StockItem | None:
    """The stock item the ledger kept for this very product (not one deleted and created again)."""
    if known is None or known.remote_id != product_id or not isinstance(known.data.get("manage_stock"), bool):
        return None
    return StockItem(known.data.get("item_id"), known.data["manage_stock"], bool(known.data.get("backorders")), None)
