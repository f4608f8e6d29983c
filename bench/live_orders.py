"""Issue 9's "done when" for orders, checked against a real InvenTree server and its worker.

    python -m bench.live_orders --url http://127.0.0.1:8047 --user admin --password admin \\
        --instance orders_live

Assumes an InvenTree server and its ONE worker (``manage.py qcluster``) are running this
package (``/work/live/bin/start``); ``--instance`` names it for ``/work/live/bin/restart-worker``
(the worker restart of part 2). The script starts the four sandboxes itself (child processes
on free 127.0.0.1 ports), configures the four plugins through InvenTree's API (order import
on, dry run off, polling every 2 minutes, the webhook secret; stock sync off: only orders are
measured), registers the WooCommerce and Invoice Ninja webhooks (with the clients' own
``register_webhook``) at the plugins' ``/plugin/<slug>/webhook/`` URLs, creates salable parts
whose IPN is the sandbox SKU, and measures:

1. per target, seconds from placing an order on the sandbox to the sales order existing in
   InvenTree's API (webhook targets: at most 10 s; polled targets: at most one polling
   interval plus the schedule's granularity, see ``POLL_LIMIT``);
2. 200 orders placed within a minute across the four shops, the worker restarted in the
   middle: exactly 200 sales orders, none twice (grouped by the sales orders' metadata,
   ``commerce_sync.target`` / ``order_id``, read through InvenTree's metadata API);
3. Magento and Zoho unreachable for ``--outage-minutes`` (every API route of their sandboxes
   resets the connection; the sandboxes keep running and keep their orders, so orders are
   still placed "during" the outage) with polling switched off for them, so that only the
   audit reads them. At the outage's start the daily audit is made due (the plugin state's
   ``last_audit`` set back a day through InvenTree's metadata API): the schedule runs it, it
   fails against the unreachable shop, and the schedule's retry after the outage must import
   every order placed during it;
4. 1,000 orders per sandbox read by the clients' ``read_orders`` (fresh sandboxes, Zoho's
   rate limit off): list requests per sandbox from its own route counters.

Prints a table per part and exits non-zero on any failure.

Run it against a fresh instance (``/work/live/bin/stop <name> --drop``, then ``start``): the
fresh sandboxes number their orders as the last run's did, and the plugins rightly take a
shop order id they already imported for the same order (the script itself counts only the
sales orders created after its setup).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inventree.part import Part, PartCategory

from inventree_commerce_sync.core.webhooks import SECRET_HEADER
from inventree_commerce_sync.targets import build_target, target_class

from .harness import SandboxProcess, live_parser, stop_all, table
from .live_inventree import SLUGS, TARGETS, Failure, InvenTree

WEBHOOK_TARGETS = ("woocommerce", "invoiceninja")
POLLED_TARGETS = ("magento", "zoho")
WEBHOOK_LIMIT = 10.0
POLL_MINUTES = 2
# django-q's scheduler looks at due schedules every ~30 s and the plugins' "orders" schedule
# fires every minute; a poll is due POLL_MINUTES after the last: an order placed just after a
# poll read the shop waits up to POLL_MINUTES + one schedule step + the worker's lag.
POLL_LIMIT = POLL_MINUTES * 60 + 60.0
FIND_TIMEOUT = 420.0
ROUND_PAUSE = 2.0  # seconds between latency rounds
BURST_ORDERS = 200
BURST_SECONDS = 60.0
BURST_TIMEOUT = 600.0
READ_ORDERS = 1000
SECRET = "live-orders-" + uuid.uuid4().hex[:12]
PRODUCTS = 5
STOCK = 1_000_000
RESTART_WORKER = "/work/live/bin/restart-worker"
LIST_ROUTES = ("GET orders.list", "GET salesorders.list", "GET invoices.list")
TITLES = {t: target_class(t).title for t in TARGETS}


# -- sandboxes and orders ------------------------------------------------------------------

def start_sandbox(target: str, skus: list[str], folder: Path) -> SandboxProcess:
    seed = folder / f"{target}-{uuid.uuid4().hex}.json"
    seed.write_text(json.dumps({"products": [{"sku": s, "name": s, "quantity": STOCK} for s in skus]}), "utf-8")
    return SandboxProcess(target, seed)


def place(sandbox: SandboxProcess, sku: str, quantity: int = 1, count: int = 1) -> list[str]:
    """Place ``count`` orders of one line; the shop's order numbers."""
    line = {"sku": sku, "quantity": quantity}
    if sandbox.target == "woocommerce":
        body = {"orders": [{"lines": [line], "status": "processing"} for _ in range(count)]}
        return [str(o["number"]) for o in sandbox.control("POST", "orders", body)]
    if sandbox.target == "magento":
        return [str(sandbox.control("POST", "orders", {"lines": [{"sku": sku, "qty": quantity}],
                                                       "state": "processing"})["increment_id"])
                for _ in range(count)]
    if sandbox.target == "zoho":
        placed = sandbox.control("POST", "salesorders", {"lines": [line], "status": "confirmed", "count": count})
        return [str(o["salesorder_number"]) for o in placed["salesorders"]]
    placed = sandbox.control("POST", "invoices", {"lines": [{"product_key": sku, "quantity": quantity, "type_id": "1"}],
                                                  "status": "sent", "client": {"name": "Live Buyer"}, "count": count})
    return [str(i["number"]) for i in placed["data"]]


