"""The command line as a user runs it: exit codes, messages, the JSON report."""

from __future__ import annotations

import json

import pytest

from inventree_commerce_sync.cli import main
from inventree_commerce_sync.sandbox import catalogue, sandbox_class


def toml_table(name: str, settings: dict) -> str:
    lines = [f"[{name}]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def shop(serve, tmp_path):
    """A WooCommerce sandbox, a config file pointing at it, and a levels file."""
    app = sandbox_class("woocommerce")()
    app.seed(catalogue.generate(5, awkward=False, prefix="P"))
    server = serve(app)
    config = tmp_path / "sync.toml"
    config.write_text(toml_table("woocommerce", sandbox_class("woocommerce").client_settings(server.url)), "utf-8")
    levels = tmp_path / "levels.csv"
    levels.write_text("sku,quantity\nP-000000,11\nP-000001,12.7\nNOPE,3\n", "utf-8")
    return app, config, levels, tmp_path / "ledger.sqlite3"


def push(config, levels, ledger, *extra):
    return main(["push", "--target", "woocommerce", "--config", str(config), "--levels", str(levels),
                 "--ledger", str(ledger), *extra])


def test_push_json_reports_every_sku_and_exits_0(shop, capsys):
    app, config, levels, ledger = shop
    assert push(config, levels, ledger, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report == [
        {"sku": "P-000000", "outcome": "pushed", "quantity": "11", "error": None},
        {"sku": "P-000001", "outcome": "pushed", "quantity": "12", "error": None},
        {"sku": "NOPE", "outcome": "not_found", "quantity": "3", "error": "not found on the target"},
    ]
    assert app.stock()["P-000000"] == 11 and app.stock()["P-000001"] == 12

    assert push(config, levels, ledger, "--json") == 0
    outcomes = [r["outcome"] for r in json.loads(capsys.readouterr().out)]
    assert outcomes == ["unchanged", "unchanged", "not_found"]


def test_dry_run_writes_nothing(shop, capsys):
    app, config, levels, ledger = shop
    before = app.stock()
    assert push(config, levels, ledger, "--dry-run", "--json") == 0
    outcomes = [r["outcome"] for r in json.loads(capsys.readouterr().out)]
    assert outcomes == ["would_push", "would_push", "not_found"]
    assert app.stock() == before


def test_a_failed_sku_exits_1(shop, capsys):
    app, config, levels, ledger = shop
    app.faults.queue("products.batch", "partial", 1)
    assert push(config, levels, ledger) == 1
    out = capsys.readouterr().out
    assert "failed" in out


def test_wrong_credentials_exit_1_with_one_clear_line(shop, capsys):
    app, config, levels, ledger = shop
    config.write_text(config.read_text().replace("cs_", "cs_wrong"), "utf-8")
    assert push(config, levels, ledger) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: woocommerce: ") and "consumer_secret" in err[0]


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        ('[woocommerce]\nurl = "https://shop.example.com"\nconsumer_key = "ck_1"\n',
         "error: [woocommerce] consumer_secret is missing"),
        ('[woocommerce]\nurl = "shop.example.com"\nconsumer_key = "ck_1"\nconsumer_secret = "cs_1"\n',
         "error: [woocommerce] url must start with https:// (got 'shop.example.com')"),
        ('[woocommerce]\nurl = "https://shop.example.com"\nconsumer_key = "ck_1"\nconsumer_secret = "cs_1"\n'
         'colour = "blue"\n', "error: [woocommerce] unknown key 'colour'"),
    ],
)
def test_bad_configuration_exits_2_naming_the_key(tmp_path, capsys, config_text, message):
    config = tmp_path / "c.toml"
    config.write_text(config_text, "utf-8")
    levels = tmp_path / "l.csv"
    levels.write_text("sku,quantity\nA,1\n", "utf-8")
    assert push(config, levels, tmp_path / "ledger") == 2
    assert capsys.readouterr().err.startswith(message)


def test_bad_levels_file_exits_2_and_pushes_nothing(shop, capsys):
    app, config, levels, ledger = shop
    levels.write_text("sku,quantity\nP-000000,5\nP-000001,-2\n", "utf-8")
    before = app.stock()
    assert push(config, levels, ledger) == 2
    assert capsys.readouterr().err.strip() == f"error: {levels}: line 3: quantity -2 is negative"
    assert app.stock() == before


def test_unknown_target_is_bad_usage(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["push", "--target", "shopify", "--config", "c.toml", "--levels", "l.csv"])
    assert caught.value.code == 2
    assert "invalid choice: 'shopify'" in capsys.readouterr().err


def test_check_says_what_the_credentials_allow_and_writes_nothing(shop, capsys):
    app, config, levels, ledger = shop
    assert main(["check", "--target", "woocommerce", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("woocommerce at http://127.0.0.1:") and ": OK" in out
    assert app.writes == 0


def test_demo_converges_on_all_four_sandboxes(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    verdicts = [line.split() for line in out.splitlines() if line.startswith("  ") and line.endswith("converged")]
    assert verdicts == [[name, "converged"] for name in ("magento", "woocommerce", "zoho", "invoiceninja")]
    assert out.rstrip().endswith("all targets converged")


@pytest.mark.parametrize("command", ["push", "check", "help"])
def test_output_into_a_closed_pipe_ends_quietly(shop, command):
    """``push --json | head``: the reader has gone; no traceback, and the push was still done."""
    import os
    import subprocess
    import sys

    app, config, levels, ledger = shop
    args = {"push": ["push", "--target", "woocommerce", "--config", str(config), "--levels", str(levels),
                     "--ledger", str(ledger), "--json"],
            "check": ["check", "--target", "woocommerce", "--config", str(config)],
            "help": ["push", "--help"]}[command]
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `head` that has already exited
    try:
        child = subprocess.run([sys.executable, "-m", "inventree_commerce_sync", *args], stdout=write_end,
                               stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert child.stderr == ""
    assert child.returncode == (0 if command == "help" else 141)  # argparse itself ignores a failed write
    if command == "push":
        assert app.stock()["P-000000"] == 11


def test_wait_must_be_a_number_of_seconds(shop, capsys):
    app, config, levels, ledger = shop
    with pytest.raises(SystemExit) as caught:
        push(config, levels, ledger, "--wait", "soon")
    assert caught.value.code == 2
    assert "argument --wait: expected a number of seconds from 0 to 86400, got 'soon'" in capsys.readouterr().err
