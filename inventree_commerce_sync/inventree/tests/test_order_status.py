"""What an admin sees of the order import and the "register webhook" action: the status's
orders object, the CSV of orders needing attention, and the webhook created on the
WooCommerce sandbox through its REST API (once, however often it is clicked), or the exact
instructions when the shop's key may not; the secret never in an answer or a log."""

from __future__ import annotations

import csv
import io
import json
import logging
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from InvenTree.unit_test import InvenTreeAPITestCase
from part.models import Part

from inventree_commerce_sync.core.orders import OrderSource
from inventree_commerce_sync.core.webhooks import SECRET_HEADER, woocommerce_signature
from inventree_commerce_sync.inventree import order_runs, webhooks
from inventree_commerce_sync.sandbox import SandboxServer, sandbox_class
from inventree_commerce_sync.targets import woocommerce as woo_module
from inventree_commerce_sync.targets.woocommerce_orders import WooCommerceOrders

from .helpers import SLUGS, activate_plugins, configure, plugin
from .test_order_import import OrderFixtures, shop_order

SITE = "https://inventree.example.com"
WOO_HOOK = f"{SITE}/plugin/{SLUGS['woocommerce']}/webhook/"


@contextmanager
def woocommerce_reads_orders():
    """The WooCommerce client with its order mixin, also before WooCommerceTarget includes it."""
    if issubclass(woo_module.WooCommerceTarget, OrderSource):
        yield
        return
    combined = type("WooCommerceTarget", (WooCommerceOrders, woo_module.WooCommerceTarget), {})
    with mock.patch.object(woo_module, "WooCommerceTarget", combined):
        yield


