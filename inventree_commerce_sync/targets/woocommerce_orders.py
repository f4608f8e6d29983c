"""WooCommerce orders: reading them, their webhooks, and telling the shop what was shipped.

A mixin for the WooCommerce client (``class WooCommerceTarget(WooCommerceOrders, BaseTarget)``):
it uses only ``self.name`` and the client's ``_send(method, path, params=, json=)`` and
``_json(response)``, so it adds no HTTP layer of its own; a write that must not happen twice
(a shipped note, a webhook) goes straight to ``self.session`` (with the client's ``base`` and
``auth``) inside ``no_retries``, through ``core.http.send_once``, since ``_send`` re-signs
and resends in OAuth mode.

Reading (``GET orders``): ``modified_after`` with ``dates_are_gmt=true`` and the time in UTC
WITHOUT an offset (WordPress turns a time with an offset into site time, even when it then
compares it with the GMT column), ``orderby=modified`` (in WooCommerce's source, not its docs;
ties are broken by id), ascending, ``status=any`` (every status but trash), 100 per page,
only the fields used. ``modified_after`` is strict, so the request starts a second early and
orders before ``since`` are dropped here. Paging by page number shifts when an order listed
earlier is modified during the read (it moves to the end, and the order after each page
boundary slides onto a page already read); when an order shows up twice the range is read
once more from where the first one was, so nothing slips through.

Lines are taken by their own SKU (a variation's, which WooCommerce itself falls back to the
parent's when the variation has none). processing and on-hold are open, completed shipped,
cancelled and refunded cancelled; pending, failed and checkout-draft hold no stock and are
ignored until they change.

An order moved to the trash is REMOVED, not cancelled: trashing writes the status column
alone (``OrdersTableDataStore::trash_order``, or ``wp_trash_post``), so no status transition
runs and WooCommerce puts no stock back; restoring it gives back its old status (its stock
stays taken). ``status=any`` leaves the trash out, so only the order audit reads it, with
``status=trash`` (``read_removed``). A status WooCommerce does not ship (a plugin's, such as
"shipped" or "partially-shipped") counts as open: such statuses come after payment.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from ..core import orders as O
from ..core.errors import AuthenticationError, ConfigError, ProtocolError, TargetError
from ..core.http import send_once
from ..core.redact import get_logger
from ..core.shipments import ALREADY_SHIPPED, ShipOutcome
from ..core.shipments import SHIPPED as SENT

if TYPE_CHECKING:
    import requests

log = get_logger(__name__)

STATES = {"processing": O.OPEN, "on-hold": O.OPEN, "completed": O.SHIPPED, "cancelled": O.CANCELLED,
          "refunded": O.CANCELLED, "trash": O.REMOVED, "pending": O.IGNORED, "failed": O.IGNORED,
          "checkout-draft": O.IGNORED, "draft": O.IGNORED, "auto-draft": O.IGNORED}
NOT_SHIPPABLE = ("cancelled", "refunded", "failed", "trash", "checkout-draft")
ORDER_FIELDS = "id,number,status,date_created_gmt,date_modified_gmt,billing,shipping,line_items"
MAX_ORDER_PAGES = 10_000  # a bound on one read (a million orders)
MAX_READS = 2  # the read, and one more from where page numbers shifted under it
WEBHOOK_TOPICS = ("order.created", "order.updated")
WEBHOOKS_PAGE = "WooCommerce > Settings > Advanced > Webhooks"
SHIPPED_NOTE = "Shipped (InvenTree)."
SHIP_ATTEMPTS = 2  # POSTs of one shipped note whose answers were lost, before giving up


class WooCommerceOrders(O.OrderSource):
    """Orders of a WooCommerce shop; see the module's docstring."""

    page_size = 100  # the most WooCommerce lists per page
    webhook = "woocommerce"

    if TYPE_CHECKING:
        from ..core.http import TargetSession

        name: ClassVar[str]
        base: str
        auth: Any
        session: TargetSession

        def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                  json: Any = None) -> requests.Response: ...

        def _json(self, response: requests.Response) -> Any: ...

    # -- reading ------------------------------------------------------------------------------

    def read_orders(self, since: datetime, known: O.Known | None = None) -> Iterator[O.Order]:
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        yielded: dict[str, datetime] = {}  # id -> modification time already yielded
        moved: list[datetime] = []  # where orders seen twice were first (their earlier time)
        start = since
        for attempt in range(MAX_READS):  # the read, and at most one more from where paging shifted
            for order in self._read_from(start):
                if order.modified < since or yielded.get(order.id) == order.modified:
                    continue
                if order.id in yielded:
                    moved.append(yielded[order.id])
                yielded[order.id] = order.modified
                if known is None or not known(order.id, order.modified):
                    yield order
            if not moved:
                return
            start, moved = max(min(moved), since), []
            if attempt + 1 < MAX_READS:
                log.info("%s: orders changed while they were read; reading again from %s", self.name,
                         O.iso_utc(start))
        log.warning("%s: orders kept changing while they were read %d times; the cursor's overlap and the order "
                    "audit read again from %s", self.name, MAX_READS, O.iso_utc(start))

    def read_removed(self, since: datetime) -> Iterator[O.Order]:
        """The orders moved to the trash and modified (trashed) since ``since``."""
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        return (order for order in self._read_from(since, status="trash") if order.modified >= since)

    def _read_from(self, since: datetime, status: str = "any") -> Iterator[O.Order]:
        after = since.astimezone(UTC).replace(microsecond=0) - timedelta(seconds=1)
        params = {"modified_after": after.strftime("%Y-%m-%dT%H:%M:%S"), "dates_are_gmt": "true",
                  "orderby": "modified", "order": "asc", "status": status, "per_page": self.per_page,
                  "_fields": ORDER_FIELDS}
        for page in range(1, MAX_ORDER_PAGES + 1):
            response = self._send("GET", "orders", params={**params, "page": page})
            items = self._json(response)
            if not isinstance(items, list):
                raise ProtocolError(self.name, "GET orders did not answer a list")
            for item in items:
                if isinstance(item, dict):
                    yield self.order_from_json(item)
            pages = response.headers.get("X-WP-TotalPages", "")
            if not items or (page >= int(pages) if pages.isdigit() else len(items) < self.per_page):
                return
        log.warning("%s: stopped after %d pages of orders; the next read goes on from there", self.name,
                    MAX_ORDER_PAGES)

    @property
    def per_page(self) -> int:
        return max(1, min(int(self.page_size), 100))  # WooCommerce refuses per_page above 100

    def order_from_webhook(self, payload: Mapping[str, Any]) -> O.Order | None:
        """An order.created / order.updated delivery is the order's REST JSON; anything else
        (a ping, another resource, a deleted order's bare id) is None."""
        if not isinstance(payload.get("line_items"), list) or "status" not in payload or "id" not in payload:
            return None
        try:
            return self.order_from_json(payload)
        except ProtocolError as exc:
            log.warning("%s: a webhook delivery could not be read (%s); the next poll reads the order", self.name,
                        exc)
            return None

    def order_from_json(self, data: Mapping[str, Any]) -> O.Order:
        """One order of ``GET orders`` (or of a webhook), normalised."""
        order_id = str(data.get("id", ""))
        try:
            modified = O.parse_time(data.get("date_modified_gmt"), "UTC")
            created = O.parse_time(data["date_created_gmt"], "UTC") if data.get("date_created_gmt") else modified
        except ValueError as exc:
            raise ProtocolError(self.name, f"order {order_id}: unreadable date_modified_gmt/date_created_gmt "
                                           f"({exc})") from None
        status = str(data.get("status") or "")
        status = status[3:] if status.startswith("wc-") else status
        lines = []
        for item in data.get("line_items") or ():
            if not isinstance(item, Mapping):
                continue
            kind = "variation" if _int(item.get("variation_id")) else "product"
            lines.append(O.OrderLine.of(item.get("id", ""), item.get("sku"), item.get("quantity"), kind=kind,
                                        name=str(item.get("name") or "")))
        return O.Order(self.name, order_id, str(data.get("number") or order_id), STATES.get(status, O.OPEN),
                       status, created, modified, _customer(data), tuple(lines))

    # -- webhooks -----------------------------------------------------------------------------

    def register_webhook(self, delivery_url: str, secret: str,
                         topics: Sequence[str] = WEBHOOK_TOPICS) -> list[dict[str, Any]]:
        """One active webhook per topic to ``delivery_url`` signed with ``secret``: an existing
        one (found by URL and topic) is given the secret and made active, a missing one is
        created. Returns what happened per topic: {"topic", "id", "action"} with action
        "created", "updated" or "reactivated". Calling it again creates nothing new."""
        if urlsplit(delivery_url).scheme not in ("http", "https") or not urlsplit(delivery_url).netloc:
            raise ConfigError(f"the webhook delivery URL must start with http:// or https:// (got {delivery_url!r})")
        if not secret:
            raise ConfigError("a webhook secret is needed: without it no delivery can be verified")
        done = []
        try:
            existing = self._webhooks()
            for topic in topics:
                found = [w for w in existing if w.get("delivery_url") == delivery_url and w.get("topic") == topic]
                if found:
                    keep = min(found, key=lambda w: _int(w.get("id")))
                    action = "updated" if keep.get("status") == "active" else "reactivated"
                    self._json(self._send("PUT", f"webhooks/{_int(keep['id'])}",
                                          json={"secret": secret, "status": "active"}))
                    done.append({"topic": topic, "id": _int(keep["id"]), "action": action})
                    continue
                body = {"name": f"InvenTree: {topic}", "topic": topic, "delivery_url": delivery_url,
                        "secret": secret, "status": "active"}
                done.append({"topic": topic, "id": self._create_once(body), "action": "created"})
        except AuthenticationError as exc:
            raise AuthenticationError(self.name, f"{exc.reason}. {webhook_instructions(delivery_url, topics)}",
                                      status=exc.status) from None
        return done

    def _webhooks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(1, 101):
            response = self._send("GET", "webhooks", params={"per_page": 100, "page": page})
            items = self._json(response)
            if not isinstance(items, list):
                raise ProtocolError(self.name, "GET webhooks did not answer a list")
            found += [item for item in items if isinstance(item, dict)]
            pages = response.headers.get("X-WP-TotalPages", "")
            if not items or (page >= int(pages) if pages.isdigit() else len(items) < 100):
                break
        return found

    def _create_once(self, body: dict[str, Any]) -> int:
        """POST a webhook, looked up before it is sent again (``send_once``); should there be
        two all the same (two admins at once), the newer ones are deleted, the first is kept."""
        def same_webhooks() -> list[int]:
            return sorted(_int(w.get("id")) for w in self._webhooks()
                          if w.get("delivery_url") == body["delivery_url"] and w.get("topic") == body["topic"])

        created = send_once(self.name, f"creating the {body['topic']} webhook",
                            lambda: self._json(self._send_once("POST", "webhooks", json=body)),
                            lambda: {} if same_webhooks() else None, attempts=SHIP_ATTEMPTS)
        same = same_webhooks()
        if not same:
            raise TargetError(self.name, f"creating the {body['topic']} webhook failed without an answer; try again")
        for extra in same[1:]:
            self._json(self._send("DELETE", f"webhooks/{extra}", params={"force": "true"}))
        if isinstance(created, dict) and _int(created.get("id")) not in same:
            log.info("%s: webhook %s was created twice; kept %d", self.name, created.get("id"), same[0])
        return same[0]

    # -- shipments back to the shop -----------------------------------------------------------

    def mark_shipped(self, order_id: str | int, tracking: str = "", carrier: str = "", *,
                     notify_customer: bool = False, complete: bool = True) -> dict[str, Any]:
        """The order is completed on the shop and carries a note with the tracking number
        (one note per tracking number: a second shipment of the order adds its own; with
        ``complete=False``, for a partial shipment, only the note is added). Looked up first,
        so a repeated call changes nothing and adds no second note. Returns {"order_id",
        "completed": changed now, "note_added": added now}."""
        order_id = _int(order_id)
        if order_id <= 0:
            raise ConfigError("mark_shipped needs the shop's order id (a positive number)")
        text = shipped_note(tracking, carrier)
        order = self._json(self._send("GET", f"orders/{order_id}", params={"_fields": "id,status"}))
        status = str(order.get("status") or "") if isinstance(order, dict) else ""
        if status in NOT_SHIPPABLE:
            raise TargetError(self.name, f"order {order_id} is {status!r} on the shop; it was not marked shipped "
                                         "(completing it would take its stock again)")
        completed = complete and status != "completed"
        if completed:
            self._json(self._send("PUT", f"orders/{order_id}", json={"status": "completed"}))
        note_added = False
        if not self._shipped_notes(order_id, text):
            def add_note() -> bool:
                self._json(self._send_once("POST", f"orders/{order_id}/notes",
                                           json={"note": text, "customer_note": notify_customer}))
                return True

            send_once(self.name, f"the shipped note of order {order_id}", add_note,
                      lambda: bool(self._shipped_notes(order_id, text)) or None, attempts=SHIP_ATTEMPTS)
            notes = self._shipped_notes(order_id, text)
            for extra in sorted(notes)[1:]:  # two readers at once may each have added it
                self._json(self._send("DELETE", f"orders/{order_id}/notes/{extra}", params={"force": "true"}))
            note_added = True
        return {"order_id": str(order_id), "completed": completed, "note_added": note_added}

    def ship_order(self, order_id: str, *, reference: str, tracking: str = "", carrier: str = "",
                   lines: Mapping[str, Decimal] | None = None) -> ShipOutcome:
        """``OrderSource.ship_order``: ``mark_shipped``; a shipment of some lines (``lines``
        given) only adds its note. The note is found again by its tracking number, so
        WooCommerce needs no ``reference``."""
        done = self.mark_shipped(order_id, tracking, carrier, complete=lines is None)
        if done["completed"] or done["note_added"]:
            return ShipOutcome(done["order_id"], SENT, "WooCommerce order " + ("completed" if done["completed"]
                                                                            else "noted as partly shipped"))
        return ShipOutcome(done["order_id"], ALREADY_SHIPPED, "WooCommerce already has this shipment's note")

    def _send_once(self, method: str, path: str, *, json: Any = None) -> requests.Response:
        """One request the client does not repeat itself (``_send`` re-signs and resends in
        OAuth mode); the session inside ``no_retries`` does not either."""
        with self.session.no_retries():
            return self.session.request(method, f"{self.base}/{path}", json=json, auth=self.auth)

    def _shipped_notes(self, order_id: int, text: str) -> list[int]:
        notes = self._json(self._send("GET", f"orders/{order_id}/notes"))
        if not isinstance(notes, list):
            raise ProtocolError(self.name, f"GET orders/{order_id}/notes did not answer a list")
        return [_int(n.get("id")) for n in notes
                if isinstance(n, dict) and html.unescape(str(n.get("note") or "")).strip() == text]