def outage(sandbox: SandboxProcess, on: bool) -> None:
    """Every API route resets the connection (control calls still work: orders keep coming)."""
    sandbox.control("POST", "faults", {"rules": [{"route": "*", "reset": 1.0}] if on else []})


# -- InvenTree -----------------------------------------------------------------------------

class Orders:
    """The sales orders the plugins created, as InvenTree's API shows them."""

    def __init__(self, it: InvenTree):
        self.it = it
        self.after_pk = 0  # sales orders of earlier runs: fresh sandboxes number their orders alike

    def start_counting(self) -> None:
        """From now on only sales orders created after this call count."""
        page = self.it.request("GET", "/api/order/so/", params={"ordering": "-pk", "limit": 1}).json()
        rows = page.get("results", page) if isinstance(page, dict) else page
        self.after_pk = int(rows[0]["pk"]) if rows else 0

    def find(self, target: str, number: str) -> dict | None:
        rows = self.it.request("GET", "/api/order/so/", params={"search": number, "limit": 100}).json()
        for row in rows.get("results", rows) if isinstance(rows, dict) else rows:
            if (row["pk"] > self.after_pk and row.get("customer_reference") == number
                    and row.get("description") == f"{TITLES[target]} order {number}"):
                return row
        return None

    def of_target(self, target: str) -> list[dict]:
        """Every sales order whose description says it came from ``target``."""
        found, offset = [], 0
        while True:
            page = self.it.request("GET", "/api/order/so/", params={
                "search": f"{TITLES[target]} order", "limit": 500, "offset": offset, "ordering": "pk"}).json()
            rows = page["results"]
            found += [r for r in rows if r["pk"] > self.after_pk
                      and str(r.get("description", "")).startswith(f"{TITLES[target]} order ")]
            offset += len(rows)
            if not rows or offset >= page["count"]:
                return found

    def metadata(self, pk: int) -> dict:
        return self.it.request("GET", f"/api/metadata/salesorder/{pk}/").json().get("metadata") or {}

    def shop_ids(self, rows: list[dict]) -> list[tuple[str, str]]:
        with ThreadPoolExecutor(4) as pool:
            metas = list(pool.map(lambda r: self.metadata(r["pk"]), rows))
        return [(m.get("commerce_sync", {}).get("target"), m.get("commerce_sync", {}).get("order_id")) for m in metas]


