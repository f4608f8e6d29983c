"""One shop order into InvenTree: one sales order per shop order, never two, never half.

``plan`` looks (reads only) and decides what an order means for InvenTree: create, update
its lines, hold it, cancel it, flag it, or nothing. ``apply`` does it. ``import_order`` does
both in one transaction holding a row lock on the plugin's PluginConfig, so a webhook and a
poll, or two workers, delivering the same order at once are serialised by the database and
the second finds the first's sales order. The sales order is found again by its metadata
(``{"commerce_sync": {"target": ..., "order_id": ...}}``); ``customer_reference`` holds the
shop's order number.

An order with a line that cannot be imported (unknown SKU, a part that is not salable, a
quantity that is not a positive number) is created on hold, with its good lines and a note
naming each problem line; it is issued by itself once a later read finds no problem. After
import: cancelled on the shop cancels the sales order (InvenTree releases its allocations)
unless something was shipped; changed lines follow until something was shipped. Moved to
the shop's trash (which keeps the stock taken) is flagged, the sales order left as it is.
What cannot follow is flagged, never forced.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from ..core import orders as O
from ..core.orders import LineProblem, Order, OrderLine, decimal_text, iso_utc, parse_time
from . import parts as P
from .config import SyncSettings
from .customers import record_buyer
from .order_settings import CUSTOMER_EMAIL, OrderSettings

META = "commerce_sync"  # key in SalesOrder / SalesOrderLineItem / Company metadata

CREATE, UPDATE, CANCEL, FLAG, SKIP, UNCHANGED = "create", "update", "cancel", "flag", "skip", "unchanged"


@dataclass
class Plan:
    """What an order means for InvenTree (``to_json`` is what a dry run records)."""

    order: Order
    action: str
    sales_order: Any = None
    problems: list[LineProblem] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)  # sku -> Part, for the good lines
    customer: Any = None  # a Company, or None when one would be created
    customer_name: str = ""
    flag: str | None = None

    @property
    def held(self) -> bool:
        return bool(self.problems)

    def good_lines(self) -> list[OrderLine]:
        bad = {p.line_id for p in self.problems}
        return [line for line in self.order.lines if line.line_id not in bad]

    def to_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order.id,
            "number": self.order.number,
            "modified": iso_utc(self.order.modified),
            "state": self.order.state,
            "action": self.action,
            "held": self.held,
            "sales_order": getattr(self.sales_order, "pk", None),
            "customer": self.customer_name,
            "new_customer": self.customer is None and self.action == CREATE,
            "lines": [{"sku": line.sku, "part": self.parts[line.sku].pk,
                       "quantity": line.quantity_text if line.quantity is None else decimal_text(line.quantity)}
                      for line in self.good_lines() if line.sku in self.parts],
            "problems": [p.text() for p in self.problems],
            "flag": self.flag,
        }


# -- looking ---------------------------------------------------------------------------------

def find_sales_order(target: str, order_id: str):
    from order.models import SalesOrder

    return (SalesOrder.objects.filter(**{f"metadata__{META}__target": target, f"metadata__{META}__order_id": order_id})
            .order_by("pk").first())


def resolve_parts(target: str, settings: SyncSettings, skus: set[str]) -> dict[str, Any]:
    """{sku: Part, or the reason it cannot be sold}, by the stock push's SKU rules."""
    from part.models import Part

    claims = P.claimants(target, settings, skus, set())
    holders: dict[str, list[int]] = {}
    for pk, sku in claims.items():
        holders.setdefault(sku, []).append(pk)
    found = {p.pk: p for p in Part.objects.filter(pk__in=list(claims))}
    result: dict[str, Any] = {}
    for sku in skus:
        ids = sorted(holders.get(sku, ()))
        if not ids:
            result[sku] = "no part has this SKU"
        elif len(ids) > 1:
            result[sku] = f"SKU is claimed by parts {', '.join(map(str, ids))}"
        elif not found[ids[0]].salable:
            result[sku] = f"part {ids[0]} ({found[ids[0]].name}) is not salable"
        else:
            result[sku] = found[ids[0]]
    return result


