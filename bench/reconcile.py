"""Bulk reconciliation benchmark, side by side with a per-item sync.

    python -m bench.reconcile                       # 1,000 / 10,000 / 100,000 SKUs, four targets
    python -m bench.reconcile --sizes 1000 --targets woocommerce

For each target and size, in a fresh child process that holds no list of the SKUs (so that
its peak memory is the sync's own; the sandbox runs in a process of its own):
a first full sync, a second with 1 % of the quantities changed, a third with nothing
changed, then (up to --baseline-max SKUs) the per-item approach typical integrations take:
for every SKU, look it up, then write it, one request each, in sequence. Request counts are
read from the sandbox (exact); times are compared as ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.ledger import SqliteLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change
from inventree_commerce_sync.targets import TARGETS, build_target

from .harness import SandboxProcess, desired_quantity, sku, table, write_seed

PHASES = {1: "first sync", 2: "1 % changed", 3: "nothing changed"}


def levels(size: int, phase: int):
    """Generated lazily: the benchmark keeps no list of its own SKUs in memory."""
    return (StockLevel(sku(i), desired_quantity(i, phase)) for i in range(size))


def run_one(target_name: str, size: int, seed: Path, baseline: bool) -> dict:
    rows = []
    with SandboxProcess(target_name, seed) as sandbox, tempfile.TemporaryDirectory() as tmp, \
            zoho_rate_limit_lifted(target_name, sandbox):
        target = build_target(target_name, sandbox.settings())
        ledger = SqliteLedger(Path(tmp) / "ledger.sqlite3")
        for phase in PHASES:
            sandbox.reset_counters()
            engine = SyncEngine(target, ledger, keep_results=False)
            started = time.perf_counter()
            report = engine.sync(levels(size, phase))
            seconds = time.perf_counter() - started
            counters = sandbox.counters()
            rows.append({"phase": phase, "reads": counters["reads"], "writes": counters["writes"],
                         "pushed": report.counts[Result.PUSHED], "unchanged": report.counts[Result.UNCHANGED],
                         "failed": report.counts[Result.FAILED], "seconds": round(seconds, 3)})
        peak_rss_mb = peak_rss()
        stock = sandbox.stock()
        wrong = sum(1 for i in range(size) if stock.get(sku(i)) != desired_quantity(i, 3))
        result = {"target": target_name, "size": size, "phases": rows, "wrong_levels": wrong,
                  "peak_rss_mb": peak_rss_mb}
        if baseline:
            result["baseline"] = per_item_sync(target_name, sandbox, size)
    return result


def peak_rss() -> float:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss, it does not carry
    the parent's memory over from before the exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def zoho_rate_limit_lifted(target_name: str, sandbox: SandboxProcess) -> Iterator[None]:
    """Zoho allows 100 requests a minute: at that pace 100,000 SKUs take hours whatever the
    client does. Request counts are what this benchmark compares; bench.zoho_ratelimit runs
    under the real limit. The client's limit is put back afterwards: the test suite runs
    this benchmark in the same process as the tests that check the limit is kept."""
    if target_name != "zoho":
        yield
        return
    from inventree_commerce_sync.targets.zoho import ZohoTarget

    sandbox.control("POST", "rate-limit", {"limit": None})
    kept = ZohoTarget.RATE_LIMIT
    ZohoTarget.RATE_LIMIT = 10**9
    try:
        yield
    finally:
        ZohoTarget.RATE_LIMIT = kept


def per_item_sync(target_name: str, sandbox: SandboxProcess, size: int) -> dict:
    """Look up each SKU, then write it: what an integration without batching or a ledger does.
    It pushes a 1 % change like the engine's phase 2 (on top of phase 3's levels)."""
    target = build_target(target_name, sandbox.settings())
    sandbox.reset_counters()
    started = time.perf_counter()
    for index in range(size):
        quantity = desired_quantity(index, 2) + (1 if index % 100 == 1 else 0)
        remote = target.resolve([sku(index)]).get(sku(index))
        if remote is not None and remote.found and not remote.skip_reason:
            target.write([Change(sku(index), remote, quantity)])
    seconds = time.perf_counter() - started
    counters = sandbox.counters()
    return {"reads": counters["reads"], "writes": counters["writes"], "seconds": round(seconds, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--baseline-max", type=int, default=10000, help="largest size to run the per-item baseline at")
    parser.add_argument("--one", nargs=3, metavar=("TARGET", "SIZE", "SEED"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)

    if args.one:
        target, size, seed = args.one[0], int(args.one[1]), Path(args.one[2])
        print(json.dumps(run_one(target, size, seed, size <= args.baseline_max)))
        return 0

    results = []
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="ics-bench-") as folder:
        seeds = {size: write_seed(size, Path(folder)) for size in sizes}
        for target in args.targets.split(","):
            for size in sizes:
                print(f"{target} {size:,} SKUs ...", file=sys.stderr, flush=True)
                child = subprocess.run([sys.executable, "-m", "bench.reconcile", "--one", target, str(size),
                                        str(seeds[size]), "--baseline-max", str(args.baseline_max)],
                                       capture_output=True, text=True, check=True)
                results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0 if all(r["wrong_levels"] == 0 for r in results) else 1


def render(results: list[dict]) -> str:
    rows = []
    for r in results:
        for phase in r["phases"]:
            changed = max(phase["pushed"], 1)
            rows.append({"target": r["target"], "SKUs": f"{r['size']:,}", "phase": PHASES[phase["phase"]],
                         "reads": phase["reads"], "writes": phase["writes"], "pushed": phase["pushed"],
                         "writes/100 pushed": f"{100 * phase['writes'] / changed:.2f}" if phase["pushed"] else "-",
                         "seconds": f"{phase['seconds']:.2f}", "peak MB": r["peak_rss_mb"],
                         "wrong": r["wrong_levels"]})
    text = table(rows, ["target", "SKUs", "phase", "reads", "writes", "pushed", "writes/100 pushed",
                        "seconds", "peak MB", "wrong"])
    base_rows = []
    for r in results:
        if "baseline" not in r:
            continue
        ours = r["phases"][1]
        b = r["baseline"]
        ours_requests = ours["reads"] + ours["writes"]
        base_requests = b["reads"] + b["writes"]
        base_rows.append({"target": r["target"], "SKUs": f"{r['size']:,}", "per-item requests": base_requests,
                          "batched requests": ours_requests,
                          "requests ratio": f"{base_requests / max(ours_requests, 1):.0f}x",
                          "per-item s": f"{b['seconds']:.2f}", "batched s": f"{ours['seconds']:.2f}",
                          "time ratio": f"{b['seconds'] / max(ours['seconds'], 1e-6):.0f}x"})
    if base_rows:
        text += "\n\nPer-item baseline vs batched, 1 % changed:\n\n" + table(
            base_rows, ["target", "SKUs", "per-item requests", "batched requests", "requests ratio",
                        "per-item s", "batched s", "time ratio"])
    return text


if __name__ == "__main__":
    raise SystemExit(main())
