"""WooCommerce webhooks: registration through the REST API, and the sandbox's signed
deliveries checked with core.webhooks as the InvenTree endpoint checks them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inventree_commerce_sync.core.errors import AuthenticationError
from inventree_commerce_sync.core.webhooks import MemoryDeliveryStore, is_ping, verify_woocommerce
from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.faults import TIMEOUT_AFTER_APPLY
from inventree_commerce_sync.sandbox.woocommerce import WooCommerceSandbox
from tests.test_woocommerce_orders import LONG_AGO, Client, place


@pytest.fixture
def shop(serve):
    app = WooCommerceSandbox()
    app.seed(catalogue.load())
    server = serve(app)
    return app, Client(WooCommerceSandbox.client_settings(server.url))


class Receiver:
    """A delivery URL on 127.0.0.1 that keeps what it receives and answers ``status``."""

    def __init__(self):
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def deliveries(self):
        return [(h, b) for h, b in self.received if not is_ping(b)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def test_registered_webhooks_deliver_signed_orders_that_read_like_polled_ones(shop, receiver):
    app, client = shop
    done = client.register_webhook(receiver.url, "s3cret")
    assert [d["action"] for d in done] == ["created", "created"]
    assert client.register_webhook(receiver.url, "s3cret") == [{**d, "action": "updated"} for d in done]
    assert len(app.orders.hub.webhooks) == 2  # no duplicates
    place(app, ("EL-008", 1), billing={"first_name": "Grace", "email": "grace@example.com"})
    assert app.orders.hub.drain(10)
    pings = [b for _, b in receiver.received if is_ping(b)]
    assert sorted(pings) == [f"webhook_id={d['id']}".encode() for d in done]
    store = MemoryDeliveryStore()
    verdicts = [verify_woocommerce(h, b, "s3cret", store) for h, b in receiver.deliveries()]
    assert sorted(v.topic for v in verdicts) == ["order.created", "order.updated"]
    assert all(v.accepted for v in verdicts)
    headers = receiver.deliveries()[0][0]
    assert headers["X-WC-Webhook-Resource"] == "order" and headers["X-WC-Webhook-Source"].startswith("http://")
    assert headers["X-WC-Webhook-ID"] in {str(d["id"]) for d in done}
    [polled] = client.read_orders(LONG_AGO)
    for verdict in verdicts:
        assert client.order_from_webhook(verdict.payload).to_record() == polled.to_record()
    first_headers, first_body = receiver.deliveries()[0]
    assert verify_woocommerce(first_headers, first_body, "not-the-secret").status == 401
    assert verify_woocommerce({**first_headers, "X-WC-Webhook-Signature": ""}, first_body, "s3cret").status == 401


def test_deliveries_of_one_webhook_within_a_second_share_their_delivery_id_as_on_a_real_shop(shop, receiver):
    """WC_Webhook::get_new_delivery_id() is wp_hash(webhook id . time()): a receiver that
    refuses a repeated delivery id as a replay also refuses a second order sent that second."""
    app, client = shop
    client.register_webhook(receiver.url, "s3cret", topics=("order.created",))
    app.orders.hub.seconds = lambda: 1_764_590_000
    place(app, ("EL-001", 1))
    place(app, ("EL-002", 1))
    app.orders.hub.seconds = lambda: 1_764_590_001
    place(app, ("EL-003", 1))
    app.orders.hub.drain(10)
    ids = [h["X-WC-Webhook-Delivery-ID"] for h, _ in receiver.deliveries()]
    assert len({b for _, b in receiver.deliveries()}) == 3 and all(len(i) == 32 for i in ids)
    assert ids[0] == ids[1] != ids[2]


def test_a_body_is_signed_as_sent_with_php_s_json_encoding(shop, receiver):
    app, client = shop
    client.register_webhook(receiver.url, "s3cret", topics=("order.created",))
    place(app, ("BOLT/M3/10", 1), billing={"first_name": "Zoë"})
    app.orders.hub.drain(10)
    [(headers, body)] = receiver.deliveries()
    assert b"BOLT\\/M3\\/10" in body and b"Zo\\u00eb" in body and b", " not in body
    assert verify_woocommerce(headers, body, "s3cret").accepted
    assert client.order_from_webhook(json.loads(body)).lines[0].sku == "BOLT/M3/10"


def test_a_webhook_is_disabled_after_more_than_five_failed_deliveries_and_registering_revives_it(shop, receiver):
    app, client = shop
    receiver.status = 500
    [hook] = client.register_webhook(receiver.url, "s3cret", topics=("order.updated",))
    record = place(app, ("EL-009", 1), status="pending")
    for n in range(7):
        app.orders.set_status(record, "on-hold" if n % 2 else "processing")
        app.orders.hub.drain(10)
        assert app.orders.hub.webhooks[hook["id"]]["status"] == ("active" if n < 6 else "disabled"), n
    assert client.register_webhook(receiver.url, "s3cret", topics=("order.updated",))[0]["action"] == "reactivated"
    assert app.orders.hub.webhooks[hook["id"]]["status"] == "active"


def test_a_webhook_whose_creation_answer_was_lost_exists_once(shop):
    app, client = shop
    app.faults.hang_seconds = 0.2
    app.faults.queue("webhooks.create", TIMEOUT_AFTER_APPLY)
    done = client.register_webhook("http://127.0.0.1:9/hook", "s3cret")
    assert sorted(w["topic"] for w in app.orders.hub.webhooks.values()) == ["order.created", "order.updated"]
    assert {d["id"] for d in done} == set(app.orders.hub.webhooks)


def test_payloads_that_are_not_orders_are_left_to_the_poll(shop):
    _, client = shop
    assert client.order_from_webhook({"webhook_id": "5"}) is None
    assert client.order_from_webhook({"id": 12}) is None  # order.deleted carries only the id
    assert client.order_from_webhook({"id": 1, "status": "processing", "line_items": [],
                                      "date_modified_gmt": "not a time"}) is None


def test_a_key_that_may_not_create_webhooks_gets_the_steps_to_do_it_by_hand(shop):
    app, client = shop
    app.add_key("ck_read_only_0000000000000000000000000000", "cs_read_only_00000000000000000000000000000", "read")
    reader = Client({**client.config, "consumer_key": "ck_read_only_0000000000000000000000000000",
                     "consumer_secret": "cs_read_only_00000000000000000000000000000"})
    with pytest.raises(AuthenticationError) as refused:
        reader.register_webhook("http://127.0.0.1:9/hook", "s3cret")
    assert "Settings > Advanced > Webhooks" in str(refused.value) and "s3cret" not in str(refused.value)
    assert app.orders.hub.webhooks == {}


def test_trashing_announces_the_id_alone_on_order_deleted_and_a_restore_is_an_order_update(shop, receiver):
    app, client = shop
    client.register_webhook(receiver.url, "s3cret")
    client._json(client._send("POST", "webhooks", json={"topic": "order.deleted", "delivery_url": receiver.url,
                                                         "secret": "s3cret", "status": "active"}))
    record = place(app, ("EL-008", 1))
    assert app.orders.hub.drain(10)
    receiver.received.clear()
    client._send("DELETE", f"orders/{record['id']}")
    assert app.orders.hub.drain(10)
    [(headers, body)] = receiver.deliveries()
    assert headers["X-WC-Webhook-Topic"] == "order.deleted" and json.loads(body) == {"id": record["id"]}
    assert client.order_from_webhook(json.loads(body)) is None  # the importer's audit reads the trash
    receiver.received.clear()
    app.orders.set_status(record, "processing")
    assert app.orders.hub.drain(10)
    [(headers, body)] = receiver.deliveries()  # order.restored has no webhook here; order.updated has
    assert headers["X-WC-Webhook-Topic"] == "order.updated"
    assert client.order_from_webhook(json.loads(body)).status == "processing"
