"""Invoice Ninja v5 emulator: products, their stock, and the quirks a client must survive.

Routes, under ``/api/v1``: ``GET ping``, ``POST companies/current``, ``GET products``
(``status``, ``product_key``, ``filter``, ``per_page`` up to 5000, ``page``; Fractal's
``meta.pagination``), ``GET`` and ``PUT products/{id}``. Answers have the real service's
shapes: items and lists under ``data``, errors as ``{"message": ...}``.

Quirks, as the real service has them:

- ``X-API-TOKEN`` is checked on every route: 403 ``{"message": "Invalid token"}``.
- A request that neither sends ``X-Requested-With: XMLHttpRequest`` nor accepts JSON gets
  its errors as an HTML page (Laravel's ``expectsJson()``). The real service still sends its
  token refusal as JSON then; the sandbox turns every error into HTML, which is stricter.
- Lists include archived and deleted products unless ``status`` says otherwise; the
  ``product_key`` filter compares like MySQL's case- and accent-insensitive collation.
- ``PUT`` ignores ``in_stock_quantity`` unless ``?update_in_stock_quantity=true``, sets
  ``quantity`` (the default invoice line quantity) to 1 when the body has none, refuses a
  deleted product (400), and answers an unknown or numeric id with 400, not 404.
- 429 ``{"message": "Too many requests"}`` comes without ``Retry-After`` (the service's
  exception handler drops it); ``hosted=True`` allows 500 requests a minute like invoicing.co.
- Fault kind ``partial`` means nothing here: there is no batch write. It is ignored.

Seeding: every catalogue product becomes a product: ``sku`` -> ``product_key``, ``name`` ->
``notes``, ``quantity`` -> ``in_stock_quantity`` (rounded down). Keys only this sandbox reads:
``status`` (``active``, ``archived``, ``deleted``), ``default_quantity`` (the product's
``quantity``, 1 by default), ``price`` and ``cost``. The same SKU twice gives two products with
one key. ``type`` and ``manage_stock`` mean nothing in Invoice Ninja and are ignored.
"""

from __future__ import annotations

import html
import random
import re
import string
import time
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .app import BadRequest, OrderCall, Request, Response, SandboxApp
from .faults import RateLimiter
from .invoiceninja_catalogue import InvoiceNinjaCatalogue
from .invoiceninja_orders import InvoiceNinjaInvoices

TOKEN = "sandbox-invoiceninja-token"
MAX_PER_PAGE = 5000
STATUSES = ("active", "archived", "deleted")
# What a PUT may change (the model's fillable fields); anything else in the body is ignored.
FILLABLE = (
    "product_key", "notes", "cost", "price", "quantity", "tax_name1", "tax_rate1", "tax_name2", "tax_rate2",
    "tax_name3", "tax_rate3", "custom_value1", "custom_value2", "custom_value3", "custom_value4",
    "in_stock_quantity", "stock_notification", "stock_notification_threshold", "max_quantity",
    "product_image", "tax_id",
)
NUMERIC = ("cost", "price", "quantity", "in_stock_quantity", "stock_notification_threshold")


