"""Stock changes caught where they happen: Django signals, in the process that saves.

Every stock item save or deletion, every sales order or build allocation and every sales
order line created, changed or deleted, and every sales order saved (a status change: its
lines count as open orders or stop counting), marks its part dirty for every enabled
commerce sync plugin when the transaction commits -- in the web process that handled the
request, without a worker task per change (InvenTree's generic ``*.saved`` events would
cost one task per change per plugin). Parts are gathered per transaction, so a stock count
of a thousand items costs one mark. Receiving a purchase order writes its stock items with
bulk_create (no save signal): ``PurchaseOrder.receive_line_items`` is wrapped to mark the
order's parts when it returns -- its event reaches the plugins only through InvenTree's one
worker queue, which the receipt itself fills with hundreds of InvenTree's own tasks (the
shops were exact about a minute after a 500-line receipt). The other bulk paths (completing
a build, shipping) are caught by their events (``events.py``). Allocating a build's or a
sales order's stock in bulk (its allocate / auto-allocate methods write with bulk_create)
sends neither a signal nor an event: those methods are wrapped to mark the parts of the
order when they return.
"""

from __future__ import annotations

import functools
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ..core.redact import get_logger

log = get_logger(__name__)

_pending = threading.local()


def _add(parts: set[int] | None = None, items: set[int] | None = None, catalogue: set[int] | None = None) -> None:
    if not parts and not items and not catalogue:
        return
    if getattr(_pending, "parts", None) is None:
        _pending.parts, _pending.items = set(), set()
    if getattr(_pending, "catalogue", None) is None:
        _pending.catalogue = set()
    _pending.parts |= parts or set()
    _pending.items |= items or set()
    _pending.catalogue |= catalogue or set()
    # One callback per change, but the first to run takes the whole set; after a rollback
    # the set is simply pushed with the next commit (an extra, harmless check).
    transaction.on_commit(_mark_pending)


def _mark_pending() -> None:
    from . import flush
    from .parts import DbPartLookup

    parts = getattr(_pending, "parts", None) or set()
    items = getattr(_pending, "items", None) or set()
    catalogue = getattr(_pending, "catalogue", None) or set()
    _pending.parts, _pending.items, _pending.catalogue = set(), set(), set()
    if not parts and not items and not catalogue:
        return
    try:
        if items:
            parts |= DbPartLookup().stock_item_parts(sorted(items))
        plugins = flush.enabled_plugins()
        if plugins and parts:
            flush.mark_dirty(plugins, parts)
        publishing = [p for p in plugins if _publishes(p)] if catalogue else []
        if publishing:
            flush.mark_dirty(publishing, catalogue)
    except Exception:  # never let a sync problem break a stock operation
        log.exception("commerce sync: could not mark parts %s dirty", sorted(parts)[:20])


def _publishes(plugin) -> bool:
    from .catalogue import catalogue_settings

    try:
        return catalogue_settings(plugin).publish
    except Exception:  # a bad catalogue setting is shown by the push; no mark here
        return False


def part_changed(sender, instance, created=False, **kwargs) -> None:
    """A part saved (name, description, category...) or a sale price break changed: its
    product is published again where publishing is on (issue 12)."""
    part_id = instance.pk if sender.__name__ == "Part" else getattr(instance, "part_id", None)
    if part_id is not None:
        _add(catalogue={part_id})


def stock_item_changed(sender, instance, **kwargs) -> None:
    part_id = getattr(instance, "part_id", None)
    if part_id is not None:
        _add(parts={part_id})


def sales_order_line_changed(sender, instance, **kwargs) -> None:
    """A sales order line created, changed or deleted: its open quantity is taken off."""
    part_id = getattr(instance, "part_id", None)
    if part_id is not None:
        _add(parts={part_id})


def sales_order_changed(sender, instance, **kwargs) -> None:
    """A sales order saved (issued, held, cancelled, completed...): its lines count or stop counting."""
    if getattr(instance, "pk", None) is not None:
        _add(parts=_sales_order_parts(instance))


def allocation_changed(sender, instance, **kwargs) -> None:
    """A SalesOrderAllocation (``item``) or BuildItem (``stock_item``) changed."""
    item_id = getattr(instance, "item_id", None) or getattr(instance, "stock_item_id", None)
    if item_id is not None:
        _add(items={item_id})


def _build_parts(build) -> set[int]:
    from .parts import DbPartLookup

    return DbPartLookup().build_parts(build.pk)


def _sales_order_parts(order) -> set[int]:
    from order.models import SalesOrderAllocation, SalesOrderLineItem

    parts = set(SalesOrderLineItem.objects.filter(order=order, part__isnull=False).values_list("part_id", flat=True))
    parts |= set(SalesOrderAllocation.objects.filter(line__order=order).values_list("item__part_id", flat=True))
    return {p for p in parts if p is not None}


def _mark_after(cls, name: str, parts_of) -> None:
    """Wrap ``cls.name`` so that, when it returns, the parts ``parts_of(self)`` are marked."""
    original = getattr(cls, name, None)
    if original is None or getattr(original, "commerce_sync_wrapped", False):
        return

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        try:
            _add(parts=parts_of(self))
        except Exception:  # never let a sync problem break an allocation
            log.exception("commerce sync: could not find the parts of %s %s", cls.__name__, self.pk)
        return result

    vars(wrapper)["commerce_sync_wrapped"] = True  # what the getattr above finds
    setattr(cls, name, wrapper)


def connect() -> None:
    from build.models import Build, BuildItem
    from order.models import SalesOrder, SalesOrderAllocation, SalesOrderLineItem
    from part.models import Part, PartSellPriceBreak
    from stock.models import StockItem

    for name in ("allocate_stock", "auto_allocate_stock"):
        _mark_after(Build, name, _build_parts)
    for name in ("auto_allocate_stock", "allocate_serial_numbers"):
        _mark_after(SalesOrder, name, _sales_order_parts)

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(stock_item_changed, sender=StockItem, dispatch_uid=f"commerce_sync_stockitem_{name}")
        signal.connect(sales_order_line_changed, sender=SalesOrderLineItem,
                       dispatch_uid=f"commerce_sync_salesorderlineitem_{name}")
        signal.connect(part_changed, sender=PartSellPriceBreak, dispatch_uid=f"commerce_sync_salepricebreak_{name}")
        if signal is post_save:
            signal.connect(part_changed, sender=Part, dispatch_uid="commerce_sync_part_save")
            signal.connect(sales_order_changed, sender=SalesOrder, dispatch_uid="commerce_sync_salesorder_save")
        for model in (SalesOrderAllocation, BuildItem):
            signal.connect(allocation_changed, sender=model,
                           dispatch_uid=f"commerce_sync_{model.__name__.lower()}_{name}")
    from order.models import PurchaseOrder

    _mark_after(PurchaseOrder, "receive_line_items", _purchase_order_parts)


def _purchase_order_parts(order) -> set[int]:
    from .parts import DbPartLookup

    return DbPartLookup().purchase_order_parts(order.pk)
