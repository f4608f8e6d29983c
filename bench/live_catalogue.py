"""Issue 12's catalogue "done when", checked against a real InvenTree server and its worker.

    python -m bench.live_catalogue --url http://127.0.0.1:8107 --instance catinv --worktree /work/wt/catinv

Assumes an InvenTree server and its worker run this package (``/work/live/bin/start``). The
script starts the four sandboxes (child processes on free 127.0.0.1 ports, empty catalogues),
configures the four plugins through InvenTree's API (stock sync on, dry run off, publishing
on for a new category, shop currency USD, no schedules, no order import), then:

1. **publish**: ``--parts`` new salable parts in the category (sale price break for quantity
   1, stock) are created in one ``manage.py shell`` of the instance (bulk, so no save signal
   marks them) and one push per plugin (``sync.sync_parts(plugin, None)``, the
   reconciliation's path) publishes them: every shop must hold them all, WooCommerce with
   ⌈parts/100⌉ batch writes;
2. **reprice**: the sale price of ``--repriced`` parts changed with ``PartSellPriceBreak.save``
   in one transaction (the save signals mark them) and one ``flush.flush()``: Magento must
   take one ``base-prices`` write, WooCommerce ⌈repriced/100⌉ batches, every shop the new price;
3. **again**: one more push per plugin must write nothing;
4. **import**: each sandbox re-seeded with ``--imported`` products no part holds, and
   InvenTree's ``catalogue/import/`` endpoint (GET, then one POST of every SKU with a stock
   location) must create that many linked parts in one action.

Request counts are the sandboxes' own (exact); seconds are wall time under the machine's
load (printed beside them). Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from inventree.part import PartCategory
from inventree.stock import StockLocation

from inventree_commerce_sync.core.catalogue import CatalogueClient, Product
from inventree_commerce_sync.targets import build_target

from .catalogue import BATCH_ROUTES
from .harness import SandboxProcess, live_parser, stop_all, table, verdict
from .live_inventree import SLUGS, TARGETS, Failure, InvenTree

MANAGE = "/work/live/bin/manage"
PRICE, NEW_PRICE = "9.90", "11.25"


def shell(instance: str, worktree: str, code: str) -> dict:
    """Run ``code`` in a manage.py shell of the instance; its last output line as JSON."""
    out = subprocess.run([MANAGE, instance, worktree, "shell", "-c", code], capture_output=True, text=True,
                         timeout=1800)
    if out.returncode != 0:
        raise Failure(f"manage.py shell failed: {out.stderr[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


CREATE = """
import json, time
from decimal import Decimal
from djmoney.money import Money
from part.models import Part, PartSellPriceBreak
from stock.models import StockItem
from plugin.registry import registry
from inventree_commerce_sync.inventree import sync
n, tag, category, location = {n}, {tag!r}, {category}, {location}
tree = Part.getNextTreeID()
parts = Part.objects.bulk_create([Part(name=f"Live part {{tag}} {{i}}", IPN=f"LC-{{tag}}-{{i:04d}}",
    description=f"Published from InvenTree {{i}}", category_id=category, salable=True, active=True,
    tree_id=tree + i, lft=1, rght=2, level=0) for i in range(n)])
PartSellPriceBreak.objects.bulk_create([PartSellPriceBreak(part=p, quantity=1, price=Money({price!r}, "USD"))
                                        for p in parts])
StockItem.objects.bulk_create([StockItem(part=p, quantity=1 + i % 9, location_id=location)
                               for i, p in enumerate(parts)])
seconds = {{}}
for slug in {slugs!r}:
    started = time.monotonic()
    sync.sync_parts(registry.get_plugin(slug), None)
    seconds[slug] = round(time.monotonic() - started, 1)
print(json.dumps({{"parts": [p.pk for p in parts], "seconds": seconds}}))
"""

REPRICE = """
import json, time
from django.db import transaction
from djmoney.money import Money
from part.models import PartSellPriceBreak
from inventree_commerce_sync.inventree import flush
ids = {ids!r}
with transaction.atomic():
    for price in PartSellPriceBreak.objects.filter(part_id__in=ids):
        price.price = Money({price!r}, "USD")
        price.save()
