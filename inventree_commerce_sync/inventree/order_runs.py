"""Running the order import: polls, the audit, webhooks' work, and what the status shows.

State lives in the plugin's PluginConfig metadata under ``commerce_sync_orders`` (row
locked for every change): the order cursor (a separate one for dry runs, so that switching
dry-run off imports what the dry run only looked at), the orders needing attention (held
or flagged, each with a copy of the order so it is retried by every poll without asking
the shop again), counts, the last order seen, the last error, and what a dry run would do.

Functions the worker runs by dotted path are at the end (``poll_task``, ``webhook_task``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import InterfaceError, OperationalError, transaction

from ..core.cursor import OrderCursor
from ..core.errors import ConfigError, SyncError
from ..core.orders import Order, OrderSource, iso_utc, parse_time
from ..core.redact import get_logger, redact
from . import config as C
from . import orders as I
from .order_settings import OrderSettings

log = get_logger(__name__)

ORDER_KEYS = C.setting_keys(OrderSettings)
STATE_KEY = "commerce_sync_orders"
MAX_DRY_RUN = 200       # dry-run records kept (newest)
MAX_ATTENTION = 500     # orders needing attention kept
MAX_DELIVERIES = 500    # webhook delivery ids kept (replay check)
RETRY_PER_POLL = 50     # attention orders retried per poll
AUDIT_SECONDS = 24 * 3600
RECENT_SECONDS = 600    # a webhook payload imported this recently is not imported again (webhook_task)
MAX_RECENT = 2000
_recent: OrderedDict[tuple[str, str], float] = OrderedDict()  # this process's (slug, payload digest) -> when
# django-q looks for due schedules about every 30 s, so one run can come that much sooner after
# a late one: it still counts as due (else a 2-minute poll would slip to 4 minutes).
SLACK_SECONDS = 30
DEFAULT_POLL_MINUTES = 2  # how soon a failed audit is tried again when polling is off
POLL_TASK = "inventree_commerce_sync.inventree.order_runs.poll_task"
WEBHOOK_TASK = "inventree_commerce_sync.inventree.order_runs.webhook_task"


# -- state ---------------------------------------------------------------------------------

@contextmanager
def locked_state(plugin) -> Iterator[dict[str, Any]]:
    """The order state, row-locked for the block and saved after it."""
    from plugin.models import PluginConfig

    with transaction.atomic():
        row = PluginConfig.objects.select_for_update().get(pk=plugin.config_row().pk)
        metadata = dict(row.metadata or {})
        state = dict(metadata.get(STATE_KEY) or {})
        yield state
        metadata[STATE_KEY] = state
        PluginConfig.objects.filter(pk=row.pk).update(metadata=metadata)


def read_state(plugin) -> dict[str, Any]:
    from plugin.models import PluginConfig

    metadata = PluginConfig.objects.filter(pk=plugin.config_row().pk).values_list("metadata", flat=True).first()
    return dict((metadata or {}).get(STATE_KEY) or {})


def order_settings(plugin) -> OrderSettings:
    """The plugin's order settings; a bad one is a ConfigError naming it by its label."""
    values = {key: plugin.get_setting(key) for key in ORDER_KEYS}
    try:
        return OrderSettings.from_values(values, target=plugin.TARGET, environ=os.environ)
    except ConfigError as exc:
        label = exc.naming(lambda key: C.setting_label(OrderSettings, key))
        raise ConfigError(f"{label} (plugin settings of {plugin.TITLE})") from None


def order_source(plugin) -> OrderSource | None:
    """The plugin's target client when it reads orders, else None."""
    target = plugin.build_target()
    return target if isinstance(target, OrderSource) else None


class DbDeliveryStore:
    """core.webhooks.DeliveryStore in the plugin's state: the last MAX_DELIVERIES ids, shared
    by every server process."""

    def __init__(self, plugin):
        self.plugin = plugin

    def add(self, delivery_id: str) -> bool:
        with locked_state(self.plugin) as state:
            ids = list(state.get("deliveries") or ())
            if delivery_id in ids:
                return False
            state["deliveries"] = (ids + [delivery_id])[-MAX_DELIVERIES:]
            return True


# -- one order, recorded ----------------------------------------------------------------------

