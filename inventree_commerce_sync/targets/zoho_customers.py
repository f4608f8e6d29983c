"""Customers pushed to Zoho Inventory as contacts (``CustomerClient``).

Matching: ``GET /contacts?email=`` (documented: the email of a contact person, exactly;
``email_contains`` is the loose variant) with ``filter_by=Status.All``, so that an inactive
customer is found too and not created again; only customers count (a vendor with the same
email is another record). The list shows each contact's primary person's email: where that
is the email looked for, that contact is the match; otherwise the details of the first few
customers the filter found (``GET /contacts/{id}``) are read, and one of them matches when
one of its contact persons has the email: a server that ignored the filter thus never
links the customer to someone else.

Creating: ``POST /contacts`` with ``contact_type`` customer, ``contact_name`` (the company,
else the person: Zoho refuses a name another contact has, and that refusal is the
customer's error), ``company_name``, the billing and shipping address, and one primary
contact person with the name, email and phone. The POST is never repeated blindly: an
answer that was lost is followed by looking the email up before anything is sent again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from ..core.customers import Customer, CustomerClient, display_name, email_key, split_name
from ..core.errors import AmbiguousFailure, AuthenticationError, ProtocolError
from ..core.http import send_once
from ..core.ratelimit import RateLimitWait, wait_out_rate_limit
from .zoho_catalogue import with_scopes

SCOPES_HINT = "pushing customers needs the scopes ZohoInventory.contacts.READ and ZohoInventory.contacts.CREATE"
MAX_CONTACT_PAGES = 5  # 1,000 contacts sharing one email: the search stops there
MAX_DETAIL_READS = 5  # contacts read in full to find the email on a person who is not the primary one


class ZohoContacts(CustomerClient):
    if TYPE_CHECKING:  # provided by ZohoTarget, which this class is mixed into
        from ..core.http import TargetSession
        from .zoho_api import ZohoApi

        name: ClassVar[str]
        session: TargetSession
        api: ZohoApi
        RATE_LIMIT_WAIT: RateLimitWait

    CONTACT_SETTLE_SECONDS = 2.0  # after a lost answer, before the email is looked up

    def find_customer(self, email: str) -> str | None:
        try:
            return self._contact_with_email(email)
        except AuthenticationError as exc:
            raise with_scopes(exc, SCOPES_HINT) from None

    def _contact_with_email(self, email: str) -> str | None:
        others: list[str] = []  # customers the filter found whose primary person has another email
        for contacts in self.api.pages("contacts", "contacts", {"email": email.strip(), "filter_by": "Status.All"},
                                       max_pages=MAX_CONTACT_PAGES):
            for contact in contacts:
                if str(contact.get("contact_type") or "customer") != "customer" or not contact.get("contact_id"):
                    continue
                if email_key(str(contact.get("email") or "")) == email_key(email):
                    return str(contact["contact_id"])
                others.append(str(contact["contact_id"]))
        for contact_id in others[:MAX_DETAIL_READS]:
            detail = self.api.call("GET", f"contacts/{quote(contact_id, safe='')}").get("contact") or {}
            if any(email_key(str(p.get("email") or "")) == email_key(email) for p in detail.get("contact_persons") or ()):
                return contact_id
        return None

    def create_customer(self, customer: Customer) -> str:
        body = contact_body(customer)

        def send() -> str:
            with self.session.no_retries():
                response = wait_out_rate_limit(self.name, lambda: self.api.send("POST", "contacts", json_body=body),
                                               self.RATE_LIMIT_WAIT, sleep=lambda seconds: time.sleep(seconds))
            try:
                answer = self.api.checked(response)
            except ProtocolError as exc:
                if 200 <= response.status_code < 300:
                    raise AmbiguousFailure(self.name, exc.reason, status=exc.status) from None
                raise
            contact = answer.get("contact")
            if not isinstance(contact, dict) or not contact.get("contact_id"):
                raise AmbiguousFailure(self.name, "the contact was accepted but the answer does not name it")
            return str(contact["contact_id"])

        try:
            return send_once(self.name, f"contact {customer.email.strip()!r}", send,
                             lambda: self._contact_with_email(customer.email), attempts=2,
                             settle=self.CONTACT_SETTLE_SECONDS)
        except AuthenticationError as exc:
            raise with_scopes(exc, SCOPES_HINT) from None


def contact_body(customer: Customer) -> dict[str, Any]:
    """The ``POST /contacts`` body of a customer."""
    first, last = split_name(customer.name or customer.company)
    address = {"address": customer.line1.strip(), "street2": customer.line2.strip(), "city": customer.city.strip(),
               "state": customer.region.strip(), "zip": customer.postcode.strip(), "country": customer.country.strip()}
    person = {"first_name": first, "last_name": last, "email": customer.email.strip(), "is_primary_contact": True}
    if customer.phone.strip():
        person["phone"] = customer.phone.strip()
    body: dict[str, Any] = {"contact_name": display_name(customer), "contact_type": "customer",
                            "billing_address": address, "shipping_address": dict(address), "contact_persons": [person]}
    if customer.company.strip():
        body["company_name"] = customer.company.strip()
    return body

