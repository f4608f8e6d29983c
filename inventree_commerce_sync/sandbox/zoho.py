"""Zoho Inventory emulator: the accounts server's token grant and the inventory API.

One port serves both: ``POST /oauth/v2/token`` (refresh-token grant) and, under
``/inventory/v1``, organisations, locations, items (list with exact ``sku`` filter and
pages, detail, bulk ``itemdetails``) and inventory adjustments (create, list with
``search_text``). Behaviour follows Zoho's:

* tokens are granted and checked as ``zoho_accounts`` describes; an API call the token does
  not authorise gets 401 ``{"code": 57, "message": "You are not authorized to perform this operation"}``;
* ``organization_id`` is required (400, code 6024) and must be the sandbox's (400, 6041);
* an adjustment is all or nothing: one bad line refuses the whole adjustment with 400 and
  applies nothing. ``partial`` faults refuse an adjustment that way, naming its first item;
  items seeded with ``"serial_tracked": true`` are always refused (serial numbers needed);
* 100 requests per minute per organisation, then 429 (configurable).

Catalogue mapping: ``simple``, ``variation`` and ``bundle`` products become items
(variations carry their parent's item group; bundles are composite items); ``variable``
parents are item groups, not items; ``manage_stock: false`` makes a non-inventory
("sales") item without stock. ``locations`` (location id or name -> quantity) spreads an
item's stock; otherwise it all sits in the primary location. The control call
``location-stock`` answers location id -> SKU -> stock on hand. Error code numbers other
than 57, 6024 and 6041 are illustrative.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from .app import BadRequest, OrderCall, Request, Response, SandboxApp
from .faults import RateLimiter
from .zoho_accounts import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, Accounts
from .zoho_catalogue import ZohoCatalogue
from .zoho_orders import ZohoOrders

ORGANIZATION_ID = "10234695"
PRIMARY_LOCATION = "460000000038080"
SECOND_LOCATION = "460000000038090"
LOCATIONS = {PRIMARY_LOCATION: "Head Office", SECOND_LOCATION: "East Warehouse"}

NOT_AUTHORIZED = {"code": 57, "message": "You are not authorized to perform this operation"}
_CODES = {400: 2, 401: 57, 404: 5, 405: 37, 429: 44}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_API = "/inventory/v1"
_MAX_PAGE = 200


class ZohoSandbox(SandboxApp):
    name = "zoho"

    def __init__(self, *, seed: int = 0, token_lifetime: float = 3600, rate_limit: int | None = 100,
                 rate_window: float = 60.0):
        super().__init__(seed=seed)
        self.organization_id = ORGANIZATION_ID
        self.accounts = Accounts(token_lifetime)
        self.items: dict[str, dict[str, Any]] = {}  # item_id -> item
        # Indexes, as the service's database has them: items in item_id order (the order of
        # the listing), and SKU -> items. Every item is added through _add_item, which keeps
        # both up to date; items are never removed nor their SKU changed by the API.
        self._ordered: list[dict[str, Any]] = []
        self._by_sku: dict[str, list[dict[str, Any]]] = {}
        self.groups: dict[str, str] = {}  # group_id -> name
        self.adjustments: list[dict[str, Any]] = []  # as created, oldest first
        self.rate_limited_count = 0
        self._next_id = 4815000000044000
        if rate_limit:
            self.rate_limiter = RateLimiter(rate_limit, rate_window)

        self.add_route("POST", "/oauth/v2/token", "auth.token", self.accounts.grant)
        self.add_route("GET", f"{_API}/organizations", "organizations.list", self._organizations)
        self.add_route("GET", f"{_API}/locations", "locations.list", self._locations)
        self.add_route("GET", f"{_API}/locations/(?P<location_id>[^/]+)", "locations.get", self._location)
        self.add_route("GET", f"{_API}/items", "items.list", self._list_items)
        self.add_route("GET", f"{_API}/items/(?P<item_id>[^/]+)", "items.get", self._get_item)
        self.add_route("GET", f"{_API}/itemdetails", "items.details", self._item_details)
        self.add_route("GET", f"{_API}/inventoryadjustments", "adjustments.list", self._list_adjustments)
        self.add_route("POST", f"{_API}/inventoryadjustments", "adjustments.create", self._create_adjustment)
        self.orders = ZohoOrders(self)  # sales orders, packages, shipments: see zoho_orders
        self.orders.register_controls()
        self.catalogue = ZohoCatalogue(self)  # item creation and edits, contacts: see zoho_catalogue
        self.add_control("GET", "location-stock", lambda r: Response(200, {
            location: {sku: str(q) for sku, q in self.location_stock(location).items()} for location in LOCATIONS}))

    @classmethod
    def client_settings(cls, url: str) -> dict[str, str]:
        return {
            "accounts_url": url,
            "api_url": url + _API,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "organization_id": ORGANIZATION_ID,
        }


    @classmethod
    def order_call(cls, sku: str, quantity: int, *, at: datetime | None = None,
                   buyer: Mapping[str, str] | None = None) -> OrderCall:
        """How a customer places an order here (the demo's and the CLI tests' control call)."""
        body: dict[str, Any] = {"lines": [{"sku": sku, "quantity": quantity}], "customer": dict(buyer or {})}
        if at is not None:
            body["at"] = at.isoformat()
        return OrderCall("salesorders", body, lambda answer: str(answer["salesorders"][0]["salesorder_id"]))

    @property
    def scopes(self) -> set[str]:
        """What tokens issued from now on may do."""
        return self.accounts.scopes

    @scopes.setter
    def scopes(self, scopes: set[str]) -> None:
        self.accounts.scopes = set(scopes)

    # -- state ---------------------------------------------------------------------------

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        self.items.clear()
        self._ordered.clear()
        self._by_sku.clear()
        self.groups.clear()
        self.adjustments.clear()
        self.orders.clear()
        self.catalogue.clear()
        products = catalogue.get("products", [])
        group_of: dict[str, str] = {}  # SKU of a variable parent -> its item group
        for product in products:
            if product.get("type") == "variable":
                new_group = self._new_id()
                self.groups[new_group] = product.get("name") or product["sku"]
                group_of[product["sku"]] = new_group
        for product in products:
            kind = product.get("type", "simple")
            if kind not in ("simple", "variation", "bundle"):
                continue
            tracked = product.get("manage_stock", True) is not False
            item: dict[str, Any] = {
                "item_id": self._new_id(),
                "sku": product["sku"],
                "name": product.get("name") or product["sku"],
                "status": "active" if product.get("status", "active") == "active" else "inactive",
                "item_type": "inventory" if tracked else "sales",
                "product_type": "goods",
                "track_inventory": tracked,
                "is_combo_product": kind == "bundle",
                "unit": "pcs",
                "serial_tracked": bool(product.get("serial_tracked")),
                "stock": {},
                "rate": Decimal(str(product.get("price", 0))),
                "description": str(product.get("description") or ""),
            }
            group_id = group_of.get(product.get("parent", ""))
            if kind == "variation" and group_id:
                item["group_id"], item["group_name"] = group_id, self.groups[group_id]
            if tracked:
                spread = product.get("locations") or {PRIMARY_LOCATION: product.get("quantity", 0)}
                for where, quantity in spread.items():
                    item["stock"][self._location_id(where)] = Decimal(str(quantity))
            self._add_item(item)

    def _add_item(self, item: dict[str, Any]) -> None:
        self.items[item["item_id"]] = item
        self._by_sku.setdefault(item["sku"], []).append(item)
        if self._ordered and int(item["item_id"]) < int(self._ordered[-1]["item_id"]):
            bisect.insort(self._ordered, item, key=lambda i: int(i["item_id"]))
        else:  # ids are handed out in increasing order, so this is the usual case
            self._ordered.append(item)

    def stock(self) -> dict[str, Decimal]:
        """SKU -> stock on hand of every inventory-tracked item, all locations together."""
        with self.lock:
            return {i["sku"]: _total(i) for i in self.items.values() if i["track_inventory"]}

    def location_stock(self, location_id: str) -> dict[str, Decimal]:
        with self.lock:
            return {i["sku"]: i["stock"].get(location_id, Decimal(0))
                    for i in self.items.values() if i["track_inventory"]}

    def references(self) -> list[str]:
        """Reference numbers of the adjustments applied, in order (repeats show double writes)."""
        with self.lock:
            return [a["reference_number"] for a in self.adjustments]

    def expire_tokens(self) -> None:
        with self.lock:
            self.accounts.expire_all()

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _location_id(self, where: str) -> str:
        for location_id, name in LOCATIONS.items():
            if where in (location_id, name):
                return location_id
        raise ValueError(f"unknown sandbox location {where!r}; use one of {', '.join(LOCATIONS)}")

    # -- the service's rules -------------------------------------------------------------

    def error(self, status: int, message: str, code: int | None = None) -> Response:
        return Response(status, {"code": code if code is not None else _CODES.get(status, 1000), "message": message})

    def rate_limited(self, retry_after: int) -> Response:
        self.rate_limited_count += 1
        response = self.error(429, "You have made too many requests continuously. Please try again after some time.")
        response.headers["Retry-After"] = str(retry_after)
        return response

    def rate_limit_key(self, request: Request) -> str:
        if request.route == "auth.token":
            return "accounts"
        return "organization:" + (request.arg("organization_id") or "")

    def authenticate(self, request: Request) -> Response | None:
        if request.route == "auth.token":
            return None
        if not self.accounts.authorises(request):
            return Response(401, dict(NOT_AUTHORIZED))
        if request.route == "organizations.list":
            return None
        organization_id = request.arg("organization_id")
        if not organization_id:
            return self.error(400, "This user belongs to multiple organizations, hence the parameter "
                                   "CompanyID/CompanyName is required for associating this user to a specific "
                                   "organization.", 6024)
        if organization_id != self.organization_id:
            return self.error(400, f"This user is not associated with the CompanyID/CompanyName:{organization_id}.",
                              6041)
        return None

    # -- organisations and locations -----------------------------------------------------

    def _organizations(self, request: Request) -> Response:
        return _ok(organizations=[{
            "organization_id": self.organization_id, "name": "Sandbox Trading Co", "is_default_org": True,
            "currency_code": "EUR", "time_zone": "Europe/Berlin",
        }])

    def _locations(self, request: Request) -> Response:
        return _ok(locations=[
            {"location_id": location_id, "location_name": name, "type": "general", "status": "active",
             "is_primary": location_id == PRIMARY_LOCATION}
            for location_id, name in LOCATIONS.items()
        ])

    def _location(self, request: Request) -> Response:
        location_id = request.params["location_id"]
        if location_id not in LOCATIONS:
            return self.error(404, "Location does not exist.", 1002)
        return _ok(location={"location_id": location_id, "location_name": LOCATIONS[location_id], "type": "general",
                             "is_primary_location": location_id == PRIMARY_LOCATION, "is_location_active": True})

    # -- items ---------------------------------------------------------------------------

    def _list_items(self, request: Request) -> Response:
        sku = request.arg("sku")
        items = self._by_sku.get(sku, []) if sku is not None else self._ordered
        text = (request.arg("search_text") or "").lower()
        if text:
            items = [i for i in items if text in i["sku"].lower() or text in i["name"].lower()]
        page, shown, more, per_page = _page(request, items)
        return _ok(items=[self._item_json(i) for i in shown], page_context=_context(page, per_page, more, "Items"))

    def _get_item(self, request: Request) -> Response:
        item = self.items.get(request.params["item_id"])
        if item is None:
            return self.error(404, "Item does not exist.", 1002)
        return _ok(item=self._item_json(item))

    def _item_details(self, request: Request) -> Response:
        ids = [i for i in (request.arg("item_ids") or "").split(",") if i]
        if not ids:
            raise BadRequest("Invalid value passed for item_ids")
        return _ok(items=[self._item_json(self.items[i]) for i in ids if i in self.items])

    def _item_json(self, item: Mapping[str, Any]) -> dict[str, Any]:
        data = {k: item[k] for k in ("item_id", "name", "sku", "status", "item_type", "product_type",
                                     "track_inventory", "is_combo_product", "unit", "rate", "description")}
        for key in ("group_id", "group_name"):
            if key in item:
                data[key] = item[key]
        if item["track_inventory"]:
            total = _total(item)
            # Available for sale ("actual available") is on hand minus what confirmed orders commit.
            data.update(stock_on_hand=total, available_stock=total,
                        actual_available_stock=total - self.orders.committed(item["item_id"]))
            # The published schema types location stock as a string.
            data["locations"] = [
                {"location_id": location_id, "location_name": name, "status": "active",
                 "is_primary": location_id == PRIMARY_LOCATION,
                 "location_stock_on_hand": _text(item["stock"].get(location_id, Decimal(0))),
                 "location_available_stock": _text(item["stock"].get(location_id, Decimal(0))),
                 "location_actual_available_stock": _text(item["stock"].get(location_id, Decimal(0))
                                                          - self.orders.committed(item["item_id"], location_id))}
                for location_id, name in LOCATIONS.items()
            ]
        else:
            data["locations"] = []
        return data

    # -- inventory adjustments -----------------------------------------------------------

    def _create_adjustment(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object")
        if not _DATE.match(str(body.get("date") or "")):
            raise BadRequest("Invalid value passed for date")
        if not str(body.get("reason") or "").strip():
            raise BadRequest("Enter a reason for the adjustment")
        if body.get("adjustment_type") != "quantity":
            raise BadRequest("Invalid value passed for adjustment_type")
        lines = body.get("line_items")
        if not isinstance(lines, list) or not lines:
            raise BadRequest("Add at least one line item")
        default_location = body.get("location_id") or PRIMARY_LOCATION
        planned = []
        for line in lines:
            if not isinstance(line, dict):
                raise BadRequest("Invalid value passed for line_items")
            item = self.items.get(str(line.get("item_id")))
            if item is None:
                raise BadRequest("Invalid value passed for item_id")
            quantity = line.get("quantity_adjusted")
            if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
                raise BadRequest("Invalid value passed for quantity_adjusted")
            if quantity == 0:
                raise BadRequest(f"The adjusted quantity of '{item['name']}' cannot be zero")
            location_id = str(line.get("location_id") or default_location)
            if location_id not in LOCATIONS:
                raise BadRequest("Invalid value passed for location_id")
            if not item["track_inventory"]:
                raise BadRequest(f"'{item['name']}' is a non-inventory item; its stock cannot be adjusted")
            if item["status"] != "active":
                raise BadRequest(f"'{item['name']}' is inactive")
            if item["serial_tracked"] and not line.get("serial_numbers"):
                raise BadRequest(f"Serial numbers are required for '{item['name']}'")
            planned.append((item, location_id, Decimal(str(quantity))))
        if request.fault == "partial":
            return self.error(400, f"'{planned[0][0]['name']}' cannot be adjusted at the moment", 9205)

        for item, location_id, quantity in planned:
            item["stock"][location_id] = item["stock"].get(location_id, Decimal(0)) + quantity
        adjustment = {
            "inventory_adjustment_id": self._new_id(),
            "date": body["date"],
            "reason": body["reason"],
            "description": str(body.get("description") or ""),
            "reference_number": str(body.get("reference_number") or ""),
            "adjustment_type": "quantity",
            "line_items": [
                {"item_id": item["item_id"], "line_item_id": self._new_id(), "name": item["name"],
                 "quantity_adjusted": quantity, "unit": item["unit"], "location_id": location_id,
                 "location_name": LOCATIONS[location_id]}
                for item, location_id, quantity in planned
            ],
            "total": 0,
        }
        self.adjustments.append(adjustment)
        return Response(201, {"code": 0, "message": "Inventory Adjustment has been added",
                              "inventory_adjustment": adjustment})

    def _list_adjustments(self, request: Request) -> Response:
        found = list(reversed(self.adjustments))  # newest first, as Zoho lists them
        text = (request.arg("search_text") or "").lower()
        if text:
            found = [a for a in found if text in a["reference_number"].lower() or text in a["reason"].lower()
                     or text in a["description"].lower()]
        reference = request.arg("reference_number")
        if reference is not None:
            found = [a for a in found if a["reference_number"] == reference]
        page, shown, more, per_page = _page(request, found)
        return _ok(inventory_adjustments=[{k: v for k, v in a.items() if k != "line_items"} for a in shown],
                   page_context=_context(page, per_page, more, "Inventory Adjustments"))


def _ok(**data: Any) -> Response:
    return Response(200, {"code": 0, "message": "success", **data})


def _total(item: Mapping[str, Any]) -> Decimal:
    return sum(item["stock"].values(), Decimal(0))


def _text(quantity: Decimal) -> str:
    return str(int(quantity)) if quantity == quantity.to_integral_value() else str(quantity.normalize())


def _page(request: Request, records: list[Any]) -> tuple[int, list[Any], bool, int]:
    try:
        page = int(request.arg("page") or 1)
        per_page = int(request.arg("per_page") or _MAX_PAGE)
    except ValueError:
        raise BadRequest("Invalid value passed for page or per_page") from None
    if page < 1 or per_page < 1:
        raise BadRequest("Invalid value passed for page or per_page")
    per_page = min(per_page, _MAX_PAGE)
    start = (page - 1) * per_page
    return page, records[start : start + per_page], len(records) > start + per_page, per_page


def _context(page: int, per_page: int, more: bool, report: str) -> dict[str, Any]:
    return {"page": page, "per_page": per_page, "has_more_page": more, "report_name": report,
            "sort_column": "created_time", "sort_order": "D" if report.startswith("Inventory") else "A"}
