"""Emulators of the four services: real HTTP servers on loopback, for tests, benchmarks,
the ``demo`` command and anyone who wants to try the plugins without an account.

Each sandbox class has ``client_settings(url)``: the settings that point the matching
client at it with credentials it accepts."""

from __future__ import annotations

from importlib import import_module

from .server import SandboxApp, SandboxServer

SANDBOXES: dict[str, str] = {
    "magento": "magento:MagentoSandbox",
    "woocommerce": "woocommerce:WooCommerceSandbox",
    "zoho": "zoho:ZohoSandbox",
    "invoiceninja": "invoiceninja:InvoiceNinjaSandbox",
}


def sandbox_class(name: str) -> type[SandboxApp]:
    try:
        module, cls = SANDBOXES[name].split(":")
    except KeyError:
        raise ValueError(f"unknown sandbox {name!r}; choose one of {', '.join(SANDBOXES)}") from None
    return getattr(import_module(f"{__name__}.{module}"), cls)


__all__ = ["SANDBOXES", "SandboxApp", "SandboxServer", "sandbox_class"]
