"""The ``orders`` command: a target's orders changed since a time, normalised.

``orders --target T --config FILE [--since ISO-8601] [--all] [--json]`` reads the orders the
target changed at or after ``--since`` (default: seven days ago) through the client's order
reading (``core.orders.OrderSource``) and prints them oldest modification first: a table,
or with ``--json`` a JSON array of ``Order.to_json()`` objects. Orders in the ``ignored``
state (drafts, pending payment, failed: they hold no stock and are not orders yet) are left
out unless ``--all`` is given. ``--since`` must carry its offset (``Z``, ``+01:00``): a time
without one is refused rather than guessed. Writes nothing, on the shop or anywhere else.

Exit status as the other commands: 0, 1 when the target refused or could not be reached, 2
for bad usage or configuration (a target whose client cannot read orders included).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from .core import orders as O
from .core.errors import ConfigError
from .core.files import load_config
from .targets import TARGETS, build_target, target_class

DEFAULT_DAYS = 7
_LINES_SHOWN = 3  # lines of one order shown in the table; the rest are counted


def add_parser(commands: Any) -> None:
    """The ``orders`` subcommand, on the CLI's subparsers."""
    orders = commands.add_parser("orders", help="print the target's orders changed since a time (reads only)")
    orders.add_argument("--target", required=True, choices=list(TARGETS))
    orders.add_argument("--config", required=True, type=Path, help="TOML file with a table for the target")
    orders.add_argument("--since", type=since_time, metavar="ISO-8601",
                        help=f"orders changed at or after this time, with its offset, e.g. 2026-12-01T08:00Z or "
                             f"2026-12-01T09:00+01:00 (default: {DEFAULT_DAYS} days ago)")
    orders.add_argument("--all", action="store_true",
                        help="also print ignored orders (drafts, pending payment, failed: they hold no stock)")
    orders.add_argument("--json", action="store_true", help="print a JSON array, one object per order")


def since_time(text: str) -> datetime:
    """``--since``: ISO-8601 with an offset, as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 time such as 2026-12-01T08:00:00Z, got {text!r}") from None
    if moment.tzinfo is None:
        example = text.strip() if "T" in text or " " in text.strip() else f"{text.strip()}T00:00"
        raise argparse.ArgumentTypeError(
            f"{text!r} has no offset; add one so the time is not guessed, e.g. {example}Z for UTC "
            f"or {example}+01:00 for UTC+1")
    return moment.astimezone(UTC)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    target = build_target(args.target, load_config(args.config, args.target))
    if not isinstance(target, O.OrderSource):
        raise ConfigError(f"the {args.target} client cannot read orders (yet); "
                          f"targets that can: {', '.join(order_targets()) or 'none'}")
    since = args.since or datetime.now(UTC) - timedelta(days=DEFAULT_DAYS)
    read = latest_versions(target.read_orders(since))
    shown = [order for order in read if args.all or order.state != O.IGNORED]
    if args.json:
        json.dump([order.to_json() for order in shown], out, ensure_ascii=False, indent=1)
        print(file=out)
    else:
        print_table(out, shown, since, left_out=len(read) - len(shown))
    return 0


def latest_versions(orders: Iterable[O.Order]) -> list[O.Order]:
    """Each order once, in its latest version, ordered by ``modified`` (then id). A read may
    yield an order twice (modified while it was read); the newer version counts."""
    latest: dict[str, O.Order] = {}
    for order in orders:
        known = latest.get(order.id)
        if known is None or order.modified >= known.modified:
            latest[order.id] = order
    return sorted(latest.values(), key=lambda order: (order.modified, _id_key(order.id)))


def _id_key(order_id: str) -> tuple[int, int, str]:
    return (0, int(order_id), "") if order_id.isdigit() else (1, 0, order_id)


def order_targets() -> list[str]:
    """The registered targets whose client reads orders."""
    return [name for name in TARGETS if issubclass(target_class(name), O.OrderSource)]


def print_table(out: TextIO, orders: list[O.Order], since: datetime, *, left_out: int = 0) -> None:
    rows = [("modified (UTC)", "number", "state", "status", "customer", "lines")]
    for order in orders:
        rows.append((O.iso_utc(order.modified.replace(microsecond=0)), order.number, order.state, order.status,
                     _customer_text(order.customer), _lines_text(order.lines)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    if orders:
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1], file=out)
    count = f"{len(orders)} order{'' if len(orders) == 1 else 's'}"
    note = f" ({left_out} ignored left out: drafts, pending payment, failed; --all shows them)" if left_out else ""
    print(f"{count} changed since {O.iso_utc(since.replace(microsecond=0))}{note}", file=out)


def _customer_text(customer: O.Customer) -> str:
    who = customer.name or customer.company or customer.email or "-"
    if customer.email and who != customer.email:
        who += f" <{customer.email}>"
    return who


def _lines_text(lines: tuple[O.OrderLine, ...]) -> str:
    parts = [f"{line.quantity_text if line.quantity is None else O.decimal_text(line.quantity)} x "
             f"{line.sku or '(no SKU)'}" for line in lines[:_LINES_SHOWN]]
    if len(lines) > _LINES_SHOWN:
        parts.append(f"+{len(lines) - _LINES_SHOWN} more")
    return ", ".join(parts) or "-"
