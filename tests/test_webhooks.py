"""Webhook deliveries: WooCommerce signatures (good, bad, missing, replayed), the ping,
Invoice Ninja's secret header."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from inventree_commerce_sync.core.webhooks import MemoryDeliveryStore, verify_secret_header, verify_woocommerce, woocommerce_signature

SECRET = "wh-secret-1"
BODY = json.dumps({"id": 41, "status": "processing", "line_items": []}).encode()


def delivery(body: bytes = BODY, secret: str = SECRET, delivery_id: str = "9001", **extra) -> dict[str, str]:
    headers = {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Delivery-ID": delivery_id,
               "X-WC-Webhook-Signature": base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
               .decode()}
    headers.update(extra)
    return headers


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    # Independent reference value (printf hello | openssl dgst -sha256 -hmac key -binary | base64).
    assert woocommerce_signature(b"hello", "key") == "kwezuRXvtRcf8U2MtV+8x5jGwO8UVtZt7RpqpyOli3s="


def test_a_good_delivery_is_accepted_with_its_payload():
    verdict = verify_woocommerce(delivery(), BODY, SECRET, MemoryDeliveryStore())
    assert verdict.accepted and verdict.status == 200
    assert (verdict.payload["id"], verdict.topic, verdict.delivery_id) == (41, "order.created", "9001")


def test_header_names_are_case_insensitive():
    headers = {k.lower(): v for k, v in delivery().items()}
    assert verify_woocommerce(headers, BODY, SECRET).accepted


@pytest.mark.parametrize("headers, body, secret, reason", [
    (delivery(secret="other"), BODY, SECRET, "does not match"),
    (delivery(), BODY + b" ", SECRET, "does not match"),                       # body changed on the way
    ({"X-WC-Webhook-Delivery-ID": "1"}, BODY, SECRET, "missing X-WC-Webhook-Signature"),
    (delivery(), BODY, "", "no webhook secret"),                                 # never accept unverified
    ({**delivery(), "X-WC-Webhook-Signature": "not base64 ✓"}, BODY, SECRET, "does not match"),
])
def test_bad_or_missing_signatures_are_refused(headers, body, secret, reason):
    verdict = verify_woocommerce(headers, body, secret, MemoryDeliveryStore())
    assert verdict.status == 401 and not verdict.accepted and verdict.payload is None
    assert reason in verdict.reason


def test_a_replayed_delivery_is_refused_and_a_new_one_accepted():
    store = MemoryDeliveryStore()
    assert verify_woocommerce(delivery(), BODY, SECRET, store).accepted
    replay = verify_woocommerce(delivery(), BODY, SECRET, store)
    assert replay.status == 401 and "replay" in replay.reason
    assert verify_woocommerce(delivery(delivery_id="9002"), BODY, SECRET, store).accepted
    no_id = delivery()
    del no_id["X-WC-Webhook-Delivery-ID"]
    assert verify_woocommerce(no_id, BODY, SECRET, store).status == 401


def test_two_orders_sharing_a_delivery_id_are_both_accepted_and_a_true_replay_is_not():
    """WooCommerce's delivery id is wp_hash(webhook_id . time()): one webhook announcing two
    orders within one second sends the same id twice, with different bodies."""
    store = MemoryDeliveryStore()
    other = json.dumps({"id": 42, "status": "processing", "line_items": []}).encode()
    first = verify_woocommerce(delivery(BODY, delivery_id="same-second"), BODY, SECRET, store)
    second = verify_woocommerce(delivery(other, delivery_id="same-second"), other, SECRET, store)
    assert first.accepted and second.accepted
    assert (first.payload["id"], second.payload["id"]) == (41, 42)
    replay = verify_woocommerce(delivery(other, delivery_id="same-second"), other, SECRET, store)
    assert replay.status == 401 and "replay" in replay.reason and replay.payload is None


def test_a_refused_signature_does_not_use_up_the_delivery_id():
    store = MemoryDeliveryStore()
    assert verify_woocommerce(delivery(secret="forged"), BODY, SECRET, store).status == 401
    assert verify_woocommerce(delivery(), BODY, SECRET, store).accepted


def test_the_store_is_bounded():
    store = MemoryDeliveryStore(capacity=3)
    assert all(store.add(str(i)) for i in range(5))
    assert not store.add("4") and store.add("0"), "the oldest ids are forgotten first"


def test_the_ping_is_acknowledged_without_a_signature():
    verdict = verify_woocommerce({}, b"webhook_id=17", SECRET, MemoryDeliveryStore())
    assert (verdict.status, verdict.ping, verdict.accepted, verdict.payload) == (200, True, False, None)
    assert verify_woocommerce({}, b"webhook_id=17&id=41", SECRET).status == 401, "only the exact ping form"


def test_a_signed_body_that_is_not_a_json_object_is_a_bad_request():
    assert verify_woocommerce(delivery(b"[1]"), b"[1]", SECRET).status == 400
    assert verify_woocommerce(delivery(b"\xff"), b"\xff", SECRET).status == 400


def test_invoice_ninja_secret_header():
    body = json.dumps({"id": "VolejRejNm", "number": "0007"}).encode()
    assert verify_secret_header({"X-Commerce-Sync-Secret": "in-secret"}, body, "in-secret").payload["number"] == "0007"
    for headers, secret in (({"X-Commerce-Sync-Secret": "guess"}, "in-secret"), ({}, "in-secret"),
                            ({"X-Commerce-Sync-Secret": ""}, ""), ({"X-Commerce-Sync-Secret": "x"}, "")):
        assert verify_secret_header(headers, body, secret).status == 401
