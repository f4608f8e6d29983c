"""Shipments and cancellations of imported sales orders, back to the shop (issue 10 item 4).

When a shipment of a sales order imported from a shop is completed in InvenTree
(``salesordershipment.completed``, sent by InvenTree's worker once the shipment's stock has
moved, with the shipment's ``id``), the shop is told through its client's ``ship_order``:
the shipment's lines (the shop's line ids) or, when the shipment completes the order, every
line left; its tracking number; its reference (what a repeated call finds on the shop).

Exactly once: the shipment's metadata (``commerce_sync``) records what was done, changed
under the shipment's row lock. A shipment that is sent, or being sent, is not sent again by
a repeated event; one whose sender died mid-way is taken again after ``SENDING_STALE_SECONDS``
(the clients look on the shop before they send: nothing is created twice). A failure is
recorded and retried by a worker task after ``RETRY_FIRST_SECONDS``, doubling up to
``RETRY_MAX_SECONDS``, at most ``MAX_ATTEMPTS`` times; the status shows each one. A first
attempt also queues a backup retry for after the stale time, which finds the shipment done
and does nothing unless the sender died.

A sales order from a shop cancelled in InvenTree is not cancelled on the shop: the shop owns
the customer relationship (the refund, the e-mail). It is flagged among the orders needing
attention instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..core import orders as O
from ..core.redact import get_logger, redact
from ..core.shipments import ALREADY_SHIPPED, NOTHING_TO_DO, SHIPPED

log = get_logger(__name__)

META = "commerce_sync"  # key in the SalesOrder's (import) and the SalesOrderShipment's metadata
SENDING, FAILED, DRY_RUN = "sending", "failed", "dry_run"
DONE = (SHIPPED, ALREADY_SHIPPED, NOTHING_TO_DO)
SENDING_STALE_SECONDS = 600.0
BACKUP_SLACK_SECONDS = 60.0  # the backup retry of a first attempt runs this long after a send is stale
RETRY_FIRST_SECONDS = 30.0
RETRY_MAX_SECONDS = 3600.0
MAX_ATTEMPTS = 12
SHOWN = 20  # shipments the status lists (newest first)
RETRY_TASK = "inventree_commerce_sync.inventree.shipments.retry_task"
NOTHING_NEEDED = {
    "invoiceninja": "Invoice Ninja has no shipments: nothing is sent when an order ships "
                    "(its stock was lowered when the invoice was saved)",
}
CANCELLED_FLAG = ("cancelled in InvenTree, not on {shop}: the shop owns the customer relationship "
                  "(cancel and refund it there if the sale is off)")


def plugin_for(target: str):
    from . import flush

    return next((p for p in flush.active_plugins() if p.TARGET == target), None)


def _imported(sales_order) -> tuple[str, str] | None:
    block = (sales_order.metadata or {}).get(META) or {}
    target, order_id = block.get("target"), block.get("order_id")
    return (str(target), str(order_id)) if target and order_id else None


# -- the event -------------------------------------------------------------------------------

def shipment_completed(shipment_id: object) -> dict[str, Any] | None:
    """``salesordershipment.completed``: tell the shop, if the order came from one."""
    from order.models import SalesOrderShipment

    shipment = SalesOrderShipment.objects.select_related("order").filter(pk=_int(shipment_id)).first()
    if shipment is None or shipment.shipment_date is None:
        return None
    origin = _imported(shipment.order)
    if origin is None:
        return None
    plugin = plugin_for(origin[0])
    if plugin is None:
        log.warning("shipment %s of %s: the %s plugin is not active; the shop is not told", shipment.pk,
                    shipment.order.reference, origin[0])
        return None
    return ship(plugin, shipment.pk)


def ship(plugin, shipment_id: int) -> dict[str, Any] | None:
    """Send one shipment to the shop, at most once; returns what its metadata now records
    (None: nothing to do, it was sent or is being sent)."""
    claimed = _claim(plugin, shipment_id)
    if claimed is None:
        return None
    shipment, order_id, record = claimed
    if record["attempts"] == 1:  # should this process die mid-send, the worker takes it again
        queue_retry(plugin.slug, shipment_id, SENDING_STALE_SECONDS + BACKUP_SLACK_SECONDS)
    try:
        if _order_dry_run(plugin):
            return _finish(shipment_id, {**record, "state": DRY_RUN, "error": None,
                                         "message": "dry run: the shop would be told (ORDER_DRY_RUN is on)"})
        client = plugin.build_target()
        outcome = client.ship_order(order_id, reference=record["reference"], tracking=shipment.tracking_number or "",
                                    carrier="", lines=_lines(shipment))
    except Exception as exc:  # a refusal, an outage, a bad setting: shown, and tried again
        return _failed(plugin, shipment_id, record, redact(exc))
    return _finish(shipment_id, {**record, "state": outcome.outcome, "message": outcome.message, "error": None,
                                 "remote_ids": list(outcome.remote_ids), "done_at": time.time(), "retry_at": None})


def _claim(plugin, shipment_id: int):
    """(shipment, the shop's order id, its record marked as being sent), or None when it is
    done or in flight (or not an imported order's)."""
    from order.models import SalesOrderShipment

    now = time.time()
    with transaction.atomic():
        shipment = SalesOrderShipment.objects.select_for_update().select_related("order").filter(pk=shipment_id).first()
        origin = _imported(shipment.order) if shipment is not None else None
        if shipment is None or origin is None:
            return None
        record = dict((shipment.metadata or {}).get(META) or {})
        state = record.get("state")
        if state in DONE:
            return None
        if state == SENDING and now - float(record.get("sending_at") or 0) < SENDING_STALE_SECONDS:
            return None
        record.update(target=plugin.TARGET, state=SENDING, sending_at=now,
                      attempts=int(record.get("attempts") or 0) + 1,
                      reference=f"{shipment.order.reference}-{shipment.reference}",
                      sales_order=shipment.order.pk, sales_order_reference=shipment.order.reference,
                      shipment_reference=shipment.reference, tracking=shipment.tracking_number or "")
        _store(shipment_id, record)
    return shipment, origin[1], record


def _store(shipment_id: int, record: Mapping[str, Any]) -> None:
    """The record in the shipment's metadata (a queryset update: no save(), no event)."""
    from order.models import SalesOrderShipment

    rows = SalesOrderShipment.objects.select_for_update().filter(pk=shipment_id)
    with transaction.atomic():
        metadata = dict(rows.values_list("metadata", flat=True).first() or {})
        metadata[META] = dict(record)
        rows.update(metadata=metadata)


def _finish(shipment_id: int, record: dict[str, Any]) -> dict[str, Any]:
    _store(shipment_id, record)
    return record


def _failed(plugin, shipment_id: int, record: dict[str, Any], error: str) -> dict[str, Any]:
    attempts = int(record.get("attempts") or 1)
    delay = min(RETRY_FIRST_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
    retry = attempts < MAX_ATTEMPTS
    record = {**record, "state": FAILED, "error": error, "retry_at": time.time() + delay if retry else None}
    log.warning("%s: shipment %s of %s not sent (attempt %s): %s%s", plugin.TARGET, record.get("shipment_reference"),
                record.get("sales_order_reference"), attempts, error,
                f"; retrying in {delay:.0f} s" if retry else "; giving up")
    _store(shipment_id, record)
    if retry:
        queue_retry(plugin.slug, shipment_id, delay)
    return record


def _lines(shipment) -> dict[str, Decimal] | None:
    """The shop's line id -> quantity of this shipment; None when it completes the order
    (every line left: WooCommerce then completes the order)."""
    from django.db.models import F
    from order.models import SalesOrderAllocation

    order = shipment.order
    if not order.lines.filter(shipped__lt=F("quantity")).exists():
        return None
    lines: dict[str, Decimal] = {}
    for metadata, quantity in SalesOrderAllocation.objects.filter(shipment=shipment).values_list(
            "line__metadata", "quantity"):
        line_id = ((metadata or {}).get(META) or {}).get("line_id")
        if line_id:
            lines[str(line_id)] = lines.get(str(line_id), Decimal(0)) + Decimal(str(quantity))
    return lines


def _order_dry_run(plugin) -> bool:
    from . import order_runs

    return order_runs.order_settings(plugin).dry_run


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


# -- retries (worker) ------------------------------------------------------------------------

def queue_retry(slug: str, shipment_id: int, delay: float) -> None:
    """A worker task that sends the shipment again after ``delay`` seconds."""
    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.models import Schedule
    from django_q.tasks import async_task, schedule

    from .flush import _LaterORM

    broker = get_broker()
    if isinstance(broker, ORM):  # the queue row is locked until the retry is due (see flush.py)
        async_task(RETRY_TASK, slug, shipment_id, group="commerce_sync", broker=_LaterORM(broker.list_key, delay))
    else:
        schedule(RETRY_TASK, slug, shipment_id, schedule_type=Schedule.ONCE,
                 next_run=timezone.now() + timedelta(seconds=delay))


def retry_task(slug: str, shipment_id: int) -> None:
    from . import order_runs

    plugin = order_runs._plugin(slug)
    if plugin is not None:
        ship(plugin, int(shipment_id))


# -- cancelled in InvenTree ------------------------------------------------------------------

def order_cancelled(sales_order_id: object) -> bool:
    """``salesorder.cancelled``: an imported order cancelled in InvenTree (not by the import
    following the shop) is flagged, and the shop is left alone. True when flagged."""
    from order.models import SalesOrder

    from . import order_runs
    from .orders import shop_title

    sales_order = SalesOrder.objects.filter(pk=_int(sales_order_id)).first()
    origin = _imported(sales_order) if sales_order is not None else None
    if origin is None:
        return False
    block = (sales_order.metadata or {}).get(META) or {}
    if block.get("state") == O.CANCELLED:
        return False  # the import cancelled it, following the shop
    plugin = plugin_for(origin[0])
    if plugin is None:
        return False
    with order_runs.locked_state(plugin) as state:
        attention = dict(state.get("attention") or {})
        previous = attention.get(origin[1]) or {}
        attention[origin[1]] = {
            **previous, "order_id": origin[1], "number": block.get("number") or sales_order.customer_reference,
            "modified": block.get("modified"), "sales_order": sales_order.pk,
            "sales_order_reference": sales_order.reference, "problems": [],
            "flag": CANCELLED_FLAG.format(shop=shop_title(plugin)), "since": previous.get("since") or time.time(),
        }
        attention[origin[1]].pop("record", None)  # a flag waits for the admin, it is not retried
        state["attention"] = attention
    log.warning("%s: sales order %s was cancelled in InvenTree; order %s is not cancelled on the shop",
                plugin.TARGET, sales_order.reference, block.get("number"))
    return True


# -- status ----------------------------------------------------------------------------------

def shipment_status(plugin) -> dict[str, Any]:
    from order.models import SalesOrderShipment

    rows = (SalesOrderShipment.objects.filter(**{f"metadata__{META}__target": plugin.TARGET})
            .order_by("-pk").values_list("pk", "metadata")[:SHOWN])
    shown = [{"shipment": pk, **{k: v for k, v in ((m or {}).get(META) or {}).items() if k != "sending_at"}}
             for pk, m in rows]
    failing = (SalesOrderShipment.objects.filter(**{f"metadata__{META}__target": plugin.TARGET,
                                                    f"metadata__{META}__state": FAILED}).count())
    return {"note": NOTHING_NEEDED.get(plugin.TARGET), "failing": failing, "recent": shown}
