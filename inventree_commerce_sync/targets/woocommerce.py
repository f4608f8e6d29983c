"""WooCommerce client: pushes absolute stock levels over the REST API v3 (``/wp-json/wc/v3``).

Authentication follows WooCommerce's rules: over HTTPS the consumer key and secret travel
as HTTP Basic credentials; over plain HTTP WooCommerce ignores Basic credentials and wants
one-legged OAuth 1.0a, signed here with HMAC-SHA256 in the query string. WooCommerce keeps
every nonce it has seen, so a signed request cannot be sent twice: in OAuth mode urllib3
does not retry answers, and this client retries them itself with a fresh signature.

SKUs are looked up with ``GET products?sku=a,b,c``, which matches each comma-separated SKU
exactly (as MySQL compares: letter case and accents ignored) and also returns variations
(``type: variation`` with their ``parent_id``). A SKU holding a comma is looked up on its own.
Simple products (and other stock-carrying types) are written with ``POST products/batch``,
variations with ``POST products/{parent}/variations/batch``, at most 100 items per call;
every item sets ``manage_stock: true`` with the ``stock_quantity``, because WooCommerce
silently drops a quantity sent to a product whose stock is not managed. Per-item errors come
back inside a 200 and become per-SKU failures. Variable, grouped and external products hold
no stock of their own and are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1

from ..core.errors import AmbiguousFailure, AuthenticationError, ProtocolError, TargetError
from ..core.http import RETRY_STATUSES, SAFE_METHODS, decode_json, error_body, shapeless_error, status_error
from ..core.ratelimit import retry_after
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
    held_by_several,
)
from ..core.values import collate_sku
from .woocommerce_catalogue import CATALOGUE_FIELDS, WooCommerceCatalogue
from .woocommerce_orders import WooCommerceOrders

log = get_logger(__name__)

API_PREFIX = "/wp-json/wc/v3"
KEYS_PAGE = "WooCommerce > Settings > Advanced > REST API"
AUTH_HINT = f"check [woocommerce] consumer_key / consumer_secret ({KEYS_PAGE})"
INVENTORY_SETTING = "WooCommerce > Settings > Products > Inventory > Enable stock management"

# Types whose stock WooCommerce keeps elsewhere, or not at all.
NO_OWN_STOCK = {
    "variable": "variable product: its stock is that of its variations; sync the variations' SKUs",
    "grouped": "grouped product: WooCommerce keeps no stock for grouped products",
    "external": "external/affiliate product: WooCommerce keeps no stock for external products",
}

PER_PAGE = 100  # the most WooCommerce lists per page
BATCH_LIMIT = 100  # items per batch call (woocommerce_rest_batch_items_limit)
MAX_SKU_PARAM_CHARS = 3000  # encoded length of one sku= value (proxies refuse URLs over 8 KB)
MAX_PAGES = 50  # a bound on the pages fetched for one lookup
LIST_FIELDS = "id,sku,type,parent_id,manage_stock,stock_quantity"
OAUTH_RETRIES = 3


class WooCommerceTarget(WooCommerceOrders, WooCommerceCatalogue, BaseTarget):
    name = "woocommerce"
    title = "WooCommerce"
    FIELDS = (
        ConfigField("url", "Store URL", "Address of the WordPress site, e.g. https://shop.example.com", required=True),
        ConfigField("consumer_key", "Consumer key", f"REST API consumer key (ck_...) from {KEYS_PAGE}",
                    required=True, secret=True),
        ConfigField("consumer_secret", "Consumer secret", "REST API consumer secret (cs_...) of that key",
                    required=True, secret=True),
        *CATALOGUE_FIELDS,
    )
    API_PATHS = ("/wp-json", "/wc/v3")
    # A batch sets absolute quantities, so sending it twice changes nothing.
    RETRY_METHODS = SAFE_METHODS | {"POST"}
    write_batch = BATCH_LIMIT
    resolve_batch = PER_PAGE
    integer_quantities = True  # stock_quantity is an integer (wc_stock_amount)
    max_sku_length = 100  # the SKU column of wc_product_meta_lookup

    def __init__(self, settings: Mapping[str, Any]):
        super().__init__(settings)
        self.base = self.config["url"] + API_PREFIX
        key, secret = self.config["consumer_key"], self.config["consumer_secret"]
        self.oauth = urlsplit(self.base).scheme == "http"
        if self.oauth:
            self.auth: Any = OAuth1(key, client_secret=secret, signature_method="HMAC-SHA256",
                                    signature_type="query")
            # A retried signed request would repeat its nonce, which WooCommerce refuses:
            # let urllib3 retry only connections that never reached the server.
            adapter = self.session.get_adapter(self.base)
            assert isinstance(adapter, HTTPAdapter)
            adapter.max_retries = adapter.max_retries.new(status=0, read=0)
        else:
            self.auth = (key, secret)

    # -- resolve ------------------------------------------------------------------------

    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        wanted = list(dict.fromkeys(skus))
        found: dict[str, dict[str, Any]] = {}
        repeated: dict[str, list[str]] = {}  # SKU -> ids of every record with it, where several have it
        # WooCommerce also matches a whole value holding a comma as one SKU: such SKUs go alone
        for group in comma_list_groups(wanted, max_items=PER_PAGE, max_chars=MAX_SKU_PARAM_CHARS):
            for item in self._list("products", {"sku": ",".join(group)}):
                if isinstance(item.get("sku"), str) and item["sku"] and _int(item.get("id")) > 0:
                    first = found.setdefault(item["sku"], item)
                    if first is not item and str(item["id"]) not in repeated.get(item["sku"], [str(first["id"])]):
                        repeated.setdefault(item["sku"], [str(first["id"])]).append(str(item["id"]))
        by_collated: dict[str, str] = {}
        for sku in found:
            by_collated.setdefault(collate_sku(sku), sku)

        remotes: dict[str, Remote] = {}
        for sku in wanted:
            if sku not in found:
                actual = by_collated.get(collate_sku(sku))
                if actual is not None:
                    other = found[actual]
                    remotes[sku] = case_differs(sku, actual, str(other.get("id")), str(other.get("type") or ""),
                                                title="WooCommerce")
                continue
            if sku in repeated:
                remotes[sku] = held_by_several(sku, repeated[sku], records="WooCommerce products and variations",
                                               fix="give all but one another SKU in WooCommerce")
                continue
            remotes[sku] = self._remote(sku, found[sku])
        return remotes

    def _remote(self, sku: str, item: Mapping[str, Any]) -> Remote:
        kind = str(item.get("type") or "simple")
        remote_id = str(item.get("id"))
        data = {"parent_id": _int(item.get("parent_id"))}  # a variation is written under its parent
        reason = NO_OWN_STOCK.get(kind)
        if kind == "variation" and not data["parent_id"]:
            reason = "variation without a parent product"
        return Remote(sku, remote_id, kind, reason, data)

    # -- read ---------------------------------------------------------------------------

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        """Quantities of the records whose stock is managed at their own level."""
        by_endpoint: dict[str, dict[int, str]] = {}
        for remote in remotes:
            if remote.found and not remote.skip_reason:
                by_endpoint.setdefault(_collection(remote), {})[int(remote.id)] = remote.sku
        quantities: dict[str, Decimal] = {}
        for collection, skus_by_id in by_endpoint.items():
            ids = list(skus_by_id)
            for start in range(0, len(ids), PER_PAGE):
                include = ",".join(str(i) for i in ids[start : start + PER_PAGE])
                for item in self._list(collection, {"include": include}):
                    sku = skus_by_id.get(_int(item.get("id")))
                    quantity = _quantity(item)
                    if sku is not None and quantity is not None:
                        quantities[sku] = quantity
        return quantities

    # -- write --------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        groups: dict[str, list[Change]] = {}
        for change in changes:
            groups.setdefault(_collection(change.remote), []).append(change)
        outcomes: dict[str, Outcome] = {}
        for collection, group in groups.items():
            for start in range(0, len(group), BATCH_LIMIT):
                outcomes.update(self._write_batch(collection + "/batch", group[start : start + BATCH_LIMIT]))
        return outcomes

    def _write_batch(self, path: str, changes: list[Change]) -> dict[str, Outcome]:
        body = {"update": [
            {"id": int(c.remote.id), "manage_stock": True, "stock_quantity": int(c.quantity)}
            for c in changes
        ]}
        response = self._send("POST", path, json=body)
        if response.status_code == 413:
            # The store lowered woocommerce_rest_batch_items_limit, or a proxy limits bodies.
            if len(changes) == 1:
                return {changes[0].sku: Outcome.failed(str(self._error(response)))}
            log.info("woocommerce: %s refused %d items (HTTP 413); sending halves", path, len(changes))
            half = len(changes) // 2
            return self._write_batch(path, changes[:half]) | self._write_batch(path, changes[half:])
        answer = self._json(response)
        results = answer.get("update") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise ProtocolError(self.name, f"POST {API_PREFIX}/{path} did not answer {{\"update\": [...]}}")
        by_id = {_int(item.get("id")): item for item in results if isinstance(item, dict)}
        return {change.sku: self._outcome(change, by_id.get(int(change.remote.id))) for change in changes}

    def _outcome(self, change: Change, item: Mapping[str, Any] | None) -> Outcome:
        if item is None:
            return Outcome.failed("WooCommerce's batch answer has no result for this product")
        error = item.get("error")
        if isinstance(error, dict):
            return Outcome.failed(_error_text(error))
        # WooCommerce drops a quantity it will not keep (stock management disabled store-wide,
        # or a product type without stock) and still answers 200: compare what it kept.
        kept = _quantity(item)
        if kept != change.quantity:
            return Outcome.failed(
                f"WooCommerce accepted the update but kept stock_quantity {item.get('stock_quantity')!r} "
                f"(manage_stock {item.get('manage_stock')!r}); check that {INVENTORY_SETTING} is on"
            )
        return OK

    # -- check --------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Reads the product count and the store's stock management setting; writes nothing."""
        response = self._send("GET", "products", params={"per_page": 1, "_fields": "id"})
        self._json(response)
        total = response.headers.get("X-WP-Total", "?")
        how = "OAuth 1.0a over http" if self.oauth else "HTTP Basic over https"
        details = [f"key accepted ({how}); can read products: the store holds {total}"]
        ok = True
        try:
            setting = self._json(self._send("GET", "settings/products/woocommerce_manage_stock"))
        except AuthenticationError as exc:
            details.append(f"cannot read the stock management setting (needs a Shop Manager's key): {exc.reason}")
        except TargetError as exc:
            details.append(f"cannot read the stock management setting: {exc.reason}")
        else:
            value = setting.get("value") if isinstance(setting, dict) else None
            if value == "no":
                ok = False
                details.append(f"stock management is off store-wide, so WooCommerce ignores stock quantities: "
                               f"turn on {INVENTORY_SETTING}")
            elif value == "yes":
                details.append("stock management is on store-wide")
        details.append("write permission is not tested (check writes nothing); "
                       "a key with Read permission only is refused at the first push")
        return CheckResult(self.name, self.config["url"], ok, details)

    # -- HTTP ---------------------------------------------------------------------------

    def _list(self, collection: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of a filtered list, page by page (X-WP-TotalPages says how many)."""
        page = 1
        while True:
            query = {**params, "per_page": PER_PAGE, "page": page, "_fields": LIST_FIELDS}
            response = self._send("GET", collection, params=query)
            items = self._json(response)
            if not isinstance(items, list):
                raise ProtocolError(self.name, f"GET {API_PREFIX}/{collection} did not answer a list")
            yield from (item for item in items if isinstance(item, dict))
            pages = response.headers.get("X-WP-TotalPages", "")
            more = page < int(pages) if pages.isdigit() else len(items) >= PER_PAGE
            if not more or not items or page >= MAX_PAGES:
                return
            page += 1

    def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              json: Any = None) -> requests.Response:
        """One API call. In OAuth mode, answers worth retrying are retried here, each attempt
        signed anew (urllib3 would resend the same nonce)."""
        url = f"{self.base}/{path}"
        attempt = 0
        while True:
            response = None
            try:
                response = self.session.request(method, url, params=params, json=json, auth=self.auth,
                                                count_as="retries" if attempt else None)
            except AmbiguousFailure:
                if not self.oauth or attempt >= OAUTH_RETRIES:
                    raise
            else:
                if not (self.oauth and response.status_code in RETRY_STATUSES and attempt < OAUTH_RETRIES):
                    return response
            attempt += 1
            time.sleep(self._retry_delay(response, attempt))

    def _retry_delay(self, response: requests.Response | None, attempt: int) -> float:
        settings = self.session.settings
        backoff = min(settings.backoff * 2 ** (attempt - 1), settings.max_retry_after)
        if response is None:
            return backoff
        return retry_after(response, default=backoff, cap=settings.max_retry_after)

    def _json(self, response: requests.Response) -> Any:
        if 200 <= response.status_code < 300:
            return decode_json(self.name, response)
        raise self._error(response)

    def _error(self, response: requests.Response) -> TargetError:
        body = error_body(response)
        status = response.status_code
        if body is None or not isinstance(body.get("message"), str):
            return shapeless_error(self.name, response, auth_hint=AUTH_HINT)
        text = _error_text(body)
        if status == 404 and body.get("code") == "rest_no_route":
            path = urlsplit(response.url or "").path
            return TargetError(self.name, f"{path}: {text}; the url must be the WordPress site address, "
                               "with WooCommerce active and pretty permalinks on", status=404, code=body.get("code"),
                               detail=text, fix=("url",))
        return status_error(self.name, response, text, auth_hint=self._auth_hint(status, body),
                            code=body.get("code"))

    def _auth_hint(self, status: int, body: Mapping[str, Any]) -> str:
        message = str(body.get("message", "")).lower()
        if "write permission" in message:
            return (f"the key in [woocommerce] consumer_key may only read: give it Read/Write permission "
                    f"in {KEYS_PAGE}")
        if "read permission" in message:
            return f"the key in [woocommerce] consumer_key may not read: give it Read/Write permission in {KEYS_PAGE}"
        if self.oauth and "timestamp" in message:
            return "check this computer's clock: WooCommerce refuses signatures more than 15 minutes off"
        if self.oauth and "signature" in message:
            return (f"{AUTH_HINT}, and that [woocommerce] url is the site address exactly as WordPress has it "
                    "(the signature covers it)")
        if status == 403:
            return ("the WordPress user of the key in [woocommerce] consumer_key may not manage products; "
                    "use a key of a Shop Manager or Administrator")
        if not self.oauth and str(body.get("code", "")).startswith("woocommerce_rest_cannot"):
            return (f"{AUTH_HINT}; if they are right, the web server may be dropping the Authorization "
                    "header before it reaches WordPress")
        return AUTH_HINT


def _collection(remote: Remote) -> str:
    if remote.kind == "variation":
        return f"products/{remote.data['parent_id']}/variations"
    return "products"


def _quantity(item: Mapping[str, Any]) -> Decimal | None:
    """The record's own stock quantity: None unless its stock is managed at its own level
    (a variation whose parent manages stock reports ``manage_stock: "parent"``)."""
    if item.get("manage_stock") is not True or item.get("stock_quantity") is None:
        return None
    try:
        return Decimal(str(item["stock_quantity"]))
    except InvalidOperation:
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _error_text(error: Mapping[str, Any]) -> str:
    message = str(error.get("message") or "no message")
    code = error.get("code")
    return f"{message} ({code})" if code else message
