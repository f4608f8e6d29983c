"""Convergence under faults: nothing lost, nothing applied twice.

A seeded random run drives quantity changes on many SKUs through the engine against each
sandbox while about 20 % of calls fail (5xx, 429 with Retry-After, a timeout after the
write was applied, connection resets, partial batch failures) and the process "crashes"
every 100 changes (the engine is thrown away mid-sync; the SQLite ledger is kept). After
recovery and one reconciliation every target must equal the desired levels exactly.

CI runs a smaller count; the full size (1,000 changes on 200 SKUs) runs by hand with
``ICS_CONVERGENCE_CHANGES=1000 ICS_CONVERGENCE_SKUS=200 pytest tests/test_convergence.py``.
"""

from __future__ import annotations

import os
import random
from decimal import Decimal

import pytest

from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.ledger import SqliteLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import BaseTarget
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.targets import TARGETS, build_target

CHANGES = int(os.environ.get("ICS_CONVERGENCE_CHANGES", "300"))
SKUS = int(os.environ.get("ICS_CONVERGENCE_SKUS", "200"))
SYNC_EVERY = 10  # changes per sync, as a flush of coalesced events would carry
CRASH_EVERY = 100
FAULT_RATES = {"error": 0.05, "rate_limit": 0.04, "timeout_after_apply": 0.04, "reset": 0.04, "partial": 0.03}


class Crash(BaseException):
    """The process dies: not an Exception, so nothing on the way catches it."""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_every_target_converges_after_faults_and_crashes(name, serve, tmp_path, monkeypatch):
    rng = random.Random(20261121)
    products = catalogue.generate(SKUS, seed=11)["products"]
    monkeypatch.setattr(BaseTarget, "RETRY_BACKOFF", 0.01)  # faults are a fifth of all calls: keep waits short
    if name == "zoho":  # the 100-per-minute pace has tests of its own; here it would only add minutes
        from inventree_commerce_sync.targets.zoho import ZohoTarget

        monkeypatch.setattr(ZohoTarget, "RATE_LIMIT", 100_000)
        monkeypatch.setattr(ZohoTarget, "SETTLE_SECONDS", 0.05)  # the sandbox applies at once
        app = sandbox_class(name)(seed=7, rate_limit=None)
    else:
        app = sandbox_class(name)(seed=7)
    app.seed({"products": products})
    app.faults.hang_seconds = 0.6
    server = serve(app)
    settings = {**sandbox_class(name).client_settings(server.url), "timeout": 0.3}
    ledger_path = tmp_path / "ledger.sqlite3"
    app.faults.set("*", retry_after=0, **FAULT_RATES)

    desired = {p["sku"]: Decimal(p["quantity"]) for p in products}
    skus = sorted(desired)
    engine = None
    unsynced: set[str] = set()
    crashes = 0
    for change in range(1, CHANGES + 1):
        sku = rng.choice(skus)
        desired[sku] = Decimal(rng.randint(0, 120))
        unsynced.add(sku)
        if engine is None:
            engine = SyncEngine(build_target(name, settings), SqliteLedger(ledger_path))
        if change % SYNC_EVERY == 0:
            batch = [StockLevel(s, desired[s]) for s in sorted(unsynced)]
            unsynced.clear()
            if change % CRASH_EVERY == 0:
                die_after = rng.randint(1, len(batch))
                seen = []

                def crash_midway(result, seen=seen, die_after=die_after):
                    seen.append(result)
                    if len(seen) == die_after:
                        raise Crash

                engine.on_result = crash_midway
                with pytest.raises(Crash):
                    engine.sync(batch)
                engine = None  # thrown away; only the ledger file survives
                crashes += 1
            else:
                engine.sync(batch)  # failures are expected: the reconciliation repairs them

    app.faults.clear()
    recovered = SyncEngine(build_target(name, settings), SqliteLedger(ledger_path))
    recovered.sync([StockLevel(s, q) for s, q in desired.items()])  # resume what the ledger says is pending
    recovered.sync([StockLevel(s, q) for s, q in desired.items()], verify=True)  # the scheduled reconciliation

    assert crashes == CHANGES // CRASH_EVERY
    assert sum(app.faults.injected.values()) > CHANGES // 20, "the faults were not injected"
    stock = app.stock()
    managed = [p["sku"] for p in products if p.get("manage_stock", True)]
    wrong = {sku: (stock.get(sku), desired[sku]) for sku in managed if stock.get(sku) != desired[sku]}
    assert wrong == {}
    monkeypatch.setattr(BaseTarget, "RETRY_BACKOFF", 0.01)  # faults are a fifth of all calls: keep waits short
    if name == "zoho":
        references = [a["reference_number"] for a in app.adjustments]
        assert len(references) == len(set(references)), "an adjustment was applied twice"
