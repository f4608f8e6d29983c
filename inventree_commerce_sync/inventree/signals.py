"""Capture the part of a stock item before the item is deleted.

The ``stock_stockitem.deleted`` event arrives after the row is gone, with only its id. A
pre_delete receiver (connected when the plugins module is imported) notes the part, and when
the transaction commits, marks it dirty for every active commerce sync plugin with sync
enabled. Parts are gathered per transaction, so deleting many items costs one update.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import pre_delete

from ..core.redact import get_logger

log = get_logger(__name__)

_pending = threading.local()


def _plugins():
    from plugin.registry import registry

    from .base import CommerceSyncPlugin

    found = []
    for plugin in list(registry.plugins.values()):
        if isinstance(plugin, CommerceSyncPlugin) and plugin.is_active():
            found.append(plugin)
    return found


def _flush_pending() -> None:
    from . import sync

    parts = getattr(_pending, "parts", set())
    _pending.parts = set()
    if not parts:
        return
    for plugin in _plugins():
        try:
            if plugin.sync_enabled():
                sync.mark_dirty(plugin, parts)
        except Exception:  # never let a sync problem break a deletion
            log.exception("commerce sync: could not queue deleted stock of parts %s", sorted(parts))


def before_stock_item_delete(sender, instance, **kwargs) -> None:
    part_id = getattr(instance, "part_id", None)
    if part_id is None:
        return
    parts = getattr(_pending, "parts", None)
    if parts is None:
        parts = _pending.parts = set()
    parts.add(part_id)
    # One callback per deletion, but the first to run takes the whole set; after a
    # rollback the set is simply pushed with the next commit (an extra, harmless check).
    transaction.on_commit(_flush_pending)


def connect() -> None:
    from stock.models import StockItem

    pre_delete.connect(before_stock_item_delete, sender=StockItem, dispatch_uid="commerce_sync_stockitem_pre_delete")
