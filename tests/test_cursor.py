"""The order cursor: nothing missed across page boundaries, late or skewed times; nothing
new twice; plain data for the plugin's metadata and the command line's file."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from inventree_commerce_sync.core import cursor as cursor_module
from inventree_commerce_sync.core.cursor import OrderCursor
from inventree_commerce_sync.core.errors import InputError
from inventree_commerce_sync.core.orders import OPEN, ListOrderSource, Order

UTC = UTC
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def order(id: str, modified: datetime) -> Order:
    return Order("woocommerce", id, id, OPEN, "processing", modified, modified)


def poll(source: ListOrderSource, cursor: OrderCursor, limit: int | None = None) -> list[str]:
    """One poll as the importer does it: read since the cursor, handle what is new, mark seen.
    ``limit`` stops after that many orders (a worker restarted in the middle)."""
    new = []
    for o in itertools.islice(source.read_orders(cursor.since(EPOCH)), limit):
        if cursor.is_new(o):
            new.append(o.id)
        cursor.seen(o)
    return new


def test_equal_times_across_a_page_boundary_are_all_read_once():
    source = ListOrderSource([order(f"o{i}", T0) for i in range(7)] + [order("late", T0 + timedelta(seconds=1))],
                             page_size=5)
    cursor = OrderCursor("woocommerce")
    first = poll(source, cursor, limit=5)        # interrupted after the first page, mid-second
    assert len(first) == 5
    source.put(order("o7", T0))                   # a further order at the very same second
    second = poll(source, cursor)
    assert sorted(first + second) == sorted([f"o{i}" for i in range(8)] + ["late"])
    assert poll(source, cursor) == []             # read again: nothing is new
    assert cursor.ids_at_last == {"late"}


def test_a_strict_after_last_time_reader_would_have_lost_them():
    """The reason for the design: 'modified after the last time seen' misses equal times."""
    source = ListOrderSource([order(f"o{i}", T0) for i in range(7)], page_size=5)
    naive_seen = [o.id for o in itertools.islice(source.read_orders(EPOCH), 5)]
    last = T0
    naive_rest = [o.id for o in source.read_orders(last) if o.modified > last]
    assert len(naive_seen + naive_rest) == 5       # two orders lost
    cursor = OrderCursor("woocommerce")
    assert len(poll(source, cursor, limit=5) + poll(source, cursor)) == 7


def test_an_order_listed_late_with_an_earlier_time_is_found():
    source = ListOrderSource([order("a", T0), order("b", T0 + timedelta(minutes=3))])
    cursor = OrderCursor("woocommerce", overlap=timedelta(minutes=10))
    assert poll(source, cursor) == ["a", "b"]
    source.put(order("slow", T0 + timedelta(minutes=1)))  # committed after b was listed
    assert poll(source, cursor) == ["slow"]
    assert cursor.last_modified == T0 + timedelta(minutes=3), "the cursor never moves backwards"


def test_a_shop_server_whose_clock_is_behind_loses_nothing_within_the_overlap():
    cursor = OrderCursor("woocommerce", overlap=timedelta(minutes=5))
    source = ListOrderSource([order("fast-clock", T0)])
    assert poll(source, cursor) == ["fast-clock"]
    source.put(order("slow-clock", T0 - timedelta(minutes=4)))       # a second web server, 4 min behind
    assert poll(source, cursor) == ["slow-clock"]
    source.put(order("far-behind", T0 - timedelta(minutes=6)))       # beyond the overlap: the audit's job
    assert poll(source, cursor) == []
    assert OrderCursor("woocommerce").since(T0 - timedelta(days=1)) == T0 - timedelta(days=1)


def test_a_changed_order_is_new_again_and_an_older_version_is_not():
    cursor = OrderCursor("woocommerce")
    cursor.seen(order("a", T0))
    assert not cursor.is_new(order("a", T0))
    assert cursor.is_new(order("a", T0 + timedelta(seconds=1)))
    cursor.seen(order("a", T0 + timedelta(seconds=1)))
    assert not cursor.is_new(order("a", T0)), "a stale copy (late webhook) is not new"


def test_a_read_given_the_cursors_is_known_leaves_out_only_what_was_handled_at_that_time():
    source = ListOrderSource([order("a", T0), order("b", T0 + timedelta(seconds=1))])
    cursor = OrderCursor("woocommerce")
    cursor.seen(order("a", T0))
    cursor.seen(order("b", T0))  # an older version of b
    assert cursor.is_known("a", T0) and not cursor.is_known("b", T0 + timedelta(seconds=1))
    assert not cursor.is_known("c", T0)
    assert [o.id for o in source.read_orders(cursor.since(EPOCH), known=cursor.is_known)] == ["b"]
    assert [o.id for o in source.read_orders(cursor.since(EPOCH))] == ["a", "b"]  # an audit: everything


def test_memory_stays_bounded(monkeypatch):
    monkeypatch.setattr(cursor_module, "MAX_REMEMBERED", 10)
    cursor = OrderCursor("woocommerce", overlap=timedelta(hours=1))
    for i in range(50):
        cursor.seen(order(f"o{i:02}", T0 + timedelta(seconds=i)))
    assert len(cursor.recent) == 10 and "o49" in cursor.recent
    cursor.seen(order("x", T0 + timedelta(hours=3)))
    assert set(cursor.recent) == {"x"}, "orders older than the overlap are forgotten"


def test_round_trips_through_a_dict_and_a_file(tmp_path):
    cursor = OrderCursor("zoho", overlap=timedelta(minutes=2))
    cursor.seen(order("a", T0))
    cursor.seen(order("b", T0 + timedelta(microseconds=250)))
    again = OrderCursor.from_dict(json.loads(json.dumps(cursor.to_dict())), "zoho")
    assert again == cursor
    assert OrderCursor.from_dict(cursor.to_dict(), "zoho", overlap=timedelta(minutes=9)).overlap == timedelta(minutes=9)

    path = tmp_path / "cursors.json"
    other = OrderCursor("magento")
    other.seen(order("m", T0))
    other.save(path)
    cursor.save(path)
    assert OrderCursor.load(path, "zoho") == cursor
    assert OrderCursor.load(path, "magento") == other
    assert OrderCursor.load(path, "woocommerce") == OrderCursor("woocommerce")
    assert OrderCursor.load(tmp_path / "none.json", "zoho").last_modified is None


def test_a_damaged_cursor_is_reported_not_guessed(tmp_path):
    path = tmp_path / "cursors.json"
    path.write_text("{not json")
    with pytest.raises(InputError, match="not a JSON file of order cursors"):
        OrderCursor.load(path, "zoho")
    with pytest.raises(InputError, match="cursor of zoho is damaged"):
        OrderCursor.from_dict({"last_modified": "soon"}, "zoho")


def test_two_readers_merged_never_move_the_cursor_backwards():
    ahead, behind = OrderCursor("woocommerce"), OrderCursor("woocommerce")
    ahead.seen(order("a", T0 + timedelta(minutes=2)))
    behind.seen(order("b", T0))
    behind.merge(ahead)
    assert behind.last_modified == T0 + timedelta(minutes=2)
    assert not behind.is_new(order("a", T0 + timedelta(minutes=2))) and not behind.is_new(order("b", T0))
    ahead.merge(OrderCursor("woocommerce"))
    assert ahead.last_modified == T0 + timedelta(minutes=2)
