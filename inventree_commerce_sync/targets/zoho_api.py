"""Zoho Inventory's API as the client speaks it: addresses, scopes, error codes, and one
call with a valid token, under the rate limit, whose answer is checked.

Zoho answers errors with ``{"code": <its code>, "message": ...}``, sometimes inside an
HTTP 200: ``code`` 0 is success whatever the status says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import requests

from ..core.errors import AuthenticationError, ProtocolError, TargetError
from ..core.http import TargetSession, decode_json, error_body, status_error
from ..core.ratelimit import SlidingWindowLimiter
from ..core.values import json_number
from .zoho_auth import ZohoOAuth

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

PAGE_SIZE = 200  # Zoho's largest page
ADJUSTMENT_REASON = "Stock level sync from InvenTree"


class OrganizationRefused(AuthenticationError):
    """Zoho does not let this user into the configured organisation (codes 6024, 6041)."""


class ZohoApi:
    """Calls to one organisation's Zoho Inventory API."""

    def __init__(self, session: TargetSession, api_url: str, organization_id: str,
                 limiter: SlidingWindowLimiter, auth: ZohoOAuth):
        self.session = session
        self.target = session.target
        self.api_url = api_url
        self.organization_id = organization_id
        self.limiter = limiter
        self.auth = auth

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json_body: Any = None, organization: bool = True) -> dict[str, Any]:
        return self.checked(self.send(method, path, params=params, json_body=json_body,
                                      organization=organization))

    def send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json_body: Any = None, organization: bool = True) -> requests.Response:
        """One API call with a valid token; a 401 gets a new token and one more try."""
        query = {**(params or {})}
        if organization:
            query["organization_id"] = self.organization_id
        url = f"{self.api_url}/{path}"
        self.limiter.acquire()
        response = self.session.request(method, url, params=query, json=json_body, auth=self.auth)
        if response.status_code == 401:
            # Expired early or revoked (Zoho: 401, code 57). A 401 means nothing was done.
            self.auth.token(renew=ZohoOAuth.token_of(response.request))
            self.limiter.acquire()
            response = self.session.request(method, url, params=query, json=json_body, auth=self.auth)
        return response

    def checked(self, response: requests.Response) -> dict[str, Any]:
        """The body of a successful answer, or the error that says what went wrong."""
        status = response.status_code
        if status >= 500:
            raise status_error(self.target, response, str((error_body(response) or {}).get("message") or ""),
                               auth_hint="")
        body = decode_json(self.target, response, hint="check [zoho] data_center, or api_url if you set it")
        if not isinstance(body, dict):
            raise ProtocolError(self.target, f"unexpected answer {str(body)[:100]!r}", status=status)
        code = body.get("code", 0)
        if 200 <= status < 300 and code == 0:
            return body
        message = str(body.get("message") or response.reason or "no message")
        if code in (CODE_ORG_REQUIRED, CODE_ORG_NOT_ACCESSIBLE):
            raise OrganizationRefused(self.target, f"organisation refused ({message})", status=status, code=code,
                                      detail=message, fix=("organization_id",))
        if status in (401, 403):
            raise status_error(self.target, response, f"{message} (code {code})", code=code, auth_hint=(
                f"the token from [zoho] refresh_token needs the scopes {SCOPE_ITEMS_READ}, {SCOPE_ADJUST_CREATE} "
                f"and {SCOPE_ADJUST_READ}, and its user access to organisation {self.organization_id}"))
        if 200 <= status < 300:
            method = response.request.method if response.request is not None else "GET"
            where = urlsplit(response.url or "").path
            raise TargetError(self.target, f"{method} {where} failed: {message} (code {code})", status=status,
                              code=code, detail=message)
        raise status_error(self.target, response, f"{message} (code {code})" if code else message, auth_hint="",
                           code=code)

    def pages(self, path: str, key: str, params: Mapping[str, Any] | None = None, *,
              max_pages: int) -> Iterable[list[dict[str, Any]]]:
        """The records under ``key`` of each page of a listing, while Zoho says there are more."""
        for page in range(1, max_pages + 1):
            body = self.call("GET", path, params={**(params or {}), "page": page, "per_page": PAGE_SIZE})
            records = body.get(key) or []
            yield records
            context = body.get("page_context")
            more = context.get("has_more_page") if isinstance(context, dict) else None
            if not (more if more is not None else len(records) >= PAGE_SIZE):
                return

    def adjustment_exists(self, reference: str, *, max_pages: int) -> bool:
        """Whether Zoho lists an adjustment with this reference number.

        The list call documents no filter; ``search_text`` is Zoho's usual full-text filter
        and is sent in the hope it narrows the answer, but the match is made here, so
        that a server that ignores it only costs more pages (newest adjustments come first).
        """
        for adjustments in self.pages("inventoryadjustments", "inventory_adjustments",
                                      {"search_text": reference}, max_pages=max_pages):
            if any(a.get("reference_number") == reference for a in adjustments):
                return True
        return False


def adjustment_body(reference: str, deltas: list[tuple[str, Decimal]], location_id: str | None) -> dict[str, Any]:
    """An inventory adjustment moving each item (item_id, delta) by its delta, at the location if one is set."""
    line_items = []
    for item_id, delta in deltas:
        line: dict[str, Any] = {"item_id": item_id, "quantity_adjusted": json_number(delta)}
        if location_id:
            line["location_id"] = location_id
        line_items.append(line)
    return {
        "date": date.today().isoformat(),
        "reason": ADJUSTMENT_REASON,
        "description": "Sets stock to InvenTree's levels (inventree-commerce-sync)",
        "reference_number": reference,
        "adjustment_type": "quantity",
        "line_items": line_items,
    }


def quantity_of(item: Mapping[str, Any], location_id: str | None) -> Decimal:
    """An item's stock (from itemdetails): of the location if one is set, else its total."""
    locations = item.get("locations") or []
    if location_id:
        for location in locations:
            if str(location.get("location_id")) == location_id:
                return number(location.get("location_stock_on_hand"))
        return Decimal(0)  # the item has never had stock there
    if item.get("stock_on_hand") is not None:
        return number(item["stock_on_hand"])
    return sum((number(loc.get("location_stock_on_hand")) for loc in locations), Decimal(0))


def skip_reason(item: Mapping[str, Any]) -> str | None:
    """Why an item's stock must not be written, or None."""
    item_type = str(item.get("item_type") or "inventory")
    if str(item.get("product_type") or "") == "service":
        return "a service in Zoho: it has no stock"
    if item_type != "inventory" or item.get("track_inventory") is False:
        return f"not inventory-tracked in Zoho (item type {item_type!r}): it has no stock to set"
    if str(item.get("status") or "active") != "active":
        return "the item is inactive in Zoho"
    return None


def number(value: Any) -> Decimal:
    """A quantity as Zoho sends it (number, numeric string, or "" for none) as a Decimal."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ProtocolError("zoho", f"stock {value!r} is not a number") from None