def shipped_anything(sales_order) -> bool:
    from order.models import SalesOrderShipment
    from order.status_codes import SalesOrderStatus

    if sales_order.status in (SalesOrderStatus.SHIPPED.value, SalesOrderStatus.COMPLETE.value):
        return True
    return (sales_order.lines.filter(shipped__gt=0).exists()
            or SalesOrderShipment.objects.filter(order=sales_order, shipment_date__isnull=False).exists())


def _lines_differ(sales_order, plan: Plan) -> bool:
    have = {(ln.metadata or {}).get(META, {}).get("line_id"): (ln.part_id, ln.quantity) for ln in sales_order.lines.all()}
    want = {line.line_id: (plan.parts[line.sku].pk, line.quantity) for line in plan.good_lines()}
    return have != want


def plan(plugin, order: Order, settings: OrderSettings, sync_settings: SyncSettings) -> Plan:
    """What ``order`` means now (reads only)."""
    from order.status_codes import SalesOrderStatus

    existing = find_sales_order(plugin.TARGET, order.id)
    if existing is None:
        if order.state in (O.CANCELLED, O.IGNORED, O.REMOVED):
            return Plan(order, SKIP)  # never imported, and not an order any more: nothing to do
        company, name = find_customer(plugin, order, settings)
        return _with_lines(Plan(order, CREATE, None, customer=company, customer_name=name), plugin, sync_settings)

    result = Plan(order, UNCHANGED, existing, customer=existing.customer,
                  customer_name=getattr(existing.customer, "name", ""))
    stored = (existing.metadata or {}).get(META, {})
    stored_modified = parse_time(stored["modified"]) if stored.get("modified") else None
    if stored_modified is not None and order.modified < stored_modified:
        return result  # an older version (a late webhook): what we have is newer
    status = existing.status
    if order.state == O.REMOVED:  # the shop kept the stock taken: cancelling here would offer it again
        if status == SalesOrderStatus.CANCELLED.value:
            result.action = SKIP  # settled: cancelled here, in the trash there
        else:
            result.action, result.flag = FLAG, (
                f"moved to the trash on the shop ({order.status!r}), which put no stock back: the sales order "
                "was left as it is; restore the order on the shop, or cancel the sales order here")
        return result
    if stored_modified == order.modified and not stored.get("problems"):
        return result  # exactly this version was imported, complete
    if order.state == O.CANCELLED:
        if status == SalesOrderStatus.CANCELLED.value:
            return result
        if shipped_anything(existing):
            result.action, result.flag = FLAG, "cancelled on the shop, but something was already shipped"
        else:
            result.action = CANCEL
        return result
    if order.state == O.IGNORED:
        result.action, result.flag = FLAG, f"the shop shows it as {order.status!r} now (holds no stock there)"
        return result
    if status == SalesOrderStatus.CANCELLED.value:
        result.action, result.flag = FLAG, f"cancelled in InvenTree, but {order.status!r} on the shop"
        return result
    _with_lines(result, plugin, sync_settings)
    if _lines_differ(existing, result) and shipped_anything(existing):
        result.action, result.flag = FLAG, "lines changed on the shop after something was shipped"
        return result
    result.action = UPDATE
    return result


def _with_lines(result: Plan, plugin, sync_settings: SyncSettings) -> Plan:
    """The plan's parts for the good lines, and its problem lines."""
    resolved = resolve_parts(plugin.TARGET, sync_settings, {ln.sku for ln in result.order.lines if ln.sku})
    result.problems = O.line_problems(result.order.lines,
                                      lambda sku: resolved[sku] if isinstance(resolved[sku], str) else None)
    result.parts = {sku: part for sku, part in resolved.items() if not isinstance(part, str)}
    return result


def shop_title(plugin) -> str:
    """The shop's name (WooCommerce), not the plugin's (WooCommerce stock sync)."""
    try:
        return plugin.target_class().title or plugin.TITLE
    except Exception:  # a client that cannot be loaded: its plugin's title will do
        return plugin.TITLE


