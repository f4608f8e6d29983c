"""Items created and edited, and customer contacts, in the Zoho Inventory sandbox.

Routes, under ``/inventory/v1``: ``POST items`` (one item), ``PUT items/{item_id}``,
``GET contacts`` (``email``: any of a contact's persons; ``contact_name``, ``filter_by``,
``page``, ``per_page``), ``GET contacts/{contact_id}`` and ``POST contacts``. Zoho's item
rules, as its documents and settings pages state them:

* ``name`` is required, 100 characters at most, and unique among items (any letter case)
  unless the organisation allows duplicate item names (``allow_duplicate_names``; Zoho then
  insists on a SKU); ``sku`` is unique; ``description`` 2000 characters at most; ``rate``
  a number not below 0;
* ``item_type`` is inventory, sales, purchases or sales_and_purchases; an inventory item is
  goods, never a service; its opening stock comes as ``locations[]`` of ``location_id``,
  ``initial_stock`` and ``initial_stock_rate``, each location one of the organisation's;
* a contact needs a ``contact_name``, unique among contacts; its contact persons' emails
  must be addresses; ``contact_type`` is customer or vendor.

Answers: 201 ``{"code": 0, "message": ..., "item": {...}}`` for a created item (the
documents list 200), 200 for an edit; refusals 400 ``{"code", "message"}``. The error code
numbers for duplicates (1000 for a name, as Zoho Billing documents it; 1001 for a SKU;
3062 for a contact name) are illustrative: the clients report Zoho's message, never act on
a number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .app import BadRequest, Request, Response

if TYPE_CHECKING:
    from .zoho import ZohoSandbox

API = "/inventory/v1"
ITEM_TYPES = ("inventory", "sales", "purchases", "sales_and_purchases")
MAX_NAME, MAX_DESCRIPTION = 100, 2000
CODE_DUPLICATE_NAME, CODE_DUPLICATE_SKU, CODE_DUPLICATE_CONTACT = 1000, 1001, 3062
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_STATUS_FILTERS = {"Status.All": None, "Status.Active": "active", "Status.Inactive": "inactive"}


class ZohoCatalogue:
    """The sandbox's item writes and contacts (``contacts``: contact_id -> contact)."""

    def __init__(self, app: ZohoSandbox):
        self.app = app
        self.allow_duplicate_names = False  # Zoho's "Allow duplicate item names" setting
        self.contacts: dict[str, dict[str, Any]] = {}
        add = app.add_route
        add("POST", f"{API}/items", "items.create", self._create_item)
        add("PUT", f"{API}/items/(?P<item_id>[^/]+)", "items.update", self._update_item)
        add("GET", f"{API}/contacts", "contacts.list", self._list_contacts)
        add("POST", f"{API}/contacts", "contacts.create", self._create_contact)
        add("GET", f"{API}/contacts/(?P<contact_id>[^/]+)", "contacts.get", self._get_contact)

    def clear(self) -> None:
        self.contacts.clear()

    def products(self) -> dict[str, dict[str, Any]]:
        """SKU -> the first item with it: name, description, rate, item_type (for tests)."""
        with self.app.lock:
            found: dict[str, dict[str, Any]] = {}
            for item in self.app._ordered:
                found.setdefault(item["sku"], {k: item.get(k) for k in ("item_id", "name", "description", "rate",
                                                                        "item_type", "status")})
            return found

    # -- items ---------------------------------------------------------------------------

    def _create_item(self, request: Request) -> Response:
        body = _body(request)
        item_type = str(body.get("item_type") or "inventory")
        product_type = str(body.get("product_type") or "goods")
        if item_type not in ITEM_TYPES:
            raise BadRequest("Invalid value passed for item_type")
        if item_type == "inventory" and product_type != "goods":
            raise BadRequest("A service cannot be tracked for inventory. Choose goods as the product type")
        sku = str(body.get("sku") or "")
        name = self._valid_name(body, sku=sku)
        if sku and self.app._by_sku.get(sku):
            return self.app.error(400, f"The SKU \"{sku}\" already exists for another item. Enter a unique SKU.",
                                  CODE_DUPLICATE_SKU)
        refusal = self._duplicate_name(name, None)
        if refusal is not None:
            return refusal
        tracked = item_type == "inventory"
        stock = self._opening_stock(body.get("locations"), tracked)
        item: dict[str, Any] = {
            "item_id": self.app._new_id(), "sku": sku, "name": name, "status": "active",
            "item_type": item_type,
            "product_type": product_type, "track_inventory": tracked, "is_combo_product": False,
            "unit": str(body.get("unit") or "pcs"), "serial_tracked": False, "stock": stock,
            "rate": _rate(body.get("rate", 0)), "description": _description(body),
        }
        self.app._add_item(item)
        return Response(201, {"code": 0, "message": "The item has been added.", "item": self.app._item_json(item)})

    def _update_item(self, request: Request) -> Response:
        item = self.app.items.get(request.params["item_id"])
        if item is None:
            return self.app.error(404, "Item does not exist.", 1002)
        body = _body(request)
        if "sku" in body and str(body["sku"] or "") != item["sku"]:
            raise BadRequest("The sandbox does not change an item's SKU")
        name = self._valid_name(body, sku=item["sku"])
        refusal = self._duplicate_name(name, item)
        if refusal is not None:
            return refusal
        rate = _rate(body["rate"]) if "rate" in body else item["rate"]
        description = _description(body) if "description" in body else item["description"]
        item.update(name=name, rate=rate, description=description)
        return _ok("Item details have been updated", item=self.app._item_json(item))

    def _valid_name(self, body: Mapping[str, Any], *, sku: str) -> str:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("Enter the item name")
        if len(name) > MAX_NAME:
            raise BadRequest(f"Item name cannot be longer than {MAX_NAME} characters")
        if self.allow_duplicate_names and not sku:
            raise BadRequest("Enter the SKU: it is mandatory when duplicate item names are allowed")
        return name

    def _duplicate_name(self, name: str, this: Mapping[str, Any] | None) -> Response | None:
        if self.allow_duplicate_names:
            return None
        folded = name.strip().casefold()
        if any(i["name"].strip().casefold() == folded and i is not this for i in self.app._ordered):
            return self.app.error(400, f"The item name \"{name}\" already exists.", CODE_DUPLICATE_NAME)
        return None

    def _opening_stock(self, locations: Any, tracked: bool) -> dict[str, Decimal]:
        from .zoho import LOCATIONS

        if locations in (None, []):
            return {}
        if not isinstance(locations, list) or not all(isinstance(loc, dict) for loc in locations):
            raise BadRequest("Invalid value passed for locations")
        if not tracked:
            raise BadRequest("Opening stock can be given only for inventory items")
        stock: dict[str, Decimal] = {}
        for location in locations:
            location_id = str(location.get("location_id") or "")
            if location_id not in LOCATIONS:
                raise BadRequest("Invalid value passed for location_id")
            quantity = _number(location.get("initial_stock", 0), "initial_stock")
            if quantity < 0:
                raise BadRequest("Opening stock cannot be negative")
            _number(location.get("initial_stock_rate", 0), "initial_stock_rate")
            stock[location_id] = stock.get(location_id, Decimal(0)) + quantity
        return stock

    # -- contacts ------------------------------------------------------------------------

    def _create_contact(self, request: Request) -> Response:
        body = _body(request)
        name = body.get("contact_name")
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("Enter the contact name")
        if len(name) > 200:
            raise BadRequest("Contact name cannot be longer than 200 characters")
        contact_type = str(body.get("contact_type") or "customer")
        if contact_type not in ("customer", "vendor"):
            raise BadRequest("Invalid value passed for contact_type")
        if any(c["contact_name"].casefold() == name.casefold() for c in self.contacts.values()):
            return self.app.error(400, f"The contact \"{name}\" already exists.", CODE_DUPLICATE_CONTACT)
        raw_persons = body.get("contact_persons") or []
        if not isinstance(raw_persons, list) or not all(isinstance(p, dict) for p in raw_persons):
            raise BadRequest("Invalid value passed for contact_persons")
        persons = []
        for number, raw in enumerate(raw_persons):
            email = str(raw.get("email") or "")
            if email and not _EMAIL.match(email):
                raise BadRequest(f"Enter a valid email address for the contact person {raw.get('first_name', '')}")
            persons.append({"contact_person_id": self.app._new_id(), "first_name": str(raw.get("first_name") or ""),
                            "last_name": str(raw.get("last_name") or ""), "email": email,
                            "phone": str(raw.get("phone") or ""), "mobile": str(raw.get("mobile") or ""),
                            "is_primary_contact": bool(raw.get("is_primary_contact")) or number == 0})
        now = datetime.now(UTC).astimezone(self.app.orders.zone).strftime("%Y-%m-%dT%H:%M:%S%z")
        contact: dict[str, Any] = {
            "contact_id": self.app._new_id(), "contact_name": name, "company_name": str(body.get("company_name") or ""),
            "contact_type": contact_type, "status": "active", "payment_terms": 0, "payment_terms_label": "Due on Receipt",
            "currency_id": "460000000000097", "currency_code": "EUR",
            "billing_address": _address(body.get("billing_address")),
            "shipping_address": _address(body.get("shipping_address")),
            "contact_persons": persons, "notes": str(body.get("notes") or ""),
            "created_time": now, "last_modified_time": now,
        }
        self.contacts[contact["contact_id"]] = contact
        return Response(201, {"code": 0, "message": "The contact has been added.", "contact": _contact_json(contact)})

    def _get_contact(self, request: Request) -> Response:
        contact = self.contacts.get(request.params["contact_id"])
        if contact is None:
            return self.app.error(404, "Contact does not exist.", 1002)
        return _ok("success", contact=_contact_json(contact))

    def _list_contacts(self, request: Request) -> Response:
        from .zoho import _context, _page

        found = list(self.contacts.values())
        status_filter = request.arg("filter_by") or "Status.Active"
        if status_filter not in _STATUS_FILTERS:
            raise BadRequest("Invalid value passed for filter_by")
        wanted_status = _STATUS_FILTERS[status_filter]
        if wanted_status is not None:
            found = [c for c in found if c["status"] == wanted_status]
        email = request.arg("email")
        if email:
            found = [c for c in found if any(p["email"].casefold() == email.casefold() for p in c["contact_persons"])]
        name = request.arg("contact_name")
        if name:
            found = [c for c in found if c["contact_name"].casefold() == name.casefold()]
        page, shown, more, per_page = _page(request, found)
        return _ok("success", contacts=[_contact_row(c) for c in shown],
                   page_context=_context(page, per_page, more, "Contacts"))


