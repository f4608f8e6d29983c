"""Webhooks of the WooCommerce sandbox, as ``WC_Webhook`` and the REST webhooks controller do them.

- ``POST webhooks`` needs a valid ``topic`` and an http(s) ``delivery_url``; the ``secret``
  is write-only (never shown). Creating one sends a ping: a form body ``webhook_id=N``,
  unsigned; its answer does not stop the creation.
- A delivery is an HTTP POST of the resource's REST JSON, encoded as PHP's ``json_encode``
  does (no spaces, ``/`` escaped, non-ASCII as ``\\uXXXX``), with the X-WC-Webhook-* headers;
  the signature is the base64 HMAC-SHA256 of that raw body under the secret. The delivery id
  is a hash of the webhook id and the current second (``wp_hash(id . time())``), so two
  deliveries of one webhook within a second carry the same id, as on a real shop.
- 2xx, 301 and 302 count as delivered; after more than 5 consecutive failures the webhook
  is disabled (``failed_delivery``), and stays so until it is updated to ``active``.

Deliveries leave from one background thread (WooCommerce's Action Scheduler), through the
sandboxes' ``outbox``: each with a bounded timeout, redirects not followed, and only to
``http://127.0.0.1`` or ``localhost`` (anything else is logged as failed without being
sent). The thread stops by itself when idle.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..core.webhooks import woocommerce_signature
from .outbox import Delivery, Outbox

TOPICS = ("order.created", "order.updated", "order.deleted", "order.restored",
          "product.created", "product.updated", "product.deleted", "product.restored",
          "customer.created", "customer.updated", "customer.deleted",
          "coupon.created", "coupon.updated", "coupon.deleted", "coupon.restored")
HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded", "woocommerce_delete_order_refund"],
    "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
    "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
}
STATUSES = ("active", "paused", "disabled")
MAX_FAILURES = 5  # woocommerce_max_webhook_delivery_failures
DELIVERY_TIMEOUT = 5.0  # seconds per delivery (WooCommerce allows a minute; tests should not wait that long)
IDLE_SECONDS = 5.0  # the delivery thread ends after this long without work
USER_AGENT = "WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)"
HASH_SALT = b"sandbox-wp-hash-salt"


def php_json(payload: Any) -> bytes:
    """``wp_json_encode`` with its default flags: compact, slashes escaped, ASCII only."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode("ascii")


