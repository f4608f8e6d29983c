"""Issue 10's several-locations "done when", checked against a real InvenTree server and its worker.

    python -m bench.live_locations --url http://127.0.0.1:8112 --user admin --password admin \\
        --instance loc16 --worktree /work/wt/oversell

Assumes an InvenTree server and its worker run this package (``/work/live/bin/start``). The
script starts a Magento sandbox with two more sources (``src_north``, ``src_south``, the
stock whose salable quantity they make) and a Zoho sandbox (two locations), as child
processes on free 127.0.0.1 ports; switches the WooCommerce and Invoice Ninja plugins off;
makes InvenTree locations North (with a sublocation Shelf), South and Elsewhere (not
mapped) and one salable part with stock in each; and sets the Magento and Zoho plugins'
LOCATION_MAP to North -> src_north / the primary Zoho location, South -> src_south / the
second one (quantity mode "available after open orders", order import every
``POLL_MINUTES``, no reconciliation or target check schedule). Then, step by step, it
checks that each shop location holds exactly its own figure:

- Magento: the source item of each mapped source (``default``, not mapped, keeps its seeded
  quantity), and the salable quantity (sources + reservations) = North + South;
- Zoho: stock on hand at each location, and available for sale = North + South;

where a reserving shop's location of North also holds its own open orders (it subtracts
them itself). Steps: the first push; stock added in the sublocation; stock removed in
South; a transfer from North to South; stock added in Elsewhere (nothing written); an
order of 2 placed on Magento, then one on Zoho (each lowers every shop's salable /
available quantity by exactly 2, not 0, not 4); a forced target check of both plugins
(nothing written); and "Test connection" of each plugin names every mapped source /
location. Prints one table (seconds from the action until both shops held the figures, or
what they held) and exits non-zero on any failure.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from inventree.part import Part, PartCategory
from inventree.stock import StockItem, StockLocation

from inventree_commerce_sync.sandbox.zoho import PRIMARY_LOCATION, SECOND_LOCATION

from .harness import SandboxProcess, live_parser, stop_all, table, verdict, worker_running
from .live_inventree import SLUGS, Failure, InvenTree
from .live_orders import place
from .live_oversell import forced_target_check, sellable

TARGETS = ("magento", "zoho")
OTHERS = ("woocommerce", "invoiceninja")
SOURCES = {"magento": ("src_north", "src_south"), "zoho": (PRIMARY_LOCATION, SECOND_LOCATION)}
SEEDED = 50  # every source and location before InvenTree's first push
POLL_MINUTES = 1
ORDERED = 2
IMPORT_TIMEOUT = POLL_MINUTES * 60 + 150.0  # the poll (django-q looks every ~30 s), then the flush
CHANGE_TIMEOUT = 60.0
QUIET_SECONDS = 15.0  # after a change that must write nothing: how long to watch for writes


def held_by_location(sandbox: SandboxProcess, sku: str) -> dict[str, Decimal]:
    """What each source (Magento) or location (Zoho) of the shop holds of ``sku``."""
    if sandbox.target == "magento":
        return {code: Decimal(q) for code, q in sandbox.control("GET", "source-items").get(sku, {}).items()}
    return {code: Decimal(stock.get(sku, 0)) for code, stock in sandbox.control("GET", "location-stock").items()}


class Run:
    def __init__(self, it: InvenTree, instance: str, worktree: str):
        self.it = it
        self.instance = instance
        self.worktree = worktree
        self.tag = uuid.uuid4().hex[:6].upper()
        self.sku = f"LOC-{self.tag}"
        self.folder = tempfile.TemporaryDirectory(prefix="ics-locations-")
        self.sandboxes: dict[str, SandboxProcess] = {}
        self.failures: list[str] = []
        self.rows: list[dict] = []
        self.own_orders = {target: 0 for target in TARGETS}  # open orders each shop reserves itself

    def say(self, text: str) -> None:
        print(text, flush=True)

    def setup(self) -> None:
        api = self.it.api
        self.north = StockLocation.create(api, {"name": f"North {self.tag}"})
        self.shelf = StockLocation.create(api, {"name": "Shelf", "parent": self.north.pk})
        self.south = StockLocation.create(api, {"name": f"South {self.tag}"})
        self.elsewhere = StockLocation.create(api, {"name": f"Elsewhere {self.tag}"})
        category = PartCategory.create(api, {"name": f"commerce sync locations {self.tag}"})
        self.part = Part.create(api, {"category": category.pk, "name": f"ICS locations {self.sku}", "IPN": self.sku,
                                      "description": "kept in two places", "active": True, "salable": True})
        seeds = {
            "magento": {"products": [{"sku": self.sku, "name": self.sku, "quantity": SEEDED}],
                        "sources": list(SOURCES["magento"]), "stock_sources": list(SOURCES["magento"])},
            "zoho": {"products": [{"sku": self.sku, "name": self.sku, "quantity": SEEDED,
                                   "locations": {code: SEEDED for code in SOURCES["zoho"]}}]},
        }
        for target, seed in seeds.items():
            path = Path(self.folder.name) / f"{target}.json"
            path.write_text(json.dumps(seed), "utf-8")
            self.sandboxes[target] = SandboxProcess(target, path)
        for target in OTHERS:
            if self.it.plugin_active(SLUGS[target]):
                self.it.set_plugin_setting(SLUGS[target], "ENABLED", False)
                self.it.set_plugin_setting(SLUGS[target], "ORDER_IMPORT", False)
        # North by id, South by its path: the map takes either
        maps = {target: f"{self.north.pk}={SOURCES[target][0]}, {self.south.pathstring}={SOURCES[target][1]}"
                for target in TARGETS}
        for target in TARGETS:
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            values = {k.upper(): v for k, v in self.sandboxes[target].settings().items()}
            values.update(ENABLED=True, DRY_RUN=False, QUANTITY="available_after_open_orders", SKU_SOURCE="ipn",
                          SAFETY_BUFFER="0", LOCATION="", RECONCILE_MINUTES=0, VERIFY_MINUTES=0,
                          ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_POLL_MINUTES=POLL_MINUTES,
                          ORDER_AUDIT_DAYS=1, ORDER_ALLOCATE=False, LOCATION_MAP=maps[target])
            for key, value in values.items():
                self.it.set_plugin_setting(slug, key, value)
        self.say(f"setup: tag {self.tag}; maps {maps}; sandboxes "
                 + ", ".join(f"{t} {s.url}" for t, s in self.sandboxes.items()))
        self.items = {}
        self.first_stock = time.monotonic()  # the first push is timed from here
        for name, location, quantity in (("north", self.north, 10), ("shelf", self.shelf, 4),
                                         ("south", self.south, 7), ("elsewhere", self.elsewhere, 5)):
            self.items[name] = StockItem.create(api, {"part": self.part.pk, "quantity": quantity,
                                                      "location": location.pk})[0]

    def connection_check(self) -> None:
        """"Test connection" of each plugin finds every mapped source / location."""
        for target in TARGETS:
            answer = self.it.request("GET", f"/plugin/{SLUGS[target]}/check/").json()
            missing = [code for code in SOURCES[target] if not any(code in line for line in answer["details"])]
            self.say(f"test connection {target}: ok {answer['ok']}; mapped locations not named: {missing or 'none'}")
            if not answer["ok"] or missing:
                self.failures.append(f"test connection of {target}: {answer}")

    # -- what the shops hold ------------------------------------------------------------------

    def expected(self, north: int, south: int) -> dict[str, dict[str, Decimal]]:
        """{target: {view: quantity}} for InvenTree figures ``north`` and ``south``."""
        wanted = {}
        for target in TARGETS:
            first, second = SOURCES[target]
            views = {first: Decimal(north + self.own_orders[target]), second: Decimal(south),
                     "sellable": Decimal(north + south)}
            if target == "magento":
                views["default"] = Decimal(SEEDED)  # not mapped: left alone
            wanted[target] = views
        return wanted

    def views(self, target: str) -> dict[str, Decimal]:
        sandbox = self.sandboxes[target]
        return {**held_by_location(sandbox, self.sku), "sellable": sellable(sandbox).get(self.sku, Decimal(-1))}

    def wait_for(self, step: str, north: int, south: int, timeout: float, started: float | None = None) -> None:
        """Both shops hold the figures of ``north`` and ``south`` (seconds from ``started``,
        default now): one row of the table."""
        wanted = self.expected(north, south)
        started = time.monotonic() if started is None else started
        seconds: dict[str, float | None] = {t: None for t in TARGETS}
        held: dict[str, dict[str, Decimal]] = {}
        while time.monotonic() - started < timeout and None in seconds.values():
            for target in TARGETS:
                if seconds[target] is None:
                    held[target] = self.views(target)
                    if all(held[target].get(k) == q for k, q in wanted[target].items()):
                        seconds[target] = round(time.monotonic() - started, 2)
            time.sleep(0.5)
        row: dict[str, object] = {"step": step, "North": north, "South": south}
        for target in TARGETS:  # and still so once both are there
            held[target] = self.views(target)
            off = {k: held[target].get(k) for k, q in wanted[target].items() if held[target].get(k) != q}
            if off:
                seconds[target] = None
                self.failures.append(f"{step}: {target} holds {off}, not "
                                     f"{ {k: wanted[target][k] for k in off} }")
            row[target] = f"{seconds[target]:.1f} s" if seconds[target] is not None else f"held {off}"
            row[f"{target} held"] = " / ".join(str(held[target].get(k)) for k in wanted[target])
        self.rows.append(row)
        self.say(f"  {row}")

    def quiet(self, step: str) -> None:
        """Nothing was written to either shop since the counters were reset, ``QUIET_SECONDS``
        after the worker is idle."""
        self.it.wait_worker_idle(CHANGE_TIMEOUT)
        time.sleep(QUIET_SECONDS)
        for target in TARGETS:
            counters = self.sandboxes[target].counters()
            self.say(f"  {step}: {target} {counters['writes']} writes, {counters['reads']} reads")
            if counters["writes"]:
                self.failures.append(f"{step}: {target} was written to ({counters['counters']})")

    def reset_counters(self) -> None:
        for sandbox in self.sandboxes.values():
            sandbox.reset_counters()

    # -- the steps ----------------------------------------------------------------------------

    def steps(self) -> None:
        self.wait_for("first push (4 items created)", 14, 7, CHANGE_TIMEOUT + IMPORT_TIMEOUT, self.first_stock)
        self.connection_check()
        self.items["shelf"].addStock(3)
        self.wait_for("+3 in North/Shelf", 17, 7, CHANGE_TIMEOUT)
        self.items["south"].removeStock(2)
        self.wait_for("-2 in South", 17, 5, CHANGE_TIMEOUT)
        self.items["north"].transferStock(self.south.pk, quantity=4)
        self.wait_for("4 moved North -> South", 13, 9, CHANGE_TIMEOUT)
        self.it.wait_worker_idle(CHANGE_TIMEOUT)
        self.reset_counters()
        self.items["elsewhere"].addStock(5)
        self.quiet("+5 in Elsewhere (not mapped)")
        self.wait_for("+5 in Elsewhere (not mapped)", 13, 9, 5.0)
        self.order("magento", 11)
        self.order("zoho", 9)
        self.it.wait_worker_idle(CHANGE_TIMEOUT)
        self.reset_counters()
        error = forced_target_check(self.instance, self.worktree, TARGETS, self.say)
        if error:
            self.failures.append(error)
        self.quiet("forced target check")
        self.wait_for("after a forced target check", 9, 9, 5.0)

    def order(self, target: str, north: int) -> None:
        """An order of ``ORDERED`` on ``target``: every shop sells exactly that much less.
        InvenTree takes the unallocated line off once, at North (the map's first location):
        ``north`` is its figure then."""
        before = {t: sellable(self.sandboxes[t]).get(self.sku) for t in TARGETS}
        number = place(self.sandboxes[target], self.sku, ORDERED)[0]
        at_once = sellable(self.sandboxes[target]).get(self.sku)
        self.say(f"{target}: order {number} of {ORDERED} placed; the shop offers {at_once} at once "
                 f"(before: {before[target]})")
        self.own_orders[target] += ORDERED
        self.wait_for(f"order of {ORDERED} on {target}, imported", north, 9, IMPORT_TIMEOUT)
        for t in TARGETS:
            after, had = sellable(self.sandboxes[t]).get(self.sku), before[t]
            if had is None or after != had - ORDERED:
                self.failures.append(f"order on {target}: {t} sells {after}, not {before[t]} - {ORDERED}")

    def stop(self) -> None:
        stop_all(self.sandboxes.values(), self.folder)


def main(argv: list[str] | None = None) -> int:
    parser = live_parser(__doc__, port=8112, instance="loc16", worktree=True)
    args = parser.parse_args(argv)
    it = InvenTree(args.url, args.user, args.password)
    if not worker_running(it):
        return 2
    run = Run(it, args.instance, args.worktree)
    try:
        run.setup()
        run.steps()
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        run.stop()
    print("\nTwo InvenTree locations (North with its Shelf, South) mapped to two Magento sources and two Zoho "
          "locations: seconds until both shops held the figures (held: first location / second / salable or "
          "available for sale [/ Magento's default source]):")
    if run.rows:
        print(table(run.rows, list(run.rows[0])))
    return verdict(run.failures)


if __name__ == "__main__":
    sys.exit(main())
