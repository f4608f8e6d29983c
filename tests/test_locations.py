"""Several locations in one sync (core.locations): the map's parsing, and the Magento and
Zoho clients against their sandboxes with one level per (SKU, target location)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.locations import (
    LocatedTarget,
    LocationPair,
    located_key,
    parse_location_map,
    share_unallocated,
    split_key,
)
from inventree_commerce_sync.sandbox.magento import MagentoSandbox
from inventree_commerce_sync.sandbox.woocommerce import WooCommerceSandbox
from inventree_commerce_sync.sandbox.zoho import PRIMARY_LOCATION, SECOND_LOCATION, ZohoSandbox
from inventree_commerce_sync.targets import build_target
from inventree_commerce_sync.targets.zoho import ZohoTarget

D = Decimal


# -- the map --------------------------------------------------------------------------------

def test_a_map_reads_ids_and_paths_with_spaces_and_lines():
    assert parse_location_map(" 12=src_a, Shop/Back room = src_b\n7=460000000038090 ,") == (
        LocationPair("12", "src_a"), LocationPair("Shop/Back room", "src_b"), LocationPair("7", "460000000038090"))
    assert parse_location_map("") == () and parse_location_map(None) == ()


@pytest.mark.parametrize(("text", "message"), [
    ("12", "'12' is not <stock location>=<target location code>"),
    ("=src_a", "'=src_a' is not <stock location>=<target location code>"),
    ("12=", "'12=' is not <stock location>=<target location code>"),
    ("12=src a", "'src a' in '12=src a' is not a target location code"),
    ("12=src@a", "'src@a' in '12=src@a' is not a target location code"),
    ("12=a, 13=a", "target location 'a' appears twice"),
    ("12=a, 12=b", "stock location '12' appears twice"),
])
def test_a_bad_map_says_which_entry_is_wrong(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_location_map(text)


def test_a_key_splits_back_even_when_the_sku_holds_an_at_sign():
    assert split_key(located_key("BOX@2", "src_b")) == ("BOX@2", "src_b")


@pytest.mark.parametrize(("unallocated", "before", "shares"), [
    (2, [7, 9], [2, 0]),  # an order of 2 comes off once: the two locations offer 14 of 16
    (10, [7, 9], [7, 3]),  # more than the first holds: the rest from the next
    (3, [0, 5, 4], [0, 3, 0]),  # an empty location takes nothing
    (30, [7, 9], [7, 23]),  # more than all hold: the last takes the rest (its figure floors at 0)
    (2, [-1, 9], [0, 2]),  # a figure already below 0 (build allocations) takes nothing
    (0, [7, 9], [0, 0]),
    (Decimal("1.5"), [Decimal("0.5"), 9], [Decimal("0.5"), 1]),
])
def test_unallocated_open_orders_are_taken_off_once_over_the_locations(unallocated, before, shares):
    assert share_unallocated(D(unallocated), [D(b) for b in before]) == [D(s) for s in shares]
    assert sum(share_unallocated(D(unallocated), [D(b) for b in before])) == D(unallocated)


def test_targets_with_one_figure_or_one_source_refuse_a_map(serve):
    woo = serve(WooCommerceSandbox())
    with pytest.raises(ConfigError, match="holds one stock figure per product"):
        LocatedTarget(build_target("woocommerce", WooCommerceSandbox.client_settings(woo.url)), ["a", "b"])
    magento = serve(MagentoSandbox())
    legacy = build_target("magento", {**MagentoSandbox.client_settings(magento.url), "mode": "legacy"})
    with pytest.raises(ConfigError, match="mode legacy writes only the default source"):
        LocatedTarget(legacy, ["default", "b"])


def test_the_connection_check_with_a_map_checks_every_mapped_source_and_location(serve):
    magento = serve(MagentoSandbox(more_sources=("src_a",)))
    client = build_target("magento", MagentoSandbox.client_settings(magento.url))
    result = LocatedTarget(client, ["src_a", "src_gone"]).check()
    assert not result.ok
    assert "source 'src_a' (Source src_a) exists and is enabled" in result.details
    assert any(d.startswith("cannot find the source 'src_gone' of the location map") for d in result.details)
    assert LocatedTarget(client, ["src_a", "default"]).check().ok

    app, zoho_target = zoho(serve, [])
    assert zoho_target.check().ok
    result = LocatedTarget(zoho_target._target, [PRIMARY_LOCATION, "123"]).check()
    assert not result.ok
    assert f"location {PRIMARY_LOCATION}: Head Office" in result.details
    assert any(d.startswith("location of the location map 123 not found (locations: ") and d.endswith(
        "fix the location map") for d in result.details)


# -- Magento: every source in one source-items write ----------------------------------------

def levels_at(wanted: dict[tuple[str, str], int]) -> list[StockLevel]:
    return [StockLevel(located_key(sku, code), D(quantity)) for (sku, code), quantity in wanted.items()]


def test_magento_writes_two_sources_in_one_post_and_each_is_exact(serve):
    app = MagentoSandbox(more_sources=("src_a", "src_b"))
    app.seed({"products": [{"sku": "A", "quantity": 3}, {"sku": "B@2", "quantity": 3}]})
    server = serve(app)
    target = LocatedTarget(build_target("magento", MagentoSandbox.client_settings(server.url)), ["src_a", "src_b"])
    wanted = {("A", "src_a"): 5, ("A", "src_b"): 7, ("B@2", "src_a"): 0, ("B@2", "src_b"): 11}
    ledger = MemoryLedger()

    report = SyncEngine(target, ledger).sync(levels_at(wanted))

    assert report.counts[Result.PUSHED] == 4 and report.failed == 0
    assert app.count("source-items.save") == 1
    assert app.count("products.list") == 1  # each SKU looked up once for both sources
    assert {key: app.source_items[key]["quantity"] for key in wanted} == wanted
    assert app.source_items[("A", "src_b")]["status"] == 1 and app.source_items[("B@2", "src_a")]["status"] == 0
    assert app.source_items[("A", "default")]["quantity"] == 3  # a source not in the map is left alone
    assert ledger.get_many("magento", [located_key("A", "src_b")])[located_key("A", "src_b")].quantity == 7

    writes = app.writes
    assert SyncEngine(target, ledger).sync(levels_at(wanted)).counts[Result.UNCHANGED] == 4
    assert app.writes == writes


def test_magento_target_check_reads_each_source_and_repairs_only_the_one_that_drifted(serve):
    app = MagentoSandbox(more_sources=("src_a", "src_b"))
    app.seed({"products": [{"sku": "A", "quantity": 3}]})
    server = serve(app)
    target = LocatedTarget(build_target("magento", MagentoSandbox.client_settings(server.url)), ["src_a", "src_b"])
    wanted = {("A", "src_a"): 5, ("A", "src_b"): 7}
    ledger = MemoryLedger()
    SyncEngine(target, ledger).sync(levels_at(wanted))
    app.source_items[("A", "src_b")]["quantity"] = 2  # edited in the Magento admin

    report = SyncEngine(target, ledger).sync(levels_at(wanted), verify=True)

    outcome = {r.sku: r.outcome for r in report.results}
    assert outcome == {"A@src_a": Result.UNCHANGED, "A@src_b": Result.PUSHED}
    assert {key: app.source_items[key]["quantity"] for key in wanted} == wanted


def test_magento_sandbox_salable_sums_the_stocks_sources_and_the_controls_show_each_source(serve):
    # what the live bench reads: sources and the salable stock from the seed file alone
    app = MagentoSandbox()
    app.seed({"products": [{"sku": "A", "quantity": 4}], "sources": ["src_a", "src_b"],
              "stock_sources": ["src_a", "src_b"]})
    server = serve(app)
    target = LocatedTarget(build_target("magento", MagentoSandbox.client_settings(server.url)), ["src_a", "src_b"])
    SyncEngine(target, MemoryLedger()).sync(levels_at({("A", "src_a"): 5, ("A", "src_b"): 7}))

    def control(action):
        return requests.get(f"{server.url}/__sandbox__/{action}", timeout=5).json()

    assert control("source-items") == {"A": {"default": "4", "src_a": "5", "src_b": "7"}}
    assert control("salable") == {"A": "12"}  # the default source is not in the stock
    requests.post(f"{server.url}/__sandbox__/orders", json={"lines": [{"sku": "A", "qty": 2}]}, timeout=5)
    assert control("salable") == {"A": "10"}  # one reservation for the stock, whatever the sources
    app.source_items[("A", "src_b")]["status"] = 0
    assert control("salable") == {"A": "3"}  # an out-of-stock source item sells nothing
    assert MagentoSandbox().stock_sources == ("default",)  # one source unless told: as before


# -- Zoho: one adjustment per location -------------------------------------------------------

def zoho(serve, products):
    app = ZohoSandbox()
    app.seed({"products": products})
    server = serve(app)
    client = ZohoTarget(ZohoSandbox.client_settings(server.url), rate_limit=100_000, rate_window=1.0)
    client.SETTLE_SECONDS = 0
    return app, LocatedTarget(client, [PRIMARY_LOCATION, SECOND_LOCATION])


def test_zoho_writes_one_adjustment_per_location_and_each_location_is_exact(serve):
    spread = {PRIMARY_LOCATION: 4, SECOND_LOCATION: 6}
    app, target = zoho(serve, [{"sku": "A", "quantity": 10, "locations": spread},
                               {"sku": "B", "quantity": 10, "locations": spread}])
    wanted = {("A", PRIMARY_LOCATION): 9, ("A", SECOND_LOCATION): 1,
              ("B", PRIMARY_LOCATION): 4, ("B", SECOND_LOCATION): 20}
    ledger = MemoryLedger()

    report = SyncEngine(target, ledger).sync(levels_at(wanted))

    assert report.counts[Result.PUSHED] == 4 and report.failed == 0
    assert len(app.adjustments) == 2
    assert [{line["location_id"] for line in a["line_items"]} for a in app.adjustments] == [
        {PRIMARY_LOCATION}, {SECOND_LOCATION}]
    # B's stock at the primary location was already right: no line for it
    assert sorted(len(a["line_items"]) for a in app.adjustments) == [1, 2]
    for code in (PRIMARY_LOCATION, SECOND_LOCATION):
        assert app.location_stock(code) == {sku: D(q) for (sku, c), q in wanted.items() if c == code}

    report = SyncEngine(target, ledger).sync(levels_at(wanted), verify=True)
    assert report.counts[Result.UNCHANGED] == 4 and len(app.adjustments) == 2
    held = requests.get(f"{target.api_url.rsplit('/inventory', 1)[0]}/__sandbox__/location-stock", timeout=5).json()
    assert held == {code: {sku: str(q) for (sku, c), q in wanted.items() if c == code}
                    for code in (PRIMARY_LOCATION, SECOND_LOCATION)}


def test_zoho_lost_answer_at_one_location_is_looked_up_not_applied_twice(serve):
    app, target = zoho(serve, [{"sku": "A", "quantity": 10, "locations": {PRIMARY_LOCATION: 10}}])
    app.faults.queue("adjustments.create", "reset_after_apply")
    wanted = {("A", PRIMARY_LOCATION): 3, ("A", SECOND_LOCATION): 5}

    report = SyncEngine(target, MemoryLedger()).sync(levels_at(wanted))

    assert report.counts[Result.PUSHED] == 2
    assert app.location_stock(PRIMARY_LOCATION) == {"A": D(3)}
    assert app.location_stock(SECOND_LOCATION) == {"A": D(5)}
    assert len(app.adjustments) == 2