def handle(plugin, order: Order, settings: OrderSettings, sync_settings) -> I.Plan | None:
    """Import one order and record the outcome; a failure is recorded (with the order, so it
    is retried) instead of stopping the orders behind it."""
    try:
        result = I.import_order(plugin, order, settings, sync_settings)
    except (OperationalError, InterfaceError):
        raise  # the database itself: stop, the cursor keeps the order for the next poll
    except Exception as exc:  # InvenTree refused something (a validation error): keep it in view
        message = redact(exc)
        log.warning("%s: order %s could not be imported: %s", plugin.TARGET, order.number, message)
        with locked_state(plugin) as state:
            _attention(state, order, None, [f"import failed: {message}"], None)
        return None
    with locked_state(plugin) as state:
        last = state.get("last_seen") or {}
        if not last.get("modified") or order.modified >= parse_time(last["modified"]):
            state["last_seen"] = {"id": order.id, "number": order.number, "modified": iso_utc(order.modified)}
        if settings.dry_run:
            records = [r for r in state.get("dry_run") or () if r.get("order_id") != order.id]
            state["dry_run"] = (records + [result.to_json()])[-MAX_DRY_RUN:]
            return result
        if result.action == I.CREATE:
            state["imported"] = int(state.get("imported") or 0) + 1
        if result.action == I.UNCHANGED and result.sales_order is not None and order.id in (state.get("attention") or {}):
            return result  # an older copy: what needs attention stays as it is
        problems = [p.text() for p in result.problems]
        if problems or result.flag:
            _attention(state, order, result.sales_order, problems, result.flag)
        else:
            (state.get("attention") or {}).pop(order.id, None)
    return result


def _attention(state: dict, order: Order, sales_order, problems: list[str], flag: str | None) -> None:
    attention = dict(state.get("attention") or {})
    attention[order.id] = {
        "order_id": order.id, "number": order.number, "modified": iso_utc(order.modified),
        "sales_order": getattr(sales_order, "pk", None),
        "sales_order_reference": getattr(sales_order, "reference", None),
        "problems": problems, "flag": flag, "since": attention.get(order.id, {}).get("since") or time.time(),
        "record": order.to_record(),
    }
    if len(attention) > MAX_ATTENTION:
        oldest = sorted(attention, key=lambda k: attention[k]["since"])[: len(attention) - MAX_ATTENTION]
        for key in oldest:
            attention.pop(key)
    state["attention"] = attention


# -- polling ---------------------------------------------------------------------------------

def poll(plugin, *, audit: bool = False, source: OrderSource | None = None,
         now: datetime | None = None) -> dict[str, int] | None:
    """Read the orders changed since the cursor (an audit: the last ORDER_AUDIT_DAYS
    whatever the cursor says, and the orders the shop removed from its list meanwhile) and
    import them; then retry the orders needing attention.
    Returns counts per action, or None when import is off or not possible."""
    try:
        settings = order_settings(plugin)
        sync_settings = plugin.sync_settings()
        if not settings.enabled:
            return None
        source = source or order_source(plugin)
    except (ConfigError, SyncError) as exc:
        _error(plugin, redact(exc))
        return None
    if source is None:
        _error(plugin, f"the {plugin.TITLE} client cannot read orders yet")
        return None
    now = now or datetime.now(UTC)
    key = "dry_run_cursor" if settings.dry_run else "cursor"
    cursor = OrderCursor.from_dict(read_state(plugin).get(key), plugin.TARGET, overlap=settings.overlap)
    start = now - timedelta(days=settings.audit_days or 7)
    since = min(cursor.since(start), start) if audit else cursor.since(start)
    counts: dict[str, int] = {}
    error = None
    finished = False
    handled: set[str] = set()
    try:
        # A poll skips what the cursor already handled (Zoho then reads no detail of it); an audit reads all.
        for order in source.read_orders(since, known=None if audit else cursor.is_known):
            if audit or cursor.is_new(order):
                result = handle(plugin, order, settings, sync_settings)
                action = result.action if result else "failed"
                counts[action] = counts.get(action, 0) + 1
                handled.add(order.id)
            cursor.seen(order)
        if audit:  # orders out of the shop's list (WooCommerce's trash): not in the cursor, which follows the list
            for order in source.read_removed(since):
                result = handle(plugin, order, settings, sync_settings)
                action = result.action if result else "failed"
                counts[action] = counts.get(action, 0) + 1
                handled.add(order.id)
        if not settings.dry_run:
            for order in _retries(plugin, skip=handled):
                handle(plugin, order, settings, sync_settings)
                counts["retried"] = counts.get("retried", 0) + 1
        finished = True
    except SyncError as exc:  # the shop refused or could not be reached: the next poll goes on
        error = redact(exc)
        log.warning("%s orders: %s", plugin.TARGET, error)
    finally:
        with locked_state(plugin) as state:
            stored = OrderCursor.from_dict(state.get(key), plugin.TARGET, overlap=settings.overlap)
            stored.merge(cursor)  # another worker may have read further meanwhile
            state[key] = stored.to_dict()
            if audit and not finished:
                state["audit_failed"] = now.timestamp()  # not done: tried again after a polling interval
            else:
                state["last_audit" if audit else "last_poll"] = now.timestamp()
            state["last_counts"] = counts
            state["last_error"] = error
    return counts


def _retries(plugin, skip: set[str]) -> list[Order]:
    """The held or failed orders to try again (not those this poll just handled)."""
    attention = read_state(plugin).get("attention") or {}
    retried = []
    entries = [e for e in attention.values() if e["order_id"] not in skip]
    for entry in sorted(entries, key=lambda e: e["since"])[:RETRY_PER_POLL]:
        if entry.get("problems") and entry.get("record"):  # flags wait for the shop to change the order
            retried.append(Order.from_record(entry["record"], plugin.TARGET))
    return retried


