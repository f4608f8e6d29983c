"""One small API client per service, all with the face of ``core.target.Target``."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from ..core.errors import ConfigError
from ..core.target import BaseTarget

TARGETS: dict[str, str] = {
    "magento": "magento:MagentoTarget",
    "woocommerce": "woocommerce:WooCommerceTarget",
    "zoho": "zoho:ZohoTarget",
    "invoiceninja": "invoiceninja:InvoiceNinjaTarget",
}


def target_class(name: str) -> type[BaseTarget]:
    try:
        module, cls = TARGETS[name].split(":")
    except KeyError:
        raise ConfigError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}") from None
    return getattr(import_module(f"{__name__}.{module}"), cls)


def build_target(name: str, settings: Mapping[str, Any]) -> BaseTarget:
    """A client for target ``name`` built from its settings (a TOML table or plugin settings)."""
    return target_class(name)(settings)
