"""Issue 10's oversell "done when", checked against a real InvenTree server and its worker.

    python -m bench.live_oversell --url http://127.0.0.1:8101 --user admin --password admin \\
        --instance oversell --worktree /work/wt/oversell

Assumes an InvenTree server and its worker run this package (``/work/live/bin/start``). The
script starts the four sandboxes (child processes on free 127.0.0.1 ports), configures the
four plugins through InvenTree's API (stock sync on, dry run off, quantity mode "available
after open orders", order import on with polling every ``POLL_MINUTES``, no reconciliation
or target check schedule), creates one salable part per target (``STOCK`` in stock) and
checks, for each target, that an order of 2 placed on that shop leaves its sellable
quantity (WooCommerce and Invoice Ninja: the stock quantity; Magento MSI: the salable
quantity; Zoho: available for sale) lower by exactly 2 -- not 0, not 4:

1. after the import (the schedule's poll imports the order, its sales order lines mark the
   part, the flush pushes it to every target): the ordering shop and the other three offer
   ``STOCK - 2``;
2. after a stock change of that part in InvenTree (``ADDED`` added): ``STOCK + ADDED - 2``;
3. after a forced target check (``sync.sync_parts(plugin, None, verify=True)`` for the four
   plugins in one ``manage.py shell`` of the instance): unchanged.

Prints one table (seconds from the action until every shop holds the expected figure, or
what it held) and exits non-zero on any failure.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from inventree.part import Part, PartCategory
from inventree.stock import StockItem

from .harness import SandboxProcess, live_parser, stop_all, table, verdict, worker_running
from .live_inventree import SLUGS, TARGETS, Failure, InvenTree
from .live_orders import place, start_sandbox

POLL_MINUTES = 1
STOCK = 20
ORDERED = 2
ADDED = 5
# the poll runs every POLL_MINUTES (django-q looks every ~30 s), then the flush
IMPORT_TIMEOUT = POLL_MINUTES * 60 + 150.0
CHANGE_TIMEOUT = 60.0
MANAGE = "/work/live/bin/manage"
SELLABLE = {"magento": "salable", "zoho": "available"}  # control call of what the shop offers


def sellable(sandbox: SandboxProcess) -> dict[str, Decimal]:
    """What the shop offers for sale, per SKU."""
    action = SELLABLE.get(sandbox.target, "stock")
    return {sku: Decimal(q) for sku, q in sandbox.control("GET", action).items()}


def forced_target_check(instance: str, worktree: str, targets, say) -> str | None:
    """``sync.sync_parts(plugin, None, verify=True)`` of each target's plugin in one
    ``manage.py shell`` of the instance, saying each report's summary; the failure, if any."""
    code = ("from inventree_commerce_sync.inventree import sync; from plugin.registry import registry; "
            + "; ".join(f"print('CHECK', sync.sync_parts(registry.get_plugin({SLUGS[t]!r}), None, verify=True)"
                        f".summary())" for t in targets))
    started = time.monotonic()
    out = subprocess.run([MANAGE, instance, worktree, "shell", "-c", code], capture_output=True, text=True,
                         timeout=600)
    say(f"forced target check of {', '.join(targets)}: exit {out.returncode} after "
        f"{time.monotonic() - started:.0f} s (InvenTree start-up included)")
    for line in out.stdout.splitlines():
        if line.startswith("CHECK "):
            say(f"  {line[6:]}")
    return f"the forced target check failed: {out.stderr[-500:]}" if out.returncode != 0 else None


