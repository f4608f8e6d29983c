"""Is a webhook delivery genuine? Pure checks; the InvenTree view only acts on the verdict.

WooCommerce signs each delivery: ``X-WC-Webhook-Signature`` is the base64 HMAC-SHA256 of
the raw body under the webhook's secret, compared here in constant time. A delivery with a
missing or wrong signature, or one whose ``X-WC-Webhook-Delivery-ID`` was already accepted
with the same signature (a replay; kept in a bounded store the caller passes in), is refused.
The id alone is not unique: WooCommerce makes it from the webhook's id and the current second
(``wp_hash($webhook_id . time())``), so two different orders announced by one webhook in the
same second share it; a true replay repeats both the id and the signature of its body. WooCommerce
sends no time header, so age cannot be judged from the headers; a replayed old delivery
that slips past a store which forgot its id only repeats an order version the importer
already has (it ignores versions older than the one it imported). Creating a webhook makes
WooCommerce send a ping, unsigned, with the form body ``webhook_id=N``: acknowledged, and
nothing else happens.

Invoice Ninja signs nothing; its webhook (a "subscription") sends the headers configured
for it, so the admin adds a secret header (``SECRET_HEADER``) whose value is compared in
constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

WC_SIGNATURE = "X-WC-Webhook-Signature"
WC_DELIVERY_ID = "X-WC-Webhook-Delivery-ID"
WC_TOPIC = "X-WC-Webhook-Topic"
WC_WEBHOOK_ID = "X-WC-Webhook-ID"
SECRET_HEADER = "X-Commerce-Sync-Secret"  # the header an Invoice Ninja subscription is given

ACCEPTED, PING, REFUSED, BAD_BODY = 200, 200, 401, 400
_PING_BODY = re.compile(rb"\Awebhook_id=\d+\Z")


@dataclass(frozen=True)
class Verdict:
    """What to answer (``status``) and, for an accepted delivery, what it carries."""

    status: int
    reason: str
    ping: bool = False
    topic: str = ""
    delivery_id: str = ""
    payload: Mapping[str, Any] | None = None

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED and not self.ping


class DeliveryStore(Protocol):
    def add(self, delivery_id: str) -> bool:
        """Record the delivery (its ``replay_key``); False when it was recorded before (a replay)."""


class MemoryDeliveryStore:
    """The last ``capacity`` delivery ids, in memory (one process; tests, the sandbox)."""

    def __init__(self, capacity: int = 1000):
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, delivery_id: str) -> bool:
        with self._lock:
            if delivery_id in self._ids:
                return False
            self._ids[delivery_id] = None
            while len(self._ids) > self.capacity:
                self._ids.popitem(last=False)
            return True


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name ("" when absent)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value).strip()
    return ""


def woocommerce_signature(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_ping(body: bytes) -> bool:
    return bool(_PING_BODY.match(body.strip()))


def verify_woocommerce(headers: Mapping[str, str], body: bytes, secret: str,
                       store: DeliveryStore | None = None) -> Verdict:
    """The verdict on one WooCommerce delivery (raw body, as received)."""
    if is_ping(body):
        return Verdict(PING, "ping acknowledged", ping=True)
    if not secret:
        return Verdict(REFUSED, "no webhook secret is configured, so no delivery can be verified")
    given = header(headers, WC_SIGNATURE)
    if not given:
        return Verdict(REFUSED, f"missing {WC_SIGNATURE} header")
    expected = woocommerce_signature(body, secret)
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii")):
        return Verdict(REFUSED, "signature does not match (wrong secret, or the body was changed)")
    delivery_id = header(headers, WC_DELIVERY_ID)
    if store is not None:
        if not delivery_id:
            return Verdict(REFUSED, f"missing {WC_DELIVERY_ID} header")
        if not store.add(replay_key(delivery_id, given)):
            return Verdict(REFUSED, f"delivery {delivery_id} was already received (replay)",
                           delivery_id=delivery_id)
    return _with_payload(body, header(headers, WC_TOPIC), delivery_id)


def replay_key(delivery_id: str, signature: str) -> str:
    """What the delivery store keeps per accepted delivery: its id and a digest of its
    signature (a fixed length, whatever the header held)."""
    return f"{delivery_id}:{hashlib.sha256(signature.encode('utf-8', 'replace')).hexdigest()[:32]}"


def verify_secret_header(headers: Mapping[str, str], body: bytes, secret: str,
                         name: str = SECRET_HEADER) -> Verdict:
    """The verdict on an unsigned delivery (Invoice Ninja) carrying a shared secret header."""
    if not secret:
        return Verdict(REFUSED, "no webhook secret is configured, so no delivery can be verified")
    given = header(headers, name)
    if not given:
        return Verdict(REFUSED, f"missing {name} header")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8")):
        return Verdict(REFUSED, f"{name} does not match")
    return _with_payload(body, "", "")


def _with_payload(body: bytes, topic: str, delivery_id: str) -> Verdict:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Verdict(BAD_BODY, "the body is not JSON", topic=topic, delivery_id=delivery_id)
    if not isinstance(payload, dict):
        return Verdict(BAD_BODY, "the body is not a JSON object", topic=topic, delivery_id=delivery_id)
    return Verdict(ACCEPTED, "accepted", topic=topic, delivery_id=delivery_id, payload=payload)
