"""Issue 11's figures, in a real InvenTree server and its (single) background worker.

    python -m bench.live_inventree --speed --url http://127.0.0.1:8000 --user admin --password admin \
        [--db inventree]

Run by ``bench.live_inventree --speed`` (same sandboxes, plugins and setup). Measures:

1. a single stock adjustment: seconds from the API call's return until every sandbox holds
   the new level, over ``TRIALS`` trials (p50 / p95; limit 3 s p95);
2. 500 adjustments on 18 parts sent as fast as the API allows (4 clients), a purchase order
   receipt of 500 lines, a stock count of 1,000 items: seconds after the last change until
   every sandbox is exact (limit 10 s), writes per target;
3. worker tasks per stock change (with ``--db``: the django-q task table, read with psql),
   the plugins' own tasks (group ``commerce_sync`` and the ``plugin`` event tasks) apart;
4. a sales order allocation: seconds until the pushed "available" quantity drops;
5. the four sandboxes down for a minute while stock changes, RECONCILE_MINUTES at its default
   (60): seconds from their restart until every change is on them (limit 120 s).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TYPE_CHECKING

from inventree.company import Company, SupplierPart
from inventree.part import Part
from inventree.purchase_order import PurchaseOrder
from inventree.sales_order import SalesOrder
from inventree.stock import StockItem

if TYPE_CHECKING:
    from .live_inventree import Sandboxes

TRIALS = 20
SINGLE_LIMIT = 3.0
BULK_LIMIT = 10.0
BULK_CALL_TIMEOUT = 900.0  # seconds a 500-line receipt or a 1,000-item count may take InvenTree itself
RECOVERY_LIMIT = 120.0
WAIT = 180.0
POLL = 0.05


class TaskCounter:
    """Worker tasks finished since ``start()``, by function, read from django-q's task table
    every second (it keeps only the last 1,000 successes, so it is read while they happen)."""

    def __init__(self, db: str | None):
        self.db = db
        self.seen: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.since = ""

    def _read(self) -> None:
        assert self.db, "read only with a database (start() returns without one)"
        out = subprocess.run(["psql", "-At", "-F", "\t", "-d", self.db, "-c",
                              f"SELECT id, func FROM django_q_task WHERE started >= '{self.since}'"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        for line in out.splitlines():
            task_id, _, func = line.partition("\t")
            self.seen[task_id] = func

    def start(self) -> None:
        if not self.db:
            return
        self.seen = {}
        self.since = subprocess.run(["psql", "-At", "-d", self.db, "-c", "SELECT now()"], capture_output=True,
                                    text=True, timeout=30, check=True).stdout.strip()
        self._stop.clear()

        def loop():
            while not self._stop.wait(1.0):
                self._read()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, int]:
        if not self.db or self._thread is None:
            return {}
        self._stop.set()
        self._thread.join(30)
        self._read()
        counts: dict[str, int] = {}
        for func in self.seen.values():
            counts[func] = counts.get(func, 0) + 1
        return counts


def load_average() -> str:
    """The 1-minute load average, written next to every time (the machine is shared)."""
    return f"{os.getloadavg()[0]:.1f}"


def summarise_tasks(counts: dict[str, int], changes: int) -> dict[str, str]:
    if not counts:
        return {}
    ours = sum(n for f, n in counts.items() if "inventree_commerce_sync" in f)
    events = sum(n for f, n in counts.items() if f.endswith("process_event"))
    registered = sum(n for f, n in counts.items() if f.endswith("register_event"))
    total = sum(counts.values())
    return {"worker tasks": str(total), "per change": f"{total / changes:.2f}",
            "plugin flushes": str(ours), "plugin event tasks": str(events),
            "plugins' tasks per change": f"{(ours + events) / changes:.3f}",
            "InvenTree register_event": str(registered)}


def slowest(seconds: dict[str, float | None]) -> float | None:
    """Seconds until the last sandbox was exact; None if one never was."""
    reached = [v for v in seconds.values() if v is not None]
    return max(reached) if len(reached) == len(seconds) else None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


class Speed:
    def __init__(self, run, db: str | None):
        self.run = run
        self.it = run.it
        self.api = run.it.api
        self._sandboxes: Sandboxes | None = None  # started by the caller, after create_parts (they seed them)
        self.tasks = TaskCounter(db)
        self.rows: list[dict] = []
        self.failures = run.failures

    # -- helpers --

    @property
    def sandboxes(self) -> Sandboxes:
        if self._sandboxes is None:
            raise RuntimeError("the sandboxes are not started: all(sandboxes) runs the scenarios")
        return self._sandboxes

    def available(self, part_ids: list[int]) -> dict[int, Decimal]:
        rows = self.api.get("part/", params={"category": self.it.category, "limit": 5000})
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        found = {row["pk"]: Decimal(str(row["unallocated_stock"])) for row in rows}
        return {pk: found[pk] for pk in part_ids}

    def wait_exact(self, expected: dict[int, Decimal], started: float, timeout: float = WAIT) -> dict[str, float | None]:
        """Seconds from ``started`` until each sandbox holds ``expected`` (by part id)."""
        skus = {pk: self.run.skus[pk] for pk in expected}
        done: dict[str, float | None] = {t: None for t in self.sandboxes.running}
        while time.monotonic() - started < timeout and any(v is None for v in done.values()):
            for target in done:
                if done[target] is None:
                    try:
                        stock = self.sandboxes.stock(target)
                    except Exception:
                        continue
                    if all(stock.get(sku) == expected[pk] for pk, sku in skus.items()):
                        done[target] = round(time.monotonic() - started, 2)
            time.sleep(POLL)
        return done

    def quiet(self) -> None:
        self.it.wait_worker_idle(600)
        time.sleep(3)

    def record(self, name: str, seconds: dict[str, float | None], limit: float, **extra) -> None:
        worst = slowest(seconds)
        ok = worst is not None and worst <= limit
        row = {"scenario": name, **{t: "-" if v is None else f"{v:.2f}" for t, v in seconds.items()},
               "all exact after (s)": "-" if worst is None else f"{worst:.2f}", "limit (s)": f"{limit:g}",
               **extra, "result": "ok" if ok else "FAIL"}
        self.rows.append(row)
        print(f"  {row}", flush=True)
        if not ok:
            self.failures.append(f"{name}: every shop exact after {worst} s (limit {limit:g} s): {seconds}")

    def create_parts(self, prefix: str, count: int) -> list:
        common = {"category": self.it.category, "active": True, "salable": True, "purchaseable": True,
                  "component": True}
        parts = [Part.create(self.api, {**common, "name": f"ICS {self.run.tag} {prefix}{n}",
                                        "IPN": self.run.sku(f"{prefix}{n:03d}"), "description": prefix})
                 for n in range(count)]
        for part in parts:
            self.run.skus[part.pk] = part.IPN
        return parts

    # -- 1. a single change --

    def single_change(self) -> None:
        part = self.single_part
        item = StockItem.create(self.api, {"part": part.pk, "quantity": 100, "location": self.run.loc_a.pk})[0]
        self.wait_exact(self.available([part.pk]), time.monotonic())
        latencies = []
        for trial in range(TRIALS):
            self.quiet()
            expected = {part.pk: self.available([part.pk])[part.pk] + 1}
            item.addStock(1)
            seconds = self.wait_exact(expected, time.monotonic(), timeout=60)
            worst = slowest(seconds)
            latencies.append(worst if worst is not None else 60.0)
            print(f"  single change {trial + 1}: {seconds}", flush=True)
        p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        self.single_row = {"trials": TRIALS, "p50 (s)": f"{p50:.2f}", "p95 (s)": f"{p95:.2f}",
                           "min (s)": f"{min(latencies):.2f}", "max (s)": f"{max(latencies):.2f}",
                           "limit p95 (s)": f"{SINGLE_LIMIT:g}", "result": "ok" if p95 <= SINGLE_LIMIT else "FAIL"}
        if p95 > SINGLE_LIMIT:
            self.failures.append(f"single change: p95 {p95:.2f} s (limit {SINGLE_LIMIT:g} s)")

    # -- 2. a burst, a receipt, a count --

    def burst(self, adjustments: int = 500) -> None:
        parts = self.burst_parts
        items = {p.pk: StockItem.create(self.api, {"part": p.pk, "quantity": 50, "location": self.run.loc_a.pk})[0].pk
                 for p in parts}
        self.wait_exact(self.available(list(items)), time.monotonic())
        self.quiet()
        self.sandboxes.reset_counters()
        self.tasks.start()
        threads = 4
        ids = sorted(items)
        shares = [ids[k::threads] for k in range(threads)]
        last = [0.0]

        def adjust(share: list[int], count: int, seed: int) -> None:
            client = self.it.another_client()
            rng = random.Random(seed)
            for _ in range(count):
                pk = rng.choice(share)
                method = rng.choice(["add", "remove"])
                StockItem.adjustStockItems(client, method, [{"pk": items[pk], "quantity": rng.randint(1, 3)}])
                last[0] = max(last[0], time.monotonic())

        started = time.monotonic()
        counts = [adjustments // threads + (1 if k < adjustments % threads else 0) for k in range(threads)]
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(adjust, shares[k], counts[k], k) for k in range(threads)]:
                future.result()
        sent = last[0] - started
        expected = self.available(ids)
        seconds = self.wait_exact(expected, last[0])
        self.quiet()
        tasks = summarise_tasks(self.tasks.stop(), adjustments)
        writes = {f"{t} writes": self.sandboxes.writes(t) for t in self.sandboxes.running}
        self.record(f"burst: {adjustments} adjustments on {len(parts)} parts, sent in {sent:.0f} s", seconds,
                    BULK_LIMIT, **writes)
        self.task_rows.append({"scenario": f"burst of {adjustments} adjustments", **tasks})

    def receipt_and_count(self, lines: int = 500, items: int = 1000) -> None:
        parts = self.bulk_parts
        supplier = Company.create(self.api, {"name": f"ICS speed supplier {self.run.tag}", "is_supplier": True})
        supplier_parts = [SupplierPart.create(self.api, {"part": p.pk, "supplier": supplier.pk,
                                                         "SKU": f"SUP-{self.run.tag}-{p.pk}"}) for p in parts]
        part_of = {sp.pk: sp.part for sp in supplier_parts}

        def first_order(count: int):
            order = PurchaseOrder.create(self.api, {"supplier": supplier.pk, "description": "speed"})
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda n: order.addLineItem(part=supplier_parts[n % len(parts)].pk, quantity=2,
                                                                  merge_items=False),
                              range(count)))
            return order

        def copy_of(original):
            # InvenTree copies the lines in one call: 500 line POSTs took longer than a run at load 25.
            return PurchaseOrder.create(self.api, {"supplier": supplier.pk, "description": "speed (copy)",
                                                   "duplicate": {"original": original.pk, "copy_lines": True}},
                                        timeout=BULK_CALL_TIMEOUT)

        original = None
        for number in range(items // lines):
            order = first_order(lines) if original is None else copy_of(original)
            original = original or order
            order.issue()
            order_lines = order.getLineItems()
            line_ids = [line.pk for line in order_lines]
            if len(line_ids) != lines:
                raise RuntimeError(f"purchase order {order.pk} has {len(line_ids)} lines, not {lines}")
            self.quiet()
            # What the shops must hold, known before the call: reading it from InvenTree after the
            # call would put the bench's own read (seconds, while the server pushes) on the clock.
            expected = self.available([p.pk for p in parts])
            for line in order_lines:
                expected[part_of[line.part]] += 2
            self.sandboxes.reset_counters()
            self.tasks.start()
            load = load_average()
            sent = time.monotonic()
            # Receiving 500 lines takes InvenTree longer than the client's usual 30 s on this machine.
            self.api.post(f"order/po/{order.pk}/receive/", {
                "location": self.run.loc_a.pk, "items": [{"line_item": pk, "quantity": 2} for pk in line_ids]},
                timeout=BULK_CALL_TIMEOUT)
            returned = time.monotonic()
            print(f"  receipt of {len(line_ids)} lines: the API call took {returned - sent:.1f} s", flush=True)
            seconds = self.wait_exact(expected, returned)
            load = f"{load} / {load_average()}"
            self.check_expected(expected, "receipt")
            self.quiet()
            tasks = summarise_tasks(self.tasks.stop(), lines)
            writes = {f"{t} writes": self.sandboxes.writes(t) for t in self.sandboxes.running}
            self.record(f"purchase order receipt {number + 1} of {lines} lines ({len(parts)} parts)", seconds,
                        BULK_LIMIT, **writes, **{"API call (s)": f"{returned - sent:.1f}", "load before / after": load})
            self.task_rows.append({"scenario": f"receipt {number + 1} of {lines} lines", **tasks})

        stock = [i for p in parts for i in StockItem.list(self.api, part=p.pk, in_stock=True)][:items]
        self.quiet()
        self.sandboxes.reset_counters()
        self.tasks.start()
        rng = random.Random(7)
        counted = [(item, rng.randint(0, 9)) for item in stock]
        expected = self.available([p.pk for p in parts])
        for item, quantity in counted:
            expected[item.part] += quantity - Decimal(str(item.quantity))
        load = load_average()
        sent = time.monotonic()
        self.api.post("stock/count/", {"items": [{"pk": i.pk, "quantity": q} for i, q in counted],
                                       "notes": "speed"}, timeout=BULK_CALL_TIMEOUT)
        returned = time.monotonic()
        print(f"  count of {len(stock)} items: the API call took {returned - sent:.1f} s", flush=True)
        seconds = self.wait_exact(expected, returned)
        load = f"{load} / {load_average()}"
        self.check_expected(expected, "count")
        self.quiet()
        tasks = summarise_tasks(self.tasks.stop(), len(stock))
        writes = {f"{t} writes": self.sandboxes.writes(t) for t in self.sandboxes.running}
        self.record(f"stock count of {len(stock)} items ({len(parts)} parts)", seconds, BULK_LIMIT, **writes,
                    **{"API call (s)": f"{returned - sent:.1f}", "load before / after": load})
        self.task_rows.append({"scenario": f"stock count of {len(stock)} items", **tasks})

    def check_expected(self, expected: dict[int, Decimal], what: str) -> None:
        """The levels the bench waited for are InvenTree's own (else its clock proved nothing)."""
        actual = self.available(list(expected))
        if actual != expected:
            wrong = {pk: (expected[pk], actual[pk]) for pk in expected if actual[pk] != expected[pk]}
            self.failures.append(f"{what}: the bench expected other levels than InvenTree has: {wrong}")

    # -- 4. an allocation --

    def allocation(self) -> None:
        part = self.single_part
        customer = Company.create(self.api, {"name": f"ICS speed customer {self.run.tag}", "is_customer": True})
        order = SalesOrder.create(self.api, {"customer": customer.pk, "description": "speed"})
        line = order.addLineItem(part=part.pk, quantity=7)
        order.issue()
        shipment = order.addShipment(f"SP-{self.run.tag}")
        stock = StockItem.list(self.api, part=part.pk, in_stock=True, available=True)
        self.quiet()
        expected = {part.pk: self.available([part.pk])[part.pk] - 7}
        line.allocateToShipment(shipment, stockitems=stock, quantity=7)
        returned = time.monotonic()
        self.record("sales order allocation of 7", self.wait_exact(expected, returned), BULK_LIMIT)

    # -- 5. an outage --

    def outage(self, down: float = 60.0) -> None:
        from .live_inventree import port_of

        parts = self.burst_parts[:5]
        self.quiet()
        ports = {t: port_of(self.sandboxes.url(t)) for t in self.sandboxes.running}
        state = self.sandboxes.stop_keeping_state()
        stopped = time.monotonic()
        changes = 0
        while time.monotonic() - stopped < down * 0.75:
            for part in parts:
                StockItem.list(self.api, part=part.pk, in_stock=True)[0].addStock(1 + changes % 3)
                changes += 1
            time.sleep(5)
        time.sleep(max(0.0, down - (time.monotonic() - stopped)))
        expected = self.available([p.pk for p in parts])
        self.sandboxes.restart(state, ports)
        restarted = time.monotonic()
        seconds = self.wait_exact(expected, restarted, timeout=300)
        self.record(f"outage: sandboxes down {down:.0f} s, {changes} changes meanwhile; from the restart",
                    seconds, RECOVERY_LIMIT)

    def create_all_parts(self, only: set[str] | None = None) -> None:
        """The parts of the scenarios in ``only`` (None: all), before the sandboxes are seeded."""
        chosen = set(SCENARIOS) if only is None else only
        self.single_part = self.create_parts("S", 1)[0]
        self.burst_parts = self.create_parts("B", 18) if chosen & {"burst", "outage"} else []
        self.bulk_parts = self.create_parts("P", 100) if "receipt" in chosen else []

    def outage_stock(self) -> None:
        """The outage changes the burst parts' stock: give them some when the burst did not run."""
        parts = self.burst_parts[:5]
        for part in parts:
            StockItem.create(self.api, {"part": part.pk, "quantity": 50, "location": self.run.loc_a.pk})
        self.wait_exact(self.available([p.pk for p in parts]), time.monotonic())

    def all(self, sandboxes: Sandboxes, only: set[str] | None = None) -> None:
        """Every scenario, or those named in ``only`` (see SCENARIOS)."""
        self._sandboxes = sandboxes
        self.task_rows: list[dict] = []
        chosen = set(SCENARIOS) if only is None else only
        for name, label, method in [("single", "single change", self.single_change),
                                    ("allocation", "allocation", self.allocation),
                                    ("burst", "burst", self.burst),
                                    ("receipt", "receipts and count", self.receipt_and_count),
                                    ("outage", "outage", self.outage)]:
            if name in chosen:
                if name == "outage" and "burst" not in chosen:
                    self.outage_stock()
                print(f"{label}:", flush=True)
                method()


SCENARIOS = ("single", "allocation", "burst", "receipt", "outage")