class Run:
    def __init__(self, it: InvenTree, instance: str, worktree: str):
        self.it = it
        self.instance = instance
        self.worktree = worktree
        self.tag = uuid.uuid4().hex[:6].upper()
        self.folder = tempfile.TemporaryDirectory(prefix="ics-oversell-")
        self.sandboxes: dict[str, SandboxProcess] = {}
        self.failures: list[str] = []
        self.rows: list[dict] = []

    def setup(self) -> None:
        api = self.it.api
        category = PartCategory.create(api, {"name": f"commerce sync oversell {self.tag}"})
        self.skus = {t: f"OV-{self.tag}-{t[:3].upper()}" for t in TARGETS}
        self.parts: dict[str, Part] = {}
        self.items: dict[str, StockItem] = {}
        for target, sku in self.skus.items():
            self.parts[target] = Part.create(api, {"category": category.pk, "name": f"ICS oversell {sku}", "IPN": sku,
                                                   "description": "sold on every shop", "active": True,
                                                   "salable": True})
        for target in TARGETS:
            self.sandboxes[target] = start_sandbox(target, list(self.skus.values()), Path(self.folder.name))
            # start_sandbox seeds a large quantity; the first push sets InvenTree's figure
        for target in TARGETS:
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            values = {k.upper(): v for k, v in self.sandboxes[target].settings().items()}
            values.update(ENABLED=True, DRY_RUN=False, QUANTITY="available_after_open_orders", SKU_SOURCE="ipn",
                          SAFETY_BUFFER="0", LOCATION="", RECONCILE_MINUTES=0, VERIFY_MINUTES=0,
                          ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_POLL_MINUTES=POLL_MINUTES,
                          ORDER_AUDIT_DAYS=1, ORDER_ALLOCATE=False)
            for key, value in values.items():
                self.it.set_plugin_setting(slug, key, value)
        for target, part in self.parts.items():
            self.items[target] = StockItem.create(api, {"part": part.pk, "quantity": STOCK})[0]
        self.say(f"setup: tag {self.tag}; sandboxes " + ", ".join(f"{t} {s.url}" for t, s in self.sandboxes.items()))
        seconds, held = self.wait_for({t: {sku: Decimal(STOCK) for sku in self.skus.values()} for t in TARGETS},
                                      CHANGE_TIMEOUT + IMPORT_TIMEOUT)
        if any(s is None for s in seconds.values()):
            raise Failure(f"the first push did not reach every shop: {held}")

    def say(self, text: str) -> None:
        print(text, flush=True)

    def wait_for(self, expected: dict[str, dict[str, Decimal]], timeout: float):
        """Seconds until each shop offers ``expected`` ({target: {sku: quantity}}), None
        where it did not within ``timeout``; and what each shop held at the end."""
        started = time.monotonic()
        seconds: dict[str, float | None] = {t: None for t in expected}
        held: dict[str, dict[str, Decimal]] = {}
        while time.monotonic() - started < timeout:
            for target in expected:
                if seconds[target] is None:
                    held[target] = sellable(self.sandboxes[target])
                    if all(held[target].get(sku) == q for sku, q in expected[target].items()):
                        seconds[target] = round(time.monotonic() - started, 2)
            if all(s is not None for s in seconds.values()):
                break
            time.sleep(0.5)
        for target in expected:  # and still so once all are there (the ordering shop was there before the push)
            held[target] = sellable(self.sandboxes[target])
            if any(held[target].get(sku) != q for sku, q in expected[target].items()):
                seconds[target] = None
        return seconds, held

    def check(self, target: str, step: str, figure: int, timeout: float, started: float | None = None) -> None:
        """Every shop offers ``figure`` of ``target``'s part."""
        sku = self.skus[target]
        seconds, held = self.wait_for({t: {sku: Decimal(figure)} for t in TARGETS}, timeout)
        row: dict[str, object] = {"ordered on": target, "step": step, "expected": figure}
        for t in TARGETS:
            row[t] = f"{seconds[t]:.1f} s" if seconds[t] is not None else f"held {held[t].get(sku)}"
            if seconds[t] is None:
                self.failures.append(f"{target} order, {step}: {t} offers {held[t].get(sku)}, not {figure}")
        self.rows.append(row)
        self.say(f"  {row}")

    def target(self, target: str) -> None:
        sandbox = self.sandboxes[target]
        number = place(sandbox, self.skus[target], ORDERED)[0]
        on_shop = sellable(sandbox).get(self.skus[target])
        self.say(f"{target}: order {number} of {ORDERED} placed; the shop offers {on_shop} at once")
        if on_shop != STOCK - ORDERED:
            self.failures.append(f"{target}: the shop itself offers {on_shop} after the order, not {STOCK - ORDERED}")
        self.check(target, "after the import", STOCK - ORDERED, IMPORT_TIMEOUT)
        self.items[target].addStock(ADDED)
        self.check(target, f"after +{ADDED} in InvenTree", STOCK + ADDED - ORDERED, CHANGE_TIMEOUT)

    def forced_target_check(self) -> None:
        error = forced_target_check(self.instance, self.worktree, TARGETS, self.say)
        if error:
            self.failures.append(error)
        for target in TARGETS:
            self.check(target, "after a forced target check", STOCK + ADDED - ORDERED, 5.0)

    def stop(self) -> None:
        stop_all(self.sandboxes.values(), self.folder)


def main(argv: list[str] | None = None) -> int:
    parser = live_parser(__doc__, port=8101, instance="oversell", worktree=True)
    args = parser.parse_args(argv)
    it = InvenTree(args.url, args.user, args.password)
    if not worker_running(it):
        return 2
    run = Run(it, args.instance, args.worktree)
    try:
        run.setup()
        for target in TARGETS:
            run.target(target)
        run.forced_target_check()
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        run.stop()
    print(f"\nAn order of {ORDERED} on each shop ({STOCK} in stock): what every shop offers of that part "
          "(seconds until it did, or what it held):")
    if run.rows:
        print(table(run.rows, list(run.rows[0])))
    return verdict(run.failures)


if __name__ == "__main__":
    sys.exit(main())
