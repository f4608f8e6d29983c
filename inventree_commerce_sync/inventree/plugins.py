"""The four InvenTree plugins (entry points in pyproject.toml), one per target.

NAME is what InvenTree's Admin Center lists and TITLE what the panel and settings show: both
are the same words the README uses. SLUG keys the stored settings, so it never changes."""

from __future__ import annotations

from . import signals
from .base import CommerceSyncPlugin

signals.connect()


class MagentoSyncPlugin(CommerceSyncPlugin):
    """Pushes InvenTree stock levels to Magento 2 (MSI source items or legacy stock items)."""

    NAME = "Magento stock sync"
    SLUG = "commerce-sync-magento"
    TITLE = "Magento stock sync"
    DESCRIPTION = "Keeps Magento 2 stock quantities equal to InvenTree's stock"
    VERSION = "0.1.0"
    TARGET = "magento"


class WooCommerceSyncPlugin(CommerceSyncPlugin):
    """Pushes InvenTree stock levels to WooCommerce products and variations."""

    NAME = "WooCommerce stock sync"
    SLUG = "commerce-sync-woocommerce"
    TITLE = "WooCommerce stock sync"
    DESCRIPTION = "Keeps WooCommerce stock quantities equal to InvenTree's stock"
    VERSION = "0.1.0"
    TARGET = "woocommerce"


class ZohoSyncPlugin(CommerceSyncPlugin):
    """Pushes InvenTree stock levels to Zoho Inventory."""

    NAME = "Zoho Inventory stock sync"
    SLUG = "commerce-sync-zoho"
    TITLE = "Zoho Inventory stock sync"
    DESCRIPTION = "Keeps Zoho Inventory stock quantities equal to InvenTree's stock"
    VERSION = "0.1.0"
    TARGET = "zoho"


class InvoiceNinjaSyncPlugin(CommerceSyncPlugin):
    """Pushes InvenTree stock levels to Invoice Ninja v5 products."""

    NAME = "Invoice Ninja stock sync"
    SLUG = "commerce-sync-invoiceninja"
    TITLE = "Invoice Ninja stock sync"
    DESCRIPTION = "Keeps Invoice Ninja product stock quantities equal to InvenTree's stock"
    VERSION = "0.1.0"
    TARGET = "invoiceninja"
