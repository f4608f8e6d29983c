"""Customers pushed to Invoice Ninja v5 as clients (``CustomerClient``).

Matching (``App\\Filters\\ClientFilters::email``): ``GET /clients?email=`` keeps the clients
with a contact of exactly that email (MySQL compares it without letter case);
``status=active,archived`` so that an archived client is found and not created again (a
deleted one is gone). The emails are compared here too, so a server that ignored the
filter costs pages (bounded), never a wrong match; of several, the oldest wins.

Creating: ``POST /clients`` with ``name`` (the company, else the person), the address
(``address1``, ``address2``, ``city``, ``state``, ``postal_code``, and ``country_code``
when the country is an ISO 3166 code: the service turns it into its ``country_id``, which
it does not require although the document says so), and one contact with first and last
name, email and phone. The service refuses an invalid email (422), which is the customer's
error. The POST is never repeated blindly: an answer that was lost is followed by looking
the email up before anything is sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..core.customers import Customer, CustomerClient, display_name, email_key, split_name
from ..core.errors import AmbiguousFailure, ProtocolError
from ..core.http import send_once

MAX_CLIENT_PAGES = 20
CLIENT_PAGE_SIZE = 100


class InvoiceNinjaClients(CustomerClient):
    if TYPE_CHECKING:  # provided by InvoiceNinjaTarget, which this class is mixed into
        from ..core.http import TargetSession

        name: ClassVar[str]
        session: TargetSession

        def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                  json: Any = None, count_as: str | None = None) -> Any: ...

    CLIENT_SETTLE_SECONDS = 1.0  # after a lost answer, before the email is looked up

    def find_customer(self, email: str) -> str | None:
        found: list[tuple[int, str]] = []  # (created_at, id)
        for page in range(1, MAX_CLIENT_PAGES + 1):
            body = self._call("GET", "/clients", params={"email": email.strip(), "status": "active,archived",
                                                         "per_page": CLIENT_PAGE_SIZE, "page": page})
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise ProtocolError(self.name, "answered a client list without data[]")
            for client in rows:
                if not isinstance(client, dict) or client.get("is_deleted") or not client.get("id"):
                    continue
                if any(isinstance(c, dict) and email_key(str(c.get("email") or "")) == email_key(email)
                       for c in client.get("contacts") or ()):
                    found.append((int(client.get("created_at") or 0), str(client["id"])))
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if found or not rows or page >= int(pagination.get("total_pages") or 1):
                break
        return min(found)[1] if found else None

    def create_customer(self, customer: Customer) -> str:
        body = client_body(customer)

        def send() -> str:
            with self.session.no_retries():
                answer = self._call("POST", "/clients", json=body)
            client = answer.get("data") if isinstance(answer, dict) else None
            if not isinstance(client, dict) or not client.get("id"):
                raise AmbiguousFailure(self.name, "the client was accepted but the answer does not name it")
            return str(client["id"])

        return send_once(self.name, f"client {customer.email.strip()!r}", send,
                         lambda: self.find_customer(customer.email), attempts=2, settle=self.CLIENT_SETTLE_SECONDS)


def client_body(customer: Customer) -> dict[str, Any]:
    """The ``POST /clients`` body of a customer."""
    first, last = split_name(customer.name or customer.company)
    contact = {"first_name": first, "last_name": last, "email": customer.email.strip()}
    if customer.phone.strip():
        contact["phone"] = customer.phone.strip()
    body: dict[str, Any] = {"name": display_name(customer), "contacts": [contact],
                            "address1": customer.line1.strip(), "address2": customer.line2.strip(),
                            "city": customer.city.strip(), "state": customer.region.strip(),
                            "postal_code": customer.postcode.strip()}
    if customer.phone.strip():
        body["phone"] = customer.phone.strip()
    country = customer.country.strip()
    if country.isalpha() and len(country) in (2, 3):
        body["country_code"] = country.upper()
    return body
