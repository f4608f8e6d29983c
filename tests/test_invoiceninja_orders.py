"""Invoice Ninja invoices as orders: reading them against the sandbox (pages, equal update
times, the cursor, states, product lines), the service's stock behaviour on invoices, its
webhook subscriptions and deliveries, and shipments (nothing to do)."""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from inventree_commerce_sync.core.cursor import OrderCursor
from inventree_commerce_sync.core.orders import CANCELLED, IGNORED, OPEN
from inventree_commerce_sync.core.shipments import NOTHING_TO_DO
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget
from inventree_commerce_sync.targets.invoiceninja_orders import InvoiceNinjaOrders

T0 = int(datetime(2026, 11, 20, 9, 30, tzinfo=UTC).timestamp())
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


NinjaClient = InvoiceNinjaTarget  # the client reads orders too


@pytest.fixture
def shop(serve):
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": f"SKU-{n}", "quantity": 50} for n in range(4)]})
    app.url = serve(app).url
    return app


def client(shop) -> NinjaClient:
    return NinjaClient(InvoiceNinjaSandbox.client_settings(shop.url))


def stock(shop, key: str) -> int:
    return shop.stock()[key]


@pytest.fixture
def receiver():
    """A webhook endpoint on 127.0.0.1 that keeps what it gets; answers ``status``."""
    got: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
            self.send_response(Handler.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.got = got
    server.handler = Handler
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()


def test_equal_update_times_across_pages_and_the_cursor(shop):
    for _ in range(450):
        shop.invoices.save([{"product_key": "SKU-0", "quantity": 1}], at=T0)
    target = client(shop)
    cursor = OrderCursor("invoiceninja")
    shop.reset_counters()
    first = list(target.read_orders(cursor.since(LONG_AGO)))
    assert len({o.id for o in first}) == 450 and shop.count("invoices.list") == 3
    for order in first:
        cursor.seen(order)

    edited = first[300].id
    shop.invoices.edit(edited, [{"product_key": "SKU-0", "quantity": 3}], at=T0 + 1)
    new = shop.invoices.save([{"product_key": "SKU-1", "quantity": 1}], at=T0 + 2)
    again = [o for o in target.read_orders(cursor.since(LONG_AGO)) if cursor.is_new(o)]
    assert [o.id for o in again] == [edited, new["id"]]  # oldest update first
    assert again[0].lines[0].quantity == Decimal(3)


def test_a_thousand_invoices_in_five_list_requests(shop):
    requests.post(f"{shop.url}/__sandbox__/invoices", timeout=30, json={
        "count": 1000, "lines": [{"product_key": "SKU-2", "quantity": 1}], "at": T0}).raise_for_status()
    shop.reset_counters()
    orders = list(client(shop).read_orders(LONG_AGO))
    assert len({o.id for o in orders}) == 1000
    assert shop.count("invoices.list") == math.ceil(1000 / InvoiceNinjaOrders.page_size) == 5


def test_updated_at_is_inclusive_to_the_second(shop):
    older = shop.invoices.save([{"product_key": "SKU-0", "quantity": 1}], at=T0 - 1)
    at_since = shop.invoices.save([{"product_key": "SKU-0", "quantity": 1}], at=T0)
    since = datetime.fromtimestamp(T0, UTC) + timedelta(microseconds=400_000)
    ids = [o.id for o in client(shop).read_orders(since)]
    assert ids == [at_since["id"]] and older["id"] not in ids


def test_states_and_product_lines(shop):
    inv = shop.invoices
    lines = [{"product_key": "SKU-0", "quantity": 2}, {"product_key": "Design work", "quantity": 3, "type_id": "2"},
             {"product_key": "SKU-1", "quantity": 1.5}]
    draft = inv.save(lines, status="draft", at=T0)
    sent = inv.save(lines, at=T0, client={"name": "Ann Lee", "email": "ann@example.com", "company": "Lee Ltd"})
    partial = inv.save(lines, status="partial", at=T0)
    paid = inv.save(lines, status="paid", at=T0)
    cancelled = inv.act(inv.save(lines, at=T0)["id"], "cancel", at=T0)
    reversed_ = inv.act(inv.save(lines, at=T0)["id"], "reverse", at=T0)
    deleted = inv.act(inv.save(lines, at=T0)["id"], "delete", at=T0)
    archived = inv.act(inv.save(lines, at=T0)["id"], "archive", at=T0)
    orders = {o.id: o for o in client(shop).read_orders(LONG_AGO)}
    assert {i["id"]: (orders[i["id"]].state, orders[i["id"]].status) for i in
            (draft, sent, partial, paid, cancelled, reversed_, deleted, archived)} == {
        draft["id"]: (IGNORED, "draft"), sent["id"]: (OPEN, "sent"), partial["id"]: (OPEN, "partial"),
        paid["id"]: (OPEN, "paid"), cancelled["id"]: (CANCELLED, "cancelled"),
        reversed_["id"]: (CANCELLED, "reversed"), deleted["id"]: (CANCELLED, "deleted"),
        archived["id"]: (OPEN, "sent")}
    order = orders[sent["id"]]
    assert [(line.sku, line.quantity) for line in order.lines] == [("SKU-0", Decimal(2)), ("SKU-1", Decimal("1.5"))]
    assert (order.customer.name, order.customer.email, order.customer.company) == ("Ann Lee", "ann@example.com",
                                                                                    "Lee Ltd")
    assert order.modified == datetime.fromtimestamp(T0, UTC)


def test_stock_follows_saves_edits_and_deletions_not_cancels(shop):
    inv = shop.invoices
    draft = inv.save([{"product_key": "SKU-0", "quantity": 2}, {"product_key": "SKU-0", "quantity": 1,
                                                               "type_id": "2"}], status="draft")
    assert stock(shop, "SKU-0") == 48  # drafts too; only the product line
    inv.edit(draft["id"], [{"product_key": "SKU-0", "quantity": 5}, {"product_key": "SKU-1", "quantity": 1}])
    assert (stock(shop, "SKU-0"), stock(shop, "SKU-1")) == (45, 49)
    inv.act(draft["id"], "mark_sent")
    inv.act(draft["id"], "cancel")
    assert stock(shop, "SKU-0") == 45  # cancel leaves stock as it is
    inv.act(draft["id"], "delete")
    assert (stock(shop, "SKU-0"), stock(shop, "SKU-1")) == (50, 50)
    inv.act(draft["id"], "restore")
    assert stock(shop, "SKU-0") == 45
    reversed_ = inv.save([{"product_key": "SKU-2", "quantity": 4}])
    inv.act(reversed_["id"], "reverse")
    inv.act(reversed_["id"], "archive")
    assert stock(shop, "SKU-2") == 46


def test_stock_moves_on_the_first_live_product_with_the_key(shop):
    archived = shop.add_product("DUP", in_stock_quantity=10, status="archived")
    first = shop.add_product("dup", in_stock_quantity=10)  # the same key, as the database collates
    second = shop.add_product("DUP", in_stock_quantity=10)
    shop.invoices.save([{"product_key": "DUP", "quantity": 3}])
    assert [p["in_stock_quantity"] for p in (archived, first, second)] == [10, 7, 10]


def test_without_inventory_tracking_nothing_moves(serve):
    app = InvoiceNinjaSandbox(track_inventory=False)
    app.seed({"products": [{"sku": "SKU-0", "quantity": 50}]})
    app.invoices.save([{"product_key": "SKU-0", "quantity": 2}])
    assert app.stock()["SKU-0"] == 50


def test_register_webhook_is_idempotent_by_url_and_updates_the_secret(shop):
    target = client(shop)
    url = "http://127.0.0.1:1/hook"
    ids = target.register_webhook(url, "X-ICS-Secret", "first-secret")
    assert sorted(w["event_id"] for w in shop.invoices.webhooks.values()) == ["2", "33", "41", "8", "9"]
    shop.reset_counters()
    assert target.register_webhook(url, "X-ICS-Secret", "first-secret") == ids
    assert shop.count("webhooks.store") == 0 and shop.count("webhooks.update") == 0
    assert target.register_webhook(url, "X-ICS-Secret", "new-secret") == ids
    assert shop.count("webhooks.update") == 5 and len(shop.invoices.webhooks) == 5
    assert {w["headers"]["X-ICS-Secret"] for w in shop.invoices.webhooks.values()} == {"new-secret"}


def test_a_lost_answer_to_a_webhook_post_is_looked_up_not_sent_twice(shop):
    shop.faults.hang_seconds = 0.1
    shop.faults.queue("webhooks.store", "timeout_after_apply")
    target = NinjaClient({**InvoiceNinjaSandbox.client_settings(shop.url), "timeout": 1})
    ids = target.register_webhook("http://127.0.0.1:1/hook", "X-ICS-Secret", "s")
    assert len(ids) == len(set(ids)) == 5 and len(shop.invoices.webhooks) == 5
    assert shop.count("webhooks.store") == 5


def test_deliveries_carry_the_header_and_the_invoice(shop, receiver):
    target = client(shop)
    target.register_webhook(receiver.url, "X-ICS-Secret", "s3cret")
    invoice = shop.invoices.save([{"product_key": "SKU-3", "quantity": 2}], client={"name": "Bo", "email": "b@x"})
    shop.invoices.act(invoice["id"], "delete")
    shop.invoices.wait_for_deliveries()
    assert [d["status"] for d in shop.invoices.deliveries] == [200, 200]
    assert all(g["headers"]["X-ICS-Secret"] == "s3cret" for g in receiver.got)
    created, deleted = (target.order_from_webhook(g["body"]) for g in receiver.got)
    assert (created.id, created.state, created.lines[0].sku) == (invoice["id"], OPEN, "SKU-3")
    assert created.customer.email == "b@x"
    assert deleted.state == CANCELLED
    assert target.order_from_webhook({"id": "x", "entity_type": "client"}) is None


def test_a_gone_endpoint_loses_its_subscription_and_other_hosts_get_nothing(shop, receiver):
    target = client(shop)
    target.register_webhook(receiver.url, "X-ICS-Secret", "s", events=("2",))
    target.register_webhook("http://192.0.2.1/hook", "X-ICS-Secret", "s", events=("2",))
    receiver.handler.status = 410
    shop.invoices.save([{"product_key": "SKU-3", "quantity": 1}])
    shop.invoices.wait_for_deliveries()
    outcomes = {d["url"]: d for d in shop.invoices.deliveries}
    assert outcomes[receiver.url]["status"] == 410
    assert outcomes["http://192.0.2.1/hook"]["error"] == "the sandbox delivers to 127.0.0.1 only"
    assert [w["target_url"] for w in shop.invoices.webhooks.values()] == ["http://192.0.2.1/hook"]


def test_shipping_needs_nothing(shop):
    outcome = client(shop).ship_order("abc", reference="SO-1/1", tracking="T")
    assert outcome.outcome == NOTHING_TO_DO and "no shipments" in outcome.message
    assert shop.writes == 0
