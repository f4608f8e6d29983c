"""Customers pushed as Invoice Ninja clients and Zoho contacts: matched by email, never
duplicated, refusals per customer, dry-run, write safety."""

from __future__ import annotations

import json

import pytest

from inventree_commerce_sync.core import customers
from inventree_commerce_sync.core.customers import Customer, push_customers
from inventree_commerce_sync.core.errors import AuthenticationError, TargetError
from inventree_commerce_sync.sandbox.invoiceninja import InvoiceNinjaSandbox
from inventree_commerce_sync.sandbox.zoho import ZohoSandbox
from inventree_commerce_sync.sandbox.zoho_accounts import SCOPE_CONTACTS_CREATE
from inventree_commerce_sync.targets.invoiceninja import InvoiceNinjaTarget
from inventree_commerce_sync.targets.zoho import ZohoTarget

ADA = Customer(name="Ada Lovelace", email="ada@example.com", company="Analytical Engines Ltd", phone="+44 20 1234",
               line1="12 St James's Square", line2="Floor 2", postcode="SW1Y 4JH", city="London", region="",
               country="GB")
BOB = Customer(name="Bob Marley", email="bob@example.org", line1="56 Hope Road", city="Kingston", country="Jamaica")


@pytest.fixture(autouse=True)
def no_cached_tokens():
    ZohoTarget.forget_tokens()
    yield
    ZohoTarget.forget_tokens()


def ninja(serve):
    app = InvoiceNinjaSandbox()
    app.faults.hang_seconds = 0.2
    server = serve(app)
    target = InvoiceNinjaTarget(InvoiceNinjaSandbox.client_settings(server.url))
    target.sleep = lambda seconds: None
    target.CLIENT_SETTLE_SECONDS = 0
    return app, app.catalogue.clients, target


def zoho(serve):
    app = ZohoSandbox(rate_limit=None)
    app.faults.hang_seconds = 0.2
    server = serve(app)
    target = ZohoTarget(ZohoSandbox.client_settings(server.url), rate_limit=100_000)
    target.CONTACT_SETTLE_SECONDS = 0
    return app, app.catalogue.contacts, target


def posts(app) -> int:
    return sum(1 for r in app.requests if r.method == "POST" and r.route in ("clients.create", "contacts.create"))


@pytest.fixture(params=["invoiceninja", "zoho"])
def target_of(request, serve):
    return lambda: (ninja if request.param == "invoiceninja" else zoho)(serve)


# -- the pure part --------------------------------------------------------------------------


def test_customers_without_a_usable_email_or_name_fail_with_what_to_fix():
    assert "add the email" in customers.customer_problem(Customer(name="No Mail"))
    assert "not an email address" in customers.customer_problem(Customer(name="X", email="x@"))
    assert "give the customer a name" in customers.customer_problem(Customer(email="a@b.co"))
    assert customers.customer_problem(ADA) is None
    assert customers.split_name("Ada King Lovelace") == ("Ada King", "Lovelace")
    assert customers.split_name("Cher") == ("Cher", "")


# -- against both sandboxes --------------------------------------------------------------------


def test_a_customer_is_created_once_then_known_by_the_ledger(target_of):
    app, records, target = target_of()
    first = push_customers(target, [ADA, BOB], pushed={})
    assert [r.outcome for r in first] == [customers.CREATED, customers.CREATED]
    assert len(records) == 2 and all(r.remote_id in records for r in first)
    app.reset_counters()
    second = push_customers(target, [ADA, BOB], pushed=customers.ledger_after(first))
    assert [r.outcome for r in second] == [customers.UNCHANGED] * 2
    assert len(app.requests) == 0 and len(records) == 2


def test_a_customer_the_target_has_by_email_is_matched_not_duplicated(target_of):
    app, records, target = target_of()
    [created] = push_customers(target, [ADA], pushed={})
    # Without the ledger (another InvenTree, a lost ledger), and with the email in other letter case:
    again = push_customers(target, [Customer(name="Ada L.", email=" ADA@Example.com ")], pushed={})
    assert again[0].outcome == customers.MATCHED and again[0].remote_id == created.remote_id
    assert len(records) == 1 and posts(app) == 1


def test_the_same_email_twice_in_one_push_is_pushed_once(target_of):
    app, records, target = target_of()
    results = push_customers(target, [BOB, Customer(name="Robert", email="BOB@example.org")], pushed={})
    assert [r.outcome for r in results] == [customers.CREATED, customers.UNCHANGED]
    assert results[0].remote_id == results[1].remote_id and len(records) == 1


def test_dry_run_creates_nothing_but_matches(target_of):
    app, records, target = target_of()
    push_customers(target, [ADA], pushed={})
    results = push_customers(target, [ADA, BOB, BOB], pushed={}, dry_run=True)
    assert [r.outcome for r in results] == [customers.MATCHED, customers.WOULD_CREATE, customers.WOULD_CREATE]
    assert len(records) == 1 and posts(app) == 1


@pytest.mark.parametrize("fault", ["timeout_after_apply", "reset_after_apply"])
def test_a_create_whose_answer_is_lost_is_looked_up_never_duplicated(target_of, fault):
    app, records, target = target_of()
    app.faults.queue("clients.create" if app.name == "invoiceninja" else "contacts.create", fault)
    results = push_customers(target, [ADA, BOB], pushed={})
    assert [r.outcome for r in results] == [customers.CREATED, customers.CREATED]
    assert len(records) == 2 and posts(app) == 2 and results[0].remote_id in records


