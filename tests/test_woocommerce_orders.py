"""WooCommerce orders: the client's order reading, webhooks and shipments against the sandbox,
and the sandbox's own stock behaviour on orders."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import trustme

from inventree_commerce_sync.core import orders as O
from inventree_commerce_sync.core.cursor import OrderCursor
from inventree_commerce_sync.core.errors import TargetError
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.faults import TIMEOUT_AFTER_APPLY
from inventree_commerce_sync.sandbox.woocommerce import WooCommerceSandbox
from inventree_commerce_sync.targets.woocommerce import WooCommerceTarget
from inventree_commerce_sync.targets.woocommerce_orders import shipped_note

T0 = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
Client = WooCommerceTarget  # the stock client reads orders too


@pytest.fixture
def shop(serve):
    app = WooCommerceSandbox()
    app.seed(catalogue.load())
    server = serve(app)
    return app, Client(WooCommerceSandbox.client_settings(server.url))


def place(app, *lines, status="processing", at=None, **more):
    spec = {"lines": [{"sku": sku, "quantity": qty} for sku, qty in lines], "status": status, **more}
    if at is not None:
        spec["time"] = at.isoformat()
    return app.orders.place(spec)


def list_requests(app) -> int:
    return app.count("orders.list")


# -- reading -------------------------------------------------------------------------------


def test_a_thousand_orders_are_read_in_ten_list_requests_oldest_modification_first(shop):
    app, client = shop
    for n in range(1000):
        place(app, ("EL-001", 1), at=T0 + timedelta(seconds=997 - n if n < 3 else n))  # not in id order
    app.reset_counters()
    read = list(client.read_orders(LONG_AGO))
    assert len({o.id for o in read}) == 1000 and len(read) == 1000
    assert [o.modified for o in read] == sorted(o.modified for o in read)
    assert list_requests(app) == 10 and app.reads == 10


def test_equal_modification_times_across_a_page_boundary_lose_nothing_with_the_cursor(shop):
    app, client = shop
    client.page_size = 10
    app.orders.frozen = T0
    first = [place(app, ("EL-002", 1))["id"] for _ in range(25)]  # 25 orders in one second: 3 pages
    cursor = OrderCursor("woocommerce")
    seen = []
    for order in client.read_orders(cursor.since(LONG_AGO)):
        if cursor.is_new(order):
            seen.append(order.id)
        cursor.seen(order)
    assert sorted(seen) == sorted(str(i) for i in first)
    later = [place(app, ("EL-002", 1))["id"] for _ in range(7)]  # the same second, after the read
    again = []
    for order in client.read_orders(cursor.since(LONG_AGO)):
        if cursor.is_new(order):
            again.append(order.id)
        cursor.seen(order)
    assert sorted(again) == sorted(str(i) for i in later)


def test_orders_at_exactly_since_are_read_although_modified_after_is_strict(shop):
    app, client = shop
    at_since = place(app, ("EL-001", 1), at=T0)["id"]
    place(app, ("EL-001", 1), at=T0 - timedelta(seconds=1))
    assert [o.id for o in client.read_orders(T0)] == [str(at_since)]


def test_an_order_changed_while_the_pages_are_read_does_not_push_another_out_of_sight(shop):
    app, client = shop
    client.page_size = 10
    ids = [place(app, ("EL-001", 1), at=T0 + timedelta(seconds=n))["id"] for n in range(30)]
    app.orders.frozen = T0 + timedelta(hours=1)
    read = []
    for order in client.read_orders(LONG_AGO):
        read.append(order)
        if len(read) == 10:  # the admin changes the third order while page 2 is not read yet
            app.orders.set_status(app.orders.orders[ids[2]], "on-hold")
    assert {o.id for o in read} == {str(i) for i in ids}
    assert [o.status for o in read if o.id == str(ids[2])] == ["processing", "on-hold"]


def test_lines_go_by_their_own_sku_a_variation_s_not_its_parent_s(shop):
    app, client = shop
    placed = place(app, ("TSHIRT-M", 2), ("EL-003", 1), billing={"first_name": "Ada", "last_name": "Lovelace",
                                                                  "email": "ada@example.com", "company": "AE Ltd"})
    order = next(iter(client.read_orders(LONG_AGO)))
    assert [(ln.sku, ln.quantity, ln.kind) for ln in order.lines] == [
        ("TSHIRT-M", Decimal(2), "variation"), ("EL-003", Decimal(1), "product")]
    assert order.number == str(placed["id"]) and order.customer.to_json() == {
        "name": "Ada Lovelace", "email": "ada@example.com", "company": "AE Ltd"}


def test_a_variation_without_a_sku_shows_its_parent_s_and_a_deleted_product_none(shop):
    app, client = shop
    variation = next(p for p in app.products.values() if p["sku"] == "TSHIRT-S")
    variation["sku"] = ""
    place(app, ("TSHIRT-M", 1), status="processing")["lines"][0]["variation_id"] = variation["id"]
    place(app, ("EL-004", 1))["lines"][0]["product_id"] = 999_999
    first, second = client.read_orders(LONG_AGO)
    assert first.lines[0].sku == "TSHIRT"  # WooCommerce's own fallback: the importer sees the parent SKU
    assert second.lines[0].sku == ""
    assert [p.problem for p in O.line_problems(second.lines, lambda sku: None)] == ["no SKU"]


@pytest.mark.parametrize("status, state", [
    ("processing", O.OPEN), ("on-hold", O.OPEN), ("completed", O.SHIPPED), ("cancelled", O.CANCELLED),
    ("refunded", O.CANCELLED), ("pending", O.IGNORED), ("failed", O.IGNORED), ("checkout-draft", O.IGNORED)])
def test_each_status_has_its_state(shop, status, state):
    app, client = shop
    place(app, ("EL-001", 1), status=status)
    [order] = client.read_orders(LONG_AGO)
    assert (order.status, order.state) == (status, state)


def test_times_come_from_the_gmt_fields_whatever_the_site_s_time_zone(shop):
    app, client = shop
    app.orders.site_timezone = "Asia/Kolkata"  # +05:30
    before = place(app, ("EL-001", 1), at=T0 - timedelta(minutes=1))["id"]
    after = place(app, ("EL-001", 1), at=T0 + timedelta(minutes=1))["id"]
    raw = app.orders.order_json(app.orders.orders[after], "x")
    assert raw["date_modified"] == "2026-11-30T17:31:00" and raw["date_modified_gmt"] == "2026-11-30T12:01:00"
    read = list(client.read_orders(T0.astimezone(timezone(timedelta(hours=-8)))))
    assert [o.id for o in read] == [str(after)] and read[0].modified == T0 + timedelta(minutes=1)
    assert str(before) not in {o.id for o in read}


# -- the shop's own stock behaviour ----------------------------------------------------------


def stock(app, sku):
    return app.stock()[sku]


def test_stock_is_taken_once_when_an_order_holds_it_and_put_back_on_cancel_or_pending(shop):
    app, _ = shop
    start = stock(app, "EL-005")
    record = place(app, ("EL-005", 2), status="pending")
    assert stock(app, "EL-005") == start  # pending holds no stock
    for status, expected in [("processing", start - 2), ("on-hold", start - 2), ("completed", start - 2),
                             ("cancelled", start), ("cancelled", start), ("processing", start - 2),
                             ("pending", start), ("failed", start), ("on-hold", start - 2),
                             ("refunded", start - 2)]:
        app.orders.set_status(record, status)
        assert stock(app, "EL-005") == expected, status


def test_a_variation_whose_parent_manages_stock_lowers_the_parent_and_unmanaged_products_stay(shop):
    app, _ = shop
    app.seed({"products": [{"sku": "CAP", "type": "variable", "manage_stock": True, "quantity": 10},
                           {"sku": "CAP-RED", "type": "variation", "parent": "CAP", "manage_stock": False},
                           {"sku": "FREE", "manage_stock": False}]})
    place(app, ("CAP-RED", 3), ("FREE", 1))
    assert app.stock() == {"CAP": Decimal(7)}


def test_an_admin_changing_a_line_moves_the_stock_by_the_difference(shop):
    app, client = shop
    start = stock(app, "EL-006")
    record = place(app, ("EL-006", 2))
    line = record["lines"][0]["id"]
    app.orders.set_quantities(record, {line: 5})
    assert stock(app, "EL-006") == start - 5
    app.orders.set_quantities(record, {line: 0})
    assert stock(app, "EL-006") == start
    [order] = client.read_orders(LONG_AGO)
    assert order.lines == ()


def test_control_calls_place_and_change_orders_over_http(shop, serve):
    app, client = shop
    import requests
    url = client.config["url"]
    start = stock(app, "EL-007")
    placed = requests.post(f"{url}/__sandbox__/orders", json={"lines": [{"sku": "EL-007", "quantity": 3}]}).json()
    assert placed["status"] == "processing" and stock(app, "EL-007") == start - 3
    changed = requests.post(f"{url}/__sandbox__/orders/{placed['id']}/status", json={"status": "cancelled"})
    assert changed.json()["status"] == "cancelled" and stock(app, "EL-007") == start
    refused = requests.post(f"{url}/__sandbox__/orders", json={"lines": [{"sku": "NO-SUCH", "quantity": 1}]})
    assert refused.status_code == 400 and "NO-SUCH" in refused.json()["message"]
    assert requests.post(f"{url}/__sandbox__/site", json={"timezone": "Nowhere/Else"}).status_code == 400
    assert requests.post(f"{url}/__sandbox__/site", json={"timezone": "America/New_York"}).ok
    assert requests.post(f"{url}/__sandbox__/clock", json={"time": "2026-11-30T12:00:00Z"}).ok
    several = requests.post(f"{url}/__sandbox__/orders", json={"orders": [
        {"lines": [{"sku": "EL-007", "quantity": 1}]}, {"lines": [{"sku": "EL-007", "quantity": 2}], "status": "on-hold"}]})
    assert [o["date_modified"] for o in several.json()] == ["2026-11-30T07:00:00"] * 2
    line = several.json()[1]["line_items"][0]["id"]
    edited = requests.post(f"{url}/__sandbox__/orders/{several.json()[1]['id']}/lines",
                           json={"lines": [{"id": line, "quantity": 4}]})
    assert edited.json()["line_items"][0]["quantity"] == 4 and stock(app, "EL-007") == start - 5
    assert len(requests.get(f"{url}/__sandbox__/orders").json()) == 3
    assert requests.get(f"{url}/__sandbox__/webhook-deliveries", params={"wait": 1}).json()["drained"] is True


def test_a_page_size_above_what_woocommerce_lists_is_read_in_pages_of_100(shop):
    app, client = shop
    client.page_size = 500
    for n in range(150):
        place(app, ("EL-001", 1), at=T0 + timedelta(seconds=n))
    assert len(list(client.read_orders(LONG_AGO))) == 150 and list_requests(app) == 2


# -- shipments back to the shop ---------------------------------------------------------------


def shipped_notes(app, order_id, text):
    return [n for n in app.orders.orders[order_id]["notes"] if n["note"] == text]


def test_mark_shipped_completes_the_order_with_one_tracking_note_and_a_repeat_changes_nothing(shop):
    app, client = shop
    start = stock(app, "EL-010")
    order_id = place(app, ("EL-010", 2))["id"]
    assert client.mark_shipped(order_id, tracking="1Z 999", carrier="UPS") == {
        "order_id": str(order_id), "completed": True, "note_added": True}
    assert app.orders.orders[order_id]["status"] == "completed" and stock(app, "EL-010") == start - 2
    text = shipped_note("1Z 999", "UPS")
    assert "1Z 999" in text and len(shipped_notes(app, order_id, text)) == 1
    writes = app.writes
    assert client.mark_shipped(order_id, tracking="1Z 999", carrier="UPS")["note_added"] is False
    assert app.writes == writes and len(shipped_notes(app, order_id, text)) == 1
    [order] = client.read_orders(LONG_AGO)
    assert order.state == O.SHIPPED


def test_a_partial_shipment_adds_its_note_and_a_second_one_its_own(shop):
    app, client = shop
    order_id = place(app, ("EL-013", 3))["id"]
    assert client.mark_shipped(order_id, tracking="FIRST", complete=False)["completed"] is False
    assert app.orders.orders[order_id]["status"] == "processing"
    assert client.mark_shipped(order_id, tracking="SECOND")["completed"] is True
    texts = [n["note"] for n in app.orders.orders[order_id]["notes"]]
    assert shipped_note("FIRST") in texts and shipped_note("SECOND") in texts


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, str(bundle)


@pytest.mark.parametrize("transport", ["http-oauth", "https-basic"])
def test_a_note_whose_answer_was_lost_is_not_added_twice(shop, serve, tls, transport):
    app, client = shop
    if transport == "https-basic":  # urllib3 retries the POST itself; over http the client re-signs and resends
        context, bundle = tls
        server = serve(app, ssl_context=context)
        client = Client({**WooCommerceSandbox.client_settings(server.url), "verify": bundle})
    app.faults.hang_seconds = 0.2
    order_id = place(app, ("EL-011", 1))["id"]
    app.faults.queue("notes.create", TIMEOUT_AFTER_APPLY)
    assert client.mark_shipped(order_id, tracking="TRACK-1")["note_added"] is True
    assert len(shipped_notes(app, order_id, shipped_note("TRACK-1"))) == 1


def test_a_cancelled_order_is_not_marked_shipped(shop):
    app, client = shop
    order_id = place(app, ("EL-012", 1), status="cancelled")["id"]
    writes = app.writes
    with pytest.raises(TargetError, match="cancelled"):
        client.mark_shipped(order_id, tracking="X")
    assert app.writes == writes and app.orders.orders[order_id]["status"] == "cancelled"


def test_ship_order_is_the_shared_face_and_a_repeat_changes_nothing(shop):
    from inventree_commerce_sync.core.shipments import ALREADY_SHIPPED
    from inventree_commerce_sync.core.shipments import SHIPPED as SENT

    app, client = shop
    order_id = place(app, ("EL-011", 1))["id"]
    assert client.ship_order(str(order_id), reference="SO-1/1", tracking="TR-9").outcome == SENT
    assert app.orders.orders[order_id]["status"] == "completed"
    again = client.ship_order(str(order_id), reference="SO-1/1", tracking="TR-9")
    assert again.outcome == ALREADY_SHIPPED
    assert len(shipped_notes(app, order_id, shipped_note("TR-9"))) == 1


# -- the trash -------------------------------------------------------------------------------


def test_a_trashed_order_keeps_its_stock_taken_leaves_the_list_and_only_read_removed_finds_it(shop):
    app, client = shop
    start = stock(app, "EL-005")
    kept = place(app, ("EL-005", 1), at=T0)["id"]
    trashed = place(app, ("EL-005", 2), at=T0)["id"]
    app.orders.frozen = T0 + timedelta(minutes=5)
    answer = client._json(client._send("DELETE", f"orders/{trashed}"))  # the admin's "Move to Trash"
    assert answer["status"] == "processing"  # WooCommerce answers the order as it was
    assert stock(app, "EL-005") == start - 3, "trashing puts no stock back"
    assert [o.id for o in client.read_orders(LONG_AGO)] == [str(kept)]  # status=any leaves the trash out
    [removed] = client.read_removed(LONG_AGO)
    assert (removed.id, removed.status, removed.state) == (str(trashed), "trash", O.REMOVED)
    assert removed.modified == T0 + timedelta(minutes=5) and [ln.sku for ln in removed.lines] == ["EL-005"]
    assert list(client.read_removed(T0 + timedelta(minutes=6))) == []
    with pytest.raises(TargetError, match="already been deleted"):
        client._json(client._send("DELETE", f"orders/{trashed}"))

    app.orders.set_status(app.orders.orders[trashed], "processing")  # restored from the trash
    assert stock(app, "EL-005") == start - 3, "restoring takes no stock twice"
    assert {o.id: o.state for o in client.read_orders(LONG_AGO)} == {str(kept): O.OPEN, str(trashed): O.OPEN}
    assert list(client.read_removed(LONG_AGO)) == []


def test_an_order_deleted_for_good_is_gone_and_its_stock_stays_taken(shop):
    app, client = shop
    start = stock(app, "EL-006")
    gone = place(app, ("EL-006", 2))["id"]
    client._json(client._send("DELETE", f"orders/{gone}", params={"force": "true"}))
    assert stock(app, "EL-006") == start - 2
    assert list(client.read_orders(LONG_AGO)) == [] and list(client.read_removed(LONG_AGO)) == []