class Capture(logging.Handler):
    """Every log line of every logger, formatted as a handler would write it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


class OrderStatusTests(OrderFixtures, InvenTreeAPITestCase):
    is_staff = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()
        cls.make_parts()

    def setUp(self):
        super().setUp()
        reads = woocommerce_reads_orders()
        reads.__enter__()
        self.addCleanup(reads.__exit__, None, None, None)
        self.setup_plugin()
        self.base = f"/plugin/{SLUGS['woocommerce']}/"

    def test_the_status_shows_last_order_seen_imported_and_held_orders_with_their_problem_lines(self):
        self.source.put(shop_order("501", [(1, "OI-W", "2")]))
        self.source.put(shop_order("502", [(1, "OI-W", "1"), (2, "NO-SUCH-SKU", "1"), (3, "OI-S", "1")], minutes=3))
        self.poll()
        orders = self.get(self.base + "status/").data["orders"]
        self.assertEqual((orders["imported"], orders["last_seen"]["number"], orders["import_enabled"],
                          orders["dry_run"], orders["needs_attention_count"]), (2, "W502", True, False, 1))
        held = orders["needs_attention"][0]
        self.assertEqual(held["number"], "W502")
        self.assertTrue(held["sales_order_reference"], "a held order is a sales order on hold")
        self.assertEqual(len(held["problems"]), 2, held["problems"])
        self.assertIn("NO-SUCH-SKU", held["problems"][0])
        self.assertIn("OI-S", held["problems"][1])
        self.assertNotIn("record", held, "the stored copy of the order is not shown")
        self.assertEqual((orders["webhook"], orders["csv_url"], orders["register_webhook_url"]),
                         ("woocommerce", self.base + "orders.csv", self.base + "register-webhook/"))
        self.assertTrue(orders["webhook_url"].endswith(self.base + "webhook/"))

        response = self.client.get(self.base + "orders.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("orders-needing-attention.csv", response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual([(r["number"], r["sales_order_reference"]) for r in rows],
                         [("W502", held["sales_order_reference"])] * 2)
        self.assertIn("NO-SUCH-SKU", rows[0]["problem"])

        # Fixed on the InvenTree side: the next poll completes the order and the list empties.
        self.sample.salable = True
        self.sample.save()
        Part.objects.create(name="Now known", IPN="NO-SUCH-SKU", description="k", salable=True)
        self.poll()
        orders = self.get(self.base + "status/").data["orders"]
        self.assertEqual(orders["needs_attention"], [])
        self.assertEqual(self.client.get(self.base + "orders.csv").content.decode().strip().count("\n"), 0)

    def test_a_dry_run_shows_what_would_be_imported_and_a_poll_error(self):
        configure("woocommerce", ORDER_DRY_RUN=True)
        self.source.put(shop_order("601", [(1, "OI-W", "3")]))
        self.poll()
        orders = self.get(self.base + "status/", {"part": self.widget.pk}).data["orders"]
        self.assertEqual((orders["dry_run"], orders["imported"]), (True, 0))
        self.assertEqual([(r["number"], r["action"]) for r in orders["would_import"]], [("W601", "create")])
        self.assertEqual(orders["would_import"][0]["lines"], [{"sku": "OI-W", "quantity": "3", "part": self.widget.pk}])

        with mock.patch.object(self.source, "read_orders", side_effect=_unreachable):
            self.poll()
        self.assertIn("could not be reached", self.get(self.base + "status/").data["orders"]["last_error"])

    def test_orders_csv_and_register_webhook_are_staff_only(self):
        anonymous = Client()
        self.assertIn(anonymous.get(self.base + "orders.csv").status_code, (401, 403))
        self.assertIn(anonymous.post(self.base + "register-webhook/").status_code, (401, 403))
        clerk = get_user_model().objects.create_user(username="order-clerk", password="pw")
        client = Client()
        client.force_login(clerk)
        self.assertEqual(client.get(self.base + "orders.csv").status_code, 403)
        self.assertEqual(client.post(self.base + "register-webhook/").status_code, 403)
        staff = Client(enforce_csrf_checks=True)
        staff.force_login(self.user)
        self.assertEqual(staff.post(self.base + "register-webhook/").status_code, 403, "a session POST needs CSRF")

    def test_targets_without_webhooks_say_they_are_polled(self):
        for name in ("magento", "zoho"):
            response = self.post(f"/plugin/{SLUGS[name]}/register-webhook/", {}, expected_code=400)
            self.assertIn("polling", response.data["error"])
            self.assertIsNone(self.get(f"/plugin/{SLUGS[name]}/status/").data["orders"]["register_webhook_url"])


def _unreachable(since, known=None):
    from inventree_commerce_sync.core.errors import TargetError

    raise TargetError("woocommerce", "could not be reached (connection refused)")


@override_settings(SITE_URL=SITE)
class RegisterWebhookTests(InvenTreeAPITestCase):
    is_staff = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        activate_plugins()

    def setUp(self):
        super().setUp()
        reads = woocommerce_reads_orders()
        reads.__enter__()
        self.addCleanup(reads.__exit__, None, None, None)
        self.shop = sandbox_class("woocommerce")()
        self.shop.seed({"products": []})
        server = SandboxServer(self.shop).start()
        self.addCleanup(server.stop)
        configure("woocommerce", server.url, ENABLED=False, ORDER_IMPORT=True, ORDER_DRY_RUN=False,
                  ORDER_WEBHOOK_SECRET="")
        self.plugin = plugin("woocommerce")
        self.plugin._config_row = None
        self.url = f"/plugin/{SLUGS['woocommerce']}/register-webhook/"
        self.logs = Capture()
        root = logging.getLogger()
        root.addHandler(self.logs)
        self.addCleanup(root.removeHandler, self.logs)
        self.addCleanup(root.setLevel, root.level)
        root.setLevel(logging.DEBUG)  # every line any logger writes, the HTTP clients' too

    def hooks(self):
        return sorted((h["topic"], h["delivery_url"], h["status"]) for h in self.shop.orders.hub.webhooks.values())

    def test_the_action_creates_the_webhooks_once_with_a_generated_secret_that_is_never_shown(self):
        first = self.post(self.url, {}, expected_code=200).data
        self.assertTrue(first["registered"], first)
        self.assertEqual(first["delivery_url"], WOO_HOOK)
        self.assertEqual(sorted((w["topic"], w["action"]) for w in first["webhooks"]),
                         [("order.created", "created"), ("order.updated", "created")])
        self.assertTrue(first["secret_generated"])
        self.assertEqual(self.hooks(), [("order.created", WOO_HOOK, "active"), ("order.updated", WOO_HOOK, "active")])
        secret = order_runs.order_settings(self.plugin).webhook_secret
        self.assertGreaterEqual(len(secret), 32)
        self.assertEqual({h["secret"] for h in self.shop.orders.hub.webhooks.values()}, {secret})

        second = self.post(self.url, {}, expected_code=200).data
        self.assertEqual(sorted(w["action"] for w in second["webhooks"]), ["updated", "updated"])
        self.assertFalse(second["secret_generated"])
        self.assertEqual(len(self.shop.orders.hub.webhooks), 2, "a second click creates no duplicate")
        self.assertEqual(order_runs.order_settings(self.plugin).webhook_secret, secret, "the secret is kept")

        status = self.get(f"/plugin/{SLUGS['woocommerce']}/status/").data
        self.assertEqual(status["orders"]["webhook_registration"]["delivery_url"], WOO_HOOK)
        self.assertEqual(status["orders"]["webhook_url"], WOO_HOOK)
        for text in [json.dumps(first), json.dumps(second), json.dumps(status, default=str), *self.logs.lines]:
            self.assertNotIn(secret, text)
        self.assertTrue(any("webhook registered" in line for line in self.logs.lines), self.logs.lines)

        # What the shop now signs, the endpoint accepts.
        body = json.dumps({"id": 77, "status": "processing"}).encode()
        queued = []
        with mock.patch.object(webhooks, "queue", lambda *args: queued.append(args)):
            response = Client().post(WOO_HOOK.removeprefix(SITE), body, content_type="application/json",
                                     HTTP_X_WC_WEBHOOK_DELIVERY_ID="d-1", HTTP_X_WC_WEBHOOK_TOPIC="order.created",
                                     HTTP_X_WC_WEBHOOK_SIGNATURE=woocommerce_signature(body, secret))
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(len(queued), 1)

    def test_an_existing_secret_is_used_and_a_disabled_webhook_reactivated(self):
        configure("woocommerce", ORDER_WEBHOOK_SECRET="admin-chosen-secret-123")
        self.post(self.url, {}, expected_code=200)
        for hook in self.shop.orders.hub.webhooks.values():
            hook["status"] = "disabled"  # WooCommerce disables a webhook after failed deliveries
        answer = self.post(self.url, {}, expected_code=200).data
        self.assertEqual(sorted(w["action"] for w in answer["webhooks"]), ["reactivated", "reactivated"])
        self.assertEqual({h["secret"] for h in self.shop.orders.hub.webhooks.values()}, {"admin-chosen-secret-123"})
        self.assertEqual([h[2] for h in self.hooks()], ["active", "active"])
        self.assertNotIn("admin-chosen-secret-123", json.dumps(answer))

    def test_a_key_that_may_not_create_webhooks_gets_the_exact_instructions(self):
        self.shop.add_key("ck_readonly_key_0001", "cs_readonly_secret_0001", permissions="read")
        configure("woocommerce", CONSUMER_KEY="ck_readonly_key_0001", CONSUMER_SECRET="cs_readonly_secret_0001")
        answer = self.post(self.url, {}, expected_code=200).data
        self.assertFalse(answer["registered"])
        self.assertIn("write permission", answer["error"])
        for words in ("Settings > Advanced > Webhooks", f"Delivery URL {WOO_HOOK}", "Order created", "Order updated",
                      "WP REST API Integration v3", "Webhook secret"):
            self.assertIn(words, answer["instructions"])
        self.assertEqual(self.shop.orders.hub.webhooks, {})
        secret = order_runs.order_settings(self.plugin).webhook_secret
        for text in [json.dumps(answer), *self.logs.lines]:
            self.assertNotIn(secret, text)
            self.assertNotIn("cs_readonly_secret_0001", text)

    def test_without_a_site_url_the_request_host_is_used_with_a_warning(self):
        with override_settings(SITE_URL=None), mock.patch("InvenTree.helpers_model.get_global_setting",
                                                          return_value=""):
            answer = self.post(self.url, {}, expected_code=200).data
        self.assertEqual(answer["delivery_url"], f"http://testserver/plugin/{SLUGS['woocommerce']}/webhook/")
        self.assertTrue(any("site URL is not set" in w for w in answer["warnings"]), answer["warnings"])

    def test_invoice_ninja_gets_the_secret_header(self):
        calls = []

        class InvoiceNinjaWithWebhooks:
            webhook = "invoiceninja"

            def __init__(self, *args):
                pass

            def register_webhook(self, url, header_name, secret):
                calls.append((url, header_name, secret))
                return ["sub-1", "sub-2"]

        invoiceninja = plugin("invoiceninja")
        invoiceninja._config_row = None
        configure("invoiceninja", ORDER_IMPORT=True, ORDER_WEBHOOK_SECRET="in-chosen-secret-456")
        with mock.patch.object(type(invoiceninja), "target_class", classmethod(lambda cls: InvoiceNinjaWithWebhooks)), \
                mock.patch.object(type(invoiceninja), "build_target", lambda self: InvoiceNinjaWithWebhooks()):
            answer = self.post(f"/plugin/{SLUGS['invoiceninja']}/register-webhook/", {}, expected_code=200).data
        url = f"{SITE}/plugin/{SLUGS['invoiceninja']}/webhook/"
        self.assertEqual(calls, [(url, SECRET_HEADER, "in-chosen-secret-456")])
        self.assertEqual([w["id"] for w in answer["webhooks"]], ["sub-1", "sub-2"])
        self.assertNotIn("in-chosen-secret-456", json.dumps(answer))
