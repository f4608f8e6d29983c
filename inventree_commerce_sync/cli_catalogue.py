"""The ``products`` and ``publish`` commands: a target's catalogue, and products published to it.

``products --target T --config FILE [--json]`` lists every product of the target, variations
included (``sku``, ``name``, ``kind``, ``price``, ``quantity``, ``managed``), as a table or
with ``--json`` a JSON array of ``Product.to_json()`` objects. Writes nothing.

``publish --target T --config FILE --products FILE.csv [--dry-run] [--json]`` reads a UTF-8
CSV file with the header ``sku,name,description,price``, creates the products the target
lacks and updates name, description and price where they differ (``core.catalogue``); an
empty description or price leaves the target's alone. What was published is kept in the
same ledger file as ``push`` keeps its levels (one per target and account, or ``--ledger``),
so a second run writes nothing, and a field changed on the shop is kept until its value in
the file changes. ``--json`` prints a JSON array, one object per SKU (``sku``, ``outcome``,
``error``). Nothing is ever deleted on a target.

Exit status as ``push``: 0 when nothing failed, 1 when a SKU failed or the target refused or
could not be reached, 2 for bad usage, configuration or input (a target whose client has no
catalogue included).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from .core import catalogue as C
from .core.errors import ConfigError, InputError
from .core.files import load_config, load_products
from .core.ledger import SYNCED, LedgerBusy, LedgerEntry, LedgerError, SqliteLedger, locked
from .targets import TARGETS, build_target, target_class

EXIT_OK, EXIT_FAILED = 0, 1
DEFAULT_WAIT = 10.0
LEDGER_SUFFIX = "/catalogue"  # the ledger's target key for what was published (beside the levels)


def add_parsers(commands: Any) -> None:
    """The ``products`` and ``publish`` subcommands, on the CLI's subparsers."""
    from .cli import _seconds

    products = commands.add_parser("products", help="list the target's products, variations included (reads only)")
    products.add_argument("--target", required=True, choices=list(TARGETS))
    products.add_argument("--config", required=True, type=Path, help="TOML file with a table for the target")
    products.add_argument("--json", action="store_true", help="print a JSON array, one object per product")

    publish = commands.add_parser("publish", help="create missing products and update name, description and price "
                                                  "from a CSV file (sku,name,description,price); never deletes")
    publish.add_argument("--target", required=True, choices=list(TARGETS))
    publish.add_argument("--config", required=True, type=Path, help="TOML file with a table for the target")
    publish.add_argument("--products", required=True, type=Path,
                         help="UTF-8 CSV file with the header sku,name,description,price")
    publish.add_argument("--dry-run", action="store_true", help="read and compare, write nothing")
    publish.add_argument("--json", action="store_true", help="print a JSON array, one object per SKU")
    publish.add_argument("--ledger", type=Path,
                         help="SQLite ledger file, for one account only (default: the one push uses for the account)")
    publish.add_argument("--wait", type=_seconds, default=DEFAULT_WAIT, metavar="SECONDS",
                         help=f"how long to wait for another run using the same ledger (default {DEFAULT_WAIT:g})")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    return run_products(args, out) if args.command == "products" else run_publish(args, out)


def catalogue_targets() -> list[str]:
    """The registered targets whose client implements the catalogue."""
    return [name for name in TARGETS if issubclass(target_class(name), C.CatalogueClient)]


def _client(args: argparse.Namespace) -> Any:
    target = build_target(args.target, load_config(args.config, args.target))
    if not isinstance(target, C.CatalogueClient):
        raise ConfigError(f"the {args.target} client cannot read or publish products (yet); "
                          f"targets that can: {', '.join(catalogue_targets()) or 'none'}")
    return target


def run_products(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    products = list(_client(args).read_products())
    if args.json:
        json.dump([p.to_json() for p in products], out, ensure_ascii=False, indent=1)
        print(file=out)
        return EXIT_OK
    rows = [("sku", "name", "kind", "price", "quantity", "managed")]
    rows += [(p.sku, p.name, p.kind + (f" of {p.parent_sku}" if p.parent_sku else ""), C.decimal_text(p.price) or "-",
              C.decimal_text(p.quantity) or "-", "yes" if p.managed else "no") for p in products]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    if products:
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
    print(f"{len(products)} product{'' if len(products) == 1 else 's'}", file=out)
    return EXIT_OK


def run_publish(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from .cli import default_ledger_path

    out = out or sys.stdout
    client = _client(args)
    drafts = load_products(args.products)
    account = client.account_key()
    path = args.ledger or default_ledger_path(args.target, account)
    name = "--ledger " if args.ledger else "ledger "
    key = args.target + LEDGER_SUFFIX
    started = time.monotonic()
    before = client.session.counter.total
    try:
        ledger = SqliteLedger(path)
    except LedgerError as exc:
        raise InputError(f"{name}{exc}") from None
    try:
        with locked(path, wait=args.wait, on_wait=lambda: print(
                f"{name}{path}: another run is using it; waiting up to {args.wait:g} s", file=sys.stderr)):
            ledger.claim_account(key, account)
            known = ledger.get_many(key, [d.sku for d in drafts if d.sku])
            published = {sku: dict(e.remote_data) for sku, e in known.items() if e.status == SYNCED and e.remote_data}
            results = C.publish(client, drafts, published=published, dry_run=args.dry_run,
                                max_sku_length=client.max_sku_length)
            if not args.dry_run:
                now = time.time()
                remote = {r.sku: r.remote_id for r in results}
                ledger.put_many(key, [LedgerEntry(sku, SYNCED, remote_id=remote.get(sku) or None, remote_data=values,
                                                  last_attempt=now, last_success=now)
                                      for sku, values in C.ledger_after(drafts, results).items()])
    except LedgerBusy as exc:
        raise InputError(f"{name}{exc}; try again when it has finished, or give --wait more seconds") from None
    except LedgerError as exc:
        raise InputError(f"{name}{exc}") from None
    finally:
        ledger.close()
    if args.json:
        json.dump([r.to_json() for r in results], out, ensure_ascii=False, indent=1)
        print(file=out)
    else:
        _print_results(out, results, dry_run=args.dry_run, requests=client.session.counter.total - before,
                       seconds=time.monotonic() - started, target=args.target)
    return EXIT_FAILED if any(r.outcome == C.FAILED for r in results) else EXIT_OK


def _print_results(out: TextIO, results: list[C.PublishResult], *, dry_run: bool, requests: int, seconds: float,
                   target: str) -> None:
    for result in results:
        if result.outcome in (C.FAILED, C.SKIPPED) or result.error:
            print(f"  {result.outcome:<10} {result.sku or '(no SKU)'}: {result.error}", file=out)
        elif result.outcome in (C.WOULD_CREATE, C.WOULD_UPDATE, C.UPDATED) and result.fields:
            print(f"  {result.outcome:<10} {result.sku}: {', '.join(result.fields)}", file=out)
    counts = Counter(r.outcome for r in results)
    summary = ", ".join(f"{counts[o]} {o.replace('_', ' ')}" for o in C.OUTCOMES if counts[o]) or "nothing to do"
    print(f"{'dry run, ' if dry_run else ''}{target}: {summary} ({requests} requests, {seconds:.2f} s)", file=out)
