"""The issue's "done when", checked against a real InvenTree server and its background worker.

    python -m bench.live_inventree --url http://127.0.0.1:8000 --user admin --password admin

Assumes an InvenTree server and its worker (``manage.py qcluster``) are already running, with
this package installed where they run. The script starts the four sandboxes itself (child
processes on free 127.0.0.1 ports), activates and configures the four plugins through
InvenTree's REST API (quantity = "in stock", dry run off), creates its own parts (IPN = SKU,
seeded in every sandbox), and then measures:

1. every stock operation (create, add, remove, count, move, split, merge, delete, receive a
   purchase order line, complete a build, ship a sales order): seconds until all four
   sandboxes equal InvenTree's in-stock totals; each must be within 10 s;
2. a burst of 500 stock adjustments on 20 parts: at most 40 writes per target (the sandbox's
   own write counter) and exact final levels;
3. the four sandboxes stopped for a minute while stock changes, then restarted with the state
   they had: exact again after the next reconciliation (the plugins' schedule runs every 5
   minutes, so this can take up to ~6 minutes);
4. secrets read back as *** from the settings API and never appear in the plugins' status or
   check answers.

Prints a table per part of the check and exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import requests
from inventree.api import InvenTreeAPI
from inventree.build import Build
from inventree.company import Company, SupplierPart
from inventree.part import BomItem, Part, PartCategory
from inventree.purchase_order import PurchaseOrder
from inventree.sales_order import SalesOrder
from inventree.stock import StockItem, StockLocation

from inventree_commerce_sync.targets import target_class

from .harness import SandboxProcess, table, verdict

TARGETS = ("magento", "woocommerce", "zoho", "invoiceninja")
SLUGS = {target: f"commerce-sync-{target}" for target in TARGETS}

CONVERGE_LIMIT = 10.0  # seconds an operation may take to reach every sandbox
CONVERGE_TIMEOUT = 60.0  # how long we wait before calling an operation failed
BURST_ADJUSTMENTS = 500
BURST_PARTS = 20
BURST_WRITE_LIMIT = 40
BURST_TIMEOUT = 1200.0  # one worker works off ~13 tasks per adjustment (InvenTree's and ours)
IDLE_TIMEOUT = 300.0
API_TIMEOUT = 120.0  # seconds per API call: on the loaded 2-core machine a single line POST took over 30 s
OUTAGE_SECONDS = 60.0
RECOVERY_TIMEOUT = 420.0  # the reconcile schedule runs every 5 minutes, plus the worker's lag
POLL = 0.25
SEEDED_QUANTITY = 3  # what the sandboxes hold before InvenTree's first push


class Failure(Exception):
    pass


# -- InvenTree -------------------------------------------------------------------------------

class InvenTree:
    """The InvenTree Python client, plus plain requests for the plugin endpoints it lacks."""

    def __init__(self, url: str, user: str, password: str):
        self.url = url.rstrip("/")
        self.api = InvenTreeAPI(self.url, username=user, password=password, timeout=API_TIMEOUT)
        self.http = requests.Session()
        # token auth: InvenTree's plugin URLs (/plugin/<slug>/...) do not take basic auth
        self.http.headers["Authorization"] = f"Token {self.api.token}"
        self._credentials = (user, password)
        self.category: int | None = None

    def another_client(self) -> InvenTreeAPI:
        return InvenTreeAPI(self.url, username=self._credentials[0], password=self._credentials[1], timeout=API_TIMEOUT)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, self.url + path, timeout=30, **kwargs)
        if response.status_code >= 400:
            raise Failure(f"{method} {path}: HTTP {response.status_code}: {response.text[:300]}")
        return response

    def pending_tasks(self) -> int:
        return int(self.request("GET", "/api/").json().get("worker_pending_tasks") or 0)

    def wait_worker_idle(self, timeout: float) -> float:
        """Seconds until the worker's queue is empty (or ``timeout``), so that one
        measurement does not pay for the backlog of the one before."""
        started = time.monotonic()
        while self.pending_tasks() > 0 and time.monotonic() - started < timeout:
            time.sleep(1)
        return time.monotonic() - started

    def activate_plugin(self, slug: str) -> None:
        self.request("PATCH", f"/api/plugins/{slug}/activate/", json={"active": True})

    def plugin_active(self, slug: str) -> bool:
        return bool(self.request("GET", f"/api/plugins/{slug}/").json().get("active"))

    def set_plugin_setting(self, slug: str, key: str, value) -> None:
        if isinstance(value, bool):
            value = "True" if value else "False"
        self.request("PATCH", f"/api/plugins/{slug}/settings/{key}/", json={"value": str(value)})

    def plugin_settings(self, slug: str) -> requests.Response:
        return self.request("GET", f"/api/plugins/{slug}/settings/")

    def in_stock(self, part_ids: list[int]) -> dict[int, Decimal]:
        """InvenTree's own in-stock totals (variants included), as its part API reports them.
        The run's parts share one category (``self.category``): one request for all of them."""
        rows = self.api.get("part/", params={"category": self.category, "limit": 1000})
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        totals = {row["pk"]: Decimal(str(row["total_in_stock"])) for row in rows}
        return {pk: totals[pk] for pk in part_ids}


