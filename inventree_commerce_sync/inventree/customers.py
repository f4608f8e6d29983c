"""Customers (issue 12), on InvenTree's side.

``record_buyer``: when an order is imported, its customer company gets the buyer as a
contact (name, email, phone) and the order's address -- a contact matched by email (any
letter case) and an address matched by its fields are never added twice.

``push_companies``: with "Push customers" on (off by default; Invoice Ninja and Zoho only),
InvenTree's customer companies that have an email (their own, else their first contact's)
are pushed as the target's clients / contacts through ``core.customers.push_customers``
(matched by email on the target, created only when missing). What was pushed is kept in
the company's metadata (``commerce_sync_customers.<target>``: email and remote id), so a
company costs a request only once; a dry run (the plugin's Dry run) asks the target and
creates nothing. Run with the reconciliation.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from ..core import customers as K
from ..core.errors import AuthenticationError, ConfigError, TargetError
from ..core.orders import Customer
from ..core.redact import get_logger, redact

log = get_logger(__name__)

PUSHED_KEY = "commerce_sync_customers"
ADDRESS_FIELDS = (("line1", "line1", 50), ("line2", "line2", 50), ("postal_code", "postcode", 10),
                  ("postal_city", "city", 50), ("province", "region", 50), ("country", "country", 50))


def record_buyer(company, buyer: Customer, title: str = "Shop address") -> None:
    """The buyer's contact and address on ``company``, each added only when missing."""
    from company.models import Address, Contact

    email = buyer.email.strip()
    if email and not Contact.objects.filter(company=company, email__iexact=email).exists():
        Contact.objects.create(company=company, name=(buyer.name.strip() or email)[:100], email=email,
                               phone=buyer.phone.strip()[:100])
    address = {field: str(getattr(buyer, attribute) or "").strip()[:length]
               for field, attribute, length in ADDRESS_FIELDS}
    if not (address["line1"] or address["postal_city"]):
        return
    same = {f"{field}__iexact": value for field, value in address.items()}
    if not Address.objects.filter(company=company, **same).exists():
        Address.objects.create(company=company, title=title[:100], **address)


def company_customer(company, contact=None, address=None) -> Customer:
    """An InvenTree customer company as core's Customer (the person: its first contact)."""
    email = (company.email or "").strip() or (contact.email.strip() if contact is not None else "")
    values: dict[str, Any] = {"name": contact.name if contact is not None else "", "email": email,
                              "company": company.name, "phone": company.phone or ""}
    if address is not None:
        values.update({attribute: getattr(address, field) or "" for field, attribute, _ in ADDRESS_FIELDS})
    return Customer(**values)


def pushed_entry(metadata: object, target: str) -> dict[str, Any] | None:
    if not isinstance(metadata, dict):
        return None
    entry = (metadata.get(PUSHED_KEY) or {}).get(target)
    return dict(entry) if isinstance(entry, dict) and entry.get("remote_id") else None


def push_companies(plugin, *, limit: int = 1000) -> dict[str, int] | None:
    """Push the customer companies not pushed yet (at most ``limit`` a run); the outcome
    counts, or None when the setting is off or the client cannot push customers."""
    from company.models import Address, Company, Contact

    from .catalogue import catalogue_settings
    from .state import update_state

    try:
        if not catalogue_settings(plugin).push_customers:
            return None
        settings = plugin.sync_settings()
        client = plugin.build_target()
    except (ConfigError, TargetError) as exc:
        update_state(plugin, customers_error=redact(exc))
        return None
    if not isinstance(client, K.CustomerClient) or not settings.enabled:
        return None
    target = plugin.TARGET
    # not an exclude(has_key): a company without the block (metadata NULL) would be left out too
    waiting = [pk for pk, metadata in Company.objects.filter(is_customer=True).order_by("pk")
               .values_list("pk", "metadata") if pushed_entry(metadata, target) is None][:limit]
    companies = list(Company.objects.filter(pk__in=waiting).order_by("pk"))
    if not companies:
        return {}
    ids = [c.pk for c in companies]
    contacts: dict[int, Any] = {}
    for contact in Contact.objects.filter(company_id__in=ids).order_by("pk"):
        if contact.company_id not in contacts and contact.email:
            contacts[contact.company_id] = contact
    addresses: dict[int, Any] = {}
    for address in Address.objects.filter(company_id__in=ids).order_by("-primary", "pk"):
        addresses.setdefault(address.company_id, address)
    with_email = [(c, company_customer(c, contacts.get(c.pk), addresses.get(c.pk))) for c in companies]
    with_email = [(c, customer) for c, customer in with_email if customer.email]
    try:
        results = K.push_customers(client, [customer for _, customer in with_email], pushed={},
                                   dry_run=settings.dry_run)
    except AuthenticationError as exc:
        update_state(plugin, customers_error=redact(plugin.describe_error(exc)))
        return None
    now = time.time()
    counts: dict[str, int] = {}
    done = {}
    for (company, _customer), result in zip(with_email, results, strict=True):
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if result.outcome in K.LINKED and result.remote_id:
            done[company.pk] = {"email": result.email, "remote_id": result.remote_id, "outcome": result.outcome,
                                "at": now}
        elif result.outcome == K.FAILED:
            log.warning("%s: customer %s not pushed: %s", target, company.pk, redact(result.error or ""))
    _store(target, done)
    update_state(plugin, customers_error=None, customers_summary={"at": now, **counts})
    return counts


def _store(target: str, entries: dict[int, dict[str, Any]]) -> None:
    from company.models import Company

    if not entries:
        return
    with transaction.atomic():
        rows = list(Company.objects.select_for_update().filter(pk__in=list(entries)).only("pk", "metadata"))
        for company in rows:
            metadata = dict(company.metadata or {})
            block = dict(metadata.get(PUSHED_KEY) or {})
            block[target] = entries[company.pk]
            metadata[PUSHED_KEY] = block
            company.metadata = metadata
        Company.objects.bulk_update(rows, ["metadata"], batch_size=500)
