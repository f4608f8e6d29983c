"""The REST routes of the WooCommerce sandbox's orders, order notes and webhooks: how WordPress
reads their parameters and what WooCommerce answers (the behaviour is in ``woocommerce_orders``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .app import Request, Response
from .woocommerce_orders import STATUS_LABELS, OrderBook
from .woocommerce_rest import API, fields, id_list, json_body, paged_response, read_paging, to_bool
from .woocommerce_webhooks import gmt

LIST_STATUSES = ("any", "trash", *STATUS_LABELS)
ORDERBY = ("date", "id", "include", "title", "slug", "modified")  # "modified": in the source, not the docs
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::\d{2})?)?$")
DATE_FILTERS = (("after", "created", 1), ("before", "created", -1),
                ("modified_after", "modified", 1), ("modified_before", "modified", -1))


class OrderRoutes:
    """Routes ``orders``, ``orders/<id>/notes`` and ``webhooks`` onto an OrderBook."""

    def __init__(self, book: OrderBook):
        self.book = book

    def register(self) -> None:
        add = self.book.shop.add_route
        add("GET", rf"{API}/orders/?", "orders.list", self._list)
        add("GET", rf"{API}/orders/(?P<id>\d+)/?", "orders.get", self._get)
        add("DELETE", rf"{API}/orders/(?P<id>\d+)/?", "orders.delete", self._delete)
        add("GET", rf"{API}/orders/(?P<id>\d+)/notes/?", "notes.list", self._list_notes)
        add("POST", rf"{API}/orders/(?P<id>\d+)/notes/?", "notes.create", self._create_note)
        add("GET", rf"{API}/orders/(?P<id>\d+)/notes/(?P<note>\d+)/?", "notes.get", self._get_note)
        add("DELETE", rf"{API}/orders/(?P<id>\d+)/notes/(?P<note>\d+)/?", "notes.delete", self._delete_note)
        add("GET", rf"{API}/webhooks/?", "webhooks.list", self._list_webhooks)
        add("POST", rf"{API}/webhooks/?", "webhooks.create", self._create_webhook)
        add("GET", rf"{API}/webhooks/(?P<id>\d+)/?", "webhooks.get", self._get_webhook)
        add("DELETE", rf"{API}/webhooks/(?P<id>\d+)/?", "webhooks.delete", self._delete_webhook)
        for method in ("POST", "PUT", "PATCH"):  # WP_REST_Server::EDITABLE
            add(method, rf"{API}/orders/(?P<id>\d+)/?", "orders.update", self._update)
            add(method, rf"{API}/webhooks/(?P<id>\d+)/?", "webhooks.update", self._update_webhook)

    # -- REST handlers: orders --------------------------------------------------------------------

    def _list(self, request: Request) -> Response:
        self.book.host = request.header("host") or self.book.host
        paging = read_paging(request)
        if isinstance(paging, Response):
            return paging
        include = id_list(request, "include")
        if isinstance(include, Response):
            return include
        orderby, order = request.arg("orderby") or "date", request.arg("order") or "desc"
        if orderby not in ORDERBY:
            return _invalid("orderby", f"orderby is not one of {', '.join(ORDERBY)}.")
        if order not in ("asc", "desc"):
            return _invalid("order", "order is not one of asc and desc.")
        statuses = [s for v in request.query.get("status", []) + request.query.get("status[]", [])
                    for s in re.split(r"[\s,]+", v) if s] or ["any"]
        bad = next((s for s in statuses if s not in LIST_STATUSES), None)
        if bad is not None:
            return _invalid("status", f"status[{statuses.index(bad)}] is not one of {', '.join(LIST_STATUSES)}.")
        use_gmt = request.arg("dates_are_gmt") or "false"
        if use_gmt.lower() not in ("true", "false", "1", "0", ""):
            return _invalid("dates_are_gmt", "dates_are_gmt is not of type boolean.")
        chosen = [o for o in self.book.orders.values()
                  if (o["status"] != "trash" if "any" in statuses else o["status"] in statuses)]
        if include is not None:
            chosen = [o for o in chosen if o["id"] in include]
        for name, attribute, direction in DATE_FILTERS:
            text = request.arg(name)
            if text is None:
                continue
            if not RFC3339.match(text):
                return _invalid(name, "Invalid date.")
            bound = self._mysql_datetime(text)
            column = (lambda o, a=attribute: gmt(o[a]).replace("T", " ")) if to_bool(use_gmt) else \
                (lambda o, a=attribute: self.book.local(o[a]).replace("T", " "))  # type: ignore[union-attr]
            chosen = [o for o in chosen if (column(o) > bound if direction > 0 else column(o) < bound)]
        keys = {"modified": lambda o: (self.book.local(o["modified"]), o["id"]), "id": lambda o: o["id"],
                "include": lambda o: include.index(o["id"]) if include else o["id"]}
        chosen.sort(key=keys.get(orderby, lambda o: (self.book.local(o["created"]), o["id"])), reverse=order == "desc")
        return paged_response(request, [o["id"] for o in chosen], paging,
                              lambda i: self.book.order_json(self.book.orders[i], self.book.host))

    def _mysql_datetime(self, text: str) -> str:
        """The bound WP_Date_Query compares with: the time in the SITE's zone, whichever column."""
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        site = ZoneInfo(self.book.site_timezone)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=site)
        return moment.astimezone(site).strftime("%Y-%m-%d %H:%M:%S")

    def _order(self, request: Request, status: int = 404) -> dict[str, Any]:
        self.book.host = request.header("host") or self.book.host
        record = self.book.orders.get(int(request.params["id"]))
        if record is None:
            raise _Refusal(status, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return record

    def _get(self, request: Request) -> Response:
        return self._guard(lambda: Response(200, fields(request, self.book.order_json(self._order(request), self.book.host))))

    def _update(self, request: Request) -> Response:
        def update() -> Response:
            record = self._order(request, 400)
            data = json_body(request)
            if isinstance(data, Response):
                return data
            status = data.get("status")
            if status is not None and status not in STATUS_LABELS:
                return _invalid("status", f"status is not one of {', '.join(STATUS_LABELS)}.")
            for kind in ("billing", "shipping"):
                if isinstance(data.get(kind), Mapping):
                    record[kind].update({k: str(v) for k, v in data[kind].items() if k in record[kind]})
            if isinstance(data.get("customer_note"), str):
                record["customer_note"] = data["customer_note"]
            if status is not None:
                self.book.set_status(record, status)
            else:
                record["modified"] = self.book.now()
                self.book._fire(record, "order.updated")
            return Response(200, self.book.order_json(record, self.book.host))
        return self._guard(update)

    def _delete(self, request: Request) -> Response:
        """WC_REST_CRUD_Controller::delete_item: the answer is the order as it was before."""
        def delete() -> Response:
            record = self._order(request)
            answer = self.book.order_json(record, self.book.host)
            if to_bool(request.arg("force", "false")):
                self.book.delete(record)
            elif record["status"] == "trash":
                raise _Refusal(410, "woocommerce_rest_already_trashed", "The shop_order has already been deleted.")
            else:
                self.book.trash(record)
            return Response(200, answer)
        return self._guard(delete)

    # -- REST handlers: notes ---------------------------------------------------------------------

    def _list_notes(self, request: Request) -> Response:
        def notes() -> Response:
            record = self._order(request)
            kind = request.arg("type") or "any"
            chosen = [n for n in reversed(record["notes"])
                      if kind == "any" or n["customer_note"] == (kind == "customer")]
            return Response(200, [fields(request, self.book.note_json(record["id"], n, self.book.host)) for n in chosen])
        return self._guard(notes)

    def _create_note(self, request: Request) -> Response:
        def create() -> Response:
            record = self._order(request)
            data = json_body(request)
            if isinstance(data, Response):
                return data
            if not data.get("note"):
                raise _Refusal(400, "rest_missing_callback_param", "Missing parameter(s): note")
            note = self.book._note(record, str(data["note"]), customer=to_bool(data.get("customer_note", False)),
                              author="admin" if to_bool(data.get("added_by_user", False)) else "system")
            return Response(201, self.book.note_json(record["id"], note, self.book.host))
        return self._guard(create)

    def _find_note(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        record = self._order(request)
        note = next((n for n in record["notes"] if n["id"] == int(request.params["note"])), None)
        if note is None:
            raise _Refusal(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
        return record, note

    def _get_note(self, request: Request) -> Response:
        def get() -> Response:
            record, note = self._find_note(request)
            return Response(200, fields(request, self.book.note_json(record["id"], note, self.book.host)))
        return self._guard(get)

    def _delete_note(self, request: Request) -> Response:
        def delete() -> Response:
            record, note = self._find_note(request)
            if not to_bool(request.arg("force", "false")):
                raise _Refusal(501, "woocommerce_rest_trash_not_supported", "The order note does not support trashing.")
            record["notes"].remove(note)
            return Response(200, self.book.note_json(record["id"], note, self.book.host))
        return self._guard(delete)

    # -- REST handlers: webhooks ------------------------------------------------------------------

    def _list_webhooks(self, request: Request) -> Response:
        paging = read_paging(request)
        if isinstance(paging, Response):
            return paging
        status = request.arg("status") or "all"
        if status not in ("all", "active", "paused", "disabled"):
            return _invalid("status", "status is not one of all, active, paused, and disabled.")
        ids = sorted((w["id"] for w in self.book.hub.webhooks.values() if status in ("all", w["status"])), reverse=True)
        host = request.header("host")
        return paged_response(request, ids, paging,
                              lambda i: self.book.hub.to_json(self.book.hub.webhooks[i], host, self.book.local))

    def _create_webhook(self, request: Request) -> Response:
        data = json_body(request)
        if isinstance(data, Response):
            return data
        created = self.book.hub.create(data, request.header("host"))
        if isinstance(created, tuple):
            return self.book.shop.error(created[0], created[2], created[1])
        return Response(201, self.book.hub.to_json(created, request.header("host"), self.book.local))

    def _webhook(self, request: Request) -> dict[str, Any]:
        record = self.book.hub.webhooks.get(int(request.params["id"]))
        if record is None:
            raise _Refusal(404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.")
        return record

    def _get_webhook(self, request: Request) -> Response:
        return self._guard(lambda: Response(200, self.book.hub.to_json(self._webhook(request), request.header("host"),
                                                                  self.book.local)))

    def _update_webhook(self, request: Request) -> Response:
        def update() -> Response:
            record = self._webhook(request)
            data = json_body(request)
            if isinstance(data, Response):
                return data
            refused = self.book.hub.update(record, data)
            if refused is not None:
                raise _Refusal(refused[0], refused[1], refused[2])
            return Response(200, self.book.hub.to_json(record, request.header("host"), self.book.local))
        return self._guard(update)

    def _delete_webhook(self, request: Request) -> Response:
        def delete() -> Response:
            record = self._webhook(request)
            if not to_bool(request.arg("force", "false")):
                raise _Refusal(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.")
            del self.book.hub.webhooks[record["id"]]
            return Response(200, self.book.hub.to_json(record, request.header("host"), self.book.local))
        return self._guard(delete)

    def _guard(self, handler) -> Response:
        try:
            return handler()
        except _Refusal as refusal:
            return self.book.shop.error(refusal.status, refusal.message, refusal.code)


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _invalid(name: str, rule: str) -> Response:
    return Response(400, {"code": "rest_invalid_param", "message": f"Invalid parameter(s): {name}",
                          "data": {"status": 400, "params": {name: rule}}})
