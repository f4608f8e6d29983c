"""Zoho Inventory sales orders: reading them against the sandbox (pages, equal times, the
cursor, one detail read per new or changed order, statuses, time zones), the shop's stock
behaviour (commit, ship, void) and shipping an order back, exactly once."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests

from inventree_commerce_sync.core.cursor import OrderCursor
from inventree_commerce_sync.core.errors import TargetError
from inventree_commerce_sync.core.orders import CANCELLED, IGNORED, OPEN, SHIPPED
from inventree_commerce_sync.core.shipments import ALREADY_SHIPPED
from inventree_commerce_sync.core.shipments import SHIPPED as SENT
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.zoho import ZohoSandbox
from inventree_commerce_sync.targets.zoho import ZohoTarget
from inventree_commerce_sync.targets.zoho_orders import ZohoOrders

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LONG_AGO = T0 - timedelta(days=30)


ZohoClient = ZohoTarget  # the client reads orders too


@pytest.fixture(autouse=True)
def no_cached_tokens():
    ZohoTarget.forget_tokens()
    yield
    ZohoTarget.forget_tokens()


@pytest.fixture
def shop(serve):
    app = ZohoSandbox(rate_limit=None)
    data = catalogue.generate(12)
    app.seed(data)
    app.skus = [p["sku"] for p in data["products"] if p.get("type", "simple") == "simple"
                and p.get("manage_stock", True)][:4]
    server = serve(app)
    app.url = server.url
    return app


def client(shop, **settings) -> ZohoClient:
    target = ZohoClient({**ZohoSandbox.client_settings(shop.url), **settings}, rate_limit=100_000)
    target.SHIP_SETTLE_SECONDS = 0
    return target


def read_with(cursor: OrderCursor, target: ZohoClient):
    """What the importer does: read since the cursor, skip what it knows, record what it saw."""
    orders = []
    for order in target.read_orders(cursor.since(LONG_AGO), known=cursor.is_known):
        if cursor.is_new(order):
            orders.append(order)
        cursor.seen(order)
    return orders


def test_equal_times_across_pages_are_all_read_once_and_then_cost_no_detail_reads(shop):
    sku = shop.skus[0]
    shop.orders.place([{"sku": sku, "quantity": 1}], at=T0 - timedelta(minutes=1))
    for _ in range(449):  # 449 orders in the same second: two page boundaries inside it
        shop.orders.place([{"sku": sku, "quantity": 1}], at=T0)
    target = client(shop)
    target.page_size = 200
    cursor = OrderCursor("zoho")
    shop.reset_counters()
    first = read_with(cursor, target)
    assert len(first) == len({o.id for o in first}) == 450
    assert [o.modified for o in first] == sorted(o.modified for o in first)
    assert shop.count("salesorders.list") == 3 and shop.count("salesorders.get") == 450

    newer = shop.orders.place([{"sku": sku, "quantity": 2}], at=T0 + timedelta(seconds=1))
    changed = first[100].id
    shop.orders.set_lines(changed, [{"sku": sku, "quantity": 5}], at=T0 + timedelta(seconds=2))
    shop.reset_counters()
    second = read_with(cursor, target)
    assert {o.id for o in second} == {newer["salesorder_id"], changed}
    assert [line.quantity for line in second[-1].lines] == [Decimal(5)]
    assert shop.count("salesorders.get") == 2  # only the new and the changed order
    assert shop.count("salesorders.list") == 3  # the overlap window is listed again, cheaply

    shop.reset_counters()
    assert read_with(cursor, target) == []
    assert shop.count("salesorders.get") == 0


def test_a_thousand_orders_in_five_list_requests_plus_one_detail_read_each(shop):
    for start in range(0, 1000, 250):
        requests.post(f"{shop.url}/__sandbox__/salesorders", timeout=30, json={
            "count": 250, "lines": [{"sku": shop.skus[1], "quantity": 1}],
            "at": (T0 + timedelta(minutes=start)).isoformat()}).raise_for_status()
    shop.reset_counters()
    orders = list(client(shop).read_orders(LONG_AGO))
    assert len({o.id for o in orders}) == 1000
    assert shop.count("salesorders.list") == math.ceil(1000 / ZohoOrders.page_size) == 5
    assert shop.count("salesorders.get") == 1000


def test_listing_stops_at_the_first_page_older_than_since(shop):
    for minute in range(300):
        shop.orders.place([{"sku": shop.skus[0], "quantity": 1}], at=T0 + timedelta(minutes=minute))
    target = client(shop)
    target.page_size = 50
    shop.reset_counters()
    orders = list(target.read_orders(T0 + timedelta(minutes=260)))
    assert len(orders) == 40
    assert shop.count("salesorders.list") == 1  # 50 newest on page one, the 41st is older: done


def test_a_server_that_ignores_the_sort_order_still_loses_nothing(shop, monkeypatch):
    for minute in range(120):
        shop.orders.place([{"sku": shop.skus[0], "quantity": 1}], at=T0 + timedelta(minutes=minute))
    target = client(shop)
    target.page_size = 50
    original = target.api.call

    def ascending(method, path, **kwargs):  # as if Zoho ignored sort_order=D
        if path == "salesorders":
            kwargs["params"] = {**kwargs["params"], "sort_order": "A"}
        return original(method, path, **kwargs)

    monkeypatch.setattr(target.api, "call", ascending)
    orders = list(target.read_orders(T0 + timedelta(minutes=100)))
    assert len(orders) == 20 and orders[0].modified == T0 + timedelta(minutes=100)


def test_statuses_draft_ignored_confirmed_open_void_cancelled_shipped(shop):
    sku = shop.skus[0]
    draft = shop.orders.place([{"sku": sku, "quantity": 1}], status="draft", at=T0)
    confirmed = shop.orders.place([{"sku": sku, "quantity": 2}], at=T0)
    voided = shop.orders.place([{"sku": sku, "quantity": 3}], at=T0)
    shop.orders.set_status(voided["salesorder_id"], "void", at=T0 + timedelta(seconds=5))
    shipped = shop.orders.place([{"sku": sku, "quantity": 1}], at=T0)
    target = client(shop)
    target.ship_order(shipped["salesorder_id"], reference="S1")
    states = {o.id: (o.state, o.status) for o in target.read_orders(LONG_AGO)}
    assert states == {draft["salesorder_id"]: (IGNORED, "draft"), confirmed["salesorder_id"]: (OPEN, "confirmed"),
                      voided["salesorder_id"]: (CANCELLED, "void"), shipped["salesorder_id"]: (SHIPPED, "shipped")}

    requests.post(f"{shop.url}/__sandbox__/salesorders/{draft['salesorder_id']}/status", timeout=5,
                  json={"status": "confirmed", "at": (T0 + timedelta(minutes=1)).isoformat()}).raise_for_status()
    after = {o.id: o.state for o in target.read_orders(T0 + timedelta(seconds=30))}
    assert after[draft["salesorder_id"]] == OPEN and confirmed["salesorder_id"] not in after


def test_times_are_read_in_the_organisations_zone(shop):
    placed = shop.orders.place([{"sku": shop.skus[0], "quantity": 1}], at="2026-07-01T12:00:00+00:00")
    target = client(shop)
    listed = target.api.call("GET", "salesorders")["salesorders"][0]
    assert listed["last_modified_time"] == "2026-07-01T14:00:00+0200"  # Berlin, summer
    order = next(iter(target.read_orders(datetime(2026, 1, 1, tzinfo=UTC))))
    assert order.modified == order.created == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    detail = target.api.call("GET", f"salesorders/{placed['salesorder_id']}")["salesorder"]
    detail["last_modified_time"] = "2026-01-15T10:00:00"  # no offset: the organisation's zone (winter)
    assert target.zoho_order(detail).modified == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_lines_buyer_and_what_is_still_unshipped(shop):
    a, b = shop.skus[:2]
    placed = shop.orders.place([{"sku": a, "quantity": 3}, {"sku": b, "quantity": 1}], at=T0, customer={
        "name": "Ann Lee", "email": "ann@example.com", "company": "Lee Ltd", "city": "Leeds", "zip": "LS1"})
    target = client(shop)
    first_line = placed["line_items"][0]["line_item_id"]
    target.ship_order(placed["salesorder_id"], reference="part-1", lines={first_line: Decimal(2)})
    order = next(iter(target.read_orders(datetime(2026, 1, 1, tzinfo=UTC))))
    assert order.state == OPEN and order.status == "partially_shipped"
    assert [(line.sku, line.quantity, line.unshipped) for line in order.lines] == [
        (a, Decimal(3), Decimal(1)), (b, Decimal(1), Decimal(1))]
    assert (order.customer.name, order.customer.email, order.customer.company) == ("Ann Lee", "ann@example.com",
                                                                                    "Lee Ltd")
    assert (order.customer.city, order.customer.postcode) == ("Leeds", "LS1")


def test_lines_without_sku_get_it_from_the_item(shop, monkeypatch):
    placed = shop.orders.place([{"sku": shop.skus[2], "quantity": 1}], at=T0)
    target = client(shop)
    detail = target.api.call("GET", f"salesorders/{placed['salesorder_id']}")["salesorder"]
    for line in detail["line_items"]:
        del line["sku"]  # the documents list no sku on a sales order line
    shop.reset_counters()
    assert [line.sku for line in target.zoho_order(detail).lines] == [shop.skus[2]]
    assert [line.sku for line in target.zoho_order(detail).lines] == [shop.skus[2]]
    assert shop.count("items.details") == 1  # remembered


def test_confirmed_orders_commit_stock_shipments_take_it_void_releases(shop):
    sku = shop.skus[0]
    target = client(shop)
    on_hand = shop.stock()[sku]
    (remote,) = target.resolve([sku]).values()

    def available():
        item = target.api.call("GET", f"items/{remote.remote_id}")["item"]
        return Decimal(str(item["stock_on_hand"])), Decimal(str(item["actual_available_stock"]))

    draft = shop.orders.place([{"sku": sku, "quantity": 2}], status="draft")
    assert available() == (on_hand, on_hand)  # a draft commits nothing
    shop.orders.set_status(draft["salesorder_id"], "confirmed")
    assert available() == (on_hand, on_hand - 2)
    assert target.read([remote]) == {sku: on_hand}  # the stock push reads stock on hand, unchanged
    other = shop.orders.place([{"sku": sku, "quantity": 3}])
    assert available() == (on_hand, on_hand - 5)
    assert target.ship_order(draft["salesorder_id"], reference="A").outcome == SENT
    assert available() == (on_hand - 2, on_hand - 5)  # shipped: on hand lower, commitment ended
    target.api.call("POST", f"salesorders/{other['salesorder_id']}/status/void")
    assert available() == (on_hand - 2, on_hand - 2)
    answer = requests.get(f"{shop.url}/__sandbox__/available", timeout=5).json()
    assert Decimal(answer[sku]) == on_hand - 2


@pytest.mark.parametrize("route", ["packages.create", "shipmentorders.create"])
def test_a_lost_answer_to_a_shipment_post_never_ships_twice(shop, route):
    sku = shop.skus[0]
    placed = shop.orders.place([{"sku": sku, "quantity": 2}])
    before = shop.stock()[sku]
    shop.faults.hang_seconds = 0.1
    shop.faults.queue(route, "timeout_after_apply")
    target = client(shop, timeout=1)
    outcome = target.ship_order(placed["salesorder_id"], reference="SO-7/1", tracking="TRK9")
    order = shop.orders.orders[placed["salesorder_id"]]
    assert len(order["packages"]) == 1 and order["packages"][0]["shipment_number"] == "ICS-SO-7/1"
    assert shop.stock()[sku] == before - 2
    assert shop.count("packages.create") == 1 and shop.count("shipmentorders.create") == 1
    assert outcome.outcome in (SENT, ALREADY_SHIPPED)
    again = target.ship_order(placed["salesorder_id"], reference="SO-7/1")
    assert again.outcome == ALREADY_SHIPPED and shop.stock()[sku] == before - 2
    assert shop.count("packages.create") == 1 and shop.count("shipmentorders.create") == 1


def test_shipping_a_void_or_draft_order_is_refused_and_sends_nothing(shop):
    draft = shop.orders.place([{"sku": shop.skus[0], "quantity": 1}], status="draft")
    with pytest.raises(TargetError, match="draft: it cannot be shipped"):
        client(shop).ship_order(draft["salesorder_id"], reference="X")
    assert shop.count("packages.create") == 0


def test_control_calls_report_bad_orders_clearly(shop):
    answer = requests.post(f"{shop.url}/__sandbox__/salesorders", timeout=5,
                           json={"lines": [{"sku": "NO-SUCH", "quantity": 1}]})
    assert answer.status_code == 400 and "NO-SUCH" in answer.json()["message"]
    answer = requests.post(f"{shop.url}/__sandbox__/salesorders", timeout=5,
                           json={"lines": [{"sku": shop.skus[0], "quantity": "two"}]})
    assert answer.status_code == 400 and "two" in answer.json()["message"]
    assert shop.orders.orders == {}


def test_a_webhook_with_the_sales_order_is_read_without_asking_zoho(shop):
    placed = shop.orders.place([{"sku": shop.skus[0], "quantity": 2}], at=T0)
    target = client(shop)
    shop.reset_counters()
    order = target.order_from_webhook({"salesorder": placed})
    assert (order.id, order.state, [line.sku for line in order.lines]) == (placed["salesorder_id"], OPEN,
                                                                           [shop.skus[0]])
    assert target.order_from_webhook({"salesorder": {"salesorder_id": "1"}}) is None  # no lines: read instead
    assert target.order_from_webhook({"event": "ping"}) is None
    assert shop.reads == 0


def test_a_time_without_offset_and_no_zone_on_the_organisation_is_a_clear_error(shop, monkeypatch):
    placed = shop.orders.place([{"sku": shop.skus[0], "quantity": 1}], at=T0)
    target = client(shop)
    original = target.api.call

    def no_zone(method, path, **kwargs):
        body = original(method, path, **kwargs)
        for organization in body.get("organizations") or ():
            organization.pop("time_zone")
        return body

    monkeypatch.setattr(target.api, "call", no_zone)
    detail = {**placed, "last_modified_time": "2026-01-15T10:00:00"}
    with pytest.raises(TargetError, match="no time zone"):
        target.zoho_order(detail)


def test_a_shipment_is_dated_in_the_organisations_zone_not_the_servers():
    from datetime import timezone

    target = object.__new__(ZohoOrders)
    for offset in (14, -11):  # 25 hours apart: their dates always differ, so one is not the server's
        here = timezone(timedelta(hours=offset))
        detail = {"last_modified_time": f"2026-12-01T10:00:00{offset:+03d}00"}
        assert target._organization_today(detail) == datetime.now(here).date().isoformat()
