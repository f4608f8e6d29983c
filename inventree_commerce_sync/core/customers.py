"""Customers pushed to an invoicing system: matched by email, created only when missing.

A customer is ``core.orders.Customer`` (the buyer an order names; InvenTree's customer
companies are mapped onto it by the InvenTree layer): ``name`` is the contact person,
``company`` the company (either may be empty, not both), ``email`` is what the target's
customer is found by. ``CustomerClient`` is the mixin each target's customer client
implements (``find_customer`` by email, ``create_customer``); ``push_customers`` decides,
per customer, without duplicating anything:

* a customer whose email the ledger (``pushed``: email -> remote id) knows costs nothing;
* else the target is asked for a customer with that email, and one found is *matched*
  (linked, left as it is: the target's own record wins);
* only when none is found is one created. A client makes sure a create whose answer was
  lost is looked up by email before it is sent again (``http.send_once``).

Emails are compared without letter case and surrounding spaces (``email_key``), as both
targets' databases compare them. Pure code: no Django, no network.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import AuthenticationError, TargetError
from .orders import Customer

__all__ = ["Customer", "CustomerClient", "CustomerResult", "customer_problem", "email_key", "push_customers",
           "split_name"]

CREATED, MATCHED, UNCHANGED, FAILED, WOULD_CREATE = "created", "matched", "unchanged", "failed", "would_create"
OUTCOMES = (CREATED, MATCHED, UNCHANGED, FAILED, WOULD_CREATE)
# Outcomes after which the ledger should remember the customer's remote id.
LINKED = (CREATED, MATCHED, UNCHANGED)

# What both targets' validators accept as an address (Laravel's and Zoho's are stricter in
# corners, and say so in their refusal, which is then the customer's error).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_NAME_LENGTH = 100  # Zoho's contact names and contact persons' names; Invoice Ninja allows more


@dataclass(frozen=True)
class CustomerResult:
    """What became of one customer, by its email as given."""

    email: str
    outcome: str
    remote_id: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"email": self.email, "outcome": self.outcome, "remote_id": self.remote_id, "error": self.error}


class CustomerClient(ABC):
    """The mixin a target's customer client implements."""

    @abstractmethod
    def find_customer(self, email: str) -> str | None:
        """The remote id of the target's customer with a contact of this email (any letter
        case), or None. Several: the oldest."""

    @abstractmethod
    def create_customer(self, customer: Customer) -> str:
        """Create the customer with its contact and address; its remote id. A refusal is a
        TargetError naming what the target objects to; a create whose answer was lost is
        looked up by email before it is sent again."""


def email_key(email: str) -> str:
    return email.strip().casefold()


def display_name(customer: Customer) -> str:
    """The name of the target's customer record: the company, else the person."""
    return (customer.company or customer.name).strip()


def split_name(name: str) -> tuple[str, str]:
    """(first name, last name) of a person's name: the last word is the last name."""
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    return " ".join(words[:-1]), words[-1]


def customer_problem(customer: Customer) -> str | None:
    """What makes a customer unpushable (the text of its FAILED result), or None."""
    email = customer.email.strip()
    if not email:
        return "no email: a customer is matched by email, so one without cannot be pushed; add the email"
    if not _EMAIL.match(email):
        return f"email {email!r} is not an email address"
    if not display_name(customer):
        return f"{email}: neither a name nor a company; give the customer a name"
    for what, value in (("name", customer.name), ("company", customer.company)):
        if len(value.strip()) > MAX_NAME_LENGTH:
            return f"{email}: the {what} is {len(value.strip())} characters long; {MAX_NAME_LENGTH} at most"
    return None


def push_customers(client: CustomerClient, customers: Sequence[Customer], *, pushed: Mapping[str, str],
                   dry_run: bool = False) -> list[CustomerResult]:
    """One result per customer, in their order. ``pushed`` (email -> remote id, as
    ``email_key`` spells emails) is the ledger of what was pushed before; ``dry_run`` asks
    the target (reads only) and creates nothing. The same email twice is pushed once.
    An AuthenticationError stops the push (every further customer would be refused too)."""
    known = {email_key(email): remote_id for email, remote_id in pushed.items()}
    done: dict[str, CustomerResult] = {}
    results: list[CustomerResult] = []
    for customer in customers:
        email = customer.email.strip()
        problem = customer_problem(customer)
        if problem is not None:
            results.append(CustomerResult(email, FAILED, error=problem))
            continue
        key = email_key(email)
        if key in done:
            first = done[key]
            # Created a moment ago: in step now. Anything else (matched, failed, would be created) holds for both.
            results.append(CustomerResult(email, UNCHANGED if first.outcome == CREATED else first.outcome,
                                          first.remote_id, first.error))
            continue
        if key in known:
            result = CustomerResult(email, UNCHANGED, known[key])
        else:
            result = _push_one(client, customer, email, dry_run)
        done[key] = result
        results.append(result)
    return results


def _push_one(client: CustomerClient, customer: Customer, email: str, dry_run: bool) -> CustomerResult:
    try:
        found = client.find_customer(email)
        if found is not None:
            return CustomerResult(email, MATCHED, found)
        if dry_run:
            return CustomerResult(email, WOULD_CREATE)
        return CustomerResult(email, CREATED, client.create_customer(customer))
    except AuthenticationError:
        raise
    except TargetError as exc:
        return CustomerResult(email, FAILED, error=str(exc))


def ledger_after(results: Sequence[CustomerResult]) -> dict[str, str]:
    """email -> remote id of every customer the target now holds, for the ledger."""
    return {email_key(r.email): r.remote_id for r in results if r.outcome in LINKED and r.remote_id}
