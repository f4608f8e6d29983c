"""The target check on each sandbox: a manual edit on the shop is repaired and recorded; an
edit beyond REPAIR_UNITS / REPAIR_PERCENT is flagged and not written, until the admin
confirms it (written) or dismisses it; a raise waits while the shop's orders cannot be read;
the history is in the status and the CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from InvenTree.unit_test import InvenTreeAPITestCase
from part.models import Part
from stock.models import StockItem, StockLocation

from inventree_commerce_sync.core import repairs as R
from inventree_commerce_sync.core.target import Change
from inventree_commerce_sync.inventree import repairs, sync

from .helpers import SLUGS, SandboxedPlugins, activate_plugins, configure, plugin

D = Decimal


class TargetCheckRepairTests(SandboxedPlugins, InvenTreeAPITestCase):
    SKUS = ["RP-SMALL", "RP-LARGE"]
    is_staff = True
    MAX_QUERY_TIME = 60  # the shared machine runs several InvenTrees: time is not what these tests are about

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.store = StockLocation.objects.create(name="Repair store")
        cls.small = Part.objects.create(name="Repair small", IPN="RP-SMALL", description="s")
        cls.large = Part.objects.create(name="Repair large", IPN="RP-LARGE", description="l")

    def setUp(self):
        super().setUp()
        self.act(lambda: StockItem.objects.create(part=self.small, quantity=20, location=self.store))
        self.act(lambda: StockItem.objects.create(part=self.large, quantity=100, location=self.store))
        for name in self.names:
            self.assertEqual(self.sandboxes.stock(name), {"RP-SMALL": 20, "RP-LARGE": 100}, name)
            plugin(name)._config_row = None

    def edit_on_shop(self, name: str, **quantities) -> None:
        """What an admin typing a figure into the shop's back office does (not through the ledger)."""
        client = plugin(name).build_target()
        remotes = client.resolve(list(quantities))
        client.write([Change(sku, remotes[sku], D(q)) for sku, q in quantities.items()])

    def check(self, name: str):
        """A forced target check (the schedule's ``sync.reconcile`` when VERIFY_MINUTES is due)."""
        return sync.sync_parts(plugin(name), None, verify=True)

    def test_a_manual_edit_is_repaired_and_recorded_and_a_large_one_flagged_until_confirmed(self):
        for name in self.names:
            with self.subTest(target=name):
                self.edit_on_shop(name, **{"RP-SMALL": 17, "RP-LARGE": 0})
                report = self.check(name)
                self.assertEqual(self.sandboxes.stock(name), {"RP-SMALL": 20, "RP-LARGE": 0},
                                 "the small edit repaired, the large one (100 units, 100 %) not written")
                self.assertIn("1 flagged", report.summary())
                history = repairs.read_history(plugin(name))
                repaired = [r for r in history.records if r.outcome == R.REPAIRED]
                self.assertEqual([(r.sku, r.part, r.part_name, r.shop_had, r.wanted) for r in repaired],
                                 [("RP-SMALL", self.small.pk, "Repair small", 17, 20)])
                self.assertEqual([(r.sku, r.shop_had, r.wanted) for r in history.open_flags()],
                                 [("RP-LARGE", 0, 100)])

                self.check(name)  # the same difference at the next check: still one flag, still not written
                self.assertEqual(len(repairs.read_history(plugin(name)).records), 2)
                self.assertEqual(self.sandboxes.stock(name)["RP-LARGE"], 0)

                base = f"/plugin/{SLUGS[name]}/"
                status = self.get(base + "status/").data["repairs"]
                self.assertEqual([f["sku"] for f in status["open_flags"]], ["RP-LARGE"])
                self.assertEqual(status["limit"], "10 units or 50 %")
                rows = list(csv.reader(io.StringIO(self.get(base + "repairs.csv").content.decode())))
                self.assertEqual(rows[0], list(R.CSV_HEADER))
                self.assertEqual(sorted((r[4], r[5], r[7], r[8]) for r in rows[1:]),
                                 [("RP-LARGE", "0", "", "flagged"), ("RP-SMALL", "17", "20", "repaired")])

                answer = self.post(base + "repairs/confirm/", {"sku": "RP-LARGE"}, expected_code=200).data
                self.assertEqual(answer["confirmed"]["set"], "100")
                self.assertEqual(self.sandboxes.stock(name)["RP-LARGE"], 100, "confirming writes it")
                history = repairs.read_history(plugin(name))
                self.assertEqual(history.open_flags(), [])
                self.assertEqual(history.records[-1].outcome, R.CONFIRMED)
                self.post(base + "repairs/confirm/", {"sku": "RP-LARGE"}, expected_code=404)

    def test_a_dismissed_flag_is_left_alone_until_a_figure_changes(self):
        name = self.names[0]
        base = f"/plugin/{SLUGS[name]}/"
        self.edit_on_shop(name, **{"RP-LARGE": 300})
        self.check(name)
        self.post(base + "repairs/dismiss/", {"sku": "RP-LARGE"}, expected_code=200)
        self.check(name)
        history = repairs.read_history(plugin(name))
        self.assertEqual([r.outcome for r in history.records], [R.FLAGGED, R.DISMISSED])
        self.assertEqual(self.sandboxes.stock(name)["RP-LARGE"], 300, "a dismissed repair is not written")
        self.edit_on_shop(name, **{"RP-LARGE": 310})
        self.check(name)
        self.assertEqual(repairs.read_history(plugin(name)).open_flags()[0].shop_had, 310)

    def test_the_limit_follows_the_settings(self):
        name = self.names[0]
        configure(name, REPAIR_UNITS="200", REPAIR_PERCENT="0")
        self.edit_on_shop(name, **{"RP-LARGE": 0})
        self.check(name)
        self.assertEqual(self.sandboxes.stock(name)["RP-LARGE"], 100, "100 units is within 200 units")
        configure(name, REPAIR_UNITS="0", REPAIR_PERCENT="0")
        self.edit_on_shop(name, **{"RP-SMALL": 19})
        self.check(name)
        self.assertEqual(self.sandboxes.stock(name)["RP-SMALL"], 19, "0 and 0: every repair is flagged")

    def test_while_the_orders_cannot_be_read_a_figure_is_not_raised_but_still_lowered(self):
        name = "woocommerce"
        if name not in self.names:
            self.skipTest("no WooCommerce sandbox")
        configure(name, ORDER_IMPORT=True, ORDER_DRY_RUN=False)
        self.sandboxes.apps[name].faults.set("orders.list", error=1.0)
        self.edit_on_shop(name, **{"RP-SMALL": 15, "RP-LARGE": 105})
        report = self.check(name)
        self.assertEqual(self.sandboxes.stock(name), {"RP-SMALL": 15, "RP-LARGE": 100},
                         "15 may be a sale not imported yet; 105 offers nothing that is not there")
        self.assertIn("1 waiting", report.summary())
        block = repairs._read_block(plugin(name))
        self.assertEqual((block["last_check"]["orders_stale"], block["last_check"]["waiting"]), (True, 1))
        self.sandboxes.apps[name].faults.clear()
        self.check(name)  # orders readable again: the difference is repaired
        self.assertEqual(self.sandboxes.stock(name)["RP-SMALL"], 20)
