"""The part-metadata ledger keeps what each client remembers of a record (remote_data), so
that a small change costs the plugins as few requests as it costs the command line:
Magento 1 search + 1 write (no stock item read), Zoho one stock read per 50 changed items +
1 adjustment (no catalogue listing)."""

from __future__ import annotations

import math

from InvenTree.unit_test import InvenTreeTestCase
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.inventree import sync
from inventree_commerce_sync.inventree.ledger import stored_entry

from .helpers import SLUGS, Sandboxes, activate_plugins, configure, plugin, queued_flushes, run_flushes

PARTS, CHANGED = 120, 60


def _auth(route: str) -> bool:
    return "auth" in route or "token" in route


class LedgerRequestTests(InvenTreeTestCase):
    names = ["magento", "zoho"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Ledger store")
        cls.parts = [Part.objects.create(name=f"Ledger {n}", IPN=f"LG-{n:03d}", description="l") for n in range(PARTS)]
        cls.items = [StockItem.objects.create(part=p, quantity=5, location=cls.store) for p in cls.parts]

    def setUp(self):
        super().setUp()
        self.sandboxes = Sandboxes([p.IPN for p in self.parts], self.names)
        self.addCleanup(self.sandboxes.stop)
        for name in SLUGS:
            if name in self.names:
                configure(name, self.sandboxes.servers[name].url, ENABLED=True, DRY_RUN=False, QUANTITY="in_stock",
                          VERIFY_MINUTES=0)
            else:
                configure(name, ENABLED=False)
        queued_flushes.clear()
        for name in self.names:  # the first full sync, as "sync now" makes it
            report = sync.sync_parts(plugin(name), None)
            self.assertEqual(report.counts["pushed"], PARTS, name)

    def requests(self, name: str) -> dict[str, int]:
        return {route: n for route, n in self.sandboxes.apps[name].counters.items() if not _auth(route)}

    def test_the_ledger_keeps_what_each_client_remembers(self):
        part = Part.objects.get(pk=self.parts[3].pk)
        magento = stored_entry(part.metadata, "magento")
        self.assertEqual(magento.remote_data["manage_stock"], True)
        self.assertIn("item_id", magento.remote_data)
        zoho = stored_entry(part.metadata, "zoho")
        self.assertIsNotNone(zoho.remote_id)
        self.assertIn("kind", zoho.remote_data)

    def test_a_small_change_costs_one_search_and_one_write_on_magento_and_few_reads_on_zoho(self):
        for name in self.names:
            self.sandboxes.apps[name].reset_counters()
        changed = self.items[:CHANGED]
        with self.captureOnCommitCallbacks(execute=True):  # a stock count: saves, marked on commit
            for item in changed:
                item.stocktake(7, self.user)
        self.assertGreaterEqual(run_flushes(), 1)

        for name in self.names:
            stock = self.sandboxes.stock(name)
            self.assertEqual({stock[i.part.IPN] for i in changed}, {7}, name)
            self.assertEqual({stock[p.IPN] for p in self.parts[CHANGED:]}, {5}, name)
        self.assertEqual(self.requests("magento"), {"GET products.list": 1, "POST source-items.save": 1})
        self.assertEqual(self.requests("zoho"), {"GET items.details": math.ceil(CHANGED / 50),
                                                 "POST adjustments.create": 1})

    def test_a_target_check_reads_the_stock_items_again(self):
        self.sandboxes.apps["magento"].reset_counters()
        report = sync.sync_parts(plugin("magento"), None, verify=True)
        self.assertEqual(report.failed, 0)
        self.assertEqual(self.sandboxes.apps["magento"].count("stockItems.get"), PARTS)