def plugin_state(it: InvenTree, slug: str) -> dict:
    metadata = it.request("GET", f"/api/metadata/pluginconfig/key/{slug}/").json().get("metadata") or {}
    return metadata.get("commerce_sync_orders") or {}


def audit_due(it: InvenTree, slug: str) -> None:
    """Make the next scheduled run an audit: the state's last_audit set back a day."""
    metadata = it.request("GET", f"/api/metadata/pluginconfig/key/{slug}/").json().get("metadata") or {}
    state = dict(metadata.get("commerce_sync_orders") or {})
    state["last_audit"] = time.time() - 2 * 24 * 3600
    it.request("PATCH", f"/api/metadata/pluginconfig/key/{slug}/", json={"metadata": {"commerce_sync_orders": state}})


def _percentile(values: list[float], percent: float) -> float | str:
    """The nearest-rank percentile (of 12 values, p95 is the 12th: the worst)."""
    if not values:
        return "-"
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _clock(timestamp) -> str:
    return datetime.fromtimestamp(float(timestamp), UTC).strftime("%m-%d %H:%M:%S") if timestamp else "-"


def order_import_settings(target: str) -> dict[str, Any]:
    """The order settings this bench gives every plugin: import on, polled every POLL_MINUTES,
    the webhook secret on the webhook targets."""
    return dict(ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_POLL_MINUTES=POLL_MINUTES, ORDER_AUDIT_DAYS=1,
                ORDER_WEBHOOK_SECRET=SECRET if target in WEBHOOK_TARGETS else "")


def register_webhooks(it: InvenTree, connections: dict[str, dict]) -> None:
    """Register the plugins' webhook URLs on the webhook targets, with the clients' own calls
    (WooCommerce signs its deliveries with the secret; Invoice Ninja sends it as a header)."""
    for target, connection in connections.items():
        client: Any = build_target(target, connection)  # an OrderSource with webhooks
        url = f"{it.url}/plugin/{SLUGS[target]}/webhook/"
        if target == "woocommerce":
            client.register_webhook(url, SECRET)
        else:
            client.register_webhook(url, SECRET_HEADER, SECRET)


# -- the run -------------------------------------------------------------------------------

