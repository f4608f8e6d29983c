"""What telling a shop about a shipment came to (issue 10 item 4), whatever the shop.

A client's ``ship_order`` returns a ``ShipOutcome``; the importer's status shows its
``message``. Pure data: no Django, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SHIPPED = "shipped"            # the shop now has the shipment (created by this call)
ALREADY_SHIPPED = "already"    # the shop already had it (a repeated event): nothing was sent
NOTHING_TO_DO = "nothing"      # the shop has no shipments to tell (its stock moved at the sale)
OUTCOMES = (SHIPPED, ALREADY_SHIPPED, NOTHING_TO_DO)


@dataclass(frozen=True)
class ShipOutcome:
    order_id: str
    outcome: str
    message: str
    remote_ids: tuple[str, ...] = field(default=())  # the shop's ids of what now records the shipment

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)} (got {self.outcome!r})")

    def to_json(self) -> dict[str, object]:
        return {"order_id": self.order_id, "outcome": self.outcome, "message": self.message,
                "remote_ids": list(self.remote_ids)}
