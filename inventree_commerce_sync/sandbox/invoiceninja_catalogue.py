"""Products created, and clients, in the Invoice Ninja sandbox, as the service's source has them.

Routes, under ``/api/v1``: ``POST products``, ``GET clients`` (``email``, ``status``,
``per_page``, ``page``) and ``POST clients``. From ``App\\Http\\Requests\\Product\\
StoreProductRequest`` and ``App\\Http\\Requests\\Client\\StoreClientRequest``:

* a product's ``cost``, ``price``, ``quantity`` and ``in_stock_quantity`` must be numbers
  (422 ``{"message": "The given data was invalid.", "errors": {field: [...]}}``); a missing
  ``quantity`` becomes 1; ``in_stock_quantity`` is taken on creation without the
  ``update_in_stock_quantity`` flag a PUT needs. A second product with a ``product_key``
  already in use is **not** refused: the service has no such rule, so the client must look
  before it creates;
* a client's contacts' emails must be addresses and distinct within the request (422);
  ``country_code`` (ISO 3166 alpha-2 or alpha-3) sets ``country_id``, an unknown code none;
  the document's required ``country_id`` is not required by the service.

``GET clients?email=`` keeps the clients with a contact of that email, compared as MySQL's
collation does (letter case ignored); like every list it includes archived and deleted
clients unless ``status`` says otherwise.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .app import BadRequest, Request, Response

if TYPE_CHECKING:
    from .invoiceninja import InvoiceNinjaSandbox

API = "/api/v1"
# A few rows of the service's countries table (its ids are ISO 3166-1 numeric codes).
COUNTRIES = {"US": 840, "USA": 840, "GB": 826, "GBR": 826, "DE": 276, "DEU": 276, "FR": 250, "FRA": 250,
             "NL": 528, "NLD": 528, "AT": 40, "AUT": 40, "CH": 756, "CHE": 756, "CA": 124, "CAN": 124,
             "AU": 36, "AUS": 36, "IT": 380, "ITA": 380, "ES": 724, "ESP": 724, "BE": 56, "BEL": 56}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PRODUCT_NUMBERS = ("cost", "price", "quantity", "in_stock_quantity", "stock_notification_threshold")


class InvoiceNinjaCatalogue:
    """Product creation and the clients (``clients``: id -> client) of an InvoiceNinjaSandbox."""

    def __init__(self, app: InvoiceNinjaSandbox):
        self.app = app
        self.clients: dict[str, dict[str, Any]] = {}
        add = app.add_route
        add("POST", f"{API}/products", "products.create", self._create_product)
        add("GET", f"{API}/clients", "clients.list", self._list_clients)
        add("POST", f"{API}/clients", "clients.create", self._create_client)

    def clear(self) -> None:
        self.clients.clear()

    # -- products ------------------------------------------------------------------------

    def _create_product(self, request: Request) -> Response:
        from .invoiceninja import FILLABLE, _number

        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The given data was invalid.", 422)
        fields = {k: v for k, v in body.items() if k in FILLABLE}
        if fields.get("quantity") is None:
            fields["quantity"] = 1
        invalid = {k: [f"The {k.replace('_', ' ')} must be a number."] for k in _PRODUCT_NUMBERS
                   if k in fields and _number(fields[k]) is None}
        if invalid:
            return Response(422, {"message": "The given data was invalid.", "errors": invalid})
        for k in _PRODUCT_NUMBERS:
            if k in fields:
                fields[k] = float(_number(fields[k]) or 0)
        stock = int(Decimal(str(fields.pop("in_stock_quantity", 0))).to_integral_value(ROUND_HALF_UP))
        threshold = fields.pop("stock_notification_threshold", None)
        if threshold is not None:
            fields["stock_notification_threshold"] = int(threshold)
        key = str(fields.pop("product_key", "") or "")
        product = self.app.add_product(key, in_stock_quantity=stock, **fields)
        return Response(200, {"data": product})

    # -- clients -------------------------------------------------------------------------

    def _create_client(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The given data was invalid.", 422)
        raw_contacts = body.get("contacts") or []
        if not isinstance(raw_contacts, list) or not all(isinstance(c, dict) for c in raw_contacts):
            return _invalid({"contacts": ["The contacts must be an array."]})
        errors: dict[str, list[str]] = {}
        seen: dict[str, int] = {}
        for number, contact in enumerate(raw_contacts):
            email = contact.get("email")
            if email in (None, ""):
                continue
            field = f"contacts.{number}.email"
            if not isinstance(email, str) or not _EMAIL.match(email):
                errors[field] = [f"The {field} must be a valid email address."]
            elif email.casefold() in seen:
                errors[field] = [f"The {field} field has a duplicate value."]
            else:
                seen[email.casefold()] = number
        if errors:
            return _invalid(errors)
        now = int(time.time())
        client_id = self.app._new_id()
        country = COUNTRIES.get(str(body.get("country_code") or "").upper()) if body.get("country_code") else None
        if country is None and isinstance(body.get("country_id"), (int, str)) and str(body["country_id"]).isdigit():
            country = int(body["country_id"])
        client: dict[str, Any] = {
            "id": client_id, "user_id": "VolejRejNm", "assigned_user_id": "",
            "name": re.sub(r"<[^>]*>", "", _text(body.get("name"))), "website": _text(body.get("website")),
            "private_notes": _text(body.get("private_notes")), "client_hash": self.app._new_id() * 4,
            **{k: _text(body.get(k)) for k in ("address1", "address2", "city", "state", "postal_code", "phone",
                                               "shipping_address1", "shipping_address2", "shipping_city",
                                               "shipping_state", "shipping_postal_code", "vat_number", "id_number",
                                               "custom_value1", "custom_value2", "custom_value3", "custom_value4")},
            "country_id": str(country or ""), "shipping_country_id": "", "industry_id": "", "size_id": "",
            "public_notes": "", "classification": "",
            # StoreClientRequest merges ClientSettings::defaults() and the company's currency in.
            "settings": {"entity": "App\\Models\\Client", "industry_id": "", "size_id": "", "currency_id": "1"},
            "number": f"{len(self.clients) + 1:04d}", "is_deleted": False, "archived_at": 0,
            "balance": 0, "paid_to_date": 0, "credit_balance": 0, "payment_balance": 0, "last_login": 0,
            "created_at": now, "updated_at": now, "group_settings_id": "", "routing_id": "",
            "is_tax_exempt": False, "has_valid_vat_number": False,
            "contacts": [self._contact(client_id, c, number == 0, now) for number, c in enumerate(raw_contacts)],
        }
        first = client["contacts"][0] if client["contacts"] else {}
        # ClientPresenter::name(): the client's name, else its first contact's name or email.
        person = f"{first.get('first_name', '')} {first.get('last_name', '')}".strip()
        client["display_name"] = (client["name"] if len(client["name"]) > 1
                                  else person or first.get("email") or "No Contact Set")
        self.clients[client_id] = client
        return Response(200, {"data": client})

    def _contact(self, client_id: str, raw: Mapping[str, Any], primary: bool, now: int) -> dict[str, Any]:
        """A contact as ``ClientContactTransformer`` answers it."""
        return {"id": self.app._new_id(),
                **{k: _text(raw.get(k)) for k in ("first_name", "last_name", "email", "phone", "custom_value1",
                                                  "custom_value2", "custom_value3", "custom_value4")},
                "created_at": now, "updated_at": now, "archived_at": 0, "is_primary": primary, "is_locked": False,
                "contact_key": self.app._new_id() * 3, "send_email": bool(raw.get("send_email", True)),
                "last_login": 0, "password": "", "link": f"https://sandbox.invoiceninja.local/client/key_login/{client_id}"}

    def _list_clients(self, request: Request) -> Response:
        from .invoiceninja import _collate, _php_int

        clients = list(self.clients.values())
        statuses = [s for s in (request.arg("status") or "").split(",") if s]
        if statuses:
            clients = [c for c in clients if _client_status(c) in statuses]
        email = request.arg("email") or ""
        if email:
            clients = [c for c in clients if any(_collate(p["email"]) == _collate(email) for p in c["contacts"])]
        per_page = min(abs(_php_int(request.arg("per_page", "20"))), 5000) or 15
        page = max(_php_int(request.arg("page", "1")), 1)
        total_pages = max(1, -(-len(clients) // per_page))
        rows = clients[(page - 1) * per_page: page * per_page]
        return Response(200, {"data": rows, "meta": {"pagination": {
            "total": len(clients), "count": len(rows), "per_page": per_page, "current_page": page,
            "total_pages": total_pages, "links": {}}}})


def _client_status(client: Mapping[str, Any]) -> str:
    if client["is_deleted"]:
        return "deleted"
    return "archived" if client["archived_at"] else "active"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _invalid(errors: dict[str, list[str]]) -> Response:
    return Response(422, {"message": "The given data was invalid.", "errors": errors})
