"""The target check's repairs, on InvenTree's side: orders first, the limit, the history.

A target check (``VERIFY_MINUTES``, ``sync.reconcile``) imports the target's orders first,
so that a sale the shop recorded is in InvenTree before the shop's figures are compared;
then core's ``RepairCheck`` decides per differing SKU (``core/repairs.py``): a repair within
``REPAIR_UNITS`` / ``REPAIR_PERCENT`` is written and recorded, a larger one is flagged and
not written, and while the orders cannot be read a figure is not raised (it may be a sale
not imported yet).

The history (``core.repairs.RepairHistory``, the last ``KEEP`` records and every open flag)
lives in the plugin's PluginConfig metadata under ``commerce_sync_repairs``, changed under
that row's lock. The admin reads it in the panel, exports it as CSV, and confirms (writes)
or dismisses a flag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from ..core import repairs as R
from ..core.engine import Result
from ..core.errors import ConfigError
from ..core.redact import get_logger, redact

log = get_logger(__name__)

HISTORY_KEY = "commerce_sync_repairs"
KEEP = 1000  # records kept per plugin (open flags beyond)
SHOWN = 50  # records the status lists (newest first); the CSV has all


# -- storage ---------------------------------------------------------------------------------

def _config_pk(plugin) -> int:
    return plugin.config_row().pk


def _read_block(plugin) -> dict[str, Any]:
    from plugin.models import PluginConfig

    metadata = PluginConfig.objects.filter(pk=_config_pk(plugin)).values_list("metadata", flat=True).first()
    return dict((metadata or {}).get(HISTORY_KEY) or {})


def read_history(plugin) -> R.RepairHistory:
    return R.RepairHistory.from_json(_read_block(plugin).get("records"), keep=KEEP)


@contextmanager
def locked_history(plugin) -> Iterator[tuple[R.RepairHistory, dict[str, Any]]]:
    """(history, the rest of the block), row-locked for the block and saved after it."""
    from plugin.models import PluginConfig

    with transaction.atomic():
        row = PluginConfig.objects.select_for_update().get(pk=_config_pk(plugin))
        metadata = dict(row.metadata or {})
        block = dict(metadata.get(HISTORY_KEY) or {})
        history = R.RepairHistory.from_json(block.get("records"), keep=KEEP)
        yield history, block
        block["records"] = history.to_json()
        metadata[HISTORY_KEY] = block
        PluginConfig.objects.filter(pk=row.pk).update(metadata=metadata)


def _now() -> datetime:
    return datetime.now(UTC)


def repair_limit(settings) -> R.RepairLimit:
    return R.RepairLimit(settings.repair_units, settings.repair_percent)


# -- the target check ------------------------------------------------------------------------

def start_check(plugin, settings, linked: Mapping[int, str], *, orders_stale: bool) -> R.RepairCheck | None:
    """The RepairCheck of a target check of the parts ``linked`` ({part: sku}), after the
    order import (``orders_stale``: its orders could not be read); None in a dry run
    (nothing is written, nothing is recorded)."""
    if settings.dry_run:
        return None
    return R.RepairCheck(plugin.TARGET, repair_limit(settings), orders_stale=orders_stale, history=read_history(plugin),
                         parts={sku: (pk, "") for pk, sku in linked.items()})


def finish_check(plugin, check: R.RepairCheck) -> None:
    """Add the check's records to the history (with the parts' names) and note the check."""
    from part.models import Part

    names = dict(Part.objects.filter(pk__in={r.part for r in check.records if r.part is not None})
                 .values_list("pk", "name"))
    with locked_history(plugin) as (history, block):
        for record in check.records:
            history.add(dataclasses.replace(record, part_name=names.get(record.part, "")))
        block["last_check"] = {"at": R.iso_utc(_now()), "orders_stale": check.orders_stale, **check.counts()}
    counts = check.counts()
    if counts[R.FLAGGED] or counts["waiting"]:
        log.warning("%s target check: %s repaired, %s flagged, %s waiting for the orders", plugin.TARGET,
                    counts[R.REPAIRED], counts[R.FLAGGED], counts["waiting"])


# -- the admin's answer to a flag ------------------------------------------------------------

def confirm(plugin, sku: str, user: str = "") -> tuple[dict[str, Any], int]:
    """Write the figure InvenTree wants now for a flagged SKU, and record it. (answer, HTTP status)"""
    from . import sync

    flag = read_history(plugin).open_flag(plugin.TARGET, sku)
    if flag is None or flag.part is None:
        return {"error": f"no flagged repair of SKU {sku!r} is open"}, 404
    if plugin.sync_settings().dry_run:
        return {"error": f"dry run is on for {plugin.TITLE}: nothing is written (switch DRY_RUN off first)"}, 409
    # only the flagged SKU (of a location map: that SKU at that location), not the part's others
    report = sync.sync_parts(plugin, [flag.part], force=True, only=[sku])
    result = next((r for r in (report.results if report else ()) if r.sku == sku), None)
    if result is None or result.outcome is not Result.PUSHED or result.quantity is None:
        error = (result.error if result is not None else None) or sync.read_state(plugin).get("last_error")
        return {"error": f"SKU {sku!r} was not written: {redact(error or 'the push did not run')}"}, 502
    record = dataclasses.replace(flag, wanted=result.quantity, outcome=R.CONFIRMED, at=_now(),
                                 note=f"confirmed by {user}" if user else "confirmed")
    with locked_history(plugin) as (history, _):
        history.add(record)
    return {"confirmed": record.to_dict()}, 200


def dismiss(plugin, sku: str, user: str = "") -> tuple[dict[str, Any], int]:
    """Leave the shop's figure as it is: the flag is closed, and the same difference is not
    flagged again (a new one is)."""
    with locked_history(plugin) as (history, _):
        flag = history.open_flag(plugin.TARGET, sku)
        if flag is None:
            return {"error": f"no flagged repair of SKU {sku!r} is open"}, 404
        record = dataclasses.replace(flag, outcome=R.DISMISSED, at=_now(),
                                     note=f"dismissed by {user}" if user else "dismissed")
        history.add(record)
    return {"dismissed": record.to_dict()}, 200


# -- what the status and the CSV show --------------------------------------------------------

def repair_status(plugin) -> dict[str, Any]:
    block = _read_block(plugin)
    history = R.RepairHistory.from_json(block.get("records"), keep=KEEP)
    try:
        limit = repair_limit(plugin.sync_settings()).text()
    except ConfigError as exc:
        limit = f"not set: {redact(exc)}"
    records = history.for_target(plugin.TARGET)
    return {
        "limit": limit,
        "last_check": block.get("last_check"),
        "open_flags": [r.to_dict() for r in history.open_flags(plugin.TARGET)],
        "recent": [r.to_dict() for r in reversed(records[-SHOWN:])],
        "count": len(records),
        "csv_url": plugin.api_url("repairs.csv"),
        "confirm_url": plugin.api_url("repairs/confirm/"),
        "dismiss_url": plugin.api_url("repairs/dismiss/"),
    }


def history_csv(plugin) -> str:
    return read_history(plugin).csv_text(plugin.TARGET)
