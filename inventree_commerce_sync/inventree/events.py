"""Which InvenTree events change stock, and which parts each one touches.

Pure code: the database lookups are injected (``PartLookup``), so that the mapping can be
tested without InvenTree. ``wants`` answers from the event name alone (no query), because
InvenTree calls it for every event of every plugin.

Generic model events (``stock_stockitem.created/.saved/.deleted``) carry only ``id`` and
``model``; by the time ``.deleted`` is processed the row is gone, so it maps to nothing.
``affected_parts`` still maps every stock event, but the plugins take only the bulk ones
(``wants``); the others are caught by save signals. The bulk paths (receiving a purchase order,
completing a build, shipping a sales order) write with bulk updates and send no per-item
save event: their order/build/shipment events are mapped to the parts they move (a purchase
order receipt is caught in the process instead, see ``signals.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

STOCK_ITEM_CREATED = "stock_stockitem.created"
STOCK_ITEM_SAVED = "stock_stockitem.saved"
STOCK_ITEM_DELETED = "stock_stockitem.deleted"

# Named stock item events; each carries the id of the item it concerns.
SINGLE_ITEM_EVENTS = frozenset({
    "stockitem.quantityupdated",
    "stockitem.counted",
    "stockitem.moved",
    "stockitem.split",  # id of the new item, parent = the item it came from
    "stockitem.assignedtocustomer",
    "stockitem.returnedtostock",
    "stockitem.returnedfromcustomer",
    "stockitem.installed",
    "stockitem.disassembled",
})
ITEMS_CREATED = "stockitem.created_items"  # ids
PURCHASE_ORDER_RECEIVED = "purchaseorderitem.received"  # order_id, item_ids
BUILD_COMPLETED = "build.completed"  # id of the build
BUILD_OUTPUT_COMPLETED = "buildoutput.completed"  # id of the output item, build_id
SHIPMENT_COMPLETED = "salesordershipment.completed"  # id of the shipment
SALES_ORDER_CANCELLED = "salesorder.cancelled"  # id of the sales order

WANTED_EVENTS = frozenset({
    STOCK_ITEM_CREATED, STOCK_ITEM_SAVED, STOCK_ITEM_DELETED,
    *SINGLE_ITEM_EVENTS,
    ITEMS_CREATED, PURCHASE_ORDER_RECEIVED, BUILD_COMPLETED, BUILD_OUTPUT_COMPLETED, SHIPMENT_COMPLETED,
})


# The events whose stock changes send no save signal (bulk writes): the only ones the
# plugins take. Every other stock change saves or deletes a StockItem, which ``signals.py``
# catches in the process that made it -- so the named events that always come with such a
# save (quantityupdated, counted, moved, ...) and the generic stock_stockitem.* events are
# not taken at all, saving the worker one task per change per plugin. A purchase order
# receipt is caught there too (its receive method is wrapped): its event is not taken.
BULK_EVENTS = frozenset({ITEMS_CREATED, BUILD_COMPLETED, BUILD_OUTPUT_COMPLETED, SHIPMENT_COMPLETED})


# The events that concern an order imported from a shop: the shop is told of its shipments
# (``shipments.py``); a cancellation in InvenTree is flagged, not sent.
ORDER_EVENTS = frozenset({SHIPMENT_COMPLETED, SALES_ORDER_CANCELLED})


def wants(event: object) -> bool:
    """True for the events the plugins take (``BULK_EVENTS``, ``ORDER_EVENTS``). No database access."""
    return str(event).strip() in BULK_EVENTS | ORDER_EVENTS


class PartLookup(Protocol):
    """The database questions the mapping needs answered; each returns part ids."""

    def stock_item_parts(self, item_ids: Sequence[int]) -> set[int]: ...
    def purchase_order_parts(self, order_id: int) -> set[int]: ...
    def build_parts(self, build_id: int) -> set[int]: ...
    def shipment_parts(self, shipment_id: int) -> set[int]: ...


def affected_parts(event: str, args: Sequence[Any], kwargs: Mapping[str, Any], lookup: PartLookup) -> set[int]:
    """The ids of the parts whose stock ``event`` may have changed (empty when none)."""
    event = str(event).strip()
    if event not in WANTED_EVENTS:
        return set()
    item_id = _as_id(kwargs.get("id"))

    if event == STOCK_ITEM_DELETED:
        return set()  # the row is gone; its part was captured before deletion
    if event in (STOCK_ITEM_CREATED, STOCK_ITEM_SAVED) or event in SINGLE_ITEM_EVENTS:
        if event in (STOCK_ITEM_CREATED, STOCK_ITEM_SAVED) and kwargs.get("model") not in (None, "StockItem"):
            return set()
        ids = _ids([item_id, kwargs.get("parent")])
        return lookup.stock_item_parts(ids) if ids else set()
    if event == ITEMS_CREATED:
        ids = _ids(kwargs.get("ids") or ())
        return lookup.stock_item_parts(ids) if ids else set()
    if event == PURCHASE_ORDER_RECEIVED:
        parts: set[int] = set()
        ids = _ids(kwargs.get("item_ids") or ())
        if ids:
            parts |= lookup.stock_item_parts(ids)
        order_id = _as_id(kwargs.get("order_id"))
        if order_id is not None:
            parts |= lookup.purchase_order_parts(order_id)
        return parts
    if event == BUILD_COMPLETED:
        return lookup.build_parts(item_id) if item_id is not None else set()
    if event == BUILD_OUTPUT_COMPLETED:
        parts = lookup.stock_item_parts([item_id]) if item_id is not None else set()
        build_id = _as_id(kwargs.get("build_id"))
        if build_id is not None:
            parts |= lookup.build_parts(build_id)
        return parts
    if event == SHIPMENT_COMPLETED:
        return lookup.shipment_parts(item_id) if item_id is not None else set()
    return set()


def _as_id(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number > 0 else None


def _ids(values: Iterable[object]) -> list[int]:
    return sorted({i for i in (_as_id(v) for v in values) if i is not None})
