"""Magento order reading, shipments and the shop's own stock behaviour, against the sandbox."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests

from inventree_commerce_sync.core.cursor import OrderCursor
from inventree_commerce_sync.core.errors import InputError, TargetError
from inventree_commerce_sync.core.orders import CANCELLED, OPEN, SHIPPED
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.targets.magento import MagentoTarget

CATALOGUE = {"products": [
    {"sku": "BOLT", "quantity": 50},
    {"sku": "NUT", "quantity": 40},
    {"sku": "SHIRT", "type": "variable"},
    {"sku": "SHIRT-S", "type": "variation", "parent": "SHIRT", "quantity": 10},
    {"sku": "SHIRT-M", "type": "variation", "parent": "SHIRT", "quantity": 10},
    {"sku": "KIT", "type": "bundle"},
]}
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


MagentoClient = MagentoTarget  # the client reads orders too


@pytest.fixture
def shop(serve):
    app = MagentoSandbox()
    app.seed(CATALOGUE)
    server = serve(app)
    client = MagentoClient(MagentoSandbox.client_settings(server.url))
    return app, client, server.url


def place(url: str, *lines, **more) -> dict:
    body = {"lines": [{"sku": sku, "qty": qty} if isinstance(sku, str) else sku for sku, qty in lines], **more}
    answer = requests.post(f"{url}/__sandbox__/orders", json=body, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def admin(url: str, order_id, action: str, **body) -> requests.Response:
    return requests.post(f"{url}/__sandbox__/orders/{order_id}/{action}", json=body, timeout=5)


def salable(url: str) -> dict[str, Decimal]:
    return {sku: Decimal(q) for sku, q in requests.get(f"{url}/__sandbox__/salable", timeout=5).json().items()}


def read_all(client, since=EPOCH):
    return list(client.read_orders(since))


# -- reading -------------------------------------------------------------------------------------

def test_pages_with_equal_times_across_boundaries_miss_nothing_and_count_list_requests(shop):
    app, client, url = shop
    client.page_size = 10
    for n in range(25):  # 12 orders share one second, across the boundary of pages 1 and 2
        place(url, ("BOLT", 1), at="2026-12-01 10:00:00" if 5 <= n < 17 else f"2026-12-01 {9 + n // 17:02d}:{n:02d}:00")
    app.reset_counters()
    orders = read_all(client)
    assert sorted(int(o.id) for o in orders) == list(range(1, 26))
    assert [o.modified for o in orders] == sorted(o.modified for o in orders)
    assert app.count("orders.list") == math.ceil(25 / 10)


def test_the_cursor_reads_again_what_arrives_at_the_last_time_seen(shop):
    _, client, url = shop
    client.page_size = 3
    for _ in range(4):
        place(url, ("BOLT", 1), at="2026-12-01 10:00:00")
    cursor = OrderCursor("magento")
    for order in client.read_orders(cursor.since(EPOCH)):
        cursor.seen(order)
    place(url, ("NUT", 1), at="2026-12-01 10:00:00")  # committed late, with the same second
    place(url, ("NUT", 1), at="2026-12-01 09:55:00")  # a clock behind, within the overlap
    new = [o for o in client.read_orders(cursor.since(EPOCH)) if cursor.is_new(o)]
    assert sorted(o.id for o in new) == ["5", "6"]


def test_a_thousand_orders_in_ceil_of_thousand_by_page_size_list_requests(shop):
    app, client, _ = shop
    app.stock_items["BOLT"]["backorders"] = app.stock_items["NUT"]["backorders"] = 1
    with app.lock:
        for n in range(1000):
            app.sales.place({"lines": [{"sku": "BOLT", "qty": 1}] if n % 2 else [{"sku": "NUT", "qty": 1}],
                             "at": f"2026-12-01 10:{n // 60 % 60:02d}:{n % 60:02d}"})
    app.reset_counters()
    assert len(read_all(client)) == 1000
    assert app.count("orders.list") == math.ceil(1000 / client.page_size)


def test_page_size_is_kept_within_the_stores_input_limits(serve):
    app = MagentoSandbox(input_limit=50, max_page_size=40)
    app.seed({"products": [{"sku": "BOLT", "quantity": 1000}]})
    url = serve(app).url
    client = MagentoClient(MagentoSandbox.client_settings(url))
    client.page_size = 500  # above Magento's default maximum of 300, and above this store's 40
    for _ in range(90):
        place(url, ("BOLT", 1))
    assert len(read_all(client)) == 90
    sizes = [r.arg("searchCriteria[pageSize]") for r in app.requests if r.route == "orders.list"]
    assert sizes == ["300", "40", "40", "40"] and client.page_size == 40
    assert len(read_all(client)) == 90 and app.count("orders.list") == 4 + 3


def test_a_page_past_the_end_is_never_asked_for(shop):
    """Magento answers the last page again for one past it: the loop stops by total_count."""
    app, client, url = shop
    client.page_size = 5
    for _ in range(10):
        place(url, ("BOLT", 1))
    app.reset_counters()
    assert len(read_all(client)) == 10
    assert app.count("orders.list") == 2


def test_an_order_modified_during_the_read_does_not_push_another_off_the_pages(shop):
    app, client, url = shop
    client.page_size = 4
    for n in range(10):
        place(url, ("BOLT", 1), at=f"2026-12-01 10:00:{n:02d}")
    original = app.dispatch

    def dispatch(request):
        answer = original(request)
        if request.route == "orders.list" and app.count("orders.list") == 1:
            app.sales.touch(app.sales.orders[2], "2026-12-01 11:00:00")  # moves to the end
        return answer

    app.dispatch = dispatch
    orders = read_all(client)
    assert {int(o.id) for o in orders} == set(range(1, 11))
    assert next(o for o in reversed(orders) if o.id == "2").modified.hour == 11


def test_times_are_utc_text_and_the_filter_is_sent_in_utc(shop):
    app, client, url = shop
    place(url, ("BOLT", 1), at="2026-12-01 10:00:00")
    place(url, ("BOLT", 1), at="2026-12-01 12:00:00")
    since = datetime(2026, 12, 1, 16, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))  # 11:00 UTC
    app.reset_counters()
    orders = read_all(client, since)
    assert [o.id for o in orders] == ["2"]
    assert orders[0].modified == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    sent = next(r for r in app.requests if r.route == "orders.list")
    assert sent.arg("searchCriteria[filterGroups][0][filters][0][value]") == "2026-12-01 11:00:00"
    assert sent.arg("searchCriteria[filterGroups][0][filters][0][conditionType]") == "gteq"
    with pytest.raises(ValueError):
        read_all(client, datetime(2026, 12, 1))


def test_configurable_counts_once_by_the_childs_sku_and_bundle_by_its_children(shop):
    _, client, url = shop
    placed = place(url, ("SHIRT-S", 2), ({"sku": "KIT", "qty": 3, "selections": [
        {"sku": "BOLT", "qty": 2}, {"sku": "NUT", "qty": 1}]}, None), ("BOLT", 1),
        customer={"name": "Ada Lovelace", "email": "ada@example.com", "company": "Engines Ltd"})
    assert len(placed["items"]) == 6  # parent + child, bundle + 2 selections, simple
    (order,) = read_all(client)
    assert [(line.sku, line.quantity, line.kind) for line in order.lines] == [
        ("SHIRT-S", 2, "configurable"), ("BOLT", 6, "bundle item"), ("NUT", 3, "bundle item"), ("BOLT", 1, "simple")]
    assert order.to_json()["customer"] == {"name": "Ada Lovelace", "email": "ada@example.com",
                                           "company": "Engines Ltd"}
    assert order.number == placed["increment_id"] and order.state == OPEN and order.status == "pending"


def test_the_customer_has_the_billing_company_and_the_shipping_address(shop):
    _, client, url = shop
    place(url, ("BOLT", 1), customer={"name": "Ada Lovelace", "email": "ada@example.com", "company": "Engines Ltd",
                                      "city": "London", "shipping": {"name": "Charles Babbage", "company": "Depot",
                                                                     "street": "5 Dock Rd", "city": "Leeds",
                                                                     "postcode": "LS1", "country": "GB"}})
    (order,) = read_all(client)
    customer = order.customer
    assert (customer.name, customer.email, customer.company) == ("Ada Lovelace", "ada@example.com", "Engines Ltd")
    assert (customer.line1, customer.city, customer.postcode, customer.country) == ("5 Dock Rd", "Leeds", "LS1", "GB")


def test_shipped_cancelled_and_refunded_quantities_decide_what_is_open(shop):
    _, client, url = shop
    order = place(url, ("BOLT", 5), ("NUT", 4), state="processing")
    bolt, nut = (item["item_id"] for item in order["items"])
    admin(url, order["entity_id"], "ship", items={bolt: 2})
    admin(url, order["entity_id"], "refund", items={nut: 1})
    (read,) = read_all(client)
    assert [(line.sku, line.quantity, line.unshipped) for line in read.lines] == [("BOLT", 5, 3), ("NUT", 4, 3)]
    assert read.state == OPEN and read.status == "processing"
    assert admin(url, order["entity_id"], "ship").status_code == 200
    (read,) = read_all(client)
    assert read.state == SHIPPED and read.status == "complete"
    assert all(line.unshipped == 0 for line in read.lines)


@pytest.mark.parametrize("steps, state, status", [
    ([], OPEN, "pending"),
    (["hold"], OPEN, "holded"),
    (["cancel"], CANCELLED, "canceled"),
    (["ship"], SHIPPED, "processing"),  # shipped, not invoiced: Magento keeps it processing
    (["invoice", "ship"], SHIPPED, "complete"),
    (["hold", "unhold", "cancel"], CANCELLED, "canceled"),
])
def test_states(shop, steps, state, status):
    _, client, url = shop
    order = place(url, ("BOLT", 2))
    for step in steps:
        assert admin(url, order["entity_id"], step).status_code == 200
    (read,) = read_all(client)
    assert (read.state, read.status) == (state, status)


@pytest.mark.parametrize("placed, status", [("pending_payment", "pending_payment"),
                                            ("payment_review", "payment_review")])
def test_orders_awaiting_payment_hold_stock_and_are_open(shop, placed, status):
    _, client, url = shop
    before = salable(url)["BOLT"]
    place(url, ("BOLT", 2), state=placed)
    (read,) = read_all(client)
    assert (read.state, read.status) == (OPEN, status)
    assert salable(url)["BOLT"] == before - 2


def test_an_invoiced_order_cannot_be_cancelled_and_a_shipped_uninvoiced_one_can(shop):
    app, client, url = shop
    paid = place(url, ("BOLT", 2), state="processing")
    token = {"Authorization": f"Bearer {MagentoSandbox.client_settings(url)['token']}"}
    answer = requests.post(f"{url}/rest/default/V1/orders/{paid['entity_id']}/cancel", headers=token, timeout=5)
    assert answer.json() is False
    unpaid = place(url, ("NUT", 2))
    admin(url, unpaid["entity_id"], "ship")
    answer = requests.post(f"{url}/rest/default/V1/orders/{unpaid['entity_id']}/cancel", headers=token, timeout=5)
    assert answer.json() is True
    read = {o.id: o for o in read_all(client)}
    assert read[str(paid["entity_id"])].state == OPEN
    cancelled = read[str(unpaid["entity_id"])]
    assert (cancelled.state, cancelled.lines[0].unshipped) == (CANCELLED, 0)
    assert app.stock()["NUT"] == 38 and salable(url)["NUT"] == 38  # shipped goods stay gone


def test_a_closed_order_is_cancelled(shop):
    _, client, url = shop
    order = place(url, ("BOLT", 2), state="processing")
    admin(url, order["entity_id"], "refund", items={order["items"][0]["item_id"]: 2})
    (read,) = read_all(client)
    assert (read.state, read.status) == (CANCELLED, "closed")


# -- the shop's stock ---------------------------------------------------------------------------

def test_msi_order_reserves_shipment_deducts_the_source_cancel_compensates(shop):
    app, client, url = shop
    order = place(url, ("BOLT", 2))
    assert salable(url)["BOLT"] == 48 and app.stock()["BOLT"] == 50
    assert client.salable_quantity("BOLT") == 48
    client.ship(order["entity_id"], None, "TRACK-1", reference="SO-1/1")
    assert salable(url)["BOLT"] == 48 and app.stock()["BOLT"] == 48
    other = place(url, ("BOLT", 3))
    admin(url, other["entity_id"], "hold")
    assert salable(url)["BOLT"] == 45
    admin(url, other["entity_id"], "unhold")
    admin(url, other["entity_id"], "cancel")
    assert salable(url)["BOLT"] == 48 and app.stock()["BOLT"] == 48


def test_salable_quantity_of_a_sku_with_a_slash(serve):
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "BOLT/M3", "quantity": 7}, {"sku": "KIT", "type": "bundle"}]})
    url = serve(app).url
    client = MagentoClient(MagentoSandbox.client_settings(url))
    place(url, ("BOLT/M3", 2))
    assert client.salable_quantity("BOLT/M3") == 5
    with pytest.raises(TargetError, match="Source Items"):
        client.salable_quantity("KIT")


def test_an_out_of_stock_source_item_is_not_salable(shop):
    app, client, url = shop
    place(url, ("BOLT", 2))
    app.source_items[("BOLT", "default")]["status"] = 0
    assert client.salable_quantity("BOLT") == 0


def test_configurable_and_bundle_reserve_their_simple_products(shop):
    _, _, url = shop
    place(url, ("SHIRT-S", 2), ({"sku": "KIT", "qty": 2, "selections": [{"sku": "BOLT", "qty": 3}]}, None))
    now = salable(url)
    assert (now["SHIRT-S"], now["SHIRT-M"], now["BOLT"]) == (8, 10, 44)


def test_an_order_beyond_the_salable_quantity_is_refused(shop):
    _, _, url = shop
    place(url, ("SHIRT-S", 8))
    answer = requests.post(f"{url}/__sandbox__/orders", json={"lines": [{"sku": "SHIRT-S", "qty": 3}]}, timeout=5)
    assert answer.status_code == 400 and "not available" in answer.json()["message"]


def test_legacy_stock_drops_at_placement_and_returns_on_cancel(serve):
    app = MagentoSandbox(msi=False)
    app.seed(CATALOGUE)
    url = serve(app).url
    order = place(url, ("BOLT", 2))
    assert app.stock()["BOLT"] == 48 and app.stock_items["BOLT"]["qty"] == 48
    admin(url, order["entity_id"], "ship", items={order["items"][0]["item_id"]: 1})
    assert app.stock()["BOLT"] == 48
    admin(url, order["entity_id"], "cancel")
    assert app.stock()["BOLT"] == 49


# -- shipments back to the shop -------------------------------------------------------------------

def test_ship_sends_lines_and_tracking_once(shop):
    app, client, url = shop
    order = place(url, ("BOLT", 5), ("NUT", 2))
    (read,) = read_all(client)
    first = client.ship(read, {read.lines[0].line_id: 2}, "1Z999", reference="SO-7/1")
    again = client.ship(read, {read.lines[0].line_id: 2}, "1Z999", reference="SO-7/1")
    assert first.created and not again.created and first.id == again.id
    assert app.count("order.ship") == 1 and app.stock()["BOLT"] == 48
    shipment = app.sales.shipments[int(first.id)]
    assert shipment["tracks"][0]["track_number"] == "1Z999" and shipment["tracks"][0]["carrier_code"] == "custom"
    assert [(i["sku"], i["qty"]) for i in shipment["items"]] == [("BOLT", 2)]
    rest = client.ship(order["entity_id"], None, "1Z998", reference="SO-7/2")
    assert rest.quantities == {read.lines[0].line_id: 3, read.lines[1].line_id: 2}
    assert client.ship(order["entity_id"], None, "1Z997", reference="SO-7/3") == \
        type(rest)(None, False, {})
    assert app.count("order.ship") == 2


def test_ship_names_magentos_own_carriers_by_code_and_others_by_title(shop):
    app, client, url = shop
    first, second = place(url, ("BOLT", 1)), place(url, ("BOLT", 1))
    client.ship(first["entity_id"], None, "1Z1", carrier="UPS", reference="A")
    client.ship(second["entity_id"], None, "JJD1", carrier="Parcelforce", reference="B")
    tracks = [s["tracks"][0] for s in app.sales.shipments.values()]
    assert [(t["carrier_code"], t["title"]) for t in tracks] == [("ups", "United Parcel Service"),
                                                                 ("custom", "Parcelforce")]


def test_a_lost_answer_is_looked_up_and_never_ships_twice(shop):
    app, client, url = shop
    order = place(url, ("BOLT", 4))
    line = str(order["items"][0]["item_id"])
    app.faults.queue("order.ship", "reset_after_apply")
    shipped = client.ship(order["entity_id"], {line: 1}, "TRK", reference="SO-9/1")
    assert shipped.created and app.count("order.ship") == 1
    assert app.sales.orders[order["entity_id"]]["items"][0]["qty_shipped"] == 1


def test_a_failure_before_applying_is_sent_again_after_the_lookup(shop):
    app, client, url = shop
    order = place(url, ("BOLT", 4))
    line = str(order["items"][0]["item_id"])
    app.faults.queue("order.ship", "error")
    shipped = client.ship(order["entity_id"], {line: 1}, "TRK", reference="SO-9/2")
    assert shipped.created and app.count("order.ship") == 2
    assert app.sales.orders[order["entity_id"]]["items"][0]["qty_shipped"] == 1


def test_ship_configurable_and_bundle_lines(shop):
    app, client, url = shop
    place(url, ("SHIRT-S", 2), ({"sku": "KIT", "qty": 2, "selections": [
        {"sku": "BOLT", "qty": 3}, {"sku": "NUT", "qty": 1}]}, None))
    (read,) = read_all(client)
    client.ship(read, None, "T-1", reference="SO-3/1")
    assert (app.stock()["SHIRT-S"], app.stock()["BOLT"], app.stock()["NUT"]) == (8, 44, 38)
    (read,) = read_all(client)
    assert read.state == SHIPPED and all(line.unshipped == 0 for line in read.lines)


def test_ship_refuses_a_line_the_order_does_not_have(shop):
    _, client, url = shop
    order = place(url, ("BOLT", 1))
    with pytest.raises(InputError, match="no line 999"):
        client.ship(order["entity_id"], {"999": 1}, "T")


def test_ship_order_is_the_shared_face_and_a_repeat_sends_nothing(shop):
    from inventree_commerce_sync.core.shipments import ALREADY_SHIPPED
    from inventree_commerce_sync.core.shipments import SHIPPED as SENT

    app, client, url = shop
    order = place(url, ("BOLT", 4))
    first = client.ship_order(str(order["entity_id"]), reference="SO-5/1", tracking="T5", carrier="UPS")
    assert first.outcome == SENT and first.remote_ids and app.count("order.ship") == 1
    again = client.ship_order(str(order["entity_id"]), reference="SO-5/1", tracking="T5")
    assert again.outcome == ALREADY_SHIPPED and again.remote_ids == first.remote_ids
    assert app.count("order.ship") == 1


def test_pages_that_keep_shifting_end_the_read_with_one_warning(shop, caplog):
    app, client, url = shop
    client.page_size = 4
    for n in range(10):
        place(url, ("BOLT", 1), at=f"2026-12-01 10:00:{n:02d}")
    original = app.dispatch

    def dispatch(request):  # every first page moves an order to the end: the pages never settle
        answer = original(request)
        if request.route == "orders.list" and request.arg("searchCriteria[currentPage]") == "1":
            app.sales.touch(app.sales.orders[app.count("orders.list")], f"2026-12-01 11:00:{app.count('orders.list'):02d}")
        return answer

    app.dispatch = dispatch
    with caplog.at_level("WARNING"):
        orders = read_all(client)
    assert {int(o.id) for o in orders} == set(range(1, 11))
    assert sum("kept shifting" in r.getMessage() for r in caplog.records) == 1


def test_a_read_whose_pages_settle_warns_nothing(shop, caplog):
    app, client, url = shop
    client.page_size = 4
    for n in range(10):
        place(url, ("BOLT", 1), at=f"2026-12-01 10:00:{n:02d}")
    original = app.dispatch

    def dispatch(request):
        answer = original(request)
        if request.route == "orders.list" and app.count("orders.list") == 1:
            app.sales.touch(app.sales.orders[2], "2026-12-01 11:00:00")
        return answer

    app.dispatch = dispatch
    with caplog.at_level("WARNING"):
        read_all(client)
    assert not [r for r in caplog.records if "kept shifting" in r.getMessage()]


def test_orders_the_caller_knows_are_left_out(shop):
    app, client, url = shop
    first, second = place(url, ("BOLT", 1)), place(url, ("BOLT", 1))
    (handled,) = [o for o in read_all(client) if o.id == str(first["entity_id"])]
    known = [o.id for o in client.read_orders(EPOCH, known=lambda i, t: i == handled.id and t <= handled.modified)]
    assert known == [str(second["entity_id"])]