started = time.monotonic()
time.sleep(1.0)  # the commit marked the parts and woke this process's flush thread (flush.py)
while flush._local._thread is not None and flush._local._thread.is_alive():
    flush._local._thread.join(1.0)
print(json.dumps({{"seconds": round(time.monotonic() - started, 1)}}))
"""

AGAIN = """
import json, time
from plugin.registry import registry
from inventree_commerce_sync.inventree import sync
seconds = {{}}
for slug in {slugs!r}:
    started = time.monotonic()
    sync.sync_parts(registry.get_plugin(slug), None)
    seconds[slug] = round(time.monotonic() - started, 1)
print(json.dumps({{"seconds": seconds}}))
"""


class Run:
    def __init__(self, it: InvenTree, args: argparse.Namespace):
        self.it, self.args = it, args
        self.tag = uuid.uuid4().hex[:5].upper()
        self.folder = tempfile.TemporaryDirectory(prefix="ics-catalogue-")
        self.sandboxes: dict[str, SandboxProcess] = {}
        self.failures: list[str] = []
        self.rows: list[dict] = []

    def say(self, text: str) -> None:
        print(text, flush=True)

    def setup(self) -> None:
        api = self.it.api
        self.category = PartCategory.create(api, {"name": f"commerce sync catalogue {self.tag}"})
        self.imports = PartCategory.create(api, {"name": f"commerce sync imported {self.tag}"})
        self.location = StockLocation.create(api, {"name": f"commerce sync catalogue {self.tag}"})
        seed = Path(self.folder.name) / "empty.json"
        seed.write_text(json.dumps({"products": []}), "utf-8")
        for target in TARGETS:
            self.sandboxes[target] = SandboxProcess(target, seed)
            slug = SLUGS[target]
            if not self.it.plugin_active(slug):
                self.it.activate_plugin(slug)
            values = {k.upper(): v for k, v in self.sandboxes[target].settings().items()}
            values.update(ENABLED=True, DRY_RUN=False, QUANTITY="in_stock", SKU_SOURCE="ipn", SAFETY_BUFFER="0",
                          LOCATION="", RECONCILE_MINUTES=0, VERIFY_MINUTES=0, ORDER_IMPORT=False,
                          CATALOGUE_PUBLISH=True, CATALOGUE_CATEGORY=self.category.pk, CATALOGUE_CURRENCY="USD")
            for key, value in values.items():
                self.it.set_plugin_setting(slug, key, value)
        self.say(f"setup: tag {self.tag}; sandboxes " + ", ".join(f"{t} {s.url}" for t, s in self.sandboxes.items()))

    def counts(self) -> dict[str, dict]:
        return {t: s.counters() for t, s in self.sandboxes.items()}

    def record(self, phase: str, before: dict[str, dict], seconds: dict[str, float], batches: dict[str, int],
               *, writes: int | None = None) -> None:
        """A row per target; ``batches``: the batch writes each target must take, ``writes``:
        the writes every target must take."""
        after = self.counts()
        for target in TARGETS:
            wrote = after[target]["writes"] - before[target]["writes"]
            batched = sum(n - before[target]["counters"].get(key, 0) for key, n in after[target]["counters"].items()
                          if key.split(" ", 1)[1] in BATCH_ROUTES.get(target, ()))
            self.rows.append({"phase": phase, "target": target, "writes": wrote, "batch writes": batched,
                              "seconds": seconds.get(target, seconds.get("all")),
                              "load": round(os.getloadavg()[0], 1)})
            if target in batches and batched != batches[target]:
                self.failures.append(f"{phase}: {target} took {batched} batch writes, not {batches[target]}")
            if writes is not None and wrote != writes:
                self.failures.append(f"{phase}: {target} took {wrote} writes, not {writes}")

    def products(self, target: str) -> dict[str, Product]:
        client = build_target(target, self.sandboxes[target].settings())
        assert isinstance(client, CatalogueClient)
        return {p.sku: p for p in client.read_products()}

    def publish(self) -> None:
        n = self.args.parts
        before = self.counts()
        out = shell(self.args.instance, self.args.worktree, CREATE.format(
            n=n, tag=self.tag, category=self.category.pk, location=self.location.pk, price=PRICE,
            slugs=[SLUGS[t] for t in TARGETS]))
        self.part_ids = out["parts"]
        seconds = {t: out["seconds"][SLUGS[t]] for t in TARGETS}
        self.record(f"publish {n} new parts", before, seconds,
                    {"woocommerce": math.ceil(n / 100)})
        for target in TARGETS:
            found = [p for p in self.products(target).values() if p.sku.startswith(f"LC-{self.tag}-")]
            if len(found) != n or any(p.price != Decimal(PRICE) for p in found):
                self.failures.append(f"publish: {target} holds {len(found)} of the {n} products (or wrong prices)")

    def reprice(self) -> None:
        ids = self.part_ids[:self.args.repriced]
        before = self.counts()
        out = shell(self.args.instance, self.args.worktree, REPRICE.format(ids=ids, price=NEW_PRICE))
        self.record(f"reprice {len(ids)} parts (one flush)", before, {"all": out["seconds"]},
                    {"woocommerce": math.ceil(len(ids) / 100), "magento": 1})
        for target in TARGETS:
            repriced = [p for p in self.products(target).values() if p.sku.startswith(f"LC-{self.tag}-")
                        and p.price == Decimal(NEW_PRICE)]
            if len(repriced) != len(ids):
                self.failures.append(f"reprice: {target} holds {len(repriced)} new prices, not {len(ids)}")

    def again(self) -> None:
        before = self.counts()
        out = shell(self.args.instance, self.args.worktree, AGAIN.format(slugs=[SLUGS[t] for t in TARGETS]))
        self.record("second publish", before, {t: out["seconds"][SLUGS[t]] for t in TARGETS}, {}, writes=0)

    def import_all(self) -> None:
        m = self.args.imported
        for target in TARGETS:
            skus = [f"LI-{self.tag}-{target[:3].upper()}-{i:04d}" for i in range(m)]
            self.sandboxes[target].control("POST", "seed", {"products": [
                {"sku": sku, "name": f"Shop product {sku}", "quantity": 1 + i % 7, "price": "4.50"}
                for i, sku in enumerate(skus)]})
            url = f"/plugin/{SLUGS[target]}/catalogue/import/"
            started = time.monotonic()
            listed = self.it.request("GET", url).json()
            listing = time.monotonic() - started
            started = time.monotonic()
            response = self.it.http.post(self.it.url + url, timeout=900, json={
                "skus": [p["sku"] for p in listed["products"]], "category": self.imports.pk,
                "location": self.location.pk})
            if response.status_code >= 400:
                raise Failure(f"POST {url}: HTTP {response.status_code}: {response.text[:300]}")
            answer = response.json()
            seconds = time.monotonic() - started
            self.rows.append({"phase": f"import {m} products", "target": target, "writes": 0, "batch writes": 0,
                              "seconds": f"list {listing:.1f} + import {seconds:.1f} (server {answer['seconds']})",
                              "load": round(os.getloadavg()[0], 1)})
            if len(answer["created"]) != m or answer["refused"]:
                self.failures.append(f"import: {target} created {len(answer['created'])} of {m} parts, refused "
                                     f"{answer['refused'][:3]}")
            if self.it.request("GET", url).json()["count"] != 0:
                self.failures.append(f"import: {target} still lists unlinked products after the import")

    def stop(self) -> None:
        stop_all(self.sandboxes.values(), self.folder)


def main(argv: list[str] | None = None) -> int:
    parser = live_parser(__doc__, port=8107, instance="catinv", instance_help="the /work/live instance (its manage.py shell)",
                         worktree=True)
    parser.add_argument("--parts", type=int, default=500)
    parser.add_argument("--repriced", type=int, default=200)
    parser.add_argument("--imported", type=int, default=1000)
    args = parser.parse_args(argv)
    it = InvenTree(args.url, args.user, args.password)
    run = Run(it, args)
    try:
        run.setup()
        run.publish()
        run.reprice()
        run.again()
        run.import_all()
    except Failure as exc:
        run.failures.append(str(exc))
    finally:
        run.stop()
    if run.rows:
        print(table(run.rows, list(run.rows[0])))
    return verdict(run.failures)


if __name__ == "__main__":
    sys.exit(main())