class Run:
    def __init__(self, it: InvenTree, instance: str, outage_minutes: float):
        self.it = it
        self.orders = Orders(it)
        self.instance = instance
        self.outage_minutes = outage_minutes
        self.tag = uuid.uuid4().hex[:6].upper()
        self.folder = tempfile.TemporaryDirectory(prefix="ics-orders-")
        self.failures: list[str] = []
        self.sandboxes: dict[str, SandboxProcess] = {}
        self.placed: dict[str, list[str]] = {t: [] for t in TARGETS}
        self.report: list[str] = []

    def say(self, text: str) -> None:
        print(text, flush=True)
        self.report.append(text)

    def setup(self) -> None:
        api = self.it.api
        self.orders.start_counting()
        category = PartCategory.create(api, {"name": f"commerce sync orders {self.tag}"})
        self.skus = [f"ICS-{self.tag}-P{i}" for i in range(PRODUCTS)]
        for sku in self.skus:
            Part.create(api, {"category": category.pk, "name": f"ICS order part {sku}", "IPN": sku,
                              "description": "sold on the shops", "active": True, "salable": True})
        for target in TARGETS:
            self.sandboxes[target] = start_sandbox(target, self.skus, Path(self.folder.name))
        for target in TARGETS:
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            values = {k.upper(): v for k, v in self.sandboxes[target].settings().items()}
            values.update(ENABLED=False, DRY_RUN=False, SKU_SOURCE="ipn", RECONCILE_MINUTES=0, VERIFY_MINUTES=0,
                          **order_import_settings(target))
            for key, value in values.items():
                self.it.set_plugin_setting(slug, key, value)
        register_webhooks(self.it, {t: self.sandboxes[t].settings() for t in WEBHOOK_TARGETS})
        self.say(f"setup: tag {self.tag}, sandboxes " + ", ".join(f"{t} {s.url}" for t, s in self.sandboxes.items()))

    def wait_found(self, target: str, number: str, started: float, timeout: float = FIND_TIMEOUT) -> float | None:
        while time.monotonic() - started < timeout:
            if self.orders.find(target, number) is not None:
                return round(time.monotonic() - started, 2)
            time.sleep(0.5)
        return None

    # -- 1 --

    def latency(self, rounds: int, targets: tuple[str, ...] = TARGETS) -> None:
        self.say("\n## 1. Order placed -> sales order (seconds)")
        # the first scheduled run of a fresh state is the first read (an audit); let it pass
        time.sleep(5)
        rows = []
        measured: dict[str, list[float]] = {t: [] for t in targets}
        for index in range(rounds):
            started: dict[str, float] = {}
            numbers: dict[str, str] = {}
            for target in targets:
                started[target] = time.monotonic()
                numbers[target] = place(self.sandboxes[target], self.skus[index % PRODUCTS], 1 + index)[0]
                self.placed[target].append(numbers[target])
            with ThreadPoolExecutor(4) as pool:
                seconds = dict(zip(targets, pool.map(lambda t, n=numbers, s=started: self.wait_found(t, n[t], s[t]), targets),
                                   strict=True))
            row: dict[str, object] = {"round": index + 1}
            for target in targets:
                limit = WEBHOOK_LIMIT if target in WEBHOOK_TARGETS else POLL_LIMIT
                s = seconds[target]
                row[target] = "-" if s is None else f"{s:.1f}"
                if s is not None:
                    measured[target].append(s)
                if s is None or s > limit:
                    self.failures.append(f"latency {target} round {index + 1}: {s} s (limit {limit:.0f} s)")
            rows.append(row)
            self.say(f"  round {index + 1}: {row}")
            time.sleep(ROUND_PAUSE)  # the second delivery of the order (order.updated) is not the next round's wait
        self.say(table(rows, ["round", *targets]))
        summary = [{"target": t, "trials": rounds, "arrived": len(v), "p50": _percentile(v, 50),
                    "p95": _percentile(v, 95), "worst": max(v) if v else "-"} for t, v in measured.items()]
        self.say(table(summary, list(summary[0])))

    # -- 2 --

    def burst(self, kill: bool) -> None:
        self.say(f"\n## 2. {BURST_ORDERS} orders within {BURST_SECONDS:.0f} s, worker restarted in the middle")
        per_target = BURST_ORDERS // len(TARGETS)
        gap = BURST_SECONDS / BURST_ORDERS
        burst_numbers: dict[str, list[str]] = {t: [] for t in TARGETS}
        started = time.monotonic()
        restarted = None
        for index in range(per_target * len(TARGETS)):
            target = TARGETS[index % len(TARGETS)]
            burst_numbers[target] += place(self.sandboxes[target], self.skus[index % PRODUCTS], 1)
            if restarted is None and time.monotonic() - started >= BURST_SECONDS / 2:
                restarted = round(time.monotonic() - started, 1)
                out = subprocess.run([RESTART_WORKER, self.instance, *(["--kill"] if kill else [])],
                                     capture_output=True, text=True, timeout=60)
                self.say(f"  worker restarted at {restarted} s ({'SIGKILL' if kill else 'SIGTERM'}): "
                         f"{out.stdout.strip() or out.stderr.strip()}")
            pause = started + gap * (index + 1) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        placing = round(time.monotonic() - started, 1)
        self.say(f"  placed {sum(map(len, burst_numbers.values()))} orders in {placing} s")
        for target in TARGETS:
            self.placed[target] += burst_numbers[target]
        expected = {t: set(self.placed[t]) for t in TARGETS}
        done_at: dict[str, float | None] = {t: None for t in TARGETS}
        while time.monotonic() - started < BURST_TIMEOUT and None in done_at.values():
            for target in TARGETS:
                if done_at[target] is None:
                    have = {r["customer_reference"] for r in self.orders.of_target(target)}
                    if expected[target] <= have:
                        done_at[target] = round(time.monotonic() - started, 1)
            time.sleep(3)
        # one more polling interval: a duplicate made by a late retry would show now
        time.sleep(POLL_LIMIT)
        rows = []
        total = 0
        for target in TARGETS:
            found = self.orders.of_target(target)
            ids = self.orders.shop_ids(found)
            burst_refs = set(burst_numbers[target])
            burst_rows = [(r, i) for r, i in zip(found, ids, strict=True) if r["customer_reference"] in burst_refs]
            by_id: dict[tuple, int] = {}
            for _, shop_id in burst_rows:
                by_id[shop_id] = by_id.get(shop_id, 0) + 1
            twice = sum(1 for n in by_id.values() if n > 1)
            all_twice = len(ids) - len(set(ids))
            missing = len(burst_refs - {r["customer_reference"] for r, _ in burst_rows})
            total += len(by_id)
            rows.append({"target": target, "placed": len(burst_refs), "sales orders": len(burst_rows),
                         "distinct shop ids": len(by_id), "twice": twice, "missing": missing,
                         "all-time twice": all_twice, "all imported after s": done_at[target] or "-"})
            if len(burst_rows) != len(burst_refs) or twice or missing or all_twice:
                self.failures.append(f"burst {target}: {rows[-1]}")
        self.say(table(rows, list(rows[0])))
        self.say(f"  total burst sales orders: {total} (expected {per_target * len(TARGETS)})")

    # -- 3 --

    def outage(self) -> None:
        minutes = self.outage_minutes
        self.say(f"\n## 3. Magento and Zoho unreachable for {minutes:g} minutes, then the audit")
        for target in POLLED_TARGETS:
            self.it.set_plugin_setting(SLUGS[target], "ORDER_POLL_MINUTES", 0)  # only the audit reads them
            outage(self.sandboxes[target], True)
            audit_due(self.it, SLUGS[target])  # the daily audit falls due in the outage: it must not be lost
        during: dict[str, list[str]] = {t: [] for t in POLLED_TARGETS}
        started = time.monotonic()
        while time.monotonic() - started < minutes * 60:
            for target in POLLED_TARGETS:
                during[target] += place(self.sandboxes[target], self.skus[len(during[target]) % PRODUCTS], 1)
            time.sleep(30)
        states = {t: plugin_state(self.it, SLUGS[t]) for t in POLLED_TARGETS}
        self.say(f"  placed during the outage: { {t: len(v) for t, v in during.items()} }; plugins meanwhile: "
                 + "; ".join(f"{t}: last_error {s.get('last_error')!r}, audit_failed "
                             f"{_clock(s.get('audit_failed'))}, last_audit {_clock(s.get('last_audit'))}"
                             for t, s in states.items()))
        imported_before = {t: len(set(during[t]) & {r["customer_reference"] for r in self.orders.of_target(t)})
                           for t in POLLED_TARGETS}
        for target in POLLED_TARGETS:
            outage(self.sandboxes[target], False)  # the schedule's own retry of the audit must find them
        back = time.monotonic()
        rows = []
        for target in POLLED_TARGETS:
            self.placed[target] += during[target]
            seconds = None
            while time.monotonic() - back < FIND_TIMEOUT:
                have = {r["customer_reference"] for r in self.orders.of_target(target)}
                if set(during[target]) <= have:
                    seconds = round(time.monotonic() - back, 1)
                    break
                time.sleep(3)
            state = plugin_state(self.it, SLUGS[target])
            have = {r["customer_reference"] for r in self.orders.of_target(target)}
            rows.append({"target": target, "placed during outage": len(during[target]),
                         "imported during outage": imported_before[target],
                         "imported after": len(set(during[target]) & have),
                         "seconds after the shop was back": seconds or "-",
                         "last_audit": _clock(state.get("last_audit")), "audit counts": state.get("last_counts")})
            if seconds is None:
                self.failures.append(f"outage {target}: {rows[-1]}")
            self.it.set_plugin_setting(SLUGS[target], "ORDER_POLL_MINUTES", POLL_MINUTES)
        self.say(table(rows, list(rows[0])))

    # -- 4 --

    def read_counts(self) -> None:
        self.say(f"\n## 4. {READ_ORDERS} orders per sandbox read by the clients' read_orders")
        rows = []
        for target in TARGETS:
            sandbox = start_sandbox(target, self.skus, Path(self.folder.name))
            try:
                if target == "zoho":
                    sandbox.control("POST", "rate-limit", {"limit": None})
                if target == "woocommerce":
                    for _ in range(READ_ORDERS // 100):
                        place(sandbox, self.skus[0], 1, count=100)
                elif target == "magento":
                    with ThreadPoolExecutor(4) as pool:
                        list(pool.map(lambda i, box=sandbox: place(box, self.skus[i % PRODUCTS], 1), range(READ_ORDERS)))
                else:
                    place(sandbox, self.skus[0], 1, count=READ_ORDERS)
                sandbox.reset_counters()
                client: Any = build_target(target, sandbox.settings())  # every built-in client reads orders
                started = time.monotonic()
                read = list(client.read_orders(datetime.now(UTC) - timedelta(days=1)))
                seconds = round(time.monotonic() - started, 1)
                counters = sandbox.counters()["counters"]
                page = int(getattr(client, "page_size", 0))
                lists = sum(n for k, n in counters.items() if k in LIST_ROUTES)
                rows.append({"target": target, "orders read": len(read), "distinct": len({o.id for o in read}),
                             "page size": page, "limit": math.ceil(READ_ORDERS / page) if page else "-",
                             "requests": json.dumps({k: v for k, v in counters.items() if "auth" not in k}),
                             "list requests": lists, "seconds": seconds})
                if len({o.id for o in read}) != READ_ORDERS or (page and lists > math.ceil(READ_ORDERS / page)):
                    self.failures.append(f"read {target}: {rows[-1]}")
            finally:
                sandbox.stop()
        self.say(table(rows, list(rows[0])))

    def stop(self) -> None:
        stop_all(self.sandboxes.values(), self.folder)


def main(argv: list[str] | None = None) -> int:
    parser = live_parser(__doc__, port=8047, instance="orders_live", instance_help="the /work/live instance, for restart-worker")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--outage-minutes", type=float, default=10.0)
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL the worker instead of SIGTERM")
    parser.add_argument("--parts", default="1,2,3,4")
    parser.add_argument("--latency-targets", default=",".join(TARGETS),
                        help="the targets part 1 places orders on (e.g. woocommerce,invoiceninja: the webhook "
                             "targets alone, so that a round does not wait for the polled ones)")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    chosen = tuple(t for t in args.latency_targets.split(",") if t)
    unknown = sorted(set(chosen) - set(TARGETS))
    if unknown or not chosen:
        parser.error(f"--latency-targets: unknown target(s) {', '.join(unknown) or '(none given)'} "
                     f"(one of {', '.join(TARGETS)})")
    run = Run(InvenTree(args.url, args.user, args.password), args.instance, args.outage_minutes)
    started = time.monotonic()
    try:
        run.setup()
        if "1" in parts:
            run.latency(args.rounds, chosen)
        if "2" in parts:
            run.burst(args.kill_worker)
        if "3" in parts:
            run.outage()
        if "4" in parts:
            run.read_counts()
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        run.stop()
    run.say(f"\ntotal {time.monotonic() - started:.0f} s; " + ("FAILURES:\n  " + "\n  ".join(run.failures)
                                                            if run.failures else "all checks passed"))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