def test_invalid_customers_fail_alone_without_a_request(target_of):
    app, records, target = target_of()
    results = push_customers(target, [Customer(name="No Mail"), BOB], pushed={})
    assert [r.outcome for r in results] == [customers.FAILED, customers.CREATED]
    assert posts(app) == 1


# -- what each target holds ---------------------------------------------------------------------


def test_invoice_ninja_client_has_the_contact_and_address(serve):
    app, clients, target = ninja(serve)
    [ada, bob] = push_customers(target, [ADA, BOB], pushed={})
    client = clients[ada.remote_id]
    assert (client["name"], client["address1"], client["address2"], client["city"], client["postal_code"],
            client["country_id"]) == ("Analytical Engines Ltd", "12 St James's Square", "Floor 2", "London",
                                      "SW1Y 4JH", "826")
    [contact] = client["contacts"]
    assert (contact["first_name"], contact["last_name"], contact["email"], contact["phone"]) == (
        "Ada", "Lovelace", "ada@example.com", "+44 20 1234")
    assert clients[bob.remote_id]["country_id"] == ""  # a country name, not an ISO code, is not sent
    body = json.loads(next(r.body for r in app.requests if r.route == "clients.create"))
    assert body["country_code"] == "GB" and "country_code" not in json.loads(
        [r.body for r in app.requests if r.route == "clients.create"][1])


def test_an_archived_invoice_ninja_client_is_matched_a_deleted_one_is_not(serve):
    app, clients, target = ninja(serve)
    [ada, bob] = push_customers(target, [ADA, BOB], pushed={})
    clients[ada.remote_id]["archived_at"] = 1700000000
    clients[bob.remote_id]["is_deleted"] = True
    results = push_customers(target, [ADA, BOB], pushed={})
    assert [r.outcome for r in results] == [customers.MATCHED, customers.CREATED]
    assert results[0].remote_id == ada.remote_id and len(clients) == 3


def test_zoho_contact_is_a_customer_with_its_person_and_addresses(serve):
    app, contacts, target = zoho(serve)
    [ada] = push_customers(target, [ADA], pushed={})
    contact = contacts[ada.remote_id]
    assert (contact["contact_name"], contact["company_name"], contact["contact_type"]) == (
        "Analytical Engines Ltd", "Analytical Engines Ltd", "customer")
    assert contact["billing_address"] == contact["shipping_address"] == {
        "attention": "", "address": "12 St James's Square", "street2": "Floor 2", "city": "London", "state": "",
        "zip": "SW1Y 4JH", "country": "GB"}
    [person] = contact["contact_persons"]
    assert (person["first_name"], person["last_name"], person["email"], person["is_primary_contact"]) == (
        "Ada", "Lovelace", "ada@example.com", True)


def test_zoho_finds_the_email_on_a_contact_person_who_is_not_the_primary_one(serve):
    app, contacts, target = zoho(serve)
    [ada] = push_customers(target, [ADA], pushed={})
    contacts[ada.remote_id]["contact_persons"].insert(0, {
        "contact_person_id": "1", "first_name": "Charles", "last_name": "Babbage", "email": "cb@example.com",
        "phone": "", "mobile": "", "is_primary_contact": True})
    contacts[ada.remote_id]["contact_persons"][1]["is_primary_contact"] = False
    results = push_customers(target, [ADA], pushed={})
    assert results[0].outcome == customers.MATCHED and results[0].remote_id == ada.remote_id
    assert len(contacts) == 1


def test_zoho_vendors_are_not_customers(serve):
    app, contacts, target = zoho(serve)
    [ada] = push_customers(target, [ADA], pushed={})
    contacts[ada.remote_id].update(contact_type="vendor", contact_name="Analytical Engines (supplier)")
    results = push_customers(target, [ADA], pushed={})
    assert results[0].outcome == customers.CREATED and len(contacts) == 2


def test_zoho_refuses_a_contact_name_in_use_for_that_customer_only(serve):
    app, contacts, target = zoho(serve)
    push_customers(target, [ADA], pushed={})
    twin = Customer(name="Someone Else", email="else@example.com", company="Analytical Engines Ltd")
    results = push_customers(target, [twin, BOB], pushed={})
    assert results[0].outcome == customers.FAILED and "already exists" in results[0].error
    assert results[1].outcome == customers.CREATED and len(contacts) == 2


def test_zoho_token_without_the_contacts_scope_stops_with_the_scopes_named(serve):
    app, contacts, target = zoho(serve)
    app.scopes = app.scopes - {SCOPE_CONTACTS_CREATE}
    with pytest.raises(AuthenticationError, match="ZohoInventory.contacts.CREATE"):
        push_customers(target, [ADA, BOB], pushed={})
    assert contacts == {}


def test_invoice_ninja_refusal_of_an_email_is_that_customers_error(serve):
    app, clients, target = ninja(serve)
    with pytest.raises(TargetError, match=r"contacts.0.email must be a valid email address"):
        target.create_customer(Customer(name="Odd", email="odd@@example.com"))
    assert clients == {}