def find_customer(plugin, order: Order, settings: OrderSettings) -> tuple[Any, str]:
    """(existing customer company or None, its name or the name it would get)."""
    from company.models import Company, Contact

    email = order.customer.email.strip()
    if settings.customer == CUSTOMER_EMAIL and email:
        company = Company.objects.filter(is_customer=True, email__iexact=email).order_by("pk").first()
        if company is None:
            contact = (Contact.objects.filter(email__iexact=email, company__is_customer=True)
                       .select_related("company").order_by("pk").first())
            company = contact.company if contact else None
        name = company.name if company else (order.customer.company or order.customer.name or email)[:100]
        return company, name
    name = settings.channel_customer or f"{shop_title(plugin)} customers"
    company = (Company.objects.filter(**{f"metadata__{META}__channel": plugin.TARGET}).order_by("pk").first()
               or Company.objects.filter(name__iexact=name, is_customer=True).order_by("pk").first())
    return company, (company.name if company else name)


# -- doing -----------------------------------------------------------------------------------

def import_order(plugin, order: Order, settings: OrderSettings, sync_settings: SyncSettings) -> Plan:
    """Plan and apply one order under the plugin's row lock (a dry run only plans)."""
    from plugin.models import PluginConfig

    with batched_events(), transaction.atomic():
        PluginConfig.objects.select_for_update().filter(pk=plugin.config_row().pk).first()
        result = plan(plugin, order, settings, sync_settings)
        if not settings.dry_run:
            apply(plugin, result, settings, sync_settings)
    return result


def batched_events():
    """InvenTree's events of one import (sales order and line created, issued, saved) queued
    in one bulk write after the commit: offloaded one by one, each first scans the whole task
    queue for a duplicate, which in a burst of orders costs more than the import itself.
    InvenTree versions without ``batch_events`` offload them one by one."""
    try:
        from plugin.base.event.events import batch_events
    except ImportError:
        return nullcontext()
    return batch_events()


def apply(plugin, plan: Plan, settings: OrderSettings, sync_settings: SyncSettings) -> None:
    if plan.action in (SKIP, UNCHANGED):
        return
    if plan.action == CREATE:
        plan.sales_order = _create(plugin, plan, settings)
    sales_order = plan.sales_order
    stored = dict((sales_order.metadata or {}).get(META) or {})
    note = stored.get("note") or ""
    if plan.action == CANCEL:
        sales_order.cancel_order()  # InvenTree deletes the order's allocations
    elif plan.action in (CREATE, UPDATE):
        _follow_lines(sales_order, plan)
        note = _hold_or_issue(plugin, sales_order, plan, note, was_held=bool(stored.get("problems")))
        if settings.allocate and not plan.held:
            _allocate(sales_order, sync_settings.location_id)
    _store(sales_order, plan, note)


def _create(plugin, plan: Plan, settings: OrderSettings):
    from order.models import SalesOrder

    order = plan.order
    customer = plan.customer or _create_customer(plugin, order, settings, plan.customer_name)
    plan.customer = customer
    if settings.customer == CUSTOMER_EMAIL and order.customer.email.strip():
        record_buyer(customer, order.customer)  # contact and address, each once
    for attempt in range(5):  # another plugin may take the same next reference at the same moment
        try:
            with transaction.atomic():
                return SalesOrder.objects.create(
                    reference=SalesOrder.generate_reference(),
                    customer=customer,
                    customer_reference=order.number[:64],
                    description=f"{shop_title(plugin)} order {order.number}"[:250],
                    metadata={META: {"target": plugin.TARGET, "order_id": order.id}},
                )
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _create_customer(plugin, order: Order, settings: OrderSettings, name: str):
    from company.models import Company

    buyer = order.customer
    if settings.customer == CUSTOMER_EMAIL and buyer.email:
        # its contact and address: record_buyer, as for a customer found by email
        return Company.objects.create(name=name[:100], email=buyer.email, phone=buyer.phone[:50], is_customer=True,
                                      description=f"{shop_title(plugin)} customer",
                                      metadata={META: {"target": plugin.TARGET, "email": buyer.email}})
    return Company.objects.create(name=name[:100], is_customer=True, description=f"Orders placed on {shop_title(plugin)}",
                                  metadata={META: {"channel": plugin.TARGET}})