class WebhookHub:
    """The store's webhooks and the queue that delivers them."""

    def __init__(self) -> None:
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.outbox = Outbox("woocommerce", timeout=DELIVERY_TIMEOUT, idle=IDLE_SECONDS)
        self.deliveries = self.outbox.log  # the delivery log, newest last
        self._next_id = 100
        self.clock = lambda: datetime.now(UTC).replace(microsecond=0)
        self.seconds = lambda: int(time.time())  # what the delivery id is made of

    def clear(self) -> None:
        self.webhooks.clear()

    # -- the REST side --------------------------------------------------------------------

    def create(self, data: Mapping[str, Any], host: str) -> dict[str, Any] | tuple[int, str, str]:
        """A new webhook (its record), or (status, code, message) for a refusal."""
        missing = [name for name in ("topic", "delivery_url") if not data.get(name)]
        if missing:
            return 400, "rest_missing_callback_param", f"Missing parameter(s): {', '.join(missing)}"
        topic = str(data["topic"]).strip().lower()
        if topic not in TOPICS and not topic.startswith("action."):
            return 400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid."
        url = str(data["delivery_url"]).strip()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            return (400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
                    "Webhook delivery URL must be a valid URL starting with http:// or https://.")
        status = str(data.get("status") or "active")
        now = self.clock()
        webhook_id = self._next_id
        record: dict[str, Any] = {
            "id": webhook_id, "name": str(data.get("name") or f"Webhook created on {now:%b %d, %Y @ %I:%M %p}"),
            "status": status if status in STATUSES else "disabled", "topic": topic, "delivery_url": url,
            # WooCommerce's default secret is a hash of the user: the sandbox's is one too
            "secret": str(data["secret"]) if data.get("secret") else hashlib.md5(b"1|sandbox").hexdigest(),
            "failure_count": 0, "created": now, "modified": now,
        }
        self._next_id += 1
        self.webhooks[webhook_id] = record
        self._enqueue(webhook_id, url, f"webhook_id={webhook_id}".encode(),
                      {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}, ping=True)
        return record

    def update(self, record: dict[str, Any], data: Mapping[str, Any]) -> tuple[int, str, str] | None:
        if "topic" in data:
            topic = str(data["topic"]).strip().lower()
            if topic not in TOPICS and not topic.startswith("action."):
                return 400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic must be valid."
            record["topic"] = topic
        if data.get("delivery_url"):
            record["delivery_url"] = str(data["delivery_url"]).strip()
        if data.get("secret"):
            record["secret"] = str(data["secret"])
        if data.get("name"):
            record["name"] = str(data["name"])
        if "status" in data:
            status = str(data["status"])
            record["status"] = status if status in STATUSES else "disabled"
            if record["status"] == "active":
                record["failure_count"] = 0
        record["modified"] = self.clock()
        return None

    def to_json(self, record: Mapping[str, Any], host: str, local) -> dict[str, Any]:
        topic = record["topic"]
        resource, _, event = topic.partition(".")
        return {
            "id": record["id"], "name": record["name"], "status": record["status"], "topic": topic,
            "resource": resource, "event": event, "hooks": HOOKS.get(topic, [topic[7:]] if resource == "action" else []),
            "delivery_url": record["delivery_url"],
            "date_created": local(record["created"]), "date_created_gmt": gmt(record["created"]),
            "date_modified": local(record["modified"]), "date_modified_gmt": gmt(record["modified"]),
            "_links": {"self": [{"href": f"http://{host}/wp-json/wc/v3/webhooks/{record['id']}"}],
                       "collection": [{"href": f"http://{host}/wp-json/wc/v3/webhooks"}]},
        }

    # -- deliveries -----------------------------------------------------------------------

    def fire(self, topic: str, payload: Mapping[str, Any], host: str) -> int:
        """Queue ``payload`` for every active webhook of ``topic``; how many were queued."""
        body = php_json(payload)
        resource, _, event = topic.partition(".")
        queued = 0
        for record in self.webhooks.values():
            if record["topic"] != topic or record["status"] != "active":
                continue
            delivery_id = hmac.new(HASH_SALT, f"{record['id']}{self.seconds()}".encode(), hashlib.md5).hexdigest()
            headers = {
                "Content-Type": "application/json", "User-Agent": USER_AGENT,
                "X-WC-Webhook-Source": f"http://{host}/", "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": woocommerce_signature(body, record["secret"]),
                "X-WC-Webhook-ID": str(record["id"]), "X-WC-Webhook-Delivery-ID": delivery_id,
            }
            self._enqueue(record["id"], record["delivery_url"], body, headers)
            queued += 1
        return queued

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery was attempted; False when ``timeout`` passed first."""
        return self.outbox.drain(timeout)

    def _enqueue(self, webhook_id: int, url: str, body: bytes, headers: dict[str, str], *, ping: bool = False) -> None:
        about = {"webhook_id": webhook_id, "ping": ping, "topic": headers.get("X-WC-Webhook-Topic", ""),
                 "delivery_id": headers.get("X-WC-Webhook-Delivery-ID", "")}
        self.outbox.send(Delivery(url, body, headers, about=about,
                                  done=lambda status, error: self._done(webhook_id, status, ping)))

    def _done(self, webhook_id: int, status: int | None, ping: bool) -> None:
        record = self.webhooks.get(webhook_id)
        if record is not None and not ping:
            if status is not None and 200 <= status < 303:
                record["failure_count"] = 0
            elif record["failure_count"] > MAX_FAILURES:
                record["status"] = "disabled"
            else:
                record["failure_count"] += 1


def gmt(moment: datetime) -> str:
    return time_text(moment, "UTC")


@lru_cache(maxsize=1 << 16)
def time_text(moment: datetime, zone: str) -> str:
    """WordPress's "Y-m-d\\TH:i:s" of ``moment`` in ``zone`` (cached: every list request renders
    and compares the times of all orders)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")
