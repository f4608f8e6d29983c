"""Orders in the demo: one order placed on each sandbox as a customer would, read back
through the target's client.

Each sandbox says how it places an order (``SandboxApp.order_call``: its own control call
and body); this module knows no target by name. A target is shown when its client reads
orders (``core.orders.OrderSource``) and its sandbox places them; the others are skipped
without a word, so a target shows up here as soon as both halves exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

import requests

from .core import orders as O
from .core.errors import SyncError
from .core.redact import redact
from .sandbox import sandbox_class

DEMO_SKU = "EL-001"
DEMO_BUYER = {"name": "Ada Demo", "email": "ada@example.com", "company": "Demo Works"}


class NoOrderControl(Exception):
    """The sandbox has no control call to place orders (yet)."""


def can_place_orders(name: str) -> bool:
    return sandbox_class(name).order_call(DEMO_SKU, 1) is not None


def place_order(name: str, url: str, sku: str = DEMO_SKU, quantity: int = 1, *, at: datetime | None = None,
                buyer: Mapping[str, str] = DEMO_BUYER, session: requests.Session | None = None) -> str:
    """Places one order on the sandbox of target ``name`` served at ``url``, as a customer
    would (through its control call); returns the order's id. NoOrderControl when the
    sandbox cannot place orders."""
    call = sandbox_class(name).order_call(sku, quantity, at=at, buyer=buyer)
    if call is None:
        raise NoOrderControl(name)
    response = (session or requests).post(f"{url}/__sandbox__/{call.action}", json=call.body, timeout=10)
    if response.status_code >= 300:
        raise RuntimeError(f"the {name} sandbox refused the order ({response.status_code}): {response.text[:200]}")
    return call.order_id(response.json())


def show_orders(out: TextIO, targets: Mapping[str, tuple[Any, str]]) -> bool:
    """For each target (name -> (client, sandbox URL)) that can: one order placed, read back
    through the client and shown on one line. False when a placed order was not read back."""
    readers = {name: pair for name, pair in targets.items() if isinstance(pair[0], O.OrderSource)}
    heading, all_read = False, True
    for name, (client, url) in readers.items():
        since = datetime.now(UTC) - timedelta(minutes=1)
        try:
            order_id = place_order(name, url)
        except NoOrderControl:
            continue
        except (RuntimeError, KeyError, ValueError, requests.RequestException) as exc:
            order_id, placing_failed = "", f"the order could not be placed: {exc}"
        else:
            placing_failed = ""
        if not heading:
            print(f"\n== an order of 1 x {DEMO_SKU} placed on each sandbox, read back through the client", file=out)
            heading = True
        if placing_failed:
            print(f"  {name:<13} NOT placed: {placing_failed}", file=out)
            all_read = False
            continue
        try:
            found = [order for order in client.read_orders(since) if order.id == order_id]
        except SyncError as exc:
            found, problem = [], redact(exc)
        else:
            problem = f"order {order_id} was placed but not read back"
        if not found:
            print(f"  {name:<13} NOT read back: {problem}", file=out)
            all_read = False
            continue
        order = found[-1]
        lines = ", ".join(f"{O.decimal_text(line.quantity) if line.quantity is not None else line.quantity_text}"
                          f" x {line.sku}" for line in order.lines)
        print(f"  {name:<13} order {order.number} ({order.state}, {order.status}) {lines} for "
              f"{order.customer.name or order.customer.company or order.customer.email}, "
              f"modified {O.iso_utc(order.modified)}", file=out)
    return all_read
