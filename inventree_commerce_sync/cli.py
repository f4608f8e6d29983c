"""The command line: ``demo`` (the default), ``push``, ``check``, ``orders`` (in ``cli_orders``),
``products`` and ``publish`` (in ``cli_catalogue``) and ``sandbox``.

Exit status: 0 when nothing failed, 1 when a SKU failed or the target refused or could
not be reached, 2 for bad usage, configuration or input (the message names what to fix).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, cli_catalogue, cli_orders
from .core.engine import Report, Result, SyncEngine
from .core.errors import ConfigError, InputError, TargetError
from .core.files import load_config, load_levels
from .core.ledger import LedgerBusy, LedgerError, SqliteLedger, locked
from .core.redact import redact
from .targets import TARGETS, build_target

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # what a shell shows for a process ended by SIGPIPE
DEFAULT_WAIT = 10.0  # seconds a push waits for another push on the same ledger


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``push --json | head``): what was done is done and recorded;
        # stop printing, and keep the interpreter from failing again when it flushes stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    command = args.command or "demo"
    try:
        if command == "demo":
            from .demo import run_demo
            return run_demo(out=sys.stdout)
        if command == "push":
            return _push(args)
        if command == "check":
            return _check(args)
        if command == "orders":
            return cli_orders.run(args)
        if command in ("products", "publish"):
            return cli_catalogue.run(args)
        if command == "sandbox":
            return _sandbox(args)
    except (ConfigError, InputError) as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except TargetError as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {command!r}")
    return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inventree-commerce-sync",
        description="Push absolute stock levels to Magento 2, WooCommerce, Zoho Inventory and Invoice Ninja. "
        "Without a command, runs the demo against the bundled sandboxes.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request (secrets are masked)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="sync a sample catalogue to the four bundled sandboxes (no account needed)")

    push = commands.add_parser("push", help="push levels from a CSV file (sku,quantity) to one target")
    push.add_argument("--target", required=True, choices=list(TARGETS))
    push.add_argument("--config", required=True, type=Path, help="TOML file with a table for the target")
    push.add_argument("--levels", required=True, type=Path, help="UTF-8 CSV file with the header sku,quantity")
    push.add_argument("--dry-run", action="store_true", help="resolve and compare, write nothing")
    push.add_argument("--force", action="store_true", help="write every level, even those the ledger says are current")
    push.add_argument("--json", action="store_true", help="print the report as a JSON array, one object per SKU")
    push.add_argument("--ledger", type=Path,
                      help="SQLite ledger file, for one account only (default: one per target and account in the user data dir)")
    push.add_argument("--wait", type=_seconds, default=DEFAULT_WAIT, metavar="SECONDS",
                      help=f"how long to wait for another push using the same ledger (default {DEFAULT_WAIT:g})")

    check = commands.add_parser("check", help="test the connection and credentials; writes nothing")
    check.add_argument("--target", required=True, choices=list(TARGETS))
    check.add_argument("--config", required=True, type=Path)

    cli_orders.add_parser(commands)
    cli_catalogue.add_parsers(commands)

    sandbox = commands.add_parser("sandbox", help="run one sandbox server in the foreground")
    sandbox.add_argument("target", choices=list(TARGETS))
    sandbox.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    sandbox.add_argument("--seed", type=Path, help="catalogue JSON file (default: the demo catalogue)")
    return parser


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise argparse.ArgumentTypeError(f"expected a number of seconds from 0 to 86400, got {text!r}")
    return seconds


def _push(args: argparse.Namespace) -> int:
    target = build_target(args.target, load_config(args.config, args.target))
    levels = load_levels(args.levels, max_sku_length=target.max_sku_length)
    account = target.account_key()
    path = args.ledger or default_ledger_path(args.target, account)
    name = "--ledger " if args.ledger else "ledger "
    try:
        ledger = SqliteLedger(path)
    except LedgerError as exc:
        raise InputError(f"{name}{exc}") from None
    try:
        with locked(path, wait=args.wait, on_wait=lambda: print(
                f"{name}{path}: another push is running with it; waiting up to {args.wait:g} s", file=sys.stderr)):
            ledger.claim_account(args.target, account)
            engine = SyncEngine(target, ledger, dry_run=args.dry_run, progress=_progress_printer(len(levels))
                                if sys.stderr.isatty() and not args.json else None)
            report = engine.sync(levels, force=args.force)
    except LedgerBusy as exc:
        raise InputError(f"{name}{exc}; try again when it has finished, or give --wait more seconds") from None
    except LedgerError as exc:
        raise InputError(f"{name}{exc}") from None
    finally:
        ledger.close()
    position = {level.sku: index for index, level in enumerate(levels)}
    report.results.sort(key=lambda result: position.get(result.sku, len(position)))  # the file's order
    if args.json:
        json.dump([r.as_dict() for r in report.results], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        _print_report(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    target = build_target(args.target, load_config(args.config, args.target))
    result = target.check()
    print(f"{result.target} at {result.url}: {'OK' if result.ok else 'NOT OK'}")
    for line in result.details:
        print(f"  - {line}")
    return EXIT_OK if result.ok else EXIT_FAILED


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import SandboxServer, catalogue, sandbox_class

    cls = sandbox_class(args.target)
    app = cls()
    try:
        app.seed(catalogue.load(args.seed))
    except (OSError, ValueError) as exc:
        raise InputError(f"--seed: {exc}") from None
    server = SandboxServer(app, port=args.port)
    print(f"{args.target} sandbox listening on {server.url} (Ctrl-C to stop)")
    print(f"settings for it, as a TOML table:\n[{args.target}]")
    for key, value in cls.client_settings(server.url).items():
        print(f"{key} = {json.dumps(value)}")
    sys.stdout.flush()
    server.serve_forever()
    return EXIT_OK


def default_ledger_path(target: str, account: dict) -> Path:
    """One ledger per target and account (``Target.account_key()``), in the user's data directory."""
    from platformdirs import user_data_path

    identity = json.dumps([target, account], sort_keys=True)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    return user_data_path("inventree-commerce-sync") / f"ledger-{target}-{digest}.sqlite3"


def _progress_printer(total: int):
    def show(target: str, done: int) -> None:
        print(f"\r{target}: {done}/{total} SKUs", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _print_report(report: Report) -> None:
    for result in report.results:
        if result.outcome in (Result.FAILED, Result.NOT_FOUND, Result.SKIPPED):
            print(f"  {result.outcome.value:<10} {result.sku}: {result.error}")
    prefix = "dry run, " if report.dry_run else ""
    print(f"{prefix}{report.summary()} ({sum(report.requests.values())} requests, {report.seconds:.2f} s)")


if __name__ == "__main__":
    raise SystemExit(main())
