"""Who a request to the WooCommerce sandbox comes from, decided as ``WC_REST_Authentication`` does.

- Over HTTPS: HTTP Basic, or ``consumer_key`` / ``consumer_secret`` query parameters. An
  unknown key is not an error of its own: the request is simply not logged in.
- Over plain HTTP: only one-legged OAuth 1.0a in the query string, HMAC-SHA1 or HMAC-SHA256,
  signed with the consumer secret plus ``&``, timestamps within 15 minutes, each nonce
  accepted once.
- Keys have ``read``, ``write`` or ``read_write`` permission; a missing one is a 401.

Every refusal is a 401 with WooCommerce's code and message; the sandbox renders it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .app import Request

OAUTH_WINDOW = 15 * 60  # seconds a timestamp may differ from the server's clock
OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
NONCES_KEPT = 10_000  # per key; beyond that, nonces older than the window are forgotten

# What WordPress answers when a request is not logged in, by route name.
UNAUTHENTICATED = {
    "products.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "variations.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "products.batch": ("woocommerce_rest_cannot_batch",
                       "Sorry, you are not allowed to batch manipulate this resource."),
    "variations.batch": ("woocommerce_rest_cannot_batch",
                         "Sorry, you are not allowed to batch manipulate this resource."),
    "products.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "variations.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "orders.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "notes.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "webhooks.list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "orders.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "webhooks.update": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "notes.create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "webhooks.create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "notes.delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    "orders.delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    "webhooks.delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
}
NOT_LOGGED_IN = ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")


@dataclass(frozen=True)
class Refusal:
    """A 401: WooCommerce's message, and its code (None: the default code for a 401)."""

    message: str
    code: str | None = None


class ApiKeys:
    """The store's REST API keys, and the OAuth nonces each has used."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}
        self._nonces: dict[str, dict[str, float]] = {}  # consumer key -> nonce -> timestamp

    def add(self, consumer_key: str, consumer_secret: str, permissions: str = "read_write") -> None:
        self.keys[consumer_key] = {"secret": consumer_secret, "permissions": permissions}

    def refusal(self, request: Request) -> Refusal | None:
        """None when the request is logged in with a key that may do what it asks."""
        try:
            key = self._identify(request)
        except _Refused as refused:
            return refused.refusal
        if key is None:
            code, message = UNAUTHENTICATED.get(request.route, NOT_LOGGED_IN)
            return Refusal(message, code)
        permissions = self.keys[key]["permissions"]
        if request.method in ("GET", "HEAD") and permissions not in ("read", "read_write"):
            return Refusal("The API key provided does not have read permissions.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and permissions not in ("write", "read_write"):
            return Refusal("The API key provided does not have write permissions.")
        return None

    def _identify(self, request: Request) -> str | None:
        """The consumer key when logged in; None when not trying or not known; raises
        _Refused when WooCommerce refuses outright."""
        if request.scheme == "https":
            key, secret = request.arg("consumer_key"), request.arg("consumer_secret")
            if not (key and secret):
                key, secret = _basic_credentials(request.header("authorization"))
            if not (key and secret) or key not in self.keys:
                return None
            if not hmac.compare_digest(self.keys[key]["secret"], secret):
                raise _Refused("Consumer secret is invalid.")
            return key
        return self._oauth(request)

    def _oauth(self, request: Request) -> str | None:
        params = {name: values[-1] for name, values in request.query.items()}  # PHP: the last one wins
        missing = [name for name in OAUTH_PARAMS if not params.get(name)]
        if len(missing) == len(OAUTH_PARAMS):
            return None  # not trying OAuth at all
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            raise _Refused(f"Missing OAuth {noun} {', '.join(missing)}",
                           "woocommerce_rest_authentication_missing_parameter")
        key = params["oauth_consumer_key"]
        if key not in self.keys:
            raise _Refused("Consumer key is invalid.")

        provided = unquote(params.pop("oauth_signature").replace(" ", "+"))
        pairs = sorted(params.items(), key=lambda pair: pair[0].encode())  # uksort(strcmp) on raw keys
        parameter_string = "%26".join(_rfc3986(f"{_rfc3986(k)}={_rfc3986(v)}") for k, v in pairs)
        base_uri = f"http://{request.header('host').lower()}{request.raw_path}"
        string_to_sign = f"{request.method}&{_rfc3986(base_uri)}&{parameter_string}"
        digest = HASHES.get(params["oauth_signature_method"])
        if digest is None:
            raise _Refused("Invalid signature - signature method is invalid.")
        secret = self.keys[key]["secret"] + "&"
        expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode(), digest).digest()).decode()
        if not hmac.compare_digest(expected, provided):
            raise _Refused("Invalid signature - provided signature does not match.")

        now = time.time()
        try:
            timestamp = int(params["oauth_timestamp"])
        except ValueError:
            timestamp = 0
        if abs(timestamp - now) > OAUTH_WINDOW:
            raise _Refused("Invalid timestamp.")
        used = self._nonces.setdefault(key, {})
        nonce = params["oauth_nonce"]
        if nonce in used:
            raise _Refused("Invalid nonce - nonce has already been used.")
        used[nonce] = timestamp
        if len(used) > NONCES_KEPT:
            for old in [n for n, t in used.items() if t < now - OAUTH_WINDOW]:
                del used[old]
        return key


class _Refused(Exception):
    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.refusal = Refusal(message, code)


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    if not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None, None
    key, _, secret = decoded.partition(":")
    return key, secret


def _rfc3986(text: str) -> str:
    """PHP's rawurlencode."""
    return quote(text, safe="")