# -- sandboxes -------------------------------------------------------------------------------

class Sandboxes:
    """The four sandboxes in child processes, restartable on the same port with their state."""

    def __init__(self, products: list[dict]):
        self.products = products
        self._dir = tempfile.TemporaryDirectory(prefix="ics-live-")
        self.running: dict[str, SandboxProcess] = {}
        for target in TARGETS:
            self.running[target] = self._start(target, products)

    def _start(self, target: str, products: list[dict], port: int = 0) -> SandboxProcess:
        seed = Path(self._dir.name) / f"{target}-{uuid.uuid4().hex}.json"
        seed.write_text(json.dumps({"products": products}), "utf-8")
        return SandboxProcess(target, seed, port=port)

    def url(self, target: str) -> str:
        return self.running[target].url

    def stock(self, target: str) -> dict[str, Decimal]:
        return self.running[target].stock()

    def writes(self, target: str) -> int:
        return int(self.running[target].counters()["writes"])

    def reset_counters(self) -> None:
        for sandbox in self.running.values():
            sandbox.reset_counters()

    def stop_keeping_state(self) -> dict[str, dict[str, Decimal]]:
        state = {target: self.stock(target) for target in TARGETS}
        for sandbox in self.running.values():
            sandbox.stop()
        return state

    def restart(self, state: dict[str, dict[str, Decimal]], ports: dict[str, int]) -> None:
        for target in TARGETS:
            products = [{**p, "quantity": str(state[target].get(p["sku"], p["quantity"]))} for p in self.products]
            self.running[target] = self._start(target, products, port=ports[target])

    def stop(self) -> None:
        for sandbox in self.running.values():
            try:
                sandbox.stop()
            except Exception:
                pass
        self._dir.cleanup()


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


# -- convergence -----------------------------------------------------------------------------

def wait_converged(inventree: InvenTree, sandboxes: Sandboxes, parts: dict[int, str], *,
                   timeout: float, started: float | None = None,
                   expected: dict[int, Decimal] | None = None) -> dict[str, float | None]:
    """Seconds until each sandbox held InvenTree's totals for every part (None: not within
    ``timeout``). A target counts as converged at the first poll where it matches.

    With ``expected`` (the totals the operation must lead to), a sandbox counts only once
    InvenTree itself shows them: some operations finish in InvenTree's worker, after the API
    call returned, and the old level must not pass for the new one."""
    started = time.monotonic() if started is None else started
    converged: dict[str, float | None] = {target: None for target in TARGETS}
    deadline = started + timeout
    while True:
        expected_now: dict[int, Decimal | None] = dict(inventree.in_stock(list(parts)))
        if expected is not None and expected_now != expected:
            expected_now = {pk: None for pk in parts}  # InvenTree is not there yet
        for target in TARGETS:
            if converged[target] is not None:
                continue
            try:
                stock = sandboxes.stock(target)
            except requests.RequestException:
                continue
            if all(stock.get(sku) == expected_now[pk] for pk, sku in parts.items()):
                converged[target] = round(time.monotonic() - started, 2)
        if all(v is not None for v in converged.values()) or time.monotonic() > deadline:
            return converged
        time.sleep(POLL if time.monotonic() - started < 30 else 2.0)


