"""Invoice Ninja's product writes, a few at a time, against the sandbox and its faults.

The API has no batch stock write, so a push of many products is one PUT each; the client
sends ``WRITE_THREADS`` of them at once. What a user notices: every product gets its level,
a product that fails is reported alone, a rate limit is waited out, and the requests stay
bounded (one per product, plus one per injected fault).
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError, TargetUnavailable
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import Change
from inventree_commerce_sync.sandbox.faults import ERROR, RESET_AFTER_APPLY, TIMEOUT_AFTER_APPLY, RateLimiter
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.targets import build_target
from inventree_commerce_sync.targets.invoiceninja import WRITE_THREADS

PRODUCTS = 120


class InFlight:
    """Wraps the sandbox's dispatch: counts the PUTs being answered at once, each taking
    ``seconds`` (outside the sandbox's lock, like a real server's request time)."""

    def __init__(self, app: InvoiceNinjaSandbox, seconds: float = 0.02):
        self.now = self.peak = 0
        self._lock = threading.Lock()
        original = app.dispatch

        def dispatch(request):
            if request.method != "PUT":
                return original(request)
            with self._lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            try:
                time.sleep(seconds)
                return original(request)
            finally:
                with self._lock:
                    self.now -= 1

        app.dispatch = dispatch  # type: ignore[method-assign]


def shop(serve, count: int = PRODUCTS):
    app = InvoiceNinjaSandbox()
    app.seed({"products": [{"sku": f"IN-{n:03d}", "quantity": 1, "default_quantity": 3} for n in range(count)]})
    server = serve(app)
    target = build_target("invoiceninja", InvoiceNinjaSandbox.client_settings(server.url))
    wanted = {f"IN-{n:03d}": Decimal(10 + n % 7) for n in range(count)}
    return app, target, wanted


def changes_for(target, wanted: dict[str, Decimal]) -> list[Change]:
    remotes = target.resolve(list(wanted))
    return [Change(sku, remotes[sku], quantity) for sku, quantity in wanted.items()]


def test_a_push_of_many_products_writes_each_once_with_a_few_puts_at_a_time(serve):
    app, target, wanted = shop(serve)
    in_flight = InFlight(app)

    report = SyncEngine(target, MemoryLedger()).sync([StockLevel(sku, q) for sku, q in wanted.items()])

    assert report.counts[Result.PUSHED] == PRODUCTS and report.failed == 0
    assert app.stock() == wanted
    assert app.count("products.update") == PRODUCTS
    assert 1 < in_flight.peak <= WRITE_THREADS
    for product in app.products.values():
        assert product["quantity"] == 3  # the default line quantity went back with every PUT


def test_lost_answers_and_errors_are_sent_again_once_each_and_every_product_ends_right(serve):
    app, target, wanted = shop(serve)
    app.faults.hang_seconds = 0.1
    # at most three faults in all, so that no product can meet more than its three retries
    app.faults.queue("products.update", ERROR, 1)
    app.faults.queue("products.update", TIMEOUT_AFTER_APPLY, 1)
    app.faults.queue("products.update", RESET_AFTER_APPLY, 1)
    changes = changes_for(target, wanted)

    outcomes = target.write(changes)

    assert all(o.ok for o in outcomes.values())
    assert app.stock() == wanted
    assert app.count("products.update") == PRODUCTS + 3  # each fault cost one PUT more
    assert target.session.counter.retries == 3


def test_a_product_that_keeps_failing_is_reported_alone_and_tried_a_bounded_number_of_times(serve):
    app, target, wanted = shop(serve)
    changes = changes_for(target, wanted)
    broken = changes[17]
    (deleted,) = app.with_key(changes[40].sku)
    original = app.dispatch

    def dispatch(request):
        if request.method == "PUT" and broken.remote.remote_id in request.path:
            with app.lock:
                app.counters["PUT products.update"] += 1
            return app.error(500, "Server Error"), None, None
        return original(request)

    app.dispatch = dispatch
    deleted["is_deleted"] = True  # deleted on the service after it was looked up

    outcomes = target.write(changes)

    failed = {sku: o.error for sku, o in outcomes.items() if not o.ok}
    assert set(failed) == {broken.sku, changes[40].sku}
    assert "HTTP 500" in failed[broken.sku]
    assert "HTTP 400" in failed[changes[40].sku]
    right = {sku: q for sku, q in wanted.items() if sku not in failed}
    assert {sku: q for sku, q in app.stock().items() if sku in right} == right
    assert app.count("products.update") == PRODUCTS + 3  # the 500 was sent 4 times, every other PUT once


def test_a_rate_limit_is_waited_out_and_every_product_arrives(serve):
    app, target, wanted = shop(serve, 60)
    app.rate_limiter = RateLimiter(25, window=1.0)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the client's 10 s steps, shortened to the sandbox's 1 s window
        waits.append(seconds)
        time.sleep(0.3)

    target.sleep = sleep
    changes = changes_for(target, wanted)

    outcomes = target.write(changes)

    assert all(o.ok for o in outcomes.values()), {s: o.error for s, o in outcomes.items() if not o.ok}
    assert app.stock() == wanted
    refused = app.count("products.update") - len(wanted)
    assert refused > 0  # the limit was met ...
    assert refused == target.session.counter.retries + len(waits)  # ... and each refusal cost one resend


def test_a_refused_token_stops_the_writes_after_those_in_flight(serve):
    app, target, wanted = shop(serve)
    changes = changes_for(target, wanted)
    app.token = "revoked"

    with pytest.raises(AuthenticationError):
        target.write(changes)

    assert 1 <= app.count("products.update") <= WRITE_THREADS
    assert all(p["in_stock_quantity"] == 1 for p in app.products.values())


def test_an_unreachable_service_stops_the_push_without_a_request_per_product(serve):
    app, target, wanted = shop(serve)
    ledger = MemoryLedger()
    changes = changes_for(target, wanted)
    server_url = target.api
    target.api = "http://127.0.0.1:9/api/v1"  # nothing listens there

    with pytest.raises(TargetUnavailable, match="cannot connect"):
        target.write(changes)
    assert target.session.counter.writes <= WRITE_THREADS

    target.api = server_url
    report = SyncEngine(target, ledger).sync([StockLevel(sku, q) for sku, q in wanted.items()])
    assert report.failed == 0 and app.stock() == wanted
