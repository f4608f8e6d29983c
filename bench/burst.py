"""Event bursts at engine level: many change notifications, few writes, exact final levels.

    python -m bench.burst                       # 10,000 notifications on 500 parts within 1 s
    python -m bench.burst --notifications 2000 --parts 100 --targets zoho

Notifications are marked on an in-memory Coalescer (bench/coalesce.py) that waits by the
InvenTree layer's rule (``core.coalesce.flush_wait``); its flushes run on a timer thread
standing in for InvenTree's background worker, one at a time per target, each syncing the
drained parts' current levels.
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from decimal import Decimal

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.sandbox import SandboxServer, catalogue, sandbox_class
from inventree_commerce_sync.targets import TARGETS, build_target

from .coalesce import Coalescer
from .harness import table


class Worker:
    """Runs a target's flushes like a background worker: delayed, one at a time."""

    def __init__(self, engine: SyncEngine, truth: dict[str, Decimal], truth_lock: threading.Lock,
                 quiet: float, max_wait: float):
        self.engine = engine
        self.truth = truth
        self.truth_lock = truth_lock
        self.coalescer: Coalescer[str] = Coalescer(self._schedule, quiet=quiet, max_wait=max_wait)
        self.flush_lock = threading.Lock()
        self.timers: list[threading.Timer] = []
        self.flushes = 0
        self.failed = 0

    def _schedule(self, delay: float) -> None:
        timer = threading.Timer(delay, self.flush)
        self.timers.append(timer)
        timer.start()

    def flush(self) -> None:
        with self.flush_lock:
            skus = self.coalescer.take()
            if not skus:
                return
            with self.truth_lock:
                levels = [StockLevel(sku, self.truth[sku]) for sku in sorted(skus)]
            report = self.engine.sync(levels)
            self.flushes += 1
            self.failed += report.counts[Result.FAILED]

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (len(self.coalescer) or any(t.is_alive() for t in self.timers)):
            time.sleep(0.05)


def run_burst(target_names: list[str], *, parts: int = 500, notifications: int = 10_000, within: float = 1.0,
              quiet: float = 1.0, max_wait: float = 5.0, seed: int = 3) -> list[dict]:
    products = catalogue.generate(parts, seed=seed)["products"]
    truth = {p["sku"]: Decimal(p["quantity"]) for p in products}
    truth_lock = threading.Lock()
    servers, workers, apps = [], {}, {}
    try:
        for name in target_names:
            app = sandbox_class(name)()
            app.seed({"products": products})
            server = SandboxServer(app).start()
            servers.append(server)
            apps[name] = app
            engine = SyncEngine(build_target(name, sandbox_class(name).client_settings(server.url)), MemoryLedger())
            engine.sync(StockLevel(sku, q) for sku, q in truth.items())  # steady state before the burst
            app.reset_counters()
            workers[name] = Worker(engine, truth, truth_lock, quiet, max_wait)

        rng = random.Random(seed)
        skus = list(truth)
        started = time.monotonic()
        for n in range(notifications):
            sku = rng.choice(skus)
            with truth_lock:
                truth[sku] = max(Decimal(0), truth[sku] + rng.choice((-2, -1, 1, 3)))
            for worker in workers.values():
                worker.coalescer.mark([sku])
            pause = started + within * (n + 1) / notifications - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        burst_seconds = time.monotonic() - started
        for worker in workers.values():
            worker.wait(timeout=max_wait + 60)

        rows = []
        for name, worker in workers.items():
            stock = apps[name].stock()
            managed = {p["sku"] for p in products if p.get("manage_stock", True)}
            wrong = sum(1 for sku in managed if stock.get(sku) != truth[sku])
            rows.append({"target": name, "notifications": notifications, "parts": parts,
                         "burst s": f"{burst_seconds:.2f}", "flushes": worker.flushes,
                         "writes": apps[name].writes, "reads": apps[name].reads,
                         "failed": worker.failed, "wrong levels": wrong})
        return rows
    finally:
        for server in servers:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--parts", type=int, default=500)
    parser.add_argument("--within", type=float, default=1.0, help="seconds the notifications are spread over")
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args(argv)
    rows = run_burst(args.targets.split(","), parts=args.parts, notifications=args.notifications, within=args.within)
    print(table(rows, list(rows[0])))
    return 0 if all(r["wrong levels"] == 0 and r["failed"] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