def _follow_lines(sales_order, plan: Plan) -> None:
    """Make the sales order's lines those of the shop order (its good lines)."""
    from order.models import SalesOrderLineItem

    existing = {(ln.metadata or {}).get(META, {}).get("line_id"): ln for ln in sales_order.lines.all()}
    wanted = {line.line_id: line for line in plan.good_lines()}
    for line_id, item in existing.items():
        if line_id not in wanted:
            item.delete()  # its allocations go with it
    for line_id, line in wanted.items():
        part = plan.parts[line.sku]
        item = existing.get(line_id)
        if item is not None and item.part_id != part.pk:
            item.delete()
            item = None
        # "open": what the shop has not shipped yet (what a reserving shop holds back, stock.py)
        shop_open = decimal_text(line.open_quantity) if line.open_quantity is not None else None
        if item is None:
            SalesOrderLineItem.objects.create(order=sales_order, part=part, quantity=line.quantity,
                                              reference=f"{line.sku}"[:100],
                                              metadata={META: {"line_id": line_id, "sku": line.sku, "open": shop_open}})
            continue
        if item.quantity != line.quantity:
            if item.allocated_quantity() > line.quantity:
                item.allocations.all().delete()  # allocated again below, when allocation is on
            item.quantity = line.quantity
            item.save()
        block = dict((item.metadata or {}).get(META) or {})
        if block.get("open") != shop_open:
            block["open"] = shop_open
            SalesOrderLineItem.objects.filter(pk=item.pk).update(metadata={**(item.metadata or {}), META: block})


NOTE_HEAD = "Held by commerce sync"


def _hold_or_issue(plugin, sales_order, plan: Plan, old_note: str, *, was_held: bool) -> str:
    """Hold the order with a note naming each problem line, or issue it; returns the note
    written (it replaces the previous one, the rest of the notes is left alone)."""
    from order.status_codes import SalesOrderStatus

    current = sales_order.notes or ""
    notes = current.replace(old_note, "").strip() if old_note else current
    note = ""
    if plan.held:
        note = (f"**{NOTE_HEAD}**: {shop_title(plugin)} order {plan.order.number} cannot be imported completely:\n\n"
                + "".join(f"- {p.text()}\n" for p in plan.problems)
                + "\nFix the part or its SKU; the order is completed at the next read.")
        notes = f"{note}\n\n{notes}".strip()
    if notes != current:
        sales_order.notes = notes
        sales_order.save()
    status = sales_order.status
    if plan.held:
        if status != SalesOrderStatus.ON_HOLD.value:
            sales_order.hold_order()
    elif status == SalesOrderStatus.PENDING.value or (status == SalesOrderStatus.ON_HOLD.value and was_held):
        sales_order.issue_order()  # a new order, or one we held: nothing is wrong any more
    return note


def _allocate(sales_order, location_id: int | None) -> None:
    from order.status_codes import SalesOrderStatus
    from stock.models import StockLocation

    if sales_order.status != SalesOrderStatus.IN_PROGRESS.value:
        return
    location = StockLocation.objects.filter(pk=location_id).first() if location_id else None
    sales_order.auto_allocate_stock(location=location)  # oldest first, only unallocated stock


def _store(sales_order, plan: Plan, note: str) -> None:
    """Record the shop's ids and the version imported (a queryset update: a completed,
    locked order refuses save())."""
    from order.models import SalesOrder

    order = plan.order
    metadata = dict(SalesOrder.objects.filter(pk=sales_order.pk).values_list("metadata", flat=True).first() or {})
    block = dict(metadata.get(META) or {})
    block.update(target=order.target, order_id=order.id, number=order.number, modified=iso_utc(order.modified),
                 state=order.state, status=order.status, problems=[p.to_json() for p in plan.problems],
                 flag=plan.flag, note=note)
    metadata[META] = block
    SalesOrder.objects.filter(pk=sales_order.pk).update(metadata=metadata)
    sales_order.metadata = metadata
