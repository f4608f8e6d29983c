"""Orders first: the order import of a target runs before every push to it.

A push sends absolute figures. A sale the shop recorded and InvenTree has not imported yet
would be put back on offer by it; importing the target's new orders first makes InvenTree's
figure include that sale (an open sales order line), so the push keeps the shop's
decrement. ``sync._push`` calls ``import_orders_first`` for a flush, a reconciliation, a
target check and "sync now" alike, when the plugin's order import is switched on.

Cheap: a poll that succeeded less than ``FRESH_SECONDS`` ago (the schedule's, a webhook's,
or the previous push's) is not repeated (a failed one is: the shop may be back, and a target
check must not decide on an old failure); the poll itself asks the shop only for orders changed
since its cursor (one request when nothing changed). Why five seconds: the sales order lines
an import creates mark their parts, so the import of one push queues a flush right after
it, and that flush must not read the shop again; nor must "sync now" clicked twice, or the
reconciliation that follows a flush. An order placed within those seconds is no worse off
than without orders first: the shop's webhook, the schedule's poll or the next push after
the window imports it, and its figure follows with that import's flush.

When the orders cannot be read (the shop is down, refuses, or the import is misconfigured)
the push still runs -- no worse than without the import -- and the error is returned: the
push records it as ``orders_stale`` in the plugin's status.
"""

from __future__ import annotations

import time

from ..core.redact import get_logger, redact
from ..core.settings import parse_bool

log = get_logger(__name__)

FRESH_SECONDS = 5.0


def import_orders_first(plugin, *, now: float | None = None) -> str | None:
    """Import the target's new orders unless a poll just ran; returns why the orders are
    stale (the last poll's error), or None when they are current or import is off."""
    from . import order_runs

    try:
        if not parse_bool(plugin.get_setting("ORDER_IMPORT") or False):
            return None
    except ValueError:
        return None
    now = time.time() if now is None else now
    state = order_runs.read_state(plugin)
    if now - float(state.get("last_poll") or 0) < FRESH_SECONDS and not state.get("last_error"):
        return None
    try:
        order_runs.poll(plugin)
    except Exception as exc:  # never stop the push: it is no worse than without the import
        message = f"the order import failed: {redact(exc)}"
        log.warning("%s: %s; pushing anyway", plugin.TARGET, message)
        return message
    error = _stale(order_runs.read_state(plugin))
    if error:
        log.warning("%s: orders could not be read (%s); pushing anyway", plugin.TARGET, error)
    return error


def _stale(state: dict) -> str | None:
    error = state.get("last_error")
    return redact(error) if error else None
