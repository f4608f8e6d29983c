"""Zoho Inventory's items as a catalogue (``CatalogueClient``): listed, created, edited.

Reading: ``GET /items``, 200 a page (Zoho's largest), at most ``MAX_PAGES`` pages. An item
is managed when it is an inventory item that tracks stock; its quantity is that of the
configured location (else its total), as the stock client reads it. ``kind`` is the item's
``product_type`` (goods, service), or ``composite`` for a composite item.

Creating: Zoho creates one item per request (``POST /items``): ``name``, ``sku``, ``rate``
(the sale price), ``description``, ``item_type`` inventory of goods, and the draft's
quantity as opening stock (``locations[].initial_stock``) of the configured location, else
of the organisation's primary location (``GET /locations``, read once; without it the item
is created without stock and the next stock sync sets it). Zoho's item rules are its own to
enforce; what it refuses (a duplicate SKU, a name another item has while duplicate names
are not allowed, ...) is that SKU's FAILED result with Zoho's message. The POST is never
repeated blindly: a 429 is waited out (nothing was created), and an answer that was lost
is followed by looking the SKU up (``GET /items?sku=``) before anything is sent again.

Updating: ``PUT /items/{item_id}`` with ``name`` (which Zoho requires on every edit) and
only the other fields that differ (``description``, ``rate``). A PUT sets absolute values,
so one whose answer was lost is sent once more.

Every call goes through the stock client's ``api`` (token, organisation, rate limiter).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from ..core.catalogue import CREATED, UPDATED, CatalogueClient, Change, Product, ProductDraft, PublishResult
from ..core.errors import AmbiguousFailure, AuthenticationError, ProtocolError, TargetError
from ..core.http import send_once
from ..core.ratelimit import RateLimitWait, wait_out_rate_limit
from ..core.redact import get_logger
from ..core.values import json_number
from .zoho_api import quantity_of

log = get_logger(__name__)

MAX_NAME_LENGTH = 100  # Zoho's limit on an item's name
MAX_DESCRIPTION_LENGTH = 2000
SCOPES_HINT = "publishing products needs the scopes ZohoInventory.items.CREATE and ZohoInventory.items.UPDATE"


class ZohoCatalogue(CatalogueClient):
    if TYPE_CHECKING:  # provided by ZohoTarget, which this class is mixed into
        from ..core.http import TargetSession
        from .zoho_api import ZohoApi

        name: ClassVar[str]
        session: TargetSession
        api: ZohoApi
        location_id: str | None
        MAX_PAGES: int
        RATE_LIMIT_WAIT: RateLimitWait

    CREATE_ATTEMPTS = 2  # POSTs of one item at most, when answers are lost and the item is not found
    CREATE_SETTLE_SECONDS = 2.0  # after a lost answer, before the SKU is looked up

    def read_products(self) -> Iterator[Product]:
        for items in self.api.pages("items", "items", max_pages=self.MAX_PAGES):
            for item in items:
                yield self.zoho_product(item)

    def zoho_product(self, item: Mapping[str, Any]) -> Product:
        managed = (str(item.get("item_type") or "inventory") == "inventory" and item.get("track_inventory") is not False
                   and str(item.get("product_type") or "goods") != "service")
        return Product(
            sku=str(item.get("sku") or ""), name=str(item.get("name") or ""),
            kind="composite" if item.get("is_combo_product") else str(item.get("product_type") or "goods"),
            remote_id=str(item.get("item_id") or ""), price=_price(item.get("rate")),
            quantity=quantity_of(item, self.location_id) if managed else None, managed=managed,
            description=str(item.get("description") or ""))

    # -- creating ------------------------------------------------------------------------

    def create_products(self, drafts: Sequence[ProductDraft]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        for draft in drafts:
            problem = _too_long(draft)
            if problem is not None:
                results[draft.sku] = PublishResult.failed(draft.sku, f"{self.name}: {problem}")
                continue
            try:
                item = self._create_item(draft)
            except AuthenticationError as exc:
                raise with_scopes(exc, SCOPES_HINT) from None
            except TargetError as exc:
                results[draft.sku] = PublishResult.failed(draft.sku, str(exc))
                continue
            results[draft.sku] = PublishResult(draft.sku, CREATED, remote_id=str(item.get("item_id") or ""),
                                               fields=tuple(draft.values()))
        return results

    def item_body(self, draft: ProductDraft) -> dict[str, Any]:
        """The ``POST /items`` body of a draft."""
        body: dict[str, Any] = {"name": draft.name.strip(), "sku": draft.sku, "item_type": "inventory",
                                "product_type": "goods", "track_inventory": True}
        if draft.description.strip():
            body["description"] = draft.description.strip()
        if draft.price is not None:
            body["rate"] = json_number(Decimal(draft.price))
        if draft.quantity is not None and draft.quantity > 0:
            location_id = self._opening_location()
            if location_id:
                body["locations"] = [{"location_id": location_id, "initial_stock": json_number(draft.quantity)}]
        return body

    def _create_item(self, draft: ProductDraft) -> Mapping[str, Any]:
        body = self.item_body(draft)

        def send() -> Mapping[str, Any]:
            with self.session.no_retries():
                response = wait_out_rate_limit(self.name, lambda: self.api.send("POST", "items", json_body=body),
                                               self.RATE_LIMIT_WAIT, sleep=lambda seconds: time.sleep(seconds))
            try:
                answer = self.api.checked(response)
            except ProtocolError as exc:
                if 200 <= response.status_code < 300:  # created, perhaps, but unreadable: look it up
                    raise AmbiguousFailure(self.name, exc.reason, status=exc.status) from None
                raise
            item = answer.get("item")
            if not isinstance(item, dict) or not item.get("item_id"):
                raise AmbiguousFailure(self.name, "the item was accepted but the answer does not name it")
            return item

        return send_once(self.name, f"item {draft.sku!r}", send, lambda: self._item_with_sku(draft.sku),
                         attempts=self.CREATE_ATTEMPTS, settle=self.CREATE_SETTLE_SECONDS)

    def _item_with_sku(self, sku: str) -> Mapping[str, Any] | None:
        items = self.api.call("GET", "items", params={"sku": sku}).get("items") or []
        return next((item for item in items if item.get("sku") == sku), None)

    def _opening_location(self) -> str | None:
        """Where a new item's opening stock goes: the configured location, else the
        organisation's primary location (read once), else nowhere."""
        if self.location_id:
            return self.location_id
        if "_zoho_primary_location" not in self.__dict__:
            primary = None
            try:
                locations = self.api.call("GET", "locations").get("locations") or []
                primary = next((str(loc["location_id"]) for loc in locations
                                if loc.get("is_primary") and loc.get("location_id")), None)
            except AuthenticationError as exc:
                log.warning("%s: locations cannot be read (%s); new items get no opening stock, the next stock "
                            "sync sets it", self.name, exc.reason)
            except TargetError as exc:
                log.warning("%s: locations cannot be read (%s); new items get no opening stock", self.name, exc.reason)
            self.__dict__["_zoho_primary_location"] = primary
        return self.__dict__["_zoho_primary_location"]

    # -- updating ------------------------------------------------------------------------

    def update_products(self, changes: Sequence[Change]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        for product, draft, fields in changes:
            problem = _too_long(draft)
            if problem is not None:
                results[draft.sku] = PublishResult.failed(draft.sku, f"{self.name}: {problem}")
                continue
            body: dict[str, Any] = {"name": (draft.name if "name" in fields else product.name).strip()}
            if "description" in fields:
                body["description"] = draft.description.strip()
            if "price" in fields and draft.price is not None:
                body["rate"] = json_number(Decimal(draft.price))
            try:
                self._put_item(product.remote_id, body)
            except AuthenticationError as exc:
                raise with_scopes(exc, SCOPES_HINT) from None
            except TargetError as exc:
                results[draft.sku] = PublishResult.failed(draft.sku, str(exc))
                continue
            results[draft.sku] = PublishResult(draft.sku, UPDATED, remote_id=product.remote_id, fields=fields)
        return results

    def _put_item(self, item_id: str, body: Mapping[str, Any]) -> None:
        path = f"items/{quote(item_id, safe='')}"
        for attempt in range(2):  # absolute values: a PUT whose answer was lost is sent once more
            try:
                response = wait_out_rate_limit(self.name, lambda: self.api.send("PUT", path, json_body=body),
                                               self.RATE_LIMIT_WAIT, sleep=lambda seconds: time.sleep(seconds))
                self.api.checked(response)
                return
            except AmbiguousFailure:
                if attempt:
                    raise


def _too_long(draft: ProductDraft) -> str | None:
    if len(draft.name.strip()) > MAX_NAME_LENGTH:
        return (f"the name is {len(draft.name.strip())} characters long; Zoho allows {MAX_NAME_LENGTH} "
                "(shorten the part's name)")
    if len(draft.description.strip()) > MAX_DESCRIPTION_LENGTH:
        return (f"the description is {len(draft.description.strip())} characters long; Zoho allows "
                f"{MAX_DESCRIPTION_LENGTH}")
    return None


def with_scopes(exc: AuthenticationError, hint: str) -> AuthenticationError:
    """The refusal with ``hint`` (the scopes this kind of call needs) after it."""
    return AuthenticationError(exc.target, f"{exc.message}; {hint}", status=exc.status, code=exc.code,
                               detail=exc.detail, fix=exc.fix)


def _price(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise ProtocolError("zoho", f"rate {value!r} is not a number") from None
    return price if price.is_finite() else None
