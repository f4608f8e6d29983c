"""Issue 10's "done when" for shipments and the target check, against a real InvenTree
server and its worker.

    python -m bench.live_ship --url http://127.0.0.1:8102 --instance ship --worktree /work/wt/ship

Assumes the server and its ONE worker run this package (``/work/live/bin/start``);
``--instance`` and ``--worktree`` name it for ``/work/live/bin/manage``, through which the
completed-shipment event is delivered a second time. The script starts the four sandboxes
(child processes on free 127.0.0.1 ports) seeded with ``STOCK`` of each part, configures the
four plugins through InvenTree's API (in-stock quantity, dry run off, order import on,
polled every minute, no allocation by the import), creates salable parts whose IPN is the
SKU with ``STOCK`` in InvenTree, and measures:

1. shipping: an order of 2 placed on each shop, imported; in InvenTree a shipment of its
   line allocated and completed with a tracking number (through the API, as a user does);
   seconds until the shop shows it shipped (WooCommerce completed with the tracking note,
   Magento a shipment and its reservation ended, Zoho a shipment, Invoice Ninja "nothing to
   send"); then ``salesordershipment.completed`` triggered again for the same shipment (a
   second delivery through the worker): the shop's shipment writes stay at exactly 1;
2. the target check: on each shop one SKU edited by hand by 3 units and another set to 0
   (``STOCK`` units, 100 %); with ``VERIFY_MINUTES`` = 1 the schedule's check must repair
   the first (recorded in the history) and flag the second (not written); then
   ``repairs/confirm/`` writes it.

Prints a table per part and exits non-zero on any failure.
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
from inventree.stock import StockItem, StockLocation

from inventree_commerce_sync.core.target import Change
from inventree_commerce_sync.targets import build_target

from .harness import SandboxProcess, live_parser, stop_all, table
from .live_inventree import SLUGS, TARGETS, Failure, InvenTree
from .live_orders import place, start_sandbox

STOCK = 50
ORDERED = 2
SHIP_WRITES = {"woocommerce": "PUT orders.update", "magento": "POST order.ship", "zoho": "POST shipmentorders.create"}
IMPORT_TIMEOUT = 240.0  # one polling minute, the schedule's granularity and the worker's lag
SHIP_TIMEOUT = 180.0
CHECK_TIMEOUT = 300.0  # VERIFY_MINUTES = 1 plus the schedule's granularity and the worker's lag
MANAGE = "/work/live/bin/manage"


class Run:
    def __init__(self, it: InvenTree, instance: str, worktree: str):
        self.it = it
        self.instance = instance
        self.worktree = worktree
        self.tag = uuid.uuid4().hex[:6].upper()
        self.folder = tempfile.TemporaryDirectory(prefix="ics-ship-")
        self.failures: list[str] = []
        self.sandboxes: dict[str, SandboxProcess] = {}

    def say(self, text: str) -> None:
        print(text, flush=True)

    def setup(self) -> None:
        api = self.it.api
        category = PartCategory.create(api, {"name": f"commerce sync ship {self.tag}"})
        location = StockLocation.create(api, {"name": f"ship store {self.tag}"})
        self.skus = {key: f"ICS-{self.tag}-{key}" for key in ("SHIP", "SMALL", "LARGE")}
        self.parts: dict[str, int] = {}
        self.items: dict[str, int] = {}
        for key, sku in self.skus.items():
            part = Part.create(api, {"category": category.pk, "name": f"ICS ship part {sku}", "IPN": sku,
                                     "description": "sold on the shops", "active": True, "salable": True})
            self.parts[key] = part.pk
        for target in TARGETS:
            self.sandboxes[target] = start_sandbox(target, list(self.skus.values()), Path(self.folder.name))
            # start_sandbox seeds a large stock for the order bench; these shops start equal to InvenTree
            self.sandboxes[target].control("POST", "seed", {"products": [
                {"sku": s, "name": s, "quantity": STOCK} for s in self.skus.values()]})
        for target in TARGETS:
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            values = {k.upper(): v for k, v in self.sandboxes[target].settings().items()}
            values.update(ENABLED=True, DRY_RUN=False, QUANTITY="in_stock", SKU_SOURCE="ipn", RECONCILE_MINUTES=0,
                          VERIFY_MINUTES=0, ORDER_IMPORT=True, ORDER_DRY_RUN=False, ORDER_POLL_MINUTES=1,
                          ORDER_ALLOCATE=False, ORDER_AUDIT_DAYS=1)
            for key, value in values.items():
                self.it.set_plugin_setting(slug, key, value)
        for key in self.skus:
            created = StockItem.create(api, {"part": self.parts[key], "quantity": STOCK, "location": location.pk})
            self.items[key] = (created[0] if isinstance(created, list) else created).pk  # a list in InvenTree 1.x
        self.say(f"setup: tag {self.tag}, sandboxes " + ", ".join(f"{t} {s.url}" for t, s in self.sandboxes.items()))

    # -- 1 --

    def sales_order(self, target: str, number: str) -> dict | None:
        rows = self.it.request("GET", "/api/order/so/", params={"search": number, "limit": 50}).json()
        for row in rows.get("results", rows) if isinstance(rows, dict) else rows:
            if row.get("customer_reference") == number:
                meta = self.it.request("GET", f"/api/order/so/{row['pk']}/metadata/").json().get("metadata") or {}
                if (meta.get("commerce_sync") or {}).get("target") == target:
                    return row
        return None

    def shipment_record(self, shipment: int) -> dict:
        meta = self.it.request("GET", f"/api/order/so/shipment/{shipment}/metadata/").json().get("metadata") or {}
        return meta.get("commerce_sync") or {}

    def shop_shipped(self, target: str, order_id: str) -> bool:
        box = self.sandboxes[target]
        if target == "woocommerce":
            orders = box.control("GET", "orders")
            order = next(o for o in orders if str(o["id"]) == order_id)
            return order["status"] == "completed"
        if target == "magento":
            reserved = sum(Decimal(str(r["quantity"])) for r in box.control("GET", "reservations")
                           if r["sku"] == self.skus["SHIP"])
            return reserved == 0 and box.counters()["counters"].get(SHIP_WRITES[target], 0) >= 1
        if target == "zoho":
            return box.counters()["counters"].get(SHIP_WRITES[target], 0) >= 1
        return False

    def deliver_again(self, shipment: int) -> None:
        code = ("from plugin.events import trigger_event; "
                f"trigger_event('salesordershipment.completed', id={shipment})")
        out = subprocess.run([MANAGE, self.instance, self.worktree, "shell", "-c", code],
                             capture_output=True, text=True, timeout=300)
        if out.returncode:
            raise Failure(f"the second event could not be triggered: {out.stderr[-300:]}")

    def shipping(self) -> None:
        self.say(f"\n## 1. An order of {ORDERED} per shop, imported, shipped in InvenTree; the event delivered twice")
        numbers = {t: place(self.sandboxes[t], self.skus["SHIP"], ORDERED)[0] for t in TARGETS}
        started = time.monotonic()
        orders: dict[str, dict] = {}
        while len(orders) < len(TARGETS) and time.monotonic() - started < IMPORT_TIMEOUT:
            for target in TARGETS:
                if target not in orders and (found := self.sales_order(target, numbers[target])) is not None:
                    orders[target] = found
            time.sleep(2)
        missing = [t for t in TARGETS if t not in orders]
        if missing:
            raise Failure(f"not imported within {IMPORT_TIMEOUT:.0f} s: {missing}")
        self.say(f"  imported after {time.monotonic() - started:.0f} s")
        rows = []
        for target in TARGETS:
            order = orders[target]
            meta = self.it.request("GET", f"/api/order/so/{order['pk']}/metadata/").json()["metadata"]
            order_id = meta["commerce_sync"]["order_id"]
            line = self.it.request("GET", "/api/order/so-line/", params={"order": order["pk"]}).json()
            line = (line.get("results", line) if isinstance(line, dict) else line)[0]
            shipment = self.it.request("POST", "/api/order/so/shipment/", json={
                "order": order["pk"], "reference": f"{self.tag}-1"}).json()["pk"]
            self.it.request("POST", f"/api/order/so/{order['pk']}/allocate/", json={
                "items": [{"line_item": line["pk"], "stock_item": self.items["SHIP"], "quantity": ORDERED}],
                "shipment": shipment})
            self.sandboxes[target].reset_counters()
            shipped_at = time.monotonic()
            self.it.request("POST", f"/api/order/so/shipment/{shipment}/ship/",
                            json={"tracking_number": f"TRK-{self.tag}-{target}"})
            seconds = None
            while time.monotonic() - shipped_at < SHIP_TIMEOUT:
                record = self.shipment_record(shipment)
                if record.get("state") in ("shipped", "already", "nothing", "failed"):
                    if target == "invoiceninja" or self.shop_shipped(target, order_id):
                        seconds = round(time.monotonic() - shipped_at, 1)
                        break
                time.sleep(0.5)
            self.deliver_again(shipment)
            time.sleep(20)  # the worker takes the second event
            self.it.wait_worker_idle(120)
            record = self.shipment_record(shipment)
            writes = self.sandboxes[target].counters()["counters"].get(SHIP_WRITES.get(target, ""), 0)
            rows.append({"target": target, "order": numbers[target], "sales order": order["reference"],
                         "seconds to shipped on the shop": seconds or "-", "state": record.get("state"),
                         "attempts": record.get("attempts"), "ship writes after 2 events": writes,
                         "shop": "shipped" if target != "invoiceninja" and self.shop_shipped(target, order_id)
                         else record.get("message", "")[:40]})
            expected_writes = 0 if target == "invoiceninja" else 1
            if seconds is None or writes != expected_writes or record.get("attempts") != 1:
                self.failures.append(f"shipping {target}: {rows[-1]}")
        self.say(table(rows, list(rows[0])))

    # -- 2 --

    def edit_on_shop(self, target: str, quantities: dict[str, int]) -> None:
        client = build_target(target, self.sandboxes[target].settings())
        remotes = client.resolve(list(quantities))
        client.write([Change(sku, remotes[sku], Decimal(q)) for sku, q in quantities.items()])

    def history(self, target: str) -> list[dict]:
        meta = self.it.request("GET", f"/api/metadata/pluginconfig/key/{SLUGS[target]}/").json().get("metadata") or {}
        return list((meta.get("commerce_sync_repairs") or {}).get("records") or [])

    def target_check(self) -> None:
        small, large = self.skus["SMALL"], self.skus["LARGE"]
        self.say(f"\n## 2. Target check: {small} edited on each shop to {STOCK - 3}, {large} to 0")
        for target in TARGETS:
            self.edit_on_shop(target, {small: STOCK - 3, large: 0})
        started = time.monotonic()
        for target in TARGETS:
            self.it.set_plugin_setting(SLUGS[target], "VERIFY_MINUTES", 1)
        done: dict[str, float] = {}
        while len(done) < len(TARGETS) and time.monotonic() - started < CHECK_TIMEOUT:
            for target in TARGETS:
                if target not in done and any(r["sku"] == large and r["outcome"] == "flagged"
                                              for r in self.history(target)):
                    done[target] = round(time.monotonic() - started, 1)
            time.sleep(2)
        for target in TARGETS:
            self.it.set_plugin_setting(SLUGS[target], "VERIFY_MINUTES", 0)
        rows = []
        for target in TARGETS:
            stock = self.sandboxes[target].control("GET", "stock")
            records = self.history(target)
            repaired = [r for r in records if r["sku"] == small and r["outcome"] == "repaired"]
            flagged = [r for r in records if r["sku"] == large and r["outcome"] == "flagged"]
            before_confirm = Decimal(stock.get(large, "-1"))
            confirm = self.it.request("POST", f"/plugin/{SLUGS[target]}/repairs/confirm/", json={"sku": large}).json()
            after = Decimal(self.sandboxes[target].control("GET", "stock").get(large, "-1"))
            rows.append({"target": target, "seconds to the check": done.get(target, "-"),
                         f"{small} on shop": stock.get(small), "repaired record": (
                             f"{repaired[0]['shop_had']} -> {repaired[0]['set']}" if repaired else "-"),
                         f"{large} on shop": str(before_confirm), "flagged record": (
                             f"{flagged[0]['shop_had']} (wanted {flagged[0]['wanted']})" if flagged else "-"),
                         "after confirm": str(after), "confirmed set": (confirm.get("confirmed") or {}).get("set")})
            if (target not in done or Decimal(stock.get(small, "-1")) != STOCK or not repaired or not flagged
                    or before_confirm != 0 or after != STOCK):
                self.failures.append(f"target check {target}: {rows[-1]}")
        self.say(table(rows, list(rows[0])))

    def stop(self) -> None:
        stop_all(self.sandboxes.values(), self.folder)


def main(argv: list[str] | None = None) -> int:
    parser = live_parser(__doc__, port=8102, instance="ship", worktree=True)
    parser.add_argument("--parts", default="1,2")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    run = Run(InvenTree(args.url, args.user, args.password), args.instance, args.worktree)
    started = time.monotonic()
    try:
        run.setup()
        if "1" in parts:
            run.shipping()
        if "2" in parts:
            run.target_check()
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        run.stop()
    run.say(f"\ntotal {time.monotonic() - started:.0f} s; " + ("FAILURES:\n  " + "\n  ".join(run.failures)
                                                            if run.failures else "all checks passed"))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