def differences(inventree: InvenTree, sandboxes: Sandboxes, parts: dict[int, str]) -> list[str]:
    expected = inventree.in_stock(list(parts))
    found = []
    for target in TARGETS:
        stock = sandboxes.stock(target)
        for pk, sku in parts.items():
            if stock.get(sku) != expected[pk]:
                found.append(f"{target}: {sku} is {stock.get(sku)}, InvenTree has {expected[pk]}")
    return found


# -- the run ---------------------------------------------------------------------------------

class Run:
    def __init__(self, inventree: InvenTree):
        self.it = inventree
        self.tag = uuid.uuid4().hex[:6].upper()
        self.failures: list[str] = []
        self.rows: list[dict] = []

    def sku(self, name: str) -> str:
        return f"ICS-{self.tag}-{name}"

    # -- setup --

    def create_parts(self) -> None:
        api = self.it.api
        category = PartCategory.create(api, {"name": f"commerce sync live {self.tag}"})
        self.it.category = category.pk
        self.loc_a = StockLocation.create(api, {"name": f"ICS {self.tag} A"})
        self.loc_b = StockLocation.create(api, {"name": f"ICS {self.tag} B"})
        common = {"category": category.pk, "active": True}
        self.widget = Part.create(api, {**common, "name": f"ICS widget {self.tag}", "IPN": self.sku("WIDGET"),
                                        "description": "stock operations", "component": True,
                                        "purchaseable": True, "salable": True})
        self.assembly = Part.create(api, {**common, "name": f"ICS assembly {self.tag}", "IPN": self.sku("ASM"),
                                          "description": "built from widgets", "assembly": True})
        BomItem.create(api, {"part": self.assembly.pk, "sub_part": self.widget.pk, "quantity": 3})
        self.burst_parts = []
        for index in range(BURST_PARTS):
            # one awkward SKU: a slash, a space, non-ASCII
            name = f"B/{index:02d} Ü" if index == 0 else f"B{index:02d}"
            self.burst_parts.append(Part.create(api, {**common, "name": f"ICS burst {self.tag} {index}",
                                                      "IPN": self.sku(name), "description": "burst"}))
        self.skus = {p.pk: p.IPN for p in [self.widget, self.assembly, *self.burst_parts]}

    def products(self) -> list[dict]:
        return [{"sku": sku, "name": sku, "quantity": SEEDED_QUANTITY} for sku in self.skus.values()]

    def configure_plugins(self, sandboxes: Sandboxes, **overrides) -> None:
        for target in TARGETS:
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            settings = {key.upper(): value for key, value in
                        sandboxes.running[target].settings().items()}
            settings.update(ENABLED=True, DRY_RUN=False, QUANTITY="in_stock", INCLUDE_VARIANTS=True,
                            SAFETY_BUFFER="0", SKU_SOURCE="ipn", RECONCILE_MINUTES=0, VERIFY_MINUTES=0)
            settings.update(overrides)
            for key, value in settings.items():
                self.it.set_plugin_setting(slug, key, value)
        deadline = time.monotonic() + 30
        while not all(self.it.plugin_active(SLUGS[t]) for t in TARGETS):
            if time.monotonic() > deadline:
                raise Failure("the plugins did not become active")
            time.sleep(1)

    def import_orders(self, sandboxes: Sandboxes) -> None:
        """Order import on for every plugin, as bench.live_orders sets it up: polling every 2
        minutes, the WooCommerce and Invoice Ninja webhooks registered at the plugins' URLs."""
        from .live_orders import WEBHOOK_TARGETS, order_import_settings, register_webhooks

        for target in TARGETS:
            for key, value in order_import_settings(target).items():
                self.it.set_plugin_setting(SLUGS[target], key, value)
        register_webhooks(self.it, {t: sandboxes.running[t].settings() for t in WEBHOOK_TARGETS})

    # -- 1. every stock operation --

    def measure(self, sandboxes: Sandboxes, operation: str, changes: dict, action) -> None:
        """Run ``action`` and time how long until every sandbox holds the new totals.
        ``changes``: {part: change of its in-stock total}, or {part: ("=", total)}."""
        self.it.wait_worker_idle(IDLE_TIMEOUT)
        in_play = {p.pk: self.skus[p.pk] for p in changes}
        before = self.it.in_stock(list(in_play))
        expected = {p.pk: (Decimal(c[1]) if isinstance(c, tuple) else before[p.pk] + c) for p, c in changes.items()}
        action()
        started = time.monotonic()
        seconds = wait_converged(self.it, sandboxes, in_play, timeout=CONVERGE_TIMEOUT, started=started,
                                 expected=expected)
        ok = all(s is not None and s <= CONVERGE_LIMIT for s in seconds.values())
        row = {"operation": operation, **{t: "-" if s is None else f"{s:.2f}" for t, s in seconds.items()},
               "result": "ok" if ok else "FAIL"}
        self.rows.append(row)
        print(f"  {operation}: {row}", flush=True)
        if not ok:
            self.failures.append(f"{operation}: not converged within {CONVERGE_LIMIT:.0f} s: {seconds}; "
                                 + "; ".join(differences(self.it, sandboxes, in_play)[:4]))

    def stock_operations(self, sandboxes: Sandboxes) -> None:
        api = self.it.api
        widget, assembly = self.widget, self.assembly
        items: dict[str, StockItem] = {}

        def create():
            items["a"] = StockItem.create(api, {"part": widget.pk, "quantity": 100, "location": self.loc_a.pk})[0]

        self.measure(sandboxes, "create stock", {widget: 100}, create)
        self.measure(sandboxes, "adjust: add", {widget: 10}, lambda: items["a"].addStock(10))
        self.measure(sandboxes, "adjust: remove", {widget: -5}, lambda: items["a"].removeStock(5))
        self.measure(sandboxes, "count", {widget: ("=", 80)}, lambda: items["a"].countStock(80))
        # moving, splitting and merging leave the total as it is; they must not disturb it
        self.measure(sandboxes, "move", {widget: 0}, lambda: items["a"].transferStock(self.loc_b.pk))
        self.measure(sandboxes, "split (move part of an item)", {widget: 0},
                     lambda: items["a"].transferStock(self.loc_a.pk, quantity=30))

        def merge():
            entries = StockItem.list(api, part=widget.pk, in_stock=True)
            self.it.api.post("stock/merge/", {"items": [{"item": i.pk} for i in entries],
                                              "location": self.loc_a.pk, "notes": "live check"})

        self.measure(sandboxes, "merge", {widget: 0}, merge)
        extra = []
        self.measure(sandboxes, "create stock (second item)", {widget: 7}, lambda: extra.extend(
            StockItem.create(api, {"part": widget.pk, "quantity": 7, "location": self.loc_a.pk})))
        self.measure(sandboxes, "delete", {widget: -7}, lambda: extra[0].delete())
        self.measure(sandboxes, "receive purchase order line", {widget: 20}, self.receive_purchase_order)
        # the build takes 3 widgets per assembly
        self.measure(sandboxes, "complete build", {widget: -6, assembly: 2}, self.complete_build)
        self.measure(sandboxes, "ship sales order", {widget: -5, assembly: 0}, self.ship_sales_order)

    def receive_purchase_order(self) -> None:
        api = self.it.api
        supplier = Company.create(api, {"name": f"ICS supplier {self.tag}", "is_supplier": True})
        supplier_part = SupplierPart.create(api, {"part": self.widget.pk, "supplier": supplier.pk,
                                                  "SKU": f"SUP-{self.tag}"})
        order = PurchaseOrder.create(api, {"supplier": supplier.pk, "description": "live check"})
        order.addLineItem(part=supplier_part.pk, quantity=20)
        order.issue()
        line = order.getLineItems()[0]
        line.receive(quantity=20, location=self.loc_a.pk)

    def complete_build(self) -> None:
        api = self.it.api
        build = Build.create(api, {"part": self.assembly.pk, "quantity": 2, "title": "live check"})
        build.issue()
        api.post(f"build/{build.pk}/auto-allocate/", {"location": None, "interchangeable": True,
                                                      "substitutes": True, "optional_items": True})
        outputs = build.createBuildOutput(quantity=2)
        build.completeBuildOutput(outputs[0], location=self.loc_a.pk)
        # InvenTree completes outputs in its worker: wait for it before finishing the order.
        deadline = time.monotonic() + CONVERGE_TIMEOUT
        while build.getBuildOutputs(complete=False):
            if time.monotonic() > deadline:
                raise Failure(f"build {build.pk}: its output was not completed by the worker")
            time.sleep(POLL)
        build.complete(accept_unallocated=True, accept_incomplete=True)

    def ship_sales_order(self) -> None:
        api = self.it.api
        customer = Company.create(api, {"name": f"ICS customer {self.tag}", "is_customer": True})
        order = SalesOrder.create(api, {"customer": customer.pk, "description": "live check"})
        line = order.addLineItem(part=self.widget.pk, quantity=5)
        order.issue()
        shipment = order.addShipment(f"S-{self.tag}")
        stock = StockItem.list(api, part=self.widget.pk, in_stock=True, available=True)
        line.allocateToShipment(shipment, stockitems=stock, quantity=5)
        shipment.complete()

    # -- 2. the burst --

    def burst(self, sandboxes: Sandboxes) -> None:
        api = self.it.api
        parts = {p.pk: p.IPN for p in self.burst_parts}
        items = {}
        for part in self.burst_parts:
            items[part.pk] = StockItem.create(api, {"part": part.pk, "quantity": 50, "location": self.loc_a.pk})[0].pk
        seconds = wait_converged(self.it, sandboxes, parts, timeout=CONVERGE_TIMEOUT)
        if any(s is None for s in seconds.values()):
            self.failures.append(f"burst setup (20 stock items created) did not converge: {seconds}")
            return
        self.it.wait_worker_idle(IDLE_TIMEOUT)  # the setup's flushes are not counted
        time.sleep(3)
        sandboxes.reset_counters()

        threads = 4
        part_ids = sorted(parts)
        shares = [part_ids[k::threads] for k in range(threads)]  # no two threads touch one item

        def adjust(share: list[int], count: int, seed: int) -> None:
            client = self.it.another_client()
            rng = random.Random(seed)
            level = {pk: 50 for pk in share}
            for _ in range(count):
                pk = rng.choice(share)
                quantity = rng.randint(1, 5)
                method = "remove" if level[pk] > quantity and rng.random() < 0.5 else "add"
                level[pk] += -quantity if method == "remove" else quantity
                StockItem.adjustStockItems(client, method, [{"pk": items[pk], "quantity": quantity}])

        counts = [BURST_ADJUSTMENTS // threads + (1 if k < BURST_ADJUSTMENTS % threads else 0) for k in range(threads)]
        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(adjust, shares[k], counts[k], k) for k in range(threads)]:
                future.result()
        sent = time.monotonic() - started
        print(f"  burst: {BURST_ADJUSTMENTS} adjustments sent in {sent:.1f} s", flush=True)
        seconds = wait_converged(self.it, sandboxes, parts, timeout=BURST_TIMEOUT, started=time.monotonic())
        # Events still queued lead to more flushes: count their writes too.
        drained = self.it.wait_worker_idle(BURST_TIMEOUT)
        time.sleep(5)
        print(f"  burst: worker queue empty {drained:.0f} s after convergence", flush=True)
        wrong = differences(self.it, sandboxes, parts)
        writes = {t: sandboxes.writes(t) for t in TARGETS}
        ok = not wrong and all(w <= BURST_WRITE_LIMIT for w in writes.values())
        self.burst_row = {"sent in (s)": f"{sent:.1f}",
                          **{f"{t} writes": writes[t] for t in TARGETS},
                          **{f"{t} exact after (s)": "-" if seconds[t] is None else f"{seconds[t]:.1f}"
                             for t in TARGETS},
                          "result": "ok" if ok else "FAIL"}
        if wrong:
            self.failures.append("burst: final levels differ: " + "; ".join(wrong[:6]))
        for target, count in writes.items():
            if count > BURST_WRITE_LIMIT:
                self.failures.append(f"burst: {target} took {count} writes (limit {BURST_WRITE_LIMIT})")

    # -- 3. the outage --

    def outage(self, sandboxes: Sandboxes) -> None:
        api = self.it.api
        parts = {p.pk: p.IPN for p in self.burst_parts[:5]}
        parts[self.widget.pk] = self.widget.IPN
        for target in TARGETS:
            self.it.set_plugin_setting(SLUGS[target], "RECONCILE_MINUTES", 1)
        self.it.wait_worker_idle(IDLE_TIMEOUT)
        ports = {t: port_of(sandboxes.url(t)) for t in TARGETS}
        state = sandboxes.stop_keeping_state()
        stopped = time.monotonic()
        print(f"  outage: sandboxes stopped; changing stock for {OUTAGE_SECONDS:.0f} s", flush=True)
        changes = 0
        # Changes in the first half of the outage only, and the worker idle before the restart:
        # every flush they caused has failed, so only the reconciliation can repair the levels.
        while time.monotonic() - stopped < OUTAGE_SECONDS / 2:
            for pk in parts:
                item = StockItem.list(api, part=pk, in_stock=True)[0]
                item.addStock(1 + changes % 3)
                changes += 1
            time.sleep(10)
        self.it.wait_worker_idle(IDLE_TIMEOUT)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        sandboxes.restart(state, ports)
        restarted = time.monotonic()
        print(f"  outage: {changes} stock changes made, every flush failed; sandboxes restarted with their "
              "old state; waiting for the reconciliation", flush=True)
        seconds = wait_converged(self.it, sandboxes, parts, timeout=RECOVERY_TIMEOUT, started=restarted)
        ok = all(s is not None for s in seconds.values())
        self.outage_row = {"down (s)": f"{restarted - stopped:.0f}", "changes while down": changes,
                           **{f"{t} exact after restart (s)": "-" if s is None else f"{s:.1f}"
                              for t, s in seconds.items()},
                           "result": "ok" if ok else "FAIL"}
        if not ok:
            self.failures.append(f"outage: not exact within {RECOVERY_TIMEOUT:.0f} s of the restart: {seconds}; "
                                 + "; ".join(differences(self.it, sandboxes, parts)[:4]))

    # -- 4. secrets --

    def secrets(self, sandboxes: Sandboxes) -> None:
        rows = []
        for target in TARGETS:
            slug = SLUGS[target]
            sandbox = sandboxes.running[target]
            secret_fields = [f for f in target_class(target).all_fields() if f.secret]
            client_settings = sandbox.settings()
            secret_values = [str(client_settings[f.key]) for f in secret_fields if client_settings.get(f.key)]
            listing = self.it.plugin_settings(slug)
            values = {row["key"]: row.get("value") for row in listing.json()}
            masked = all(values.get(f.key.upper()) == "***" for f in secret_fields)
            answers = {
                "settings list": listing.text,
                "settings detail": "".join(
                    self.it.request("GET", f"/api/plugins/{slug}/settings/{f.key.upper()}/").text
                    for f in secret_fields),
                "status": self.it.request("GET", f"/plugin/{slug}/status/").text,
                "status.csv": self.it.request("GET", f"/plugin/{slug}/status.csv").text,
                "check": self.it.request("GET", f"/plugin/{slug}/check/").text,
            }
            leaked = [name for name, text in answers.items() if any(s in text for s in secret_values)]
            ok = masked and not leaked and bool(secret_values)
            rows.append({"target": target, "secret settings": ", ".join(f.key.upper() for f in secret_fields),
                         "shown as ***": "yes" if masked else "NO",
                         "secret in an answer": ", ".join(leaked) or "none",
                         "result": "ok" if ok else "FAIL"})
            if not ok:
                self.failures.append(f"secrets: {target}: masked={masked}, leaked in {leaked or 'nothing'}")
        self.secret_rows = rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--skip-outage", action="store_true", help="leave out the 1-minute outage (and its ~5 min wait)")
    parser.add_argument("--speed", action="store_true",
                        help="issue 11's measurements instead (bench/live_speed.py): latency, bursts, tasks, outage")
    parser.add_argument("--db", help="with --speed: the InvenTree database name, to count worker tasks with psql")
    parser.add_argument("--only", help="with --speed: comma-separated scenarios to run, of "
                        "single,allocation,burst,receipt,outage (receipt = the two 500-line receipts and the count)")
    parser.add_argument("--order-import", action="store_true",
                        help="with --speed: order import on for all four plugins (orders first before every push; "
                        "WooCommerce and Invoice Ninja webhooks registered, polling every 2 minutes), "
                        "as bench.live_orders sets it up")
    args = parser.parse_args(argv)

    inventree = InvenTree(args.url, args.user, args.password)
    info = inventree.request("GET", "/api/").json()
    if not info.get("worker_running"):
        print("InvenTree reports no running background worker; start `manage.py qcluster` first", file=sys.stderr)
        return 2
    run = Run(inventree)
    print(f"InvenTree {info.get('version')} (API {info.get('apiVersion')}) at {args.url}; run tag {run.tag}", flush=True)
    run.create_parts()
    if args.speed:
        return speed_main(run, args.db, args.only, order_import=args.order_import)
    sandboxes = Sandboxes(run.products())
    try:
        run.configure_plugins(sandboxes)
        print("plugins active and configured; stock operations:", flush=True)
        run.stock_operations(sandboxes)
        print("burst:", flush=True)
        run.burst(sandboxes)
        run.secrets(sandboxes)
        if not args.skip_outage:
            print("outage:", flush=True)
            run.outage(sandboxes)
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        sandboxes.stop()

    print("\nSeconds until every sandbox equals InvenTree's in-stock total (limit 10 s):")
    print(table(run.rows, ["operation", *TARGETS, "result"]))
    if hasattr(run, "burst_row"):
        print(f"\nBurst: {BURST_ADJUSTMENTS} adjustments on {BURST_PARTS} parts (limit {BURST_WRITE_LIMIT} writes per target):")
        print(table([run.burst_row], list(run.burst_row)))
    if hasattr(run, "outage_row"):
        print(f"\nOutage: every sandbox stopped for {OUTAGE_SECONDS:.0f} s while stock changed:")
        print(table([run.outage_row], list(run.outage_row)))
    if hasattr(run, "secret_rows"):
        print("\nSecrets:")
        print(table(run.secret_rows, list(run.secret_rows[0])))
    return verdict(run.failures)


