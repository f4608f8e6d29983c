"""Invoices and webhook subscriptions of the Invoice Ninja sandbox, and their effect on stock.

As the service does (``App\\Jobs\\Inventory\\AdjustProductInventory``), when the company
tracks inventory: saving an invoice lowers ``in_stock_quantity`` of the first live product
whose key matches each product line (``type_id`` 1) by its quantity, drafts included; saving
it again first puts the old lines' quantities back; deleting puts them back, restoring a
deleted invoice takes them again; cancel, reverse, archive and payments leave stock alone.

API, under ``/api/v1``: ``GET invoices`` (``updated_at`` epoch seconds or a date, ``>=``;
``status`` active/archived/deleted, all of them by default; ``is_deleted``; ``sort=col|dir``;
``include=client``; ``per_page``/``page``), ``GET invoices/{id}``, and webhook subscriptions
(``GET``/``POST webhooks``, ``PUT webhooks/{id}``: ``target_url``, ``event_id``,
``rest_method`` post or put, ``headers``). Invoice events (create 2, update 8, delete 9,
archive 33, restore 41) are delivered to the subscriptions from one background thread: the
invoice as the service's transformer gives it (client included), the subscription's headers
added; only to 127.0.0.1, each attempt bounded, no retry (the service's handler runs the
delivery synchronously), through the sandboxes' ``outbox`` (bounded, loopback only, no
redirects); a 404, 405 or 410 answer deletes the subscription, as the service does.

Control calls (``/__sandbox__/...``): ``invoices`` saves a new invoice (``{"lines":
[{"product_key", "quantity", "type_id"}], "status": "draft"|"sent"|"partial"|"paid",
"client": {"name", "email", ...}, "at": epoch seconds, "count": N}``), ``invoices/<id>``
saves new lines, ``invoices/<id>/action`` applies ``mark_sent``, ``mark_paid``, ``cancel``,
``reverse``, ``archive``, ``restore`` or ``delete``; ``webhook-deliveries`` lists what was delivered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .app import BadRequest, Request, Response
from .outbox import Delivery, Done, Outbox

if TYPE_CHECKING:
    from .invoiceninja import InvoiceNinjaSandbox

API = "/api/v1"
DRAFT, SENT, PARTIAL, PAID, CANCELLED, REVERSED = "1", "2", "3", "4", "5", "6"
STATUS_NAMES = {"draft": DRAFT, "sent": SENT, "partial": PARTIAL, "paid": PAID}
EVENT_CREATE, EVENT_UPDATE, EVENT_DELETE, EVENT_ARCHIVE, EVENT_RESTORE = "2", "8", "9", "33", "41"
DELIVERY_TIMEOUT = 5.0
MAX_QUEUED = 1000  # deliveries waiting; beyond it new ones are dropped (and counted)
_SORTABLE = {"id", "updated_at", "created_at", "date", "number", "status_id"}


class InvoiceNinjaInvoices:
    """The sandbox's invoices (by hashed id) and webhook subscriptions, added to the sandbox."""

    def __init__(self, app: InvoiceNinjaSandbox):
        self.app = app
        self.invoices: dict[str, dict[str, Any]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.outbox = Outbox("invoiceninja", timeout=DELIVERY_TIMEOUT, idle=2.0, max_queued=MAX_QUEUED)
        self.deliveries = self.outbox.log  # what was sent: url, event_id, invoice_id, status, error (bounded)
        self._pk = 0
        add = app.add_route
        add("GET", f"{API}/invoices", "invoices.list", self._list)
        add("GET", f"{API}/invoices/(?P<id>[^/]+)", "invoices.show", self._show)
        add("GET", f"{API}/webhooks", "webhooks.list", self._list_webhooks)
        add("POST", f"{API}/webhooks", "webhooks.store", self._store_webhook)
        add("PUT", f"{API}/webhooks/(?P<id>[^/]+)", "webhooks.update", self._update_webhook)

    def clear(self) -> None:
        self.invoices.clear()
        self.webhooks.clear()
        self.deliveries.clear()

    # -- what the shop's staff do -----------------------------------------------------------

    def save(self, lines: list[Mapping[str, Any]], *, status: str = "sent", client: Mapping[str, Any] | None = None,
             at: int | None = None) -> dict[str, Any]:
        if status not in STATUS_NAMES:
            raise BadRequest(f"a new invoice is one of {', '.join(STATUS_NAMES)} (got {status!r})")
        with self.app.lock:
            now = self._now(at)
            self._pk += 1
            buyer = dict(client or {})
            first, _, last = str(buyer.get("name") or "").partition(" ")
            invoice: dict[str, Any] = {
                "pk": self._pk, "id": self.app._new_id(), "number": f"{self._pk:04d}",
                "status_id": STATUS_NAMES[status], "is_deleted": False, "archived_at": 0,
                "created_at": now, "updated_at": now, "line_items": self._lines(lines),
                "client": {"id": self.app._new_id(), "name": str(buyer.get("company") or buyer.get("name") or ""),
                           "address1": str(buyer.get("address1") or ""), "city": str(buyer.get("city") or ""),
                           "postal_code": str(buyer.get("postal_code") or ""),
                           "contacts": [{"id": self.app._new_id(), "first_name": first, "last_name": last,
                                         "email": str(buyer.get("email") or ""),
                                         "phone": str(buyer.get("phone") or "")}]},
            }
            self.invoices[invoice["id"]] = invoice
            self._take(invoice["line_items"])
            self._event(EVENT_CREATE, invoice)
            return self.invoice_json(invoice)

    def edit(self, invoice_id: str, lines: list[Mapping[str, Any]], at: int | None = None) -> dict[str, Any]:
        with self.app.lock:
            invoice = self._find(invoice_id)
            if invoice["is_deleted"]:
                raise BadRequest("Record is deleted and cannot be edited. Restore the record to enable editing")
            new_lines = self._lines(lines)
            self._give_back(invoice["line_items"])
            self._take(new_lines)
            invoice.update(line_items=new_lines, updated_at=self._now(at))
            self._event(EVENT_UPDATE, invoice)
            return self.invoice_json(invoice)

    def act(self, invoice_id: str, action: str, at: int | None = None) -> dict[str, Any]:
        with self.app.lock:
            invoice = self._find(invoice_id)
            event = EVENT_UPDATE
            if action in ("mark_sent", "mark_paid", "cancel", "reverse"):
                if invoice["is_deleted"]:
                    raise BadRequest("Record is deleted and cannot be edited. Restore the record to enable editing")
                invoice["status_id"] = {"mark_sent": SENT, "mark_paid": PAID, "cancel": CANCELLED,
                                        "reverse": REVERSED}[action]
            elif action == "archive":
                invoice["archived_at"], event = invoice["archived_at"] or self._now(at), EVENT_ARCHIVE
            elif action == "delete":
                if not invoice["is_deleted"]:
                    self._give_back(invoice["line_items"])
                invoice.update(is_deleted=True, archived_at=invoice["archived_at"] or self._now(at))
                event = EVENT_DELETE
            elif action == "restore":
                if invoice["is_deleted"]:
                    self._take(invoice["line_items"])
                invoice.update(is_deleted=False, archived_at=0)
                event = EVENT_RESTORE
            else:
                raise BadRequest(f"unknown action {action!r}")
            invoice["updated_at"] = self._now(at)
            self._event(event, invoice)
            return self.invoice_json(invoice)

    def register_controls(self) -> None:
        """The invoices' control calls (see the module docstring)."""
        add = self.app.add_control
        add("GET", "webhook-deliveries", lambda r: Response(200, {
            "drained": self.outbox.drain(float(r.arg("wait") or 0)), "deliveries": list(self.deliveries),
            "dropped": self.outbox.dropped}))
        add("POST", "invoices", self._save_call)
        add("POST", "invoices/(?P<id>[^/]+)", lambda r: Response(200, {"data": self.edit(
            r.params["id"], (r.json() or {}).get("lines") or [], (r.json() or {}).get("at"))}))
        add("POST", "invoices/(?P<id>[^/]+)/action", lambda r: Response(200, {"data": self.act(
            r.params["id"], str((r.json() or {}).get("action")), (r.json() or {}).get("at"))}))

    def _save_call(self, request: Request) -> Response:
        body = request.json() or {}
        saved = [self.save(body.get("lines") or [], status=body.get("status", "sent"), client=body.get("client"),
                           at=body.get("at"))
                 for _ in range(int(body.get("count", 1)))]
        return Response(201, {"data": saved})

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Until every queued webhook delivery has been attempted (tests); False when
        ``timeout`` passed first."""
        return self.outbox.drain(timeout)

    # -- stock --------------------------------------------------------------------------

    def _take(self, lines: list[dict[str, Any]]) -> None:
        self._move(lines, -1)

    def _give_back(self, lines: list[dict[str, Any]]) -> None:
        self._move(lines, 1)

    def _move(self, lines: list[dict[str, Any]], sign: int) -> None:
        if not self.app.track_inventory:
            return
        for line in lines:
            if str(line.get("type_id")) != "1":
                continue
            live = [p for p in self.app._collated_key(line["product_key"])
                    if not p["is_deleted"] and not p["archived_at"]]
            if live:  # the first live product with that key, as Product::where(...)->first()
                product = live[0]
                product["in_stock_quantity"] = int(product["in_stock_quantity"] + sign * Decimal(str(line["quantity"])))
                product["updated_at"] = int(time.time())

    def _lines(self, lines: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        made = []
        for number, line in enumerate(lines, start=1):
            try:
                quantity = Decimal(str(line.get("quantity", 1)))
            except InvalidOperation:
                raise BadRequest(f"line {number}: quantity {line.get('quantity')!r} is not a number") from None
            made.append({"product_key": str(line.get("product_key") or ""), "notes": str(line.get("notes") or ""),
                         "quantity": float(quantity), "cost": float(line.get("cost", 0)),
                         "type_id": str(line.get("type_id", "1")), "line_total": 0.0, "discount": 0.0,
                         "is_amount_discount": False, "tax_name1": "", "tax_rate1": 0.0, "sort_id": "0"})
        return made

    def _now(self, at: int | None) -> int:
        return int(at) if at is not None else int(time.time())

    def _find(self, invoice_id: str) -> dict[str, Any]:
        invoice = self.invoices.get(str(invoice_id))
        if invoice is None:
            raise BadRequest("No query results for model [App\\Models\\Invoice].")
        return invoice

    # -- API ----------------------------------------------------------------------------

    def _list(self, request: Request) -> Response:
        from .invoiceninja import _php_int, _status

        rows = list(self.invoices.values())
        since = request.arg("updated_at") or ""
        if since:
            rows = [i for i in rows if i["updated_at"] >= _epoch(since)]
        statuses = [s for s in (request.arg("status") or "").split(",") if s]
        if statuses:
            rows = [i for i in rows if _status(i) in statuses]
        if request.arg("is_deleted") is not None:
            wanted = request.arg("is_deleted") in ("true", "1")
            rows = [i for i in rows if i["is_deleted"] == wanted]
        column, _, direction = (request.arg("sort") or "").partition("|")
        if column in _SORTABLE and direction:
            key = "pk" if column == "id" else column
            rows.sort(key=lambda i: i[key], reverse=direction != "asc")  # stable: ties stay in id order
        per_page = min(abs(_php_int(request.arg("per_page", "20"))), 5000) or 15
        page = max(_php_int(request.arg("page", "1")), 1)
        total_pages = max(1, -(-len(rows) // per_page))
        shown = rows[(page - 1) * per_page: page * per_page]
        with_client = "client" in (request.arg("include") or "").split(",")
        return Response(200, {"data": [self.invoice_json(i, with_client) for i in shown], "meta": {"pagination": {
            "total": len(rows), "count": len(shown), "per_page": per_page, "current_page": page,
            "total_pages": total_pages, "links": {}}}})

    def _show(self, request: Request) -> Response:
        invoice = self._find(request.params["id"])
        return Response(200, {"data": self.invoice_json(invoice, "client" in (request.arg("include") or ""))})

    def invoice_json(self, invoice: Mapping[str, Any], with_client: bool = True) -> dict[str, Any]:
        data = {k: v for k, v in invoice.items() if k not in ("pk", "client")}
        day = time.strftime("%Y-%m-%d", time.gmtime(invoice["created_at"]))
        # due_date as if the company's payment terms were "due on receipt" (without terms the
        # service sends "", which the document's date format does not allow).
        data.update(client_id=invoice["client"]["id"], user_id="VolejRejNm", amount=0.0, balance=0.0,
                    paid_to_date=0.0, date=day, due_date=day, po_number="", public_notes="", private_notes="",
                    entity_type="invoice", line_items=[dict(line) for line in invoice["line_items"]], invitations=[])
        if with_client:
            data["client"] = json.loads(json.dumps(invoice["client"]))
        return data

    # -- webhooks -----------------------------------------------------------------------

    def _list_webhooks(self, request: Request) -> Response:
        text = (request.arg("filter") or "").lower()
        rows = [w for w in self.webhooks.values() if text in w["target_url"].lower()]
        return Response(200, {"data": rows, "meta": {"pagination": {
            "total": len(rows), "count": len(rows), "per_page": len(rows) or 20, "current_page": 1,
            "total_pages": 1, "links": {}}}})

    def _store_webhook(self, request: Request) -> Response:
        body = self._webhook_body(request)
        now = int(time.time())
        webhook = {"id": self.app._new_id(), "user_id": "VolejRejNm", "archived_at": 0, "created_at": now,
                   "updated_at": now, "is_deleted": False, "format": "JSON", **body}
        self.webhooks[webhook["id"]] = webhook
        return Response(200, {"data": webhook})

    def _update_webhook(self, request: Request) -> Response:
        webhook = self.webhooks.get(request.params["id"])
        if webhook is None:
            raise BadRequest("No query results for model [App\\Models\\Webhook].")
        webhook.update(self._webhook_body(request), updated_at=int(time.time()))
        return Response(200, {"data": webhook})

    def _webhook_body(self, request: Request) -> dict[str, Any]:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The given data was invalid.", 422)
        errors = {}
        url = str(body.get("target_url") or "")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            errors["target_url"] = ["The target url field must be a valid URL."]
        if not str(body.get("event_id") or ""):
            errors["event_id"] = ["The event id field is required."]
        method = body.get("rest_method") or "post"
        if method not in ("post", "put"):
            errors["rest_method"] = ["The selected rest method is invalid."]
        headers = body.get("headers") or {}
        if not isinstance(headers, dict):
            errors["headers"] = ["The headers must be an object."]
        if errors:
            raise BadRequest("The given data was invalid. " + "; ".join(f"{k}: {v[0]}" for k, v in errors.items()), 422)
        return {"target_url": url, "event_id": str(body["event_id"]), "rest_method": method,
                "headers": {str(k): str(v) for k, v in headers.items()}}

    def _event(self, event_id: str, invoice: Mapping[str, Any]) -> None:
        payload = self.invoice_json(invoice)
        body = json.dumps(payload, default=str).encode()
        for webhook in [w for w in self.webhooks.values() if w["event_id"] == event_id and not w["is_deleted"]]:
            headers = {"Content-Type": "application/json", "Accept": "application/json",
                       "User-Agent": "InvoiceNinja/5.10.27 (+https://invoiceninja.com)", **webhook["headers"]}
            about = {"event_id": webhook["event_id"], "invoice_id": payload["id"]}
            self.outbox.send(Delivery(webhook["target_url"], body, headers, webhook["rest_method"].upper(), about,
                                      done=self._when_delivered(webhook)))

    def _when_delivered(self, webhook: dict[str, Any]) -> Done:
        def delivered(status: int | None, error: str | None) -> None:
            if status in (404, 405, 410):  # the service deletes such a subscription
                with self.app.lock:
                    webhook["is_deleted"] = True
                    self.webhooks.pop(webhook["id"], None)
        return delivered


def _epoch(value: str) -> int:
    """``updated_at`` as the service reads it: epoch seconds, else a date or time (UTC)."""
    if value.strip().lstrip("-").isdigit():
        return int(value)
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return 0  # the service ignores a value it cannot parse
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
