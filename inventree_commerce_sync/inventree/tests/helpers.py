"""Test helpers: sandboxes on loopback, plugin configuration, and running queued flushes
the way InvenTree's worker would."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

from common.models import InvenTreeSetting
from plugin.registry import registry

from inventree_commerce_sync.inventree import flush, tasks
from inventree_commerce_sync.sandbox import SANDBOXES, SandboxServer, sandbox_class

SLUGS = {
    "magento": "commerce-sync-magento",
    "woocommerce": "commerce-sync-woocommerce",
    "zoho": "commerce-sync-zoho",
    "invoiceninja": "commerce-sync-invoiceninja",
}


def available_sandboxes() -> list[str]:
    """Targets whose sandbox can be imported (all four once every client is written)."""
    names = []
    for name in SANDBOXES:
        try:
            sandbox_class(name)
            import_module(f"inventree_commerce_sync.targets.{name}")
        except ImportError:
            continue
        names.append(name)
    return names


def activate_plugins() -> None:
    for slug in SLUGS.values():
        found = registry.get_plugin(slug, active=None)
        if found is None or not found.is_active():
            registry.set_plugin_state(slug, True)


def plugin(name: str):
    found = registry.get_plugin(SLUGS[name], active=None)
    assert found is not None, f"plugin {SLUGS[name]} is not loaded (INVENTREE_PLUGIN_TESTING_SETUP set?)"
    return found


def configure(name: str, url: str | None = None, **settings) -> None:
    """Point the plugin at a sandbox (url) and set sync settings (KEY=value)."""
    p = plugin(name)
    if url is not None:
        for key, value in sandbox_class(name).client_settings(url).items():
            p.set_setting(key.upper(), value)
    for key, value in settings.items():
        p.set_setting(key, value)


# Flushes are offloaded to the worker; the tests run them themselves, in order, as the
# worker would, with the quiet period already over (time is not what these tests are about,
# except in test_flush.py, which sets QUIET_SECONDS itself). Each entry: its delay.
queued_flushes: list[float] = []
real_queue_flush = flush.queue_flush
flush.queue_flush = lambda delay=0.0, **_: queued_flushes.append(delay)
flush.QUIET_SECONDS = 0.0
flush.PARALLEL_PUSHES = False  # threads have their own connections, which do not see a test's data
flush.LOCAL_PUSHES = False


def run_flushes() -> int:
    """Run every queued flush now; returns how many ran."""
    ran = 0
    for _ in range(20):  # a flush may queue another one; bounded
        if not queued_flushes:
            break
        queued_flushes.pop(0)
        tasks.flush()
        ran += 1
    return ran


def enable_events() -> None:
    InvenTreeSetting.set_setting("ENABLE_PLUGINS_EVENTS", True, change_user=None)


class Sandboxes:
    """Start one sandbox per available target, seeded with the given SKUs at quantity 0."""

    def __init__(self, skus: list[str], names: list[str] | None = None):
        self.apps = {}
        self.servers = {}
        for name in names or available_sandboxes():
            app = sandbox_class(name)()
            app.seed({"products": [{"sku": sku, "name": sku, "quantity": 0} for sku in skus]})
            self.apps[name] = app
            self.servers[name] = SandboxServer(app).start()

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def stock(self, name: str) -> dict[str, Decimal]:
        return self.apps[name].stock()


class SandboxedPlugins:
    """Test case mixin: every plugin pointed at a fresh sandbox seeded with ``SKUS`` (quantity
    0), pushing the in-stock total for real, with InvenTree's events on."""

    SKUS: list[str] = []

    def setUp(self):
        super().setUp()
        self.names = available_sandboxes()
        self.assertTrue(self.names, "no sandbox available")
        self.sandboxes = Sandboxes(self.SKUS, self.names)
        self.addCleanup(self.sandboxes.stop)
        enable_events()
        for name in SLUGS:
            if name in self.names:
                configure(name, self.sandboxes.servers[name].url, ENABLED=True, DRY_RUN=False, QUANTITY="in_stock")
            else:
                configure(name, ENABLED=False)
        events = self.settings(PLUGIN_TESTING_EVENTS=True, TESTING_TABLE_EVENTS=True)
        events.enable()
        self.addCleanup(events.disable)

    def act(self, operation):
        """Run a stock operation with its commit callbacks, then the queued flushes."""
        with self.captureOnCommitCallbacks(execute=True):
            result = operation()
        run_flushes()
        return result

    def assert_parts_in_sync(self, parts):
        for part in parts:
            part.refresh_from_db()
            for name in self.names:
                self.assertEqual(self.sandboxes.stock(name).get(part.IPN), part.total_stock, f"{name}: {part.IPN}")