def shipped_note(tracking: str = "", carrier: str = "") -> str:
    """The note a shipment leaves on the order (also what finds it again)."""
    tracking, carrier = " ".join(str(tracking).split()), " ".join(str(carrier).split())
    if not tracking:
        return SHIPPED_NOTE
    return f"{SHIPPED_NOTE} Tracking number: {tracking}" + (f" ({carrier})" if carrier else "")


def webhook_instructions(delivery_url: str, topics: Sequence[str] = WEBHOOK_TOPICS) -> str:
    """What the admin enters by hand when the key may not create webhooks."""
    names = {"order.created": "Order created", "order.updated": "Order updated"}
    wanted = ", ".join(names.get(t, t) for t in topics)
    return (f"To add the webhooks by hand, open {WEBHOOKS_PAGE} > Add webhook, once per topic ({wanted}): "
            f"Status Active, Delivery URL {delivery_url}, Secret the plugin's webhook secret, "
            "API version WP REST API Integration v3. Creating them through the API needs a key of a user "
            "who may manage WooCommerce, with Read/Write permission")


def _customer(data: Mapping[str, Any]) -> O.Customer:
    billing: Mapping[str, Any] = data["billing"] if isinstance(data.get("billing"), Mapping) else {}
    shipping: Mapping[str, Any] = data["shipping"] if isinstance(data.get("shipping"), Mapping) else {}

    def pick(name: str) -> str:
        return str(billing.get(name) or shipping.get(name) or "").strip()

    name = " ".join(part for part in (pick("first_name"), pick("last_name")) if part)
    return O.Customer(name=name, email=pick("email"), company=pick("company"), phone=pick("phone"),
                      line1=pick("address_1"), line2=pick("address_2"), postcode=pick("postcode"),
                      city=pick("city"), region=pick("state"), country=pick("country"))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
