"""Invoice Ninja v5: set each product's ``in_stock_quantity``, finding products by ``product_key``.

What the API makes different (from the vendor's OpenAPI document and source code):

- Every request carries ``X-API-TOKEN`` and ``X-Requested-With: XMLHttpRequest``; without the
  latter Laravel renders its errors as HTML pages.
- Product lists include archived and deleted products unless ``status=active``, and
  ``product_key`` is not unique: two active products with the SKU as key skip that SKU, and
  the reason names both ids so the user can archive one.
- ``GET /products`` pages with ``per_page`` (the server caps it at 5000) and ``page``, and
  filters exactly by ``product_key`` (compared by MySQL's case- and accent-insensitive
  collation, so this client compares the keys it gets back exactly itself).
- ``PUT /products/{id}`` ignores ``in_stock_quantity`` unless ``?update_in_stock_quantity=true``
  is passed, and resets ``quantity`` (the default quantity of an invoice line) to 1 when the
  body has none, so the product's current ``quantity`` is sent back with every write. Fields
  the body leaves out are otherwise left alone. There is no bulk stock write
  (``/products/bulk`` only archives, restores, deletes or sets tax categories): one PUT each,
  at most ``WRITE_THREADS`` at once.
- A refused token is 403 ``{"message": "Invalid token"}``; an unknown id is 400, not 404.
- Hosted instances allow 500 requests a minute and answer 429 without ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote

import requests

from ..core.errors import AuthenticationError, ProtocolError, TargetError, TargetUnavailable
from ..core.http import decode_json, error_body, shapeless_error, status_error
from ..core.ratelimit import RateLimitWait, wait_out_rate_limit
from ..core.redact import get_logger, redact
from ..core.target import OK, BaseTarget, Change, CheckResult, ConfigField, Outcome, Remote, held_by_several
from ..core.values import collate_sku
from .invoiceninja_catalogue import InvoiceNinjaCatalogue
from .invoiceninja_customers import InvoiceNinjaClients
from .invoiceninja_orders import InvoiceNinjaOrders

log = get_logger(__name__)

AUTH_HINT = ("check the API token in [invoiceninja] token (Settings > Account Management > Integrations > "
             "API tokens), and that its user may view and edit products")

# Resolving at most this many SKUs before the product list is loaded asks for each key
# (one small answer each) instead of listing the whole catalogue: the InvenTree plugin
# often pushes a single part, and a catalogue of 20 000 products is 20 large pages.
FEW_SKUS = 5
# The largest page the server sends (it caps per_page at 5000): a write needs only the
# product's id and its current default line quantity (which the PUT must send back), and
# those are read fresh every sync, in as few requests as the API allows (10,000 products:
# 2). Each answer is about 1 KB a product.
LIST_PAGE_SIZE = 5000
MAX_PAGES = 1000
KEY_LOOKUP_PAGE_SIZE = 100
# Hosted instances count requests per minute and answer 429 without saying how long to
# wait: wait in steps until a minute has passed, then give up.
RATE_LIMIT_STEP = 10.0
RATE_LIMIT_MAX_WAIT = 70.0
RATE_LIMIT = RateLimitWait(pause=RATE_LIMIT_STEP, max_pause=RATE_LIMIT_MAX_WAIT, max_waits=100,
                           max_total=RATE_LIMIT_MAX_WAIT)
# PUTs in flight at once. One after another, the 100 products of a 500-line receipt reached
# Invoice Ninja 11 s after the other shops had them. Each PUT sets absolute values on its own
# product, so their order does not matter and a lost answer is safely sent again; a few at a
# time keep a push well inside what one server answers, and a burst of 100 inside hosted's
# 500 a minute (beyond it, every thread waits out its 429 as before).
WRITE_THREADS = 4


class _Product(NamedTuple):
    """What a sync keeps of a product: a tuple, because a listing may hold 100,000 of them."""

    id: str
    quantity: Any  # the default invoice line quantity, sent back with every write
    in_stock_quantity: int

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> _Product:
        return cls(row["id"], row.get("quantity", 1), row.get("in_stock_quantity") or 0)


class InvoiceNinjaTarget(InvoiceNinjaOrders, InvoiceNinjaCatalogue, InvoiceNinjaClients, BaseTarget):
    name = "invoiceninja"
    title = "Invoice Ninja"
    FIELDS = (
        ConfigField("url", "URL", "Base address of Invoice Ninja, e.g. https://invoicing.co (without /api/v1)",
                    required=True),
        ConfigField("token", "API token",
                    "API token from Settings > Account Management > Integrations > API tokens",
                    required=True, secret=True),
    )
    API_PATHS = ("/api/v1", "/api")
    # A PUT sets absolute values, so repeating it after a lost answer changes nothing.
    RETRY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT"})
    # Products per write() call: the pool's work, and one ledger update before and after.
    write_batch = 100
    resolve_batch = 500
    integer_quantities = True  # in_stock_quantity is an integer column
    max_sku_length = 191  # product_key is a VARCHAR(191)

    def __init__(self, settings: Mapping[str, Any]):
        super().__init__(settings)
        self.api = self.config["url"] + "/api/v1"
        self.session.headers["X-API-TOKEN"] = self.config["token"]
        self.session.headers["X-Requested-With"] = "XMLHttpRequest"
        self.sleep = time.sleep
        self.key_filter_works = True  # False once a server ignored ?product_key= (before mid-2022)
        self.start_sync()

    def start_sync(self) -> None:
        # Every active product by key, once listed; a key that several active products
        # share is in _repeated (with all of them) instead.
        self._listing: dict[str, _Product] | None = None
        self._repeated: dict[str, list[_Product]] = {}
        # Products seen outside the listing (looked up by key, fetched, written): the newest record.
        self._by_id: dict[str, _Product] = {}

    # -- resolve ------------------------------------------------------------------------

    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        if self._listing is None and len(skus) <= FEW_SKUS and self.key_filter_works:
            found: dict[str, list[_Product]] = {}
            for sku in skus:
                products = self._lookup_key(sku)
                if products is None:
                    break
                found[sku] = products
            else:
                return {sku: _remote(sku, products) for sku, products in found.items()}
        return {sku: _remote(sku, self._listed(sku)) for sku in skus}

    def _listed(self, sku: str) -> list[_Product]:
        """The active products with key ``sku``, from the listing (made on first use)."""
        listing = self._active_products()
        if sku in self._repeated:
            return self._repeated[sku]
        product = listing.get(sku)
        return [product] if product is not None else []

    def _lookup_key(self, sku: str) -> list[_Product] | None:
        """The active products whose key is exactly ``sku``; None when the server ignored the filter."""
        body = self._call("GET", "/products",
                          params={"product_key": sku, "status": "active", "per_page": KEY_LOOKUP_PAGE_SIZE})
        rows = _rows(body)
        more_pages = int(_pagination(body).get("total_pages") or 1) > 1
        if more_pages or any(collate_sku(r["product_key"]) != collate_sku(sku) for r in rows):
            log.info("invoiceninja: this server ignores ?product_key=; listing all products instead")
            self.key_filter_works = False
            return None
        matches = [_Product.of(r) for r in rows if _is_active(r) and r["product_key"] == sku]
        self._by_id.update((p.id, p) for p in matches)
        return matches

    def _active_products(self) -> dict[str, _Product]:
        """Every active product by key, listed once per sync and kept as small tuples."""
        if self._listing is None:
            listing: dict[str, _Product] = {}
            page, pages = 1, 1
            while page <= pages:
                body = self._call("GET", "/products",
                                  params={"status": "active", "per_page": LIST_PAGE_SIZE, "page": page})
                rows = _rows(body)
                for row in rows:
                    if not _is_active(row):
                        continue
                    key, product = row["product_key"], _Product.of(row)
                    if key in self._repeated:
                        self._repeated[key].append(product)
                    elif key in listing:
                        self._repeated[key] = [listing.pop(key), product]
                    else:
                        listing[key] = product
                pages = min(int(_pagination(body).get("total_pages") or 1), MAX_PAGES)
                if not rows:
                    break
                page += 1
            self._listing = listing
        return self._listing

    def _known(self, remote: Remote) -> _Product | None:
        """The newest record of the remote's product this sync has, without asking."""
        product = self._by_id.get(remote.id)
        if product is None and self._listing is not None:
            product = self._listing.get(remote.sku)
        return product if product is not None and product.id == remote.remote_id else None

    def _remember(self, sku: str, product: _Product) -> None:
        if self._listing is not None and sku in self._listing and self._listing[sku].id == product.id:
            self._listing[sku] = product  # replaces a tuple of the same size: the cache does not grow
        else:
            self._by_id[product.id] = product

    # -- read and write -----------------------------------------------------------------

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        """in_stock_quantity of each product, from what this sync already fetched or wrote,
        else asked for; a product that no longer exists has no quantity."""
        quantities: dict[str, Decimal] = {}
        for remote in remotes:
            if not remote.found:
                continue
            product = self._known(remote) or self._fetch(remote.sku, remote.id)
            if product is not None:
                quantities[remote.sku] = Decimal(str(product.in_stock_quantity))
        return quantities

    def _fetch(self, sku: str, product_id: str) -> _Product | None:
        try:
            product = _Product.of(_item(self._call("GET", f"/products/{quote(product_id, safe='')}")))
        except TargetError as exc:
            if exc.status == 400:  # Invoice Ninja's answer to an unknown id
                return None
            raise
        self._remember(sku, product)
        return product

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        """One PUT per product, ``WRITE_THREADS`` at a time. A refused token raises at once
        (what is in flight finishes, nothing more is sent). An unreachable target, or a rate
        limit that did not end, stops what is not sent yet: raised when nothing of the batch
        was written (the engine stops the sync and the push is retried later), else each
        product not sent fails with that reason."""
        stop = threading.Event()

        def put(change: Change) -> dict[str, Any] | None:
            if stop.is_set():
                return None  # not sent
            try:
                return self._put(change)
            except (AuthenticationError, TargetUnavailable):
                stop.set()
                raise

        if len(changes) == 1:
            answers = [_attempt(put, changes[0])]
        else:
            with ThreadPoolExecutor(min(WRITE_THREADS, len(changes)), thread_name_prefix="invoiceninja-put") as pool:
                answers = list(pool.map(lambda c: _attempt(put, c), changes))
        for answer in answers:
            if isinstance(answer, AuthenticationError):
                raise answer
        stopped_by = next((a for a in answers if isinstance(a, TargetUnavailable)), None)
        if stopped_by is not None and not any(isinstance(a, dict) for a in answers):
            raise stopped_by
        outcomes: dict[str, Outcome] = {}
        for change, answer in zip(changes, answers, strict=True):
            if isinstance(answer, dict):
                outcomes[change.sku] = self._written(change, answer)
            elif isinstance(answer, TargetError):
                outcomes[change.sku] = Outcome.failed(redact(answer))
            else:
                outcomes[change.sku] = Outcome.failed(f"not attempted: {redact(stopped_by)}")
        return outcomes

    def _put(self, change: Change) -> dict[str, Any]:
        """The product as the PUT answered it (runs in a write thread: it only talks HTTP)."""
        product_id = change.remote.remote_id
        assert product_id is not None
        # quantity must travel along: a PUT without it sets the product's default line quantity to 1.
        body = {"quantity": change.remote.data["quantity"], "in_stock_quantity": int(change.quantity)}
        return _item(self._call("PUT", f"/products/{quote(product_id, safe='')}",
                                params={"update_in_stock_quantity": "true"}, json=body))

    def _written(self, change: Change, product: Mapping[str, Any]) -> Outcome:
        product_id = change.remote.remote_id
        assert product_id is not None
        wanted = int(change.quantity)
        self._remember(change.sku, _Product(product_id, product.get("quantity", 1),
                                            product.get("in_stock_quantity") or 0))
        if product.get("in_stock_quantity") != wanted:
            return Outcome.failed(
                f"invoiceninja: product {product_id} kept in_stock_quantity {product.get('in_stock_quantity')!r} "
                f"instead of {wanted}"
            )
        return OK

    # -- check --------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Who the token belongs to, whether the company tracks inventory, how many products it sees."""
        details = []
        ping = self._call("GET", "/ping")
        if isinstance(ping, dict):
            details.append(f"company {ping.get('company_name')!r}, token of user {ping.get('user_name')!r}")
        # A POST that only reads: the spec's way to get the token's own company.
        company = _item(self._call("POST", "/companies/current", count_as="reads"))
        if company.get("track_inventory"):
            details.append("inventory tracking is on")
        else:
            details.append(
                "warning: inventory tracking is off in Invoice Ninja (Settings > Product Settings > Track "
                "Inventory): stock levels are still written, but Invoice Ninja neither shows them nor "
                "lowers them when invoicing"
            )
        listing = self._call("GET", "/products", params={"status": "active", "per_page": 1})
        total = _pagination(listing).get("total")
        details.append(f"{total} active products visible to this token")
        return CheckResult(self.name, self.config["url"], True, details)

    # -- HTTP ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json: Any = None, count_as: str | None = None) -> Any:
        """One API call: the decoded answer, or the TargetError its status calls for."""
        response = wait_out_rate_limit(self.name, lambda: self.session.request(
            method, self.api + path, params=params, json=json, count_as=count_as), RATE_LIMIT, sleep=self.sleep)
        if response.status_code >= 400:
            raise self._error(response)
        return decode_json(self.name, response)

    def _error(self, response: requests.Response) -> TargetError:
        body = error_body(response)
        if body is None and (response.status_code == 429 or response.status_code >= 500):  # a proxy's or crash page
            return shapeless_error(self.name, response, auth_hint=AUTH_HINT)
        if body is None:  # an HTML page instead of Invoice Ninja's API: a wrong url, not a refusal
            try:
                decode_json(self.name, response)
            except ProtocolError as exc:
                return exc
            return ProtocolError(self.name, f"answered HTTP {response.status_code} without an error message",
                                 status=response.status_code)
        message = str(body.get("message") or "")
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:  # 422: {"field": ["what is wrong"]}
            message += " " + "; ".join(f"{field}: {' '.join(map(str, texts)) if isinstance(texts, list) else texts}"
                                       for field, texts in errors.items())
        return status_error(self.name, response, message, auth_hint=AUTH_HINT)


