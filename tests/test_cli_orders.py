"""``orders`` on the command line, as a user runs it: the JSON form, the order, --since, the
table, exit codes; and the demo's order read back.

Generic over targets: every registered target whose client reads orders and whose sandbox
places them (its ``SandboxApp.order_call``, through ``demo_orders.place_order``) gets the
same tests, so a target is covered as soon as it is wired."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from inventree_commerce_sync import registry
from inventree_commerce_sync.cli import main
from inventree_commerce_sync.cli_orders import latest_versions
from inventree_commerce_sync.core import orders as O
from inventree_commerce_sync.demo import run_demo
from inventree_commerce_sync.demo_orders import DEMO_BUYER, can_place_orders, place_order
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.targets import target_class

from . import toy_target

ORDER_TARGETS = [name for name in registry.names()
                 if issubclass(target_class(name), O.OrderSource) and can_place_orders(name)]
# Zoho's list carries no lines: one detail read per changed order, and its client keeps to
# Zoho's 100 requests a minute, so its page test places fewer orders than a page holds.
DETAIL_READS_PER_ORDER = {"zoho": 1}
ORDERS_IN_PAGE_TEST = {"zoho": 60}
KEYS = ["id", "number", "state", "status", "created", "modified", "customer", "lines"]
NOW = datetime.now(UTC).replace(microsecond=0)


def toml_table(name: str, settings: dict) -> str:
    return f"[{name}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())


class Shop:
    def __init__(self, name, serve, tmp_path):
        self.name = name
        self.app = sandbox_class(name)()
        products = catalogue.load()["products"]  # stock enough for every order a test places (Magento checks)
        self.app.seed({"products": [{**p, "quantity": 10_000} if "quantity" in p else p for p in products]})
        self.server = serve(self.app)
        self.config = tmp_path / "sync.toml"
        self.config.write_text(toml_table(name, sandbox_class(name).client_settings(self.server.url)), "utf-8")
        self.session = requests.Session()  # placing many orders: one connection

    def place(self, sku="EL-001", quantity=1, *, days_ago: float | None = None) -> str:
        at = None if days_ago is None else NOW - timedelta(days=days_ago)
        return place_order(self.name, self.server.url, sku, quantity, at=at, session=self.session)

    def orders(self, *extra: str) -> int:
        return main(["orders", "--target", self.name, "--config", str(self.config), *extra])


@pytest.fixture(params=ORDER_TARGETS)
def shop(request, serve, tmp_path):
    return Shop(request.param, serve, tmp_path)


@pytest.fixture
def woo(serve, tmp_path):
    return Shop("woocommerce", serve, tmp_path)


def printed_json(capsys) -> list[dict]:
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


def test_woocommerce_is_among_the_targets_covered():
    assert "woocommerce" in ORDER_TARGETS


# -- every target that reads orders -------------------------------------------------------


def test_json_is_one_object_per_order_in_the_documented_shape_ordered_by_modified(shop, capsys):
    placed = {shop.place("EL-001", 2, days_ago=1): 1, shop.place("EL-002", 1, days_ago=3): 3,
              shop.place("EL-003", 5, days_ago=2): 2}
    assert shop.orders("--json") == 0
    printed = printed_json(capsys)
    assert [o["id"] for o in printed] == sorted(placed, key=lambda i: -placed[i]), "oldest modification first"
    for order in printed:
        assert list(order) == KEYS
        assert list(order["customer"]) == ["name", "email", "company"]
        assert order["state"] in ("open", "shipped", "cancelled") and order["status"]
        for key in ("created", "modified"):
            assert order[key].endswith("Z") and datetime.fromisoformat(order[key]).utcoffset() == timedelta(0)
        assert abs(datetime.fromisoformat(order["modified"]) - (NOW - timedelta(days=placed[order["id"]]))) \
            < timedelta(seconds=2)
        assert all(list(line) == ["sku", "quantity", "line_id"] and line["line_id"] for line in order["lines"])
    assert [[(line["sku"], line["quantity"]) for line in o["lines"]] for o in printed] == \
        [[("EL-002", "1")], [("EL-003", "5")], [("EL-001", "2")]]
    assert printed[0]["customer"]["email"] == DEMO_BUYER["email"]


def test_since_defaults_to_the_last_seven_days_and_takes_any_offset(shop, capsys):
    recent, old = shop.place(days_ago=3), shop.place(days_ago=10)
    assert shop.orders("--json") == 0
    assert [o["id"] for o in printed_json(capsys)] == [recent]
    eleven_days_ago = (NOW - timedelta(days=11)).astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert shop.orders("--json", "--since", eleven_days_ago.isoformat()) == 0
    assert [o["id"] for o in printed_json(capsys)] == [old, recent]
    later = (NOW - timedelta(days=2)).astimezone(timezone(timedelta(hours=-5)))
    assert shop.orders("--json", "--since", later.isoformat()) == 0  # 2 days ago, written at UTC-5
    assert printed_json(capsys) == []


def test_table_has_a_row_per_order_and_a_count(shop, capsys):
    shop.place("EL-001", 2, days_ago=1)
    shop.place("EL-004", 7, days_ago=2)
    assert shop.orders() == 0
    header, *rows, count = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["modified", "(UTC)", "number", "state"]
    assert len(rows) == 2 and rows[0].rstrip().endswith("7 x EL-004") and rows[1].rstrip().endswith("2 x EL-001")
    assert count.startswith("2 orders changed since ")


def test_the_command_reads_each_page_once(shop, capsys):
    """The client's own request counts (1,000 orders) are its tests'; here: the command adds
    no request of its own, and orders sharing a second stay in order across pages."""
    count = ORDERS_IN_PAGE_TEST.get(shop.name, 250)
    for n in range(count):
        shop.place("EL-001", 1, days_ago=1 + (n // 3) / 86400)  # three orders per second
    shop.app.reset_counters()
    assert shop.orders("--json") == 0
    printed = printed_json(capsys)
    assert len({o["id"] for o in printed}) == count == len(printed)
    assert [o["modified"] for o in printed] == sorted(o["modified"] for o in printed)
    pages = math.ceil(count / target_class(shop.name).page_size)
    assert shop.app.reads <= pages + count * DETAIL_READS_PER_ORDER.get(shop.name, 0)


def test_a_stopped_sandbox_exits_1_with_one_line(shop, capsys):
    shop.server.stop()
    assert shop.orders("--json") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {shop.name}: ") and captured.err.count("\n") == 1


# -- WooCommerce in detail -------------------------------------------------------------------


def test_woocommerce_order_exactly(woo, capsys):
    order_id = woo.place("TSHIRT-M", 3, days_ago=1)
    record = woo.app.orders.orders[int(order_id)]
    assert woo.orders("--json") == 0
    modified = (NOW - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert printed_json(capsys) == [{
        "id": order_id, "number": order_id, "state": "open", "status": "processing",
        "created": modified, "modified": modified,
        "customer": {"name": "Ada Demo", "email": "ada@example.com", "company": "Demo Works"},
        "lines": [{"sku": "TSHIRT-M", "quantity": "3", "line_id": str(record["lines"][0]["id"])}],
    }]


def test_woocommerce_states_and_ignored_orders_only_with_all(woo, capsys):
    made = {}
    for status in ("processing", "completed", "cancelled", "refunded", "pending", "failed", "on-hold"):
        made[status] = str(woo.app.orders.place({"lines": [{"sku": "EL-001", "quantity": 1}], "status": status})["id"])
    assert woo.orders("--json") == 0
    shown = {o["status"]: o["state"] for o in printed_json(capsys)}
    assert shown == {"processing": "open", "on-hold": "open", "completed": "shipped", "cancelled": "cancelled",
                     "refunded": "cancelled"}
    assert woo.orders("--json", "--all") == 0
    every = {o["status"]: o["state"] for o in printed_json(capsys)}
    assert every == {**shown, "pending": "ignored", "failed": "ignored"}
    assert woo.orders() == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(
        "(2 ignored left out: drafts, pending payment, failed; --all shows them)")


def test_woocommerce_wrong_credentials_exit_1_naming_the_setting(woo, capsys, tmp_path):
    woo.place(days_ago=1)
    settings = sandbox_class("woocommerce").client_settings(woo.server.url)
    woo.config.write_text(toml_table("woocommerce", {**settings, "consumer_secret": "cs_wrong"}), "utf-8")
    assert woo.orders("--json") == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "consumer_secret" in captured.err and "cs_wrong" not in captured.err


@pytest.mark.parametrize("since, message", [
    ("yesterday", "argument --since: expected an ISO-8601 time such as 2026-12-01T08:00:00Z, got 'yesterday'"),
    ("2026-12-01T08:00", "argument --since: '2026-12-01T08:00' has no offset; add one so the time is not "
                         "guessed, e.g. 2026-12-01T08:00Z for UTC or 2026-12-01T08:00+01:00 for UTC+1"),
    ("2026-12-01", "'2026-12-01' has no offset; add one so the time is not guessed, e.g. 2026-12-01T00:00Z"),
])
def test_a_bad_since_is_bad_usage(woo, capsys, since, message):
    with pytest.raises(SystemExit) as caught:
        woo.orders("--since", since)
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_bad_configuration_and_unknown_target_are_bad_usage(tmp_path, capsys):
    config = tmp_path / "sync.toml"
    config.write_text('[woocommerce]\nurl = "http://127.0.0.1:9"\n', "utf-8")
    assert main(["orders", "--target", "woocommerce", "--config", str(config)]) == 2
    assert "consumer_key" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["orders", "--target", "shopify", "--config", str(config)])
    assert caught.value.code == 2 and "invalid choice: 'shopify'" in capsys.readouterr().err


def test_a_target_whose_client_reads_no_orders_is_bad_usage(tmp_path, capsys):
    registry.register(toy_target.SPEC)
    try:
        config = tmp_path / "sync.toml"
        config.write_text(toml_table("toyshop", {"url": "http://127.0.0.1:9", "key": toy_target.KEY}), "utf-8")
        assert main(["orders", "--target", "toyshop", "--config", str(config)]) == 2
    finally:
        registry.unregister("toyshop")
    err = capsys.readouterr().err
    assert err.startswith("error: the toyshop client cannot read orders (yet); targets that can: ")
    assert "woocommerce" in err


def test_output_into_a_closed_pipe_ends_quietly(woo):
    woo.place(days_ago=1)
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `head` that has already exited
    try:
        child = subprocess.run([sys.executable, "-m", "inventree_commerce_sync", "orders", "--target", "woocommerce",
                                "--config", str(woo.config), "--json"], stdout=write_end, stderr=subprocess.PIPE,
                               text=True, timeout=60)
    finally:
        os.close(write_end)
    assert (child.returncode, child.stderr) == (141, "")


def test_an_order_read_twice_is_printed_once_in_its_latest_version():
    def order(order_id, minutes, status="processing"):
        moment = NOW + timedelta(minutes=minutes)
        return O.Order("woocommerce", order_id, order_id, O.OPEN, status, moment, moment)

    # A read that saw order 7 before and after it was changed, as WooCommerce's re-read does.
    read = [order("7", 1), order("9", 2), order("10", 2), order("7", 3, "on-hold")]
    assert [(o.id, o.status) for o in latest_versions(read)] == [("9", "processing"), ("10", "processing"),
                                                                 ("7", "on-hold")]


# -- the demo ----------------------------------------------------------------------------------


def test_the_demo_places_an_order_on_each_sandbox_and_reads_it_back():
    out = io.StringIO()
    assert run_demo(out) == 0
    text = out.getvalue()
    section = text.split("read back through the client\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in section] == ORDER_TARGETS
    for line in section:
        assert " order " in line and "1 x EL-001 for Ada Demo" in line and "NOT" not in line