def _contact_row(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact as the list shows it: with its primary person's name, email and phone."""
    persons = contact["contact_persons"]
    primary = next((p for p in persons if p["is_primary_contact"]), persons[0] if persons else {})
    return {**{k: contact[k] for k in ("contact_id", "contact_name", "company_name", "contact_type", "status",
                                       "payment_terms", "payment_terms_label", "currency_id", "currency_code",
                                       "created_time", "last_modified_time")},
            "first_name": primary.get("first_name", ""), "last_name": primary.get("last_name", ""),
            "email": primary.get("email", ""), "phone": primary.get("phone", ""), "mobile": primary.get("mobile", "")}


def _contact_json(contact: Mapping[str, Any]) -> dict[str, Any]:
    persons = contact["contact_persons"]
    primary = next((p["contact_person_id"] for p in persons if p["is_primary_contact"]), "")
    return {**{k: v for k, v in contact.items() if k != "contact_persons"}, "primary_contact_id": primary,
            "contact_persons": [dict(p) for p in persons]}


def _address(raw: Any) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise BadRequest("Invalid value passed for address")
    address = {k: str(raw.get(k) or "") for k in ("attention", "address", "street2", "city", "state", "zip",
                                                  "country")}
    if len(address["address"]) > 500:
        raise BadRequest("Address cannot be longer than 500 characters")
    return address


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadRequest(f"Invalid value passed for {what}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadRequest(f"Invalid value passed for {what}") from None
    if not number.is_finite():
        raise BadRequest(f"Invalid value passed for {what}")
    return number


def _rate(value: Any) -> Decimal:
    rate = _number(value, "rate")
    if rate < 0:
        raise BadRequest("Rate cannot be negative")
    return rate


def _description(body: Mapping[str, Any]) -> str:
    description = str(body.get("description") or "")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(f"Description cannot be longer than {MAX_DESCRIPTION} characters")
    return description


def _ok(message: str, **data: Any) -> Response:
    return Response(200, {"code": 0, "message": message, **data})