def _attempt(put: Any, change: Change) -> dict[str, Any] | TargetError | None:
    """``put(change)``'s answer, or the TargetError it raised (kept for the caller's thread)."""
    try:
        return put(change)
    except TargetError as exc:
        return exc


def _remote(sku: str, products: list[_Product]) -> Remote:
    if not products:
        return Remote(sku, None)
    first = products[0]
    if len(products) > 1:
        return held_by_several(sku, [p.id for p in products], records="active Invoice Ninja products",
                               fix="archive or rename all but one in Invoice Ninja")
    return Remote(sku, first.id, "product", data={"quantity": first.quantity})


def _rows(body: Any) -> list[dict[str, Any]]:
    rows = body.get("data") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("id") and "product_key" in r
                                             for r in rows):
        raise ProtocolError("invoiceninja", "answered a product list without data[].id and data[].product_key")
    return rows


def _item(body: Any) -> dict[str, Any]:
    item = body.get("data") if isinstance(body, dict) else None
    if not isinstance(item, dict):
        raise ProtocolError("invoiceninja", "answered without the expected data object")
    return item


def _pagination(body: Any) -> dict[str, Any]:
    meta = body.get("meta") if isinstance(body, dict) else None
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    return pagination if isinstance(pagination, dict) else {}


def _is_active(product: Mapping[str, Any]) -> bool:
    """Not archived or deleted (a guard in case the status filter was not applied)."""
    return not product.get("is_deleted") and not product.get("archived_at")
