"""The benchmarks at small sizes: request counts and final levels, never times."""

from __future__ import annotations

import math

import pytest

from bench.burst import run_burst
from bench.harness import write_seed
from bench.reconcile import run_one
from bench.zoho_ratelimit import run as run_under_rate_limit
from inventree_commerce_sync.targets import TARGETS
from inventree_commerce_sync.targets.invoiceninja import FEW_SKUS, LIST_PAGE_SIZE

SIZE = 300
BATCHED = ("magento", "woocommerce", "zoho")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_bulk_reconciliation_request_counts(name, tmp_path):
    result = run_one(name, SIZE, write_seed(SIZE, tmp_path), baseline=True)
    first, one_percent, nothing = result["phases"]
    assert result["wrong_levels"] == 0
    assert first["failed"] == one_percent["failed"] == 0
    assert one_percent["pushed"] == math.ceil(SIZE / 100)  # the benchmark changes every 100th level
    for phase in (first, one_percent):
        if name in BATCHED:
            assert phase["writes"] <= math.ceil(phase["pushed"] / 100), phase
        else:  # Invoice Ninja has no bulk stock write: one per changed product, no more
            assert phase["writes"] == phase["pushed"], phase
    assert (nothing["reads"], nothing["writes"], nothing["pushed"]) == (0, 0, 0)
    # 1 % changed, with the ledger knowing every record: no lookup beyond what the writes need
    changed = one_percent["pushed"]
    assert (one_percent["reads"], one_percent["writes"]) == {
        "magento": (1, 1),  # one products search (existence and type); the stock items are known
        "woocommerce": (1, 1),
        "zoho": (math.ceil(changed / 50), 1),  # fresh stock of exactly the adjusted items, one adjustment
        # a key lookup each for a few SKUs, else one listing at the largest page size; one PUT each
        "invoiceninja": (changed if changed <= FEW_SKUS else math.ceil(SIZE / LIST_PAGE_SIZE), changed),
    }[name], one_percent
    baseline = result["baseline"]
    ratio = (baseline["reads"] + baseline["writes"]) / (one_percent["reads"] + one_percent["writes"])
    assert ratio >= (50 if name in BATCHED else 20), result


@pytest.mark.slow
def test_event_burst_is_coalesced_and_exact():
    rows = run_burst(list(TARGETS), parts=100, notifications=2000, within=0.5, quiet=0.3, max_wait=2.0)
    for row in rows:
        assert row["wrong levels"] == 0 and row["failed"] == 0, row
        assert row["writes"] <= 200, row  # at most 2 writes per part per burst, whatever the target


@pytest.mark.slow
def test_zoho_first_sync_under_its_rate_limit_sees_no_429():
    row = run_under_rate_limit(400, limit=10, window=2.0)
    assert row["failed"] == 0 and row["wrong levels"] == 0, row  # no 429 reached the report
    assert row["pushed"] == 400
    assert row["adjustments"] == math.ceil(row["pushed"] / 100)  # one adjustment per 100 items
