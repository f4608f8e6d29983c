"""bench.catalogue at a small size: request counts, never times."""

from __future__ import annotations

import math

import pytest

from bench.catalogue import run_one
from bench.harness import write_seed

NEW, REPRICED, SEED = 250, 150, 120


@pytest.mark.slow
@pytest.mark.parametrize("name", ["woocommerce", "magento"])
def test_publishing_and_repricing_take_the_bulk_requests_and_a_rerun_none(name, tmp_path):
    create, again, reprice, again_after = run_one(name, NEW, REPRICED, write_seed(SEED, tmp_path))
    assert (create["created"], create["failed"], reprice["updated"], reprice["unchanged"]) == \
        (NEW, 0, REPRICED, NEW - REPRICED)
    assert again["writes"] == again_after["writes"] == 0 and again["unchanged"] == again_after["unchanged"] == NEW
    if name == "woocommerce":
        assert (create["writes"], create["batch writes"]) == (math.ceil(NEW / 100),) * 2
        assert reprice["writes"] == reprice["batch writes"] == math.ceil(REPRICED / 100)
    else:  # one POST per product (no bulk create) and one source-items write; prices in one request
        assert create["writes"] == NEW + 1
        assert reprice["writes"] == reprice["batch writes"] == 1
