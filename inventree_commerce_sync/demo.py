"""The embedded default: sync a sample catalogue to the bundled sandboxes, twice.

Needs no account and no network. Starts one sandbox per target on a free loopback port,
seeds the demo catalogue, pushes a stock snapshot, changes a few quantities and pushes
again (only those are written), then reads every quantity back from the sandboxes. Last,
on each sandbox that can place orders and whose client reads them (``demo_orders``), places
one order as a customer would and reads it back through the client. Exits 0 only if every
target converged and every order placed was read back.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from contextlib import ExitStack
from decimal import Decimal
from typing import TextIO

from . import registry
from .core.engine import Report, Result, SyncEngine
from .core.ledger import MemoryLedger
from .core.levels import StockLevel
from .demo_orders import show_orders
from .sandbox import SandboxServer, catalogue, sandbox_class
from .targets import build_target

MISSING_SKU = "NOT-IN-SHOP-1"
CHANGED_IN_ROUND_TWO = ("EL-003", "TSHIRT-M", "BOLT/M3/10")
_COLUMNS = ("pushed", "unchanged", "not found", "skipped", "failed", "requests", "seconds")


def sample_snapshot(products: list[dict], seed: int = 7) -> dict[str, Decimal]:
    """What InvenTree would report: each catalogue product's stock, moved a little, plus a
    SKU that no target knows."""
    rng = random.Random(seed)
    snapshot = {p["sku"]: Decimal(max(0, int(p.get("quantity", 0)) + rng.randint(-5, 15)))
                for p in products if p.get("type", "simple") != "variable"}
    snapshot[MISSING_SKU] = Decimal(3)
    return snapshot


def run_demo(out: TextIO, *, names: Sequence[str] | None = None) -> int:
    """The demo on the sandboxes of ``names`` (default: every registered target)."""
    names = registry.names() if names is None else tuple(names)
    products = catalogue.load()["products"]
    first = sample_snapshot(products)
    second = dict(first)
    for sku in CHANGED_IN_ROUND_TWO:
        second[sku] += 4

    with ExitStack() as stack:
        apps, engines, servers = {}, {}, {}
        for name in names:
            cls = sandbox_class(name)
            app = cls()
            app.seed({"products": products})
            server = stack.enter_context(SandboxServer(app))
            apps[name], servers[name] = app, server.url
            engines[name] = SyncEngine(build_target(name, cls.client_settings(server.url)), MemoryLedger())
            print(f"started the {name} sandbox at {server.url}", file=out)

        reports: dict[int, dict[str, Report]] = {}
        for round_number, snapshot in ((1, first), (2, second)):
            label = "first sync: the whole snapshot" if round_number == 1 else \
                f"second sync: {len(CHANGED_IN_ROUND_TWO)} quantities changed ({', '.join(CHANGED_IN_ROUND_TWO)})"
            print(f"\n== {label}", file=out)
            reports[round_number] = {}
            for name, engine in engines.items():
                print(f"  syncing {len(snapshot)} SKUs to {name} ...", file=out, flush=True)
                levels = [StockLevel(sku, qty, "demo") for sku, qty in snapshot.items()]
                reports[round_number][name] = engine.sync(levels)
            _print_table(out, reports[round_number])
            if round_number == 1:
                _print_exceptions(out, reports[1])

        print("\n== reading every quantity back from the sandboxes", file=out)
        converged = True
        for name, report in reports[2].items():
            problems = _differences(report, apps[name].stock(), second)
            pushed_again = {r.sku for r in report.results if r.outcome is Result.PUSHED}
            extra = pushed_again - set(CHANGED_IN_ROUND_TWO)
            if extra:
                problems.append(f"wrote unchanged SKUs again: {', '.join(sorted(extra))}")
            if report.failed:
                problems.append(f"{report.failed} SKUs failed")
            status = "converged" if not problems else "NOT converged: " + "; ".join(problems)
            print(f"  {name:<13} {status}", file=out)
            converged &= not problems
        orders_read = show_orders(out, {name: (engine.target, servers[name]) for name, engine in engines.items()})
    print("\nall targets converged" if converged else "\nsome targets did not converge", file=out)
    if not orders_read:
        print("some orders placed were not read back", file=out)
    return 0 if converged and orders_read else 1


def _differences(report: Report, stock: dict[str, Decimal], snapshot: dict[str, Decimal]) -> list[str]:
    problems = []
    for result in report.results:
        if result.outcome in (Result.PUSHED, Result.UNCHANGED):
            actual = stock.get(result.sku)
            if actual is None or Decimal(actual) != result.quantity:
                problems.append(f"{result.sku} is {actual}, expected {result.quantity} (from {snapshot[result.sku]})")
    return problems


def _print_exceptions(out: TextIO, reports: dict[str, Report]) -> None:
    """Why each SKU that was not written was left alone."""
    for name, report in reports.items():
        for result in report.results:
            if result.outcome in (Result.NOT_FOUND, Result.SKIPPED, Result.FAILED):
                print(f"    {name}: {result.sku} {result.outcome.value.replace('_', ' ')}: {result.error}", file=out)


def _print_table(out: TextIO, reports: dict[str, Report]) -> None:
    print(f"  {'target':<13}" + "".join(f"{c:>11}" for c in _COLUMNS), file=out)
    for name, report in reports.items():
        counts = report.counts
        cells = [counts[Result.PUSHED], counts[Result.UNCHANGED], counts[Result.NOT_FOUND],
                 counts[Result.SKIPPED], counts[Result.FAILED], sum(report.requests.values())]
        print(f"  {name:<13}" + "".join(f"{c:>11}" for c in cells) + f"{report.seconds:>11.2f}", file=out)