def speed_main(run: Run, db: str | None, only: str | None = None, *, order_import: bool = False) -> int:
    from .live_speed import SCENARIOS, Speed

    chosen = None if only is None else {name.strip() for name in only.split(",") if name.strip()}
    if chosen is not None and not chosen <= set(SCENARIOS):
        print(f"--only: unknown scenario(s) {sorted(chosen - set(SCENARIOS))}; choose from {', '.join(SCENARIOS)}",
              file=sys.stderr)
        return 2

    speed = Speed(run, db)
    speed.create_all_parts(chosen)
    sandboxes = Sandboxes(run.products())
    try:
        # The defaults a shop runs with: the available quantity, reconciliation every 60 minutes.
        run.configure_plugins(sandboxes, QUANTITY="available", RECONCILE_MINUTES=60, VERIFY_MINUTES=1440,
                              ORDER_IMPORT=False)
        if order_import:
            run.import_orders(sandboxes)
        print(f"plugins active and configured (order import {'on' if order_import else 'off'})", flush=True)
        speed.all(sandboxes, chosen)
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        sandboxes.stop()
    if hasattr(speed, "single_row"):
        print("\nA single stock adjustment: seconds from the API call's return until every shop has it:")
        print(table([speed.single_row], list(speed.single_row)))
    if speed.rows:
        print("\nSeconds after the last change until every shop is exact:")
        columns = list(dict.fromkeys(k for row in speed.rows for k in row))
        print(table([{c: row.get(c, "") for c in columns} for row in speed.rows], columns))
    if getattr(speed, "task_rows", None) and any(len(r) > 1 for r in speed.task_rows):
        print("\nWorker tasks (django-q task table):")
        columns = list(dict.fromkeys(k for row in speed.task_rows for k in row))
        print(table([{c: row.get(c, "") for c in columns} for row in speed.task_rows], columns))
    return verdict(run.failures)


if __name__ == "__main__":
    sys.exit(main())
