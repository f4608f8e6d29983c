"""The SQLite ledger survives a process killed mid-sync: the restarted sync loses no pending
change and does not push everything again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

from inventree_commerce_sync.cli import main
from inventree_commerce_sync.core import ledger as L
from inventree_commerce_sync.core.ledger import SqliteLedger
from inventree_commerce_sync.sandbox import catalogue, sandbox_class

SKUS = 2000


def test_killed_mid_sync_then_restarted(serve, tmp_path, capsys):
    products = catalogue.generate(SKUS, awkward=False)["products"]
    app = sandbox_class("woocommerce")()
    app.seed({"products": products})
    app.latency = 0.05  # slow enough to be killed halfway
    server = serve(app)
    config = tmp_path / "sync.toml"
    config.write_text("[woocommerce]\n" + "\n".join(
        f"{k} = {json.dumps(v)}" for k, v in sandbox_class("woocommerce").client_settings(server.url).items()))
    levels = tmp_path / "levels.csv"
    levels.write_text("sku,quantity\n" + "".join(f"{p['sku']},{p['quantity'] + 100}\n" for p in products))
    ledger = tmp_path / "ledger.sqlite3"
    command = [sys.executable, "-m", "inventree_commerce_sync", "push", "--target", "woocommerce",
               "--config", str(config), "--levels", str(levels), "--ledger", str(ledger)]

    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while app.count("products.batch") < 3 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    written_before_kill = app.count("products.batch")
    assert 3 <= written_before_kill < SKUS // 100, "the process was not killed mid-sync"

    entries = list(SqliteLedger(ledger).entries("woocommerce"))
    synced = {e.sku for e in entries if e.status == L.SYNCED}
    # every batch confirmed before the last one was sent is recorded as synced
    assert len(synced) >= 100 * (written_before_kill - 1)
    app.latency = 0
    app.reset_counters()
    assert main(command[3:] + ["--json"]) == 0
    outcomes = {r["sku"]: r["outcome"] for r in json.loads(capsys.readouterr().out)}
    pushed = {sku for sku, outcome in outcomes.items() if outcome == "pushed"}
    assert pushed == {p["sku"] for p in products} - synced  # the rest, pending batch included
    assert app.count("products.batch") == -(-len(pushed) // 100)
    stock = app.stock()
    assert all(stock[p["sku"]] == Decimal(p["quantity"] + 100) for p in products)
