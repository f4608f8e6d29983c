"""The one list of targets: for each, its client, its sandbox and its InvenTree plugin.

Everything that walks over "the targets" reads this list: ``targets.target_class``,
``sandbox.sandbox_class``, the CLI's choices, the demo and the benchmarks. Two places do not
read it: the entry points in pyproject.toml (static metadata) and the plugin classes in
``inventree/plugins.py`` they name (InvenTree loads each as a class written out there).
``tests/test_registry.py`` checks that both agree with this list.

Pure Python, imports nothing of the package: the clients and sandboxes are named by
``"module:Class"`` paths and imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

PLUGINS_MODULE = "inventree_commerce_sync.inventree.plugins"


@dataclass(frozen=True)
class TargetSpec:
    """One target. ``name`` is its key everywhere: CLI, TOML table, ledger, part metadata,
    environment variables, plugin slug. How an admin knows the service is the client's ``title``."""

    name: str
    client: str  # "package.module:Class", a core.target.BaseTarget subclass
    sandbox: str  # "package.module:Class", a sandbox.SandboxApp subclass
    plugin: str  # the plugin's class name in inventree/plugins.py
    plugin_name: str  # the plugin's NAME: what Admin Center lists, and the README names
    entry_name: str  # its entry point's name in pyproject.toml

    @property
    def slug(self) -> str:
        """The plugin's SLUG, the key of its settings in InvenTree."""
        return f"commerce-sync-{self.name}"

    @property
    def entry_point(self) -> str:
        return f"{PLUGINS_MODULE}:{self.plugin}"

    def client_class(self) -> type:
        return _load(self.client)

    def sandbox_class(self) -> type:
        return _load(self.sandbox)


def _load(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(import_module(module), attribute)


_SPECS: dict[str, TargetSpec] = {spec.name: spec for spec in (
    TargetSpec("magento",
               client="inventree_commerce_sync.targets.magento:MagentoTarget",
               sandbox="inventree_commerce_sync.sandbox.magento:MagentoSandbox",
               plugin="MagentoSyncPlugin", plugin_name="Magento stock sync",
               entry_name="magento-stock-sync"),
    TargetSpec("woocommerce",
               client="inventree_commerce_sync.targets.woocommerce:WooCommerceTarget",
               sandbox="inventree_commerce_sync.sandbox.woocommerce:WooCommerceSandbox",
               plugin="WooCommerceSyncPlugin", plugin_name="WooCommerce stock sync",
               entry_name="woocommerce-stock-sync"),
    TargetSpec("zoho",
               client="inventree_commerce_sync.targets.zoho:ZohoTarget",
               sandbox="inventree_commerce_sync.sandbox.zoho:ZohoSandbox",
               plugin="ZohoSyncPlugin", plugin_name="Zoho Inventory stock sync",
               entry_name="zoho-inventory-stock-sync"),
    TargetSpec("invoiceninja",
               client="inventree_commerce_sync.targets.invoiceninja:InvoiceNinjaTarget",
               sandbox="inventree_commerce_sync.sandbox.invoiceninja:InvoiceNinjaSandbox",
               plugin="InvoiceNinjaSyncPlugin", plugin_name="Invoice Ninja stock sync",
               entry_name="invoice-ninja-stock-sync"),
)}


def names() -> tuple[str, ...]:
    """The targets' names, in the order they are listed everywhere."""
    return tuple(_SPECS)


def get(name: str) -> TargetSpec:
    """The target called ``name``; KeyError if there is none."""
    return _SPECS[name]


def register(spec: TargetSpec) -> None:
    """Adds a target at run time (a test's toy target). The package's own are listed above."""
    if spec.name in _SPECS:
        raise ValueError(f"target {spec.name!r} is already registered")
    _SPECS[spec.name] = spec


def unregister(name: str) -> None:
    _SPECS.pop(name, None)


class PathView(Mapping[str, str]):
    """A live, read-only view: target name -> one ``TargetSpec`` attribute (``client`` or
    ``sandbox``). A target registered later shows up in it."""

    def __init__(self, attribute: str):
        self._attribute = attribute

    def __getitem__(self, name: str) -> str:
        return getattr(_SPECS[name], self._attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(_SPECS))

    def __len__(self) -> int:
        return len(_SPECS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"
