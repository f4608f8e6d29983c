"""A first sync to Zoho Inventory under its rate limit (100 requests per minute).

    python -m bench.zoho_ratelimit                     # 10,000 SKUs, the real one-minute window
    python -m bench.zoho_ratelimit --skus 500 --window 3

The sandbox enforces ``--limit`` requests per ``--window`` seconds per organisation and
answers 429 beyond; the client keeps under it with its own limiter (scaled to the same
window). Done when no 429 reaches the report and every level is exact.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.sandbox import SandboxServer, catalogue
from inventree_commerce_sync.sandbox.zoho import ZohoSandbox
from inventree_commerce_sync.targets.zoho import ZohoTarget

from .harness import table


def run(skus: int, *, limit: int = 100, window: float = 60.0) -> dict:
    products = catalogue.generate(skus, seed=5)["products"]
    app = ZohoSandbox(rate_limit=limit, rate_window=window)
    app.seed({"products": products})
    with SandboxServer(app) as server:
        client_limit = ZohoTarget.RATE_LIMIT * limit // 100  # the client's share of the sandbox's limit
        target = ZohoTarget(ZohoSandbox.client_settings(server.url), rate_limit=client_limit, rate_window=window)
        levels = [StockLevel(p["sku"], Decimal(p["quantity"] + 7)) for p in products]
        started = time.monotonic()
        report = SyncEngine(target, MemoryLedger(), keep_results=False).sync(levels)
        seconds = time.monotonic() - started
        stock = app.stock()
    managed = [p for p in products if p.get("manage_stock", True)]
    wrong = sum(1 for p in managed if stock.get(p["sku"]) != Decimal(p["quantity"] + 7))
    return {"SKUs": skus, "limit": f"{limit}/{window:g}s", "reads": app.reads, "writes": app.writes,
            "adjustments": len(app.adjustments),
            "token grants": app.count("auth.token"),
            "429 answered": app.rate_limited_count, "pushed": report.counts[Result.PUSHED],
            "failed": report.counts[Result.FAILED], "wrong levels": wrong, "seconds": f"{seconds:.1f}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--window", type=float, default=60.0)
    args = parser.parse_args(argv)
    row = run(args.skus, limit=args.limit, window=args.window)
    print(table([row], list(row)))
    return 0 if row["failed"] == 0 and row["wrong levels"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
