"""The Zoho accounts server of the sandbox: the refresh-token grant, and the access tokens
it issued (their expiry and scopes), which every inventory call must carry.

As on Zoho, the token endpoint answers HTTP 200 with ``{"error": "invalid_code"}`` for a
refresh token it does not know and ``{"error": "invalid_client"}`` for a wrong client id or
secret; tokens last ``lifetime`` seconds. A call without a valid
``Authorization: Zoho-oauthtoken`` header, with an expired token, or with a token lacking
the call's scope is not authorised.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import parse_qs

from .app import Request, Response

CLIENT_ID = "1000.SANDBOXCLIENT0000000000000000"
CLIENT_SECRET = "sandbox0client0secret0000000000000000000"
REFRESH_TOKEN = "1000.sandbox0refresh0token.00000000000000000000"

SCOPE_ITEMS_READ = "ZohoInventory.items.READ"
SCOPE_ADJUST_CREATE = "ZohoInventory.inventoryadjustments.CREATE"
SCOPE_ADJUST_READ = "ZohoInventory.inventoryadjustments.READ"
SCOPE_SETTINGS_READ = "ZohoInventory.settings.READ"
SCOPE_ORDERS_READ = "ZohoInventory.salesorders.READ"
SCOPE_ORDERS_CREATE = "ZohoInventory.salesorders.CREATE"
SCOPE_PACKAGES_CREATE = "ZohoInventory.packages.CREATE"
SCOPE_SHIPMENTS_CREATE = "ZohoInventory.shipmentorders.CREATE"
SCOPE_ITEMS_CREATE = "ZohoInventory.items.CREATE"
SCOPE_ITEMS_UPDATE = "ZohoInventory.items.UPDATE"
SCOPE_CONTACTS_READ = "ZohoInventory.contacts.READ"
SCOPE_CONTACTS_CREATE = "ZohoInventory.contacts.CREATE"
ALL_SCOPES = frozenset({SCOPE_ITEMS_READ, SCOPE_ADJUST_CREATE, SCOPE_ADJUST_READ, SCOPE_SETTINGS_READ,
                        SCOPE_ORDERS_READ, SCOPE_ORDERS_CREATE, SCOPE_PACKAGES_CREATE, SCOPE_SHIPMENTS_CREATE,
                        SCOPE_ITEMS_CREATE, SCOPE_ITEMS_UPDATE, SCOPE_CONTACTS_READ, SCOPE_CONTACTS_CREATE})

# The scope each inventory route needs (routes not listed need only a valid token).
ROUTE_SCOPES = {
    "locations.list": SCOPE_SETTINGS_READ,
    "locations.get": SCOPE_SETTINGS_READ,
    "items.list": SCOPE_ITEMS_READ,
    "items.get": SCOPE_ITEMS_READ,
    "items.details": SCOPE_ITEMS_READ,
    "items.create": SCOPE_ITEMS_CREATE,
    "items.update": SCOPE_ITEMS_UPDATE,
    "contacts.list": SCOPE_CONTACTS_READ,
    "contacts.get": SCOPE_CONTACTS_READ,
    "contacts.create": SCOPE_CONTACTS_CREATE,
    "adjustments.list": SCOPE_ADJUST_READ,
    "adjustments.create": SCOPE_ADJUST_CREATE,
    "salesorders.list": SCOPE_ORDERS_READ,
    "salesorders.get": SCOPE_ORDERS_READ,
    "salesorders.status": SCOPE_ORDERS_CREATE,  # as documented: marking confirmed/void needs CREATE
    "packages.create": SCOPE_PACKAGES_CREATE,
    "shipmentorders.create": SCOPE_SHIPMENTS_CREATE,
}


class Accounts:
    """Issues access tokens for the one sandbox client and checks them."""

    def __init__(self, lifetime: float = 3600):
        self.lifetime = lifetime
        self.scopes = set(ALL_SCOPES)  # what tokens issued from now on may do
        self.tokens: dict[str, tuple[float, frozenset[str]]] = {}  # token -> (expires at, scopes)

    def grant(self, request: Request) -> Response:
        """``POST /oauth/v2/token``: the refresh-token grant, its fields in the query or the form body."""
        fields = {k: v[-1] for k, v in request.query.items()}
        if request.body:
            fields.update({k: v[-1] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()})
        if fields.get("grant_type") != "refresh_token":
            return Response(200, {"error": "unsupported_grant_type"})
        if fields.get("client_id") != CLIENT_ID or fields.get("client_secret") != CLIENT_SECRET:
            return Response(200, {"error": "invalid_client"})
        if fields.get("refresh_token") != REFRESH_TOKEN:
            return Response(200, {"error": "invalid_code"})
        token = "1000." + secrets.token_hex(16) + "." + secrets.token_hex(16)
        self.tokens[token] = (time.monotonic() + self.lifetime, frozenset(self.scopes))
        return Response(200, {
            "access_token": token,
            "scope": " ".join(sorted(self.scopes)),
            "api_domain": f"http://{request.header('host')}",
            "token_type": "Bearer",
            "expires_in": int(self.lifetime),
        })

    def authorises(self, request: Request) -> bool:
        """Whether the request's token is one issued, not expired, with the route's scope."""
        scheme, _, token = request.header("authorization").partition(" ")
        granted = self.tokens.get(token.strip()) if scheme == "Zoho-oauthtoken" else None
        if granted is None or granted[0] <= time.monotonic():
            return False
        needed = ROUTE_SCOPES.get(request.route)
        return needed is None or needed in granted[1]

    def expire_all(self) -> None:
        self.tokens = {token: (0.0, scopes) for token, (_, scopes) in self.tokens.items()}