def _error(plugin, message: str) -> None:
    log.warning("%s orders: %s", plugin.TARGET, message)
    with locked_state(plugin) as state:
        state["last_error"] = message


def scheduled(plugin, *, now: float | None = None) -> dict[str, int] | None:
    """Run by the schedule (every ORDER_POLL_MINUTES, see schedule.py): a poll, or the daily audit when due."""
    try:
        settings = order_settings(plugin)
    except ConfigError as exc:
        _error(plugin, redact(exc))
        return None
    if not settings.enabled:
        return None
    now = time.time() if now is None else now
    state = read_state(plugin)
    moment = datetime.fromtimestamp(now, UTC)
    retry_seconds = (settings.poll_minutes or DEFAULT_POLL_MINUTES) * 60
    if (settings.audit_days and now - float(state.get("last_audit") or 0) >= AUDIT_SECONDS - SLACK_SECONDS
            and now - float(state.get("audit_failed") or 0) >= retry_seconds - SLACK_SECONDS):
        return poll(plugin, audit=True, now=moment)
    if settings.poll_minutes and now - float(state.get("last_poll") or 0) >= settings.poll_minutes * 60 - SLACK_SECONDS:
        return poll(plugin, now=moment)
    return None


# -- status ----------------------------------------------------------------------------------

def order_status(plugin) -> dict[str, Any]:
    """What the status view shows about orders."""
    state = read_state(plugin)
    try:
        settings = order_settings(plugin)
        enabled, dry_run = settings.enabled, settings.dry_run
    except ConfigError:
        enabled, dry_run = False, True
    attention = sorted((state.get("attention") or {}).values(), key=lambda e: e["since"])
    return {
        "import_enabled": enabled,
        "dry_run": dry_run,
        "last_seen": state.get("last_seen"),
        "imported": int(state.get("imported") or 0),
        "needs_attention": [{k: v for k, v in e.items() if k != "record"} for e in attention],
        "last_poll": _iso(state.get("last_poll")),
        "last_audit": _iso(state.get("last_audit")),
        "last_counts": state.get("last_counts") or {},
        "last_error": redact(state["last_error"]) if state.get("last_error") else None,
        "would_import": list(state.get("dry_run") or ())[-50:],
    }


ATTENTION_COLUMNS = ("target", "order_id", "number", "sales_order", "sales_order_reference", "problem")


def attention_csv(plugin) -> str:
    """One row per problem of every order needing attention (CSV text)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, ATTENTION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in order_status(plugin)["needs_attention"]:
        for problem in entry["problems"] + ([entry["flag"]] if entry.get("flag") else []):
            writer.writerow({"target": plugin.TARGET, "problem": problem,
                             **{k: entry.get(k) for k in ATTENTION_COLUMNS[1:-1]}})
    return out.getvalue()


def _iso(timestamp) -> str | None:
    return iso_utc(datetime.fromtimestamp(float(timestamp), UTC)) if timestamp else None


# -- worker tasks ------------------------------------------------------------------------------

def _plugin(slug: str):
    from plugin.registry import registry

    found = registry.get_plugin(slug)
    return found if found is not None and found.is_active() else None


def poll_task(slug: str) -> None:
    plugin = _plugin(slug)
    if plugin is not None:
        poll(plugin)


def webhook_task(slug: str, payload: dict[str, Any]) -> None:
    """A verified delivery: import the order it carries, or read the shop when the client
    cannot read a payload (the poll finds the order either way).

    A payload this worker process imported in the last RECENT_SECONDS is skipped before any
    database access: WooCommerce announces each new order twice (order.created, then
    order.updated, with the same body), and in a burst the second task's settings reads,
    client build and row lock delayed the orders queued behind it by seconds. Only a
    shortcut: another worker, or a restarted one, imports it again and finds it unchanged."""
    key = (slug, hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest())
    if _recently_imported(key):
        return
    plugin = _plugin(slug)
    if plugin is None:
        return
    try:
        settings = order_settings(plugin)
        source = order_source(plugin) if settings.enabled else None
    except (ConfigError, SyncError) as exc:
        _error(plugin, redact(exc))
        return
    order = source.order_from_webhook(payload) if source is not None else None
    if order is None:
        poll(plugin, source=source)
    elif handle(plugin, order, settings, plugin.sync_settings()) is not None and not settings.dry_run:
        _recent[key] = time.monotonic()
        while len(_recent) > MAX_RECENT:
            _recent.popitem(last=False)


def _recently_imported(key: tuple[str, str]) -> bool:
    seen = _recent.get(key)
    if seen is not None and time.monotonic() - seen < RECENT_SECONDS:
        return True
    _recent.pop(key, None)
    return False
