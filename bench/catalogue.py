"""Publishing a catalogue: the requests it takes to create products and to reprice them.

    python -m bench.catalogue [--new 500] [--repriced 200] [--targets woocommerce,magento]

For each target whose client implements the catalogue (``core.catalogue``), against its
sandbox in a process of its own, seeded with ``--seed-size`` products: four publishes
through ``core.catalogue.publish`` with the ledger of the one before:

1. ``--new`` products the target lacks (name, description, price, stock);
2. the same file again (must write nothing);
3. the price of the first ``--repriced`` of them changed;
4. the same again (must write nothing).

Request counts are the sandbox's own (exact); seconds are loopback wall time, to be read
with the machine's load average, printed beside them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.harness import SandboxProcess, table, write_seed
from inventree_commerce_sync.cli_catalogue import catalogue_targets
from inventree_commerce_sync.core import catalogue as C
from inventree_commerce_sync.core.catalogue import ProductDraft
from inventree_commerce_sync.targets import build_target

COLUMNS = ["target", "phase", "products", "reads", "writes", "batch writes", "created", "updated", "unchanged",
           "failed", "seconds"]
# What counts as a catalogue write on each sandbox (route names), for the "batch writes" column.
BATCH_ROUTES = {"woocommerce": ("products.batch", "variations.batch"), "magento": ("base-prices.save",)}


def drafts(count: int, *, repriced: int = 0) -> list[ProductDraft]:
    return [ProductDraft(f"PUB-{i:05d}", f"Published part {i}", f"Made in InvenTree, part {i}",
                         Decimal("9.90") + (Decimal("1.05") if i < repriced else 0), Decimal(i % 13))
            for i in range(count)]


def run_one(name: str, new: int, repriced: int, seed: Path) -> list[dict]:
    rows = []
    with SandboxProcess(name, seed) as sandbox:
        client = build_target(name, sandbox.settings())
        assert isinstance(client, C.CatalogueClient)
        ledger: dict[str, dict[str, str]] = {}
        phases = [("create", drafts(new)), ("again", drafts(new)), ("reprice", drafts(new, repriced=repriced)),
                  ("again", drafts(new, repriced=repriced))]
        for phase, wanted in phases:
            sandbox.reset_counters()
            started = time.perf_counter()
            results = C.publish(client, wanted, published=ledger)
            seconds = time.perf_counter() - started
            ledger.update(C.ledger_after(wanted, results))
            counters = sandbox.counters()
            outcomes = [r.outcome for r in results]
            batch = sum(n for key, n in counters["counters"].items() if key.split(" ", 1)[1] in BATCH_ROUTES.get(name, ()))
            rows.append({"target": name, "phase": phase, "products": len(wanted), "reads": counters["reads"],
                         "writes": counters["writes"], "batch writes": batch, "created": outcomes.count(C.CREATED),
                         "updated": outcomes.count(C.UPDATED), "unchanged": outcomes.count(C.UNCHANGED),
                         "failed": outcomes.count(C.FAILED), "seconds": f"{seconds:.2f}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new", type=int, default=500)
    parser.add_argument("--repriced", type=int, default=200)
    parser.add_argument("--seed-size", type=int, default=1000, help="products the sandbox holds before")
    parser.add_argument("--targets", default=",".join(t for t in catalogue_targets()))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        seed = write_seed(args.seed_size, Path(folder))
        for name in args.targets.split(","):
            rows += run_one(name.strip(), args.new, args.repriced, seed)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(table(rows, COLUMNS))
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"WooCommerce create batches expected {math.ceil(args.new / 100)}, "
          f"reprice batches {math.ceil(args.repriced / 100)}; Magento base-prices requests "
          f"{math.ceil(args.repriced / 1000)}")


if __name__ == "__main__":
    main()
