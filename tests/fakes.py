"""An in-memory target for testing the engine without HTTP."""

from __future__ import annotations

from decimal import Decimal

from inventree_commerce_sync.core.errors import AuthenticationError, TargetError
from inventree_commerce_sync.core.target import OK, BaseTarget, CheckResult, Outcome, Remote


class FakeTarget(BaseTarget):
    name = "fake"
    write_batch = 3
    resolve_batch = 4
    integer_quantities = True
    max_sku_length = 20

    def __init__(self, stock: dict[str, Decimal], *, unmanaged: frozenset[str] | set[str] = frozenset()):
        super().__init__({})
        self.stock = dict(stock)
        self.unmanaged = set(unmanaged)
        self.resolve_calls: list[list[str]] = []
        self.write_calls: list[list[str]] = []
        self.reject: dict[str, str] = {}  # sku -> error message the target gives for it
        self.fail_next_write: TargetError | None = None
        self.refuse_credentials = False

    def start_sync(self) -> None:
        pass

    def resolve(self, skus):
        if self.refuse_credentials:
            raise AuthenticationError(self.name, "credentials refused (HTTP 401); check the token")
        self.resolve_calls.append(list(skus))
        found = {}
        for sku in skus:
            if sku in self.stock:
                reason = "stock is not managed for this product" if sku in self.unmanaged else None
                found[sku] = Remote(sku, f"id-{sku}", "simple", reason)
        return found

    def read(self, remotes):
        return {r.sku: self.stock[r.sku] for r in remotes}

    def write(self, changes):
        self.write_calls.append([c.sku for c in changes])
        if self.fail_next_write is not None:
            error, self.fail_next_write = self.fail_next_write, None
            raise error
        outcomes = {}
        for change in changes:
            if change.sku in self.reject:
                outcomes[change.sku] = Outcome.failed(self.reject[change.sku])
            else:
                self.stock[change.sku] = change.quantity
                outcomes[change.sku] = OK
        return outcomes

    def check(self):
        return CheckResult(self.name, "memory://", True, ["in memory"])
