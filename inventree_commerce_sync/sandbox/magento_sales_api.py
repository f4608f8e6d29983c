"""The Magento sandbox's order routes and control calls, over its ``SalesOrders``.

Admin REST routes (under the store prefix): ``GET /V1/orders`` (searchCriteria, sortOrders),
``GET /V1/orders/{id}``, ``POST /V1/orders/{id}/cancel|hold|unhold``,
``POST /V1/order/{orderId}/ship`` (items, tracks, comment; answers the shipment id),
``GET /V1/shipments`` and, with MSI,
``GET /V1/inventory/get-product-salable-quantity/{sku}/{stockId}``.

Control calls (``/__sandbox__/``): ``POST orders`` places an order as a customer would
(``{"lines": [{"sku", "qty", "selections": [{"sku", "qty"}]}], "customer": {"name",
"email", "company", ...}, "state": "new|pending_payment|processing|payment_review",
"at": "YYYY-MM-DD HH:MM:SS"}``; "processing" means paid and invoiced) and answers the
order as REST prints it; ``POST orders/{id}/{action}`` with action hold, unhold, cancel,
invoice, ship (``{"items": {item_id: qty}, "track": "..."}``), refund (``{"items":
{item_id: qty}}``) or touch, as the shop's admin would (each takes ``at``);
``GET salable`` (SKU -> salable quantity) and ``GET reservations``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .app import Handler, Request, Response
from .magento_orders import STOCK_ID, STOCK_TYPES, ZERO, SalesOrders, as_printed, positive_quantity
from .magento_webapi import MagentoError, check_known_fields, search

if TYPE_CHECKING:
    from .magento import MagentoSandbox

SKU = r"(?P<sku>(?:[^/%]|%[0-9A-Fa-f]{2})+)"  # one percent-encoded path segment, as in magento.py
SHIP_ITEM_FIELDS = ("order_item_id", "qty")
TRACK_FIELDS = ("track_number", "title", "carrier_code")
SHIP_FIELDS = ("items", "notify", "appendComment", "comment", "tracks", "packages", "arguments")


class SalesApi:
    """Routes and control calls of one sandbox's order book."""

    def __init__(self, shop: MagentoSandbox, sales: SalesOrders):
        self.shop = shop
        self.sales = sales
        route = shop._route
        route("GET", "/orders", "orders.list", self._list, "Magento_Sales::actions_view")
        route("GET", r"/orders/(?P<id>\d+)", "orders.get", self._get, "Magento_Sales::actions_view")
        route("POST", r"/orders/(?P<id>\d+)/cancel", "orders.cancel", self._cancel_route, "Magento_Sales::cancel")
        route("POST", r"/orders/(?P<id>\d+)/hold", "orders.hold", self._hold_route, "Magento_Sales::hold")
        route("POST", r"/orders/(?P<id>\d+)/unhold", "orders.unhold", self._unhold_route, "Magento_Sales::unhold")
        route("POST", r"/order/(?P<id>\d+)/ship", "order.ship", self._ship_route, "Magento_Sales::ship")
        route("GET", "/shipments", "shipments.list", self._list_shipments, "Magento_Sales::shipment")
        if sales.msi:
            route("GET", rf"/inventory/get-product-salable-quantity/{SKU}/(?P<stock>\d+)",
                  "salable-qty.get", self._salable_route, "Magento_InventoryApi::stock")

    # -- REST handlers ------------------------------------------------------------------

    def _list(self, request: Request) -> Response:
        size = request.arg("searchCriteria[pageSize]")
        if self.shop.input_limit is not None and size and size.isdigit() and int(size) > self.shop.max_page_size:
            raise MagentoError(400, "Maximum SearchCriteria pageSize is %max", {"max": self.shop.max_page_size})
        return search(list(self.sales.orders.values()), request, as_printed)  # prints only the page

    def _get(self, request: Request) -> Response:
        return Response(200, as_printed(self.sales.order(request.params["id"])))

    def _cancel_route(self, request: Request) -> Response:
        return Response(200, self.sales.cancel(self.sales.order(request.params["id"])))

    def _hold_route(self, request: Request) -> Response:
        self.sales.hold(self.sales.order(request.params["id"]))
        return Response(200, True)

    def _unhold_route(self, request: Request) -> Response:
        self.sales.unhold(self.sales.order(request.params["id"]))
        return Response(200, True)

    def _ship_route(self, request: Request) -> Response:
        order = self.sales.order(request.params["id"])
        body = request.json() or {}
        if not isinstance(body, dict):
            raise MagentoError(400, "Invalid request body.")
        check_known_fields(body, SHIP_FIELDS, "Magento\\Sales\\Api\\ShipOrderInterface")
        requested: dict[int, Decimal] = {}
        for item in body.get("items") or []:
            if not isinstance(item, dict):
                raise MagentoError(400, "Invalid request body.")
            check_known_fields(item, SHIP_ITEM_FIELDS, "Magento\\Sales\\Model\\Order\\Shipment\\ItemCreation")
            if "order_item_id" not in item or "qty" not in item:
                raise MagentoError(400, '"%fieldName" is required. Enter and try again.',
                                   {"fieldName": "order_item_id" if "order_item_id" not in item else "qty"})
            requested[int(item["order_item_id"])] = requested.get(int(item["order_item_id"]), ZERO) + positive_quantity(item["qty"])
        tracks = []
        for track in body.get("tracks") or []:
            if not isinstance(track, dict):
                raise MagentoError(400, "Invalid request body.")
            check_known_fields(track, TRACK_FIELDS, "Magento\\Sales\\Model\\Order\\Shipment\\TrackCreation")
            missing = [f for f in TRACK_FIELDS if not str(track.get(f) or "").strip()]
            if missing:
                raise MagentoError(400, '"%fieldName" is required. Enter and try again.', {"fieldName": missing[0]})
            tracks.append({f: str(track[f]) for f in TRACK_FIELDS})
        comment = body.get("comment") or {}
        text = str(comment.get("comment") or "") if isinstance(comment, dict) else ""
        return Response(200, self.sales.ship(order, requested, tracks, text))

    def _list_shipments(self, request: Request) -> Response:
        return search(list(self.sales.shipments.values()), request, dict)

    def _salable_route(self, request: Request) -> Response:
        product = self.shop._product(request.params["sku"])
        if product is None:
            raise MagentoError(404, 'The Product with the "%1" SKU doesn\'t exist.', [request.params["sku"]])
        if product["type_id"] not in STOCK_TYPES:
            raise MagentoError(400, "Can't check requested quantity for products without Source Items support.")
        if request.params["stock"] != str(STOCK_ID):
            raise MagentoError(404, 'Stock with id "%value" does not exist.', {"value": request.params["stock"]})
        return Response(200, self.sales.salable(product["sku"]))

    # -- control calls ------------------------------------------------------------------

    def register_controls(self) -> None:
        """The sandbox's own calls for orders (see the module docstring)."""
        add = self.shop.add_control
        add("GET", "salable", self._controlled(lambda r: Response(200, {
            sku: str(self.sales.salable(sku)) for sku, p in self.shop.products.items() if p["type_id"] in STOCK_TYPES})))
        add("GET", "reservations", self._controlled(lambda r: Response(200, self.sales.reservations)))
        add("POST", "orders", self._controlled(lambda r: Response(200, as_printed(self.sales.place(r.json() or {})))))
        add("POST", "orders/(?P<id>[^/]+)/(?P<change>hold|unhold|cancel|invoice|touch|ship|refund)",
            self._controlled(self._change_call))

    def _controlled(self, handler: Handler) -> Handler:
        def call(request: Request) -> Response:
            try:
                with self.shop.lock:
                    return handler(request)
            except MagentoError as exc:
                return Response(exc.status, exc.body)
        return call

    def _change_call(self, request: Request) -> Response:
        change = request.params["change"]
        order = self.sales.order(request.params["id"])
        body = request.json() or {}
        at = body.get("at")
        if change == "hold":
            self.sales.hold(order, at)
        elif change == "unhold":
            self.sales.unhold(order, at)
        elif change == "cancel":
            if not self.sales.cancel(order, at):
                raise MagentoError(400, "You cannot cancel this order.")
        elif change == "invoice":
            self.sales.invoice(order, at)
        elif change == "touch":
            self.sales.touch(order, at)
        elif change in ("ship", "refund"):
            quantities = {int(k): positive_quantity(v) for k, v in (body.get("items") or {}).items()}
            if change == "refund":
                self.sales.refund(order, quantities, at)
            else:
                track = [{"track_number": str(body["track"]), "title": "Carrier", "carrier_code": "custom"}] \
                    if body.get("track") else []
                self.sales.ship(order, quantities, track, at=at)
        return Response(200, as_printed(order))