class InvoiceNinjaSandbox(SandboxApp):
    name = "invoiceninja"

    def __init__(self, *, seed: int = 0, token: str = TOKEN, company_name: str = "Sandbox Ninja Ltd",
                 track_inventory: bool = True, hosted: bool = False):
        super().__init__(seed=seed)
        self.token = token
        self.company_name = company_name
        self.track_inventory = track_inventory
        self.products: dict[str, dict[str, Any]] = {}  # by id, in creation order
        # The database's index on product_key: collated key -> ids, in creation order. Kept
        # up to date by add_product and PUT, so that a key filter never scans every product.
        self._by_key: dict[str, list[str]] = {}
        self._ids = random.Random(seed)
        if hosted:
            self.rate_limiter = RateLimiter(500, 60.0)
        api = "/api/v1"
        self.add_route("GET", f"{api}/ping", "ping", self._ping)
        self.add_route("POST", f"{api}/companies/current", "companies.current", self._current_company, writes=False)
        self.add_route("GET", f"{api}/products", "products.list", self._list_products)
        self.add_route("GET", f"{api}/products/(?P<id>[^/]+)", "products.show", self._show_product)
        self.add_route("PUT", f"{api}/products/(?P<id>[^/]+)", "products.update", self._update_product)
        self.invoices = InvoiceNinjaInvoices(self)  # invoices, their stock effect, webhooks: see invoiceninja_orders
        self.invoices.register_controls()
        self.catalogue = InvoiceNinjaCatalogue(self)  # product creation, clients: see invoiceninja_catalogue

    @classmethod
    def client_settings(cls, url: str) -> dict[str, str]:
        return {"url": url, "token": TOKEN}

    # -- state --------------------------------------------------------------------------


    @classmethod
    def order_call(cls, sku: str, quantity: int, *, at: datetime | None = None,
                   buyer: Mapping[str, str] | None = None) -> OrderCall:
        """How a customer places an order here (the demo's and the CLI tests' control call)."""
        body: dict[str, Any] = {"lines": [{"product_key": sku, "quantity": quantity, "type_id": "1"}],
                                "client": dict(buyer or {})}
        if at is not None:
            body["at"] = int(at.timestamp())
        return OrderCall("invoices", body, lambda answer: str(answer["data"][0]["id"]))

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        with self.lock:
            self.products.clear()
            self._by_key.clear()
            self.invoices.clear()
            self.catalogue.clear()
            for entry in catalogue.get("products", []):
                self.add_product(
                    str(entry["sku"]),
                    in_stock_quantity=int(Decimal(str(entry.get("quantity") or 0)).to_integral_value(ROUND_FLOOR)),
                    notes=str(entry.get("name") or ""),
                    status=entry.get("status", "active"),
                    quantity=float(entry.get("default_quantity", 1)),
                    price=float(entry.get("price", 0)),
                    cost=float(entry.get("cost", 0)),
                )

    def add_product(self, product_key: str, *, in_stock_quantity: int = 0, status: str = "active",
                    **fields: Any) -> dict[str, Any]:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
        now = int(time.time())
        product: dict[str, Any] = {
            "id": self._new_id(), "user_id": "VolejRejNm", "assigned_user_id": "",
            "product_key": product_key, "notes": "", "cost": 0.0, "price": 0.0, "quantity": 1.0,
            "tax_name1": "", "tax_rate1": 0.0, "tax_name2": "", "tax_rate2": 0.0, "tax_name3": "", "tax_rate3": 0.0,
            "created_at": now, "updated_at": now, "archived_at": 0 if status == "active" else now,
            "custom_value1": "", "custom_value2": "", "custom_value3": "", "custom_value4": "",
            "is_deleted": status == "deleted", "in_stock_quantity": in_stock_quantity,
            "stock_notification": True, "stock_notification_threshold": 0, "max_quantity": 0,
            "product_image": "", "tax_id": "1", "documents": [],
        }
        product.update(fields)
        self.products[product["id"]] = product
        self._by_key.setdefault(_collate(product_key), []).append(product["id"])
        return product

    def with_key(self, product_key: str) -> list[dict[str, Any]]:
        return [p for p in self._collated_key(product_key) if p["product_key"] == product_key]

    def _collated_key(self, product_key: str) -> list[dict[str, Any]]:
        """The products whose key equals ``product_key`` as the database collates, in creation order."""
        return [self.products[i] for i in self._by_key.get(_collate(product_key), ())]

    def _rekey(self, product: dict[str, Any], new_key: Any) -> None:
        """Move a product whose key a PUT changes to its new place in the key index."""
        old, new = _collate(product["product_key"]), _collate(new_key)
        if old == new:
            return
        self._by_key[old].remove(product["id"])
        if not self._by_key[old]:
            del self._by_key[old]
        ids = self._by_key.setdefault(new, [])
        ids.append(product["id"])
        if len(ids) > 1:  # rare: keep creation order, in which the service lists products
            order = {product_id: number for number, product_id in enumerate(self.products)}
            ids.sort(key=order.__getitem__)

    def stock(self) -> dict[str, Decimal]:
        """product_key -> in_stock_quantity of active products (the first, where a key repeats)."""
        levels: dict[str, Decimal] = {}
        for product in self.products.values():
            if _status(product) == "active":
                levels.setdefault(product["product_key"], Decimal(product["in_stock_quantity"]))
        return levels

    def _new_id(self) -> str:
        while True:  # hashed ids: letters and digits, never all digits
            candidate = self._ids.choice(string.ascii_letters) + "".join(
                self._ids.choices(string.ascii_letters + string.digits, k=9))
            if candidate not in self.products:
                return candidate

    # -- service behaviour --------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        if request.header("X-API-TOKEN") != self.token:
            return Response(403, {"message": "Invalid token", "errors": {}})
        return None

    def rate_limited(self, retry_after: int) -> Response:
        return self.error(429, "Too many requests")

    def dispatch(self, request: Request):
        response, fault, deferred = super().dispatch(request)
        if (response is not None and response.status >= 400 and not _expects_json(request)
                and not request.path.startswith("/__sandbox__/")):
            response = _html_error(response)
        return response, fault, deferred

    def _ping(self, request: Request) -> Response:
        return Response(200, {"company_name": self.company_name, "user_name": "Sandbox Admin"})

    def _current_company(self, request: Request) -> Response:
        return Response(200, {"data": {
            "id": "Wpmbk5ezJn", "company_key": "sandboxcompanykey",
            "settings": {"name": self.company_name, "currency_id": "1"},
            "track_inventory": self.track_inventory, "stock_notification": True,
            "inventory_notification_threshold": 0,
        }})

    def _list_products(self, request: Request) -> Response:
        key = request.arg("product_key") or ""
        products = self._collated_key(key) if key else list(self.products.values())
        statuses = [s for s in (request.arg("status") or "").split(",") if s]
        if statuses:
            products = [p for p in products if _status(p) in statuses]
        search = (request.arg("filter") or "").casefold()
        if search:
            products = [p for p in products if search in p["product_key"].casefold() or search in p["notes"].casefold()]

        per_page = min(abs(_php_int(request.arg("per_page", "20"))), MAX_PER_PAGE) or 15
        page_arg = request.arg("page", "1") or "1"
        page = int(page_arg) if re.fullmatch(r"[+-]?\d+", page_arg.strip()) and int(page_arg) >= 1 else 1
        total_pages = max(1, -(-len(products) // per_page))
        rows = products[(page - 1) * per_page: page * per_page]
        base = f"http://{request.header('Host', '127.0.0.1')}{request.path}"
        links: dict[str, str] = {}
        if page > 1:
            links["previous"] = f"{base}?page={page - 1}"
        if page < total_pages:
            links["next"] = f"{base}?page={page + 1}"
        return Response(200, {"data": rows, "meta": {"pagination": {
            "total": len(products), "count": len(rows), "per_page": per_page, "current_page": page,
            "total_pages": total_pages, "links": links,
        }}})

    def _find(self, product_id: str) -> dict[str, Any]:
        if product_id.isdigit():
            raise BadRequest(f"Record with value {product_id} not found")
        product = self.products.get(product_id)
        if product is None:
            raise BadRequest("No query results for model [App\\Models\\Product].")
        return product

    def _show_product(self, request: Request) -> Response:
        return Response(200, {"data": self._find(request.params["id"])})

    def _update_product(self, request: Request) -> Response:
        product = self._find(request.params["id"])
        if product["is_deleted"]:
            raise BadRequest("Record is deleted and cannot be edited. Restore the record to enable editing")
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The given data was invalid.", 422)
        changes = {k: v for k, v in body.items() if k in FILLABLE}
        if changes.get("quantity") is None:
            changes["quantity"] = 1  # the service's default, whatever the product had
        if request.arg("update_in_stock_quantity") != "true":
            changes.pop("in_stock_quantity", None)
        invalid = {k: [f"The {k.replace('_', ' ')} must be a number."] for k in NUMERIC
                   if k in changes and _number(changes[k]) is None}
        if invalid:
            return Response(422, {"message": "The given data was invalid.", "errors": invalid})
        for k in NUMERIC:
            number = _number(changes[k]) if k in changes else None
            if number is not None:  # invalid numbers were refused above
                changes[k] = float(number)
        if "in_stock_quantity" in changes:  # an integer column: MySQL rounds
            quantity = Decimal(str(changes["in_stock_quantity"]))
            changes["in_stock_quantity"] = int(quantity.to_integral_value(ROUND_HALF_UP))
        if "stock_notification_threshold" in changes:
            changes["stock_notification_threshold"] = int(changes["stock_notification_threshold"])
        if "product_key" in changes:
            self._rekey(product, changes["product_key"])
        product.update(changes, updated_at=int(time.time()))
        return Response(200, {"data": product})


def _status(product: Mapping[str, Any]) -> str:
    if product["is_deleted"]:
        return "deleted"
    return "archived" if product["archived_at"] else "active"


def _collate(text: Any) -> str:
    """Comparison form of utf8mb4_unicode_ci: case, accents and trailing spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip()


def _php_int(text: str | None) -> int:
    """PHP's (int) cast of a string: its leading integer, else 0."""
    match = re.match(r"\s*([+-]?\d+)", text or "")
    return int(match.group(1)) if match else 0


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _expects_json(request: Request) -> bool:
    return (request.header("X-Requested-With") == "XMLHttpRequest"
            or "json" in request.header("Accept").split(",")[0])


def _html_error(response: Response) -> Response:
    message = response.body.get("message", "") if isinstance(response.body, dict) else ""
    page = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><title>{response.status}</title></head>"
            f"<body><div class=\"message\">{html.escape(str(message))}</div></body></html>")
    return Response(response.status, page, dict(response.headers), content_type="text/html; charset=UTF-8")
