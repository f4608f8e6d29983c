"""The normalised order model: times, quantities, line checks, the JSON form, the face;
and the order import's settings (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.core.orders import (
    CANCELLED,
    OPEN,
    Customer,
    ListOrderSource,
    Order,
    OrderLine,
    OrderSource,
    line_problems,
    parse_quantity,
    parse_time,
)
from inventree_commerce_sync.core.redact import redact
from inventree_commerce_sync.inventree import config as C
from inventree_commerce_sync.inventree.order_settings import OrderSettings

UTC = UTC


def order(id="1", modified=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), **kwargs) -> Order:
    values = dict(target="woocommerce", id=id, number=f"#{id}", state=OPEN, status="processing",
                  created=modified, modified=modified,
                  customer=Customer(name="Ada Buyer", email="ada@example.com", company="Ada Ltd", city="Bonn"),
                  lines=(OrderLine.of(10, "SKU-A", "2"), OrderLine.of(11, "SKU-B", "1.5")))
    values.update(kwargs)
    return Order(**values)


@pytest.mark.parametrize("text, zone, expected", [
    ("2026-03-01T10:00:00+05:30", None, datetime(2026, 3, 1, 4, 30, tzinfo=UTC)),
    ("2026-03-01T10:00:00+0530", None, datetime(2026, 3, 1, 4, 30, tzinfo=UTC)),   # Zoho writes no colon
    ("2026-03-01T10:00:00Z", None, datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
    ("2026-03-01 10:00:00", "UTC", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),          # Magento's updated_at
    ("2026-03-01T10:00:00", "Europe/Berlin", datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),  # a site's zone, winter
    ("2026-07-01T10:00:00", "Europe/Berlin", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # ... and summer
    ("2026-03-01T10:00:00", "-08:00", datetime(2026, 3, 1, 18, 0, tzinfo=UTC)),
    ("2026-03-01T10:00:00+01:00", "Asia/Tokyo", datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),  # a stated offset wins
    (1767225600, None, datetime(2026, 1, 1, tzinfo=UTC)),                                 # Invoice Ninja epoch
    ("1767225600", None, datetime(2026, 1, 1, tzinfo=UTC)),
])
def test_times_are_read_as_utc(text, zone, expected):
    moment = parse_time(text, zone)
    assert moment == expected and moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text, zone, message", [
    ("2026-03-01T10:00:00", None, "no offset"),
    ("yesterday", None, "not an ISO-8601 time"),
    ("", None, "empty"),
    ("2026-03-01T10:00:00", "Mars/Olympus", "unknown time zone"),
])
def test_unreadable_times_are_refused_with_the_reason(text, zone, message):
    with pytest.raises(ValueError, match=message):
        parse_time(text, zone)


def test_quantities_are_decimals_or_none():
    assert parse_quantity("1.50") == Decimal("1.5")
    assert parse_quantity(3) == Decimal(3)
    for bad in ("two", None, "", "NaN", "inf", True):
        assert parse_quantity(bad) is None, bad


def test_line_problems_name_each_bad_line_and_leave_good_ones():
    lines = [OrderLine.of(1, "GOOD", "2"), OrderLine.of(2, "GHOST", "1"), OrderLine.of(3, "GOOD", "0"),
             OrderLine.of(4, "GOOD", "-1"), OrderLine.of(5, "GOOD", "lots"), OrderLine.of(6, "", "1"),
             OrderLine.of(7, "TOY", "1")]
    reasons = {"GHOST": "no part has this SKU", "TOY": "part 7 is not salable"}
    problems = line_problems(lines, reasons.get)
    assert [(p.line_id, p.problem) for p in problems] == [
        ("2", "no part has this SKU"),
        ("3", "quantity 0 is not a positive number"),
        ("4", "quantity -1 is not a positive number"),
        ("5", "quantity 'lots' is not a number"),
        ("6", "no SKU"),
        ("7", "part 7 is not salable"),
    ]
    assert problems[0].text() == "line 2 (SKU 'GHOST'): no part has this SKU"


def test_json_form_is_the_command_line_form():
    data = order(created=datetime(2026, 1, 2, 8, 4, 5, tzinfo=timezone(timedelta(hours=5)))).to_json()
    assert data == {
        "id": "1", "number": "#1", "state": "open", "status": "processing",
        "created": "2026-01-02T03:04:05Z", "modified": "2026-01-02T03:04:05Z",
        "customer": {"name": "Ada Buyer", "email": "ada@example.com", "company": "Ada Ltd"},
        "lines": [{"sku": "SKU-A", "quantity": "2", "line_id": "10"},
                  {"sku": "SKU-B", "quantity": "1.5", "line_id": "11"}],
    }
    json.dumps(data)  # serialisable as it is


def test_record_round_trip_keeps_everything():
    original = order(lines=(OrderLine.of(1, "A", "3", unshipped=Decimal(1), kind="variation", name="A red"),
                            OrderLine.of(2, "B", "x")))
    copy = Order.from_record(json.loads(json.dumps(original.to_record())))
    assert copy == original


def test_order_refuses_naive_times_and_unknown_states():
    with pytest.raises(ValueError, match="aware"):
        order(modified=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="state must be one of"):
        order(state="processing")


def test_list_source_pages_in_modification_order_and_counts_requests():
    base = datetime(2026, 1, 1, tzinfo=UTC)
    orders = [order(str(i), base + timedelta(seconds=(7 * i) % 5)) for i in range(12)]
    source = ListOrderSource(orders, page_size=5)
    assert isinstance(source, OrderSource)
    read = list(source.read_orders(base + timedelta(seconds=1)))
    assert [o.modified for o in read] == sorted(o.modified for o in read)
    assert {o.id for o in read} == {o.id for o in orders if o.modified >= base + timedelta(seconds=1)}
    assert source.pages == -(-len(read) // 5)
    source.put(order("3", base, state=CANCELLED, status="cancelled"))
    assert [o.state for o in source.orders if o.id == "3"] == [CANCELLED]
    assert source.order_from_webhook({"id": 3}).state == CANCELLED


# -- the order import's settings (pure) ------------------------------------------------------------

def definitions(title: str) -> dict:
    return C.setting_definitions(OrderSettings, title)


def test_a_new_install_imports_no_orders_and_would_start_in_dry_run():
    settings = OrderSettings.from_values({key: spec.get("default") for key, spec in definitions("Shop").items()})
    assert (settings.enabled, settings.dry_run, settings.customer, settings.allocate) == (False, True, "channel", False)
    assert (settings.poll_minutes, settings.audit_days) == (2, 7)
    assert definitions("Shop")["ORDER_WEBHOOK_SECRET"]["protected"] is True
    assert "placed on Shop " in definitions("Shop")["ORDER_IMPORT"]["description"]


@pytest.mark.parametrize("cls", [C.SyncSettings, OrderSettings])
def test_each_setting_is_declared_once_and_its_stored_default_reads_as_its_typed_default(cls):
    entries = C.setting_definitions(cls, "Shop")
    assert list(entries) == list(C.setting_keys(cls))
    assert cls.from_values({key: entry.get("default") for key, entry in entries.items()}) == cls()
    for key, entry in entries.items():
        assert C.setting_label(cls, key) == entry["name"] and entry["description"]


def test_sync_and_order_settings_share_no_key():
    assert not set(C.setting_keys(C.SyncSettings)) & set(C.setting_keys(OrderSettings))


def test_order_settings_are_typed():
    settings = OrderSettings.from_values({
        "ORDER_IMPORT": "true", "ORDER_DRY_RUN": False, "ORDER_CUSTOMER": "email",
        "ORDER_CHANNEL_CUSTOMER": "  Web shop  ", "ORDER_ALLOCATE": "1", "ORDER_POLL_MINUTES": "5",
        "ORDER_AUDIT_DAYS": 30, "ORDER_WEBHOOK_SECRET": " s3cret-typed-1 "})
    assert settings == OrderSettings(True, False, "email", "Web shop", True, 5, 30, "s3cret-typed-1")


def test_the_webhook_secret_may_come_from_the_environment_and_is_masked():
    environ = {"INVENTREE_COMMERCE_SYNC_WOOCOMMERCE_ORDER_WEBHOOK_SECRET": "env-webhook-secret-5"}
    settings = OrderSettings.from_values({"ORDER_WEBHOOK_SECRET": ""}, target="woocommerce", environ=environ)
    assert settings.webhook_secret == "env-webhook-secret-5"
    assert "env-webhook-secret-5" not in redact("refused: env-webhook-secret-5")
    stored = OrderSettings.from_values({"ORDER_WEBHOOK_SECRET": "db-secret-value-6"}, target="woocommerce",
                                       environ=environ)
    assert stored.webhook_secret == "db-secret-value-6"


@pytest.mark.parametrize("values, key, problem", [
    ({"ORDER_POLL_MINUTES": "often"}, "ORDER_POLL_MINUTES", "interval must be a whole number of minutes"),
    ({"ORDER_AUDIT_DAYS": "400"}, "ORDER_AUDIT_DAYS", "must be between 0 (off) and 365 days"),
    ({"ORDER_CUSTOMER": "phone"}, "ORDER_CUSTOMER", "must be one of channel, email (got 'phone')"),
    ({"ORDER_IMPORT": "perhaps"}, "ORDER_IMPORT", "must be true or false"),
])
def test_bad_order_settings_name_the_setting(values, key, problem):
    with pytest.raises(ConfigError) as caught:
        OrderSettings.from_values(values)
    assert caught.value.key == key and problem in str(caught.value)
    label = C.setting_label(OrderSettings, key)
    assert caught.value.naming(lambda k: C.setting_label(OrderSettings, k)).startswith(f"{label} ")
