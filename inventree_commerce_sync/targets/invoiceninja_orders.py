"""Invoice Ninja v5 invoices as shop orders: read them (``OrderSource``), take them from its
webhooks, register those webhooks; shipments need nothing.

Reading (from the service's source, ``App\\Filters\\QueryFilters`` and ``InvoiceFilters``):
``GET /invoices?updated_at=<epoch seconds>`` keeps invoices updated at or after that second;
``status=active,archived,deleted`` keeps every one of them, so that a deletion is seen (the
list has them all by default too); ``include=client`` adds the buyer. The list is sorted by
the invoices' primary key (``sort=id|asc``), not by ``updated_at``: the database breaks ties
between equal ``updated_at`` seconds in no fixed order, so pages sorted by it can repeat or
skip invoices at a page boundary, while an invoice keeps its id and, being updated only
later, never leaves the filtered set during a read. The invoices read are then yielded
oldest update first. Each invoice comes with its lines: no further reads.

States: draft (``status_id`` 1) is ignored, though Invoice Ninja already lowered its stock;
sent (2), partial (3) and paid (4) are open orders of goods (paid is not shipped: Invoice
Ninja does not ship); cancelled (5), reversed (6) and deleted invoices are cancelled. Lines
are the product lines (``type_id`` 1) by ``product_key``; tasks, expenses and fees are not goods.

Webhooks (``App\\Models\\Webhook``): one subscription per event, here create (2), update (8),
delete (9), archive (33) and restore (41) of an invoice; the service signs nothing, so a
header with a secret of our choosing goes into each subscription's ``headers``; the payload
is the invoice itself. ``register_webhook`` is idempotent by URL and event.

A mixin for ``InvoiceNinjaTarget``: it uses the stock client's ``_call`` and ``name``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ..core.errors import AmbiguousFailure, ProtocolError
from ..core.orders import CANCELLED, IGNORED, OPEN, Customer, Known, Order, OrderLine, OrderSource, parse_time
from ..core.redact import get_logger, register_secret
from ..core.shipments import NOTHING_TO_DO, ShipOutcome

log = get_logger(__name__)

STATUS_WORDS = {"1": "draft", "2": "sent", "3": "partial", "4": "paid", "5": "cancelled", "6": "reversed"}
STATES = {"1": IGNORED, "2": OPEN, "3": OPEN, "4": OPEN, "5": CANCELLED, "6": CANCELLED}
PRODUCT_LINE = "1"  # type_id of a product line (2 is a task, 3 an unpaid gateway fee, ...)
INVOICE_EVENTS = ("2", "8", "9", "33", "41")  # create, update, delete, archive, restore
MAX_INVOICE_PAGES = 1000
MAX_WEBHOOK_PAGES = 20


class InvoiceNinjaOrders(OrderSource):
    page_size = 200
    webhook = "secret-header"  # Invoice Ninja signs nothing: a header the admin chose

    if TYPE_CHECKING:  # provided by InvoiceNinjaTarget, which this class is mixed into
        name: ClassVar[str]

        def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                  json: Any = None, count_as: str | None = None) -> Any: ...

    def read_orders(self, since: datetime, known: Known | None = None) -> Iterator[Order]:
        """Invoices updated at or after ``since`` (to the second), oldest update first;
        ``known(id, modified)`` True leaves one out (the caller has handled it)."""
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        found: dict[str, Order] = {}
        params = {"updated_at": int(since.timestamp()), "status": "active,archived,deleted", "include": "client",
                  "sort": "id|asc", "per_page": self.page_size}
        for page in range(1, MAX_INVOICE_PAGES + 1):
            body = self._call("GET", "/invoices", params={**params, "page": page})
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise ProtocolError(self.name, "answered an invoice list without data[]")
            for row in rows:
                order = self.invoice_order(row)
                if order.modified >= since.replace(microsecond=0):
                    found[order.id] = order
            pagination = (body.get("meta") or {}).get("pagination") or {}
            last = pagination.get("total_pages")
            if not rows or (page >= last if isinstance(last, int) else len(rows) < self.page_size):
                break
        for order in sorted(found.values(), key=lambda o: (o.modified, o.id)):
            if known is None or not known(order.id, order.modified):
                yield order

    def order_from_webhook(self, payload: Mapping[str, Any]) -> Order | None:
        """The invoice a webhook delivered (the payload is the invoice itself); None when the
        payload is not an invoice."""
        if not isinstance(payload, Mapping) or payload.get("entity_type", "invoice") != "invoice":
            return None
        if not payload.get("id") or not isinstance(payload.get("line_items"), list) or "status_id" not in payload:
            return None
        try:
            return self.invoice_order(payload)
        except ProtocolError:
            return None

    def invoice_order(self, invoice: Mapping[str, Any]) -> Order:
        """An Order from an invoice as the API (or a webhook) gives it."""
        invoice_id = str(invoice.get("id") or "")
        if not invoice_id:
            raise ProtocolError(self.name, "an invoice without id")
        status_id = str(invoice.get("status_id") or "1")
        deleted = bool(invoice.get("is_deleted"))
        state = CANCELLED if deleted else STATES.get(status_id)
        if state is None:
            log.warning("%s: invoice %s has status_id %r, which is unknown; not imported", self.name,
                        invoice.get("number"), status_id)
            state = IGNORED
        lines = tuple(OrderLine.of(str(number), line.get("product_key"), line.get("quantity"),
                                   kind="product", name=str(line.get("notes") or "")[:200])
                      for number, line in enumerate(invoice.get("line_items") or (), start=1)
                      if isinstance(line, Mapping) and str(line.get("type_id", PRODUCT_LINE)) == PRODUCT_LINE)
        try:
            modified = parse_time(invoice.get("updated_at"))
            created = parse_time(invoice.get("created_at")) if invoice.get("created_at") else modified
        except ValueError as exc:
            raise ProtocolError(self.name, f"invoice {invoice_id}: {exc}") from None
        return Order(self.name, invoice_id, str(invoice.get("number") or invoice_id), state,
                     "deleted" if deleted else STATUS_WORDS.get(status_id, status_id), created, modified,
                     _customer(invoice.get("client")), lines)

    # -- webhooks -----------------------------------------------------------------------

    def register_webhook(self, url: str, header_name: str, secret: str,
                         events: tuple[str, ...] = INVOICE_EVENTS) -> list[str]:
        """Subscribe ``url`` to the invoice events, each delivery carrying ``header_name:
        secret``. Idempotent: an existing subscription of that URL and event is kept (its
        headers brought up to date with a PUT); a POST whose answer was lost is looked up
        before it is sent again. Returns the subscription ids, one per event."""
        register_secret(secret)
        wanted = {"target_url": url, "rest_method": "post", "headers": {header_name: secret}}
        ids = []
        existing = self._subscriptions(url)
        for event_id in events:
            for _attempt in range(2):
                found = existing.get(event_id)
                if found is not None:
                    raw = found.get("headers")
                    headers: dict[str, Any] = raw if isinstance(raw, dict) else {}
                    if headers.get(header_name) != secret or found.get("rest_method") != "post":
                        self._call("PUT", f"/webhooks/{found['id']}", json={**wanted, "event_id": event_id})
                    ids.append(str(found["id"]))
                    break
                try:
                    created = self._call("POST", "/webhooks", json={**wanted, "event_id": event_id})
                except AmbiguousFailure:
                    existing = self._subscriptions(url)  # look it up before sending it again
                    continue
                ids.append(str((created.get("data") or {}).get("id")))
                break
            else:
                raise AmbiguousFailure(self.name, f"the webhook for event {event_id} could not be confirmed; try again")
        return ids

    def _subscriptions(self, url: str) -> dict[str, dict[str, Any]]:
        """event_id -> the live subscription of ``url`` to it."""
        found: dict[str, dict[str, Any]] = {}
        for page in range(1, MAX_WEBHOOK_PAGES + 1):
            body = self._call("GET", "/webhooks", params={"filter": url, "per_page": 100, "page": page})
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise ProtocolError(self.name, "answered a webhook list without data[]")
            for row in rows:
                if row.get("target_url") == url and not row.get("is_deleted") and row.get("id"):
                    found.setdefault(str(row.get("event_id")), row)
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if not rows or page >= int(pagination.get("total_pages") or 1):
                break
        return found

    # -- shipments -------------------------------------------------------------------------

    def ship_order(self, order_id: str, *, reference: str, tracking: str = "", carrier: str = "",
                   lines: Mapping[str, Decimal] | None = None) -> ShipOutcome:
        """Nothing to send: Invoice Ninja has no shipments, and lowered its stock when the
        invoice was saved."""
        return ShipOutcome(str(order_id), NOTHING_TO_DO, "Invoice Ninja has no shipments; its stock was "
                                                         "lowered when the invoice was saved")


def _customer(client: Any) -> Customer:
    if not isinstance(client, Mapping):
        return Customer()
    contacts = [c for c in client.get("contacts") or () if isinstance(c, Mapping)]
    contact = next((c for c in contacts if c.get("is_primary")), contacts[0] if contacts else {})
    person = " ".join(str(contact.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    company = str(client.get("name") or "")
    return Customer(name=person or company, email=str(contact.get("email") or ""),
                    company=company if person and company != person else "",
                    phone=str(contact.get("phone") or client.get("phone") or ""),
                    line1=str(client.get("address1") or ""), line2=str(client.get("address2") or ""),
                    postcode=str(client.get("postal_code") or ""), city=str(client.get("city") or ""),
                    region=str(client.get("state") or ""))
