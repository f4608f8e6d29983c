"""``products`` and ``publish`` on the command line, as a user runs them: the listing, the
CSV, a second run writing nothing, dry run, bad lines refused per SKU, exit codes, the ledger.

Generic over targets: every registered target whose client implements the catalogue gets
the same tests, so a target is covered as soon as it is wired."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from inventree_commerce_sync import registry
from inventree_commerce_sync.cli import default_ledger_path, main
from inventree_commerce_sync.cli_catalogue import catalogue_targets
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.targets import build_target

from . import toy_target
from .test_cli_orders import toml_table

TARGETS = catalogue_targets()


class Shop:
    def __init__(self, name: str, serve, tmp_path: Path):
        self.name = name
        self.app = sandbox_class(name)()
        self.seeded = catalogue.load()
        self.app.seed(self.seeded)
        self.server = serve(self.app)
        self.settings = sandbox_class(name).client_settings(self.server.url)
        self.config = tmp_path / "sync.toml"
        self.config.write_text(toml_table(name, self.settings), "utf-8")
        self.ledger = tmp_path / "ledger.sqlite3"
        self.tmp_path = tmp_path

    def csv(self, text: str, name: str = "products.csv") -> Path:
        path = self.tmp_path / name
        path.write_text(text, "utf-8")
        return path

    def publish(self, csv: Path, *more: str, capsys) -> tuple[int, object]:
        capsys.readouterr()
        code = main(["publish", "--target", self.name, "--config", str(self.config), "--products", str(csv),
                     "--ledger", str(self.ledger), "--json", *more])
        return code, json.loads(capsys.readouterr().out)

    def writes(self) -> int:
        return int(requests.get(f"{self.server.url}/__sandbox__/counters", timeout=5).json()["writes"])


@pytest.fixture(params=TARGETS)
def shop(request, serve, tmp_path):
    return Shop(request.param, serve, tmp_path)


NEW = "sku,name,description,price\nNEW-1,Hex bolt M3,Zinc plated,0.25\nNEW-2,\"Nut, M3\",,0.05\n"


def test_the_targets_with_a_catalogue_include_woocommerce_and_magento():
    assert {"woocommerce", "magento"} <= set(TARGETS)


def test_products_lists_the_catalogue_variations_included(shop, capsys):
    assert main(["products", "--target", shop.name, "--config", str(shop.config), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    # Every stock-kept record is listed (a Zoho variable parent is an item group: no record of its own).
    assert set(shop.app.stock()) <= {p["sku"] for p in listed}
    assert {"TSHIRT-S", "TSHIRT-M"} <= {p["sku"] for p in listed}
    assert set(listed[0]) >= {"sku", "name", "kind", "price", "quantity", "managed"}
    assert all(p["price"] is None or Decimal(p["price"]) >= 0 for p in listed)
    assert main(["products", "--target", shop.name, "--config", str(shop.config)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["sku", "name", "kind", "price", "quantity", "managed"]
    assert table[-1] == f"{len(listed)} products"


def test_publish_creates_once_and_a_second_run_writes_nothing(shop, capsys):
    csv = shop.csv(NEW)
    code, results = shop.publish(csv, capsys=capsys)
    assert code == 0
    assert results == [{"sku": "NEW-1", "outcome": "created", "error": None},
                       {"sku": "NEW-2", "outcome": "created", "error": None}]
    listed = {p.sku: p for p in build_target(shop.name, shop.settings).read_products()}
    assert (listed["NEW-2"].name, listed["NEW-2"].price) == ("Nut, M3", Decimal("0.05"))
    writes = shop.writes()
    code, results = shop.publish(csv, capsys=capsys)
    assert code == 0 and [r["outcome"] for r in results] == ["unchanged", "unchanged"]
    assert shop.writes() == writes


def test_publish_updates_only_what_changed_in_the_file(shop, capsys):
    shop.publish(shop.csv(NEW), capsys=capsys)
    code, results = shop.publish(shop.csv(NEW.replace("0.25", "0.30")), capsys=capsys)
    assert code == 0 and [r["outcome"] for r in results] == ["updated", "unchanged"]
    listed = {p.sku: p for p in build_target(shop.name, shop.settings).read_products()}
    assert listed["NEW-1"].price == Decimal("0.30")


def test_dry_run_writes_nothing_and_leaves_the_ledger_alone(shop, capsys):
    writes = shop.writes()
    code, results = shop.publish(shop.csv(NEW), "--dry-run", capsys=capsys)
    assert code == 0 and [r["outcome"] for r in results] == ["would_create", "would_create"]
    assert shop.writes() == writes
    code, results = shop.publish(shop.csv(NEW), capsys=capsys)
    assert [r["outcome"] for r in results] == ["created", "created"]


def test_bad_lines_are_refused_per_sku_naming_the_line_and_the_rest_published(shop, capsys):
    csv = shop.csv("SKU,Name,Description,Price\n,No SKU,,1\nBAD-1,Bad price,,1.2.3\nNEG-1,Negative,,-2\nOK-1,Fine,,3\n")
    code, results = shop.publish(csv, capsys=capsys)
    assert code == 1
    assert results == [
        {"sku": "", "outcome": "failed", "error": "line 2: SKU is empty"},
        {"sku": "BAD-1", "outcome": "failed", "error": "line 3: price: '1.2.3' is not a number (write it as 12.50)"},
        {"sku": "NEG-1", "outcome": "failed", "error": "line 4: price: -2 is negative"},
        {"sku": "OK-1", "outcome": "created", "error": None},
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("sku,name,price\nA,B,1\n", "line 1: the header must name the columns sku,name,description,price (missing: description)"),
    ("sku,name,description,price\nA,B,,1\nA,C,,2\n", "SKU 'A' appears on line 2 and line 3; give each SKU once"),
])
def test_a_file_that_cannot_be_read_is_exit_2_and_nothing_is_written(shop, capsys, text, message):
    writes = shop.writes()
    code = main(["publish", "--target", shop.name, "--config", str(shop.config), "--products", str(shop.csv(text)),
                 "--ledger", str(shop.ledger)])
    assert code == 2 and message in capsys.readouterr().err
    assert shop.writes() == writes


def test_the_text_report_names_what_was_done(shop, capsys):
    capsys.readouterr()
    code = main(["publish", "--target", shop.name, "--config", str(shop.config), "--products",
                 str(shop.csv(NEW + "X,,,1\n")), "--ledger", str(shop.ledger)])
    out = capsys.readouterr().out
    assert code == 1
    assert "  failed     X: line 4: name is empty; give the product a name" in out
    assert out.splitlines()[-1].startswith(f"{shop.name}: 2 created, 1 failed (")


def test_the_default_ledger_is_the_one_push_uses_for_the_account(shop, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    csv = shop.csv(NEW)
    args = ["publish", "--target", shop.name, "--config", str(shop.config), "--products", str(csv), "--json"]
    assert main(args) == 0
    path = default_ledger_path(shop.name, build_target(shop.name, shop.settings).account_key())
    assert path.exists() and str(path).startswith(str(tmp_path / "data"))
    capsys.readouterr()
    assert main(args) == 0
    assert [r["outcome"] for r in json.loads(capsys.readouterr().out)] == ["unchanged", "unchanged"]
    levels = shop.csv("sku,quantity\nNEW-1,4\n", "levels.csv")
    assert main(["push", "--target", shop.name, "--config", str(shop.config), "--levels", str(levels)]) == 0


def test_a_target_without_a_catalogue_is_exit_2_naming_the_ones_that_have_one(tmp_path, capsys):
    registry.register(toy_target.SPEC)
    try:
        config = tmp_path / "toy.toml"
        config.write_text(toml_table("toyshop", {"url": "http://127.0.0.1:9", "key": toy_target.KEY}), "utf-8")
        assert main(["products", "--target", "toyshop", "--config", str(config)]) == 2
        err = capsys.readouterr().err
        assert main(["publish", "--target", "toyshop", "--config", str(config), "--products", str(tmp_path / "x.csv")]) == 2
    finally:
        registry.unregister("toyshop")
    assert err.startswith("error: the toyshop client cannot read or publish products (yet); targets that can: ")
    assert "woocommerce" in err and "magento" in err
