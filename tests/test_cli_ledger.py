"""The command line's ledger belongs to one account: a ledger file is never used for another
store, organisation or location, and a file that is not a ledger is refused, not damaged."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest

from inventree_commerce_sync.cli import default_ledger_path, main
from inventree_commerce_sync.core import ledger as L
from inventree_commerce_sync.core.ledger import LedgerEntry, SqliteLedger
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.sandbox.zoho import SECOND_LOCATION
from inventree_commerce_sync.targets import build_target

from .test_cli import toml_table


def shop(serve, tmp_path, target, name):
    app = sandbox_class(target)()
    app.seed(catalogue.generate(3, awkward=False, prefix="P"))
    server = serve(app)
    config = tmp_path / f"{name}.toml"
    config.write_text(toml_table(target, sandbox_class(target).client_settings(server.url)), "utf-8")
    return app, server, config


def push(target, config, levels, *extra):
    return main(["push", "--target", target, "--config", str(config), "--levels", str(levels), "--json", *extra])


@pytest.fixture
def levels(tmp_path):
    path = tmp_path / "levels.csv"
    path.write_text("sku,quantity\nP-000000,41\nP-000001,42\n", "utf-8")
    return path


def test_a_ledger_file_is_refused_for_a_second_store(serve, tmp_path, levels, capsys):
    first, first_server, first_config = shop(serve, tmp_path, "woocommerce", "first")
    second, second_server, second_config = shop(serve, tmp_path, "woocommerce", "second")
    ledger = tmp_path / "ledger.sqlite3"
    assert push("woocommerce", first_config, levels, "--ledger", str(ledger)) == 0
    capsys.readouterr()
    second.reset_counters()

    assert push("woocommerce", second_config, levels, "--ledger", str(ledger)) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: --ledger {ledger}: belongs to another woocommerce account (url {first_server.url!r} in the "
        f"ledger, {second_server.url!r} now); name another ledger file, or none for one per account\n")
    assert captured.out == ""
    assert second.reads == 0 and second.writes == 0
    assert second.stock()["P-000000"] != 41


def test_a_zoho_location_set_after_the_first_sync_is_not_ignored(serve, tmp_path, levels, capsys):
    app, server, config = shop(serve, tmp_path, "zoho", "zoho")
    ledger = tmp_path / "ledger.sqlite3"
    assert push("zoho", config, levels, "--ledger", str(ledger)) == 0
    config.write_text(config.read_text("utf-8") + f'location_id = "{SECOND_LOCATION}"\n', "utf-8")
    capsys.readouterr()

    assert push("zoho", config, levels, "--ledger", str(ledger)) == 2
    assert capsys.readouterr().err == (
        f"error: --ledger {ledger}: belongs to another zoho account (location_id None in the ledger, "
        f"'{SECOND_LOCATION}' now); name another ledger file, or none for one per account\n")


def test_without_ledger_each_account_gets_its_own(serve, tmp_path, levels, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app, server, config = shop(serve, tmp_path, "zoho", "zoho")
    assert push("zoho", config, levels) == 0
    capsys.readouterr()
    config.write_text(config.read_text("utf-8") + f'location_id = "{SECOND_LOCATION}"\n', "utf-8")

    assert push("zoho", config, levels) == 0
    outcomes = [r["outcome"] for r in json.loads(capsys.readouterr().out)]
    assert outcomes == ["pushed", "pushed"]  # the second location's stock was never written
    assert app.location_stock(SECOND_LOCATION)["P-000000"] == 41
    assert len(list((tmp_path / "data" / "inventree-commerce-sync").glob("ledger-zoho-*.sqlite3"))) == 2


@pytest.mark.parametrize(
    ("target", "settings", "change"),
    [
        ("magento", {"url": "https://shop.example.com", "token": "t"}, {"mode": "legacy"}),
        ("magento", {"url": "https://shop.example.com", "token": "t"}, {"source_code": "eu"}),
        ("magento", {"url": "https://shop.example.com", "token": "t"}, {"store_code": "fr"}),
        ("magento", {"url": "https://shop.example.com", "token": "t"}, {"url": "https://other.example.com"}),
        ("zoho", {"client_id": "c", "client_secret": "s", "refresh_token": "r", "organization_id": "1"},
         {"organization_id": "2"}),
        ("zoho", {"client_id": "c", "client_secret": "s", "refresh_token": "r", "organization_id": "1"},
         {"location_id": "7"}),
        ("zoho", {"client_id": "c", "client_secret": "s", "refresh_token": "r", "organization_id": "1"},
         {"data_center": "eu"}),
        ("invoiceninja", {"url": "https://in.example.com", "token": "t"}, {"url": "https://in2.example.com"}),
    ],
)
def test_the_default_ledger_is_one_per_account(target, settings, change):
    before = build_target(target, settings)
    after = build_target(target, settings | change)
    assert default_ledger_path(target, before.account_key()) != default_ledger_path(target, after.account_key())
    same = build_target(target, dict(settings))
    assert default_ledger_path(target, before.account_key()) == default_ledger_path(target, same.account_key())


def test_a_ledger_from_before_accounts_were_recorded_vouches_for_nothing(serve, tmp_path, levels, capsys):
    app, server, config = shop(serve, tmp_path, "woocommerce", "shop")
    ledger = tmp_path / "old.sqlite3"
    # a ledger written by an earlier version: entries, and no record of the account
    with sqlite3.connect(ledger) as db:
        db.execute("CREATE TABLE ledger (target TEXT NOT NULL, sku TEXT NOT NULL, status TEXT NOT NULL, "
                   "quantity TEXT, pending_quantity TEXT, remote_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, "
                   "last_error TEXT, last_attempt REAL, last_success REAL, PRIMARY KEY (target, sku)) WITHOUT ROWID")
        db.executemany("INSERT INTO ledger (target, sku, status, quantity) VALUES ('woocommerce', ?, 'synced', ?)",
                       [("P-000000", "41"), ("P-000001", "42")])
    db.close()
    assert app.stock()["P-000000"] != 41

    assert push("woocommerce", config, levels, "--ledger", str(ledger)) == 0
    assert [r["outcome"] for r in json.loads(capsys.readouterr().out)] == ["pushed", "pushed"]
    assert app.stock()["P-000000"] == 41 and app.stock()["P-000001"] == 42
    assert push("woocommerce", config, levels, "--ledger", str(ledger)) == 0  # now it is trusted
    assert [r["outcome"] for r in json.loads(capsys.readouterr().out)] == ["unchanged", "unchanged"]


def test_a_file_that_is_not_a_ledger_is_refused_and_left_alone(tmp_path, levels, capsys):
    config = tmp_path / "c.toml"
    config.write_text('[woocommerce]\nurl = "https://shop.example.com"\nconsumer_key = "ck_1"\n'
                      'consumer_secret = "cs_1"\n', "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("sku,quantity\n" * 200, "utf-8")
    before = notes.read_bytes()
    assert push("woocommerce", config, levels, "--ledger", str(notes)) == 2
    assert capsys.readouterr().err == (
        f"error: --ledger {notes}: is not a ledger (file is not a database); name another file\n")
    assert notes.read_bytes() == before

    assert push("woocommerce", config, levels, "--ledger", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"error: --ledger {tmp_path}: is a folder; name a ledger file (it is created if missing)\n")

    database = tmp_path / "other.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT)")
    db.close()
    assert push("woocommerce", config, levels, "--ledger", str(database)) == 2
    assert capsys.readouterr().err == (
        f"error: --ledger {database}: is another program's SQLite database, not a ledger; name another file\n")
    with sqlite3.connect(database) as db:
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master")] == ["part"]
    db.close()

    inside_a_file = notes / "ledger.sqlite3"
    assert push("woocommerce", config, levels, "--ledger", str(inside_a_file)) == 2
    assert capsys.readouterr().err.startswith(f"error: --ledger {inside_a_file}: cannot create its folder (")


def test_the_sqlite_ledger_keeps_entries_of_the_account_it_recorded(tmp_path):
    ledger = SqliteLedger(tmp_path / "l.sqlite3")
    ledger.claim_account("zoho", {"organization_id": "1"})
    ledger.put_many("zoho", [LedgerEntry("A", L.SYNCED, Decimal(3))])
    ledger.claim_account("zoho", {"organization_id": "1"})  # the same account: kept as it is
    assert ledger.get_many("zoho", ["A"])["A"].is_synced_at(Decimal(3))
    ledger.close()
