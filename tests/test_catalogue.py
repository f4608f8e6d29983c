"""The catalogue's pure core: the plan (create once, update only what differs, the ledger
rule), bad drafts refused per SKU, and publish's dry run writing nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest

from inventree_commerce_sync.core import catalogue as C
from inventree_commerce_sync.core.catalogue import Product, ProductDraft, PublishResult


class MemoryCatalogue(C.CatalogueClient):
    """A target's catalogue in memory, counting the writes."""

    unkept_fields = {"variable": ("price",), "variation": ("name",)}

    def __init__(self, products: Sequence[Product] = ()):
        self.products = {p.sku: p for p in products}
        self.creates: list[list[str]] = []
        self.updates: list[list[tuple[str, tuple[str, ...]]]] = []
        self.refuse: dict[str, str] = {}

    def read_products(self) -> Iterator[Product]:
        yield from self.products.values()

    def create_products(self, drafts):
        self.creates.append([d.sku for d in drafts])
        results = {}
        for draft in drafts:
            if draft.sku in self.refuse:
                results[draft.sku] = PublishResult.failed(draft.sku, self.refuse[draft.sku])
                continue
            self.products[draft.sku] = Product(draft.sku, draft.name, "simple", f"id-{draft.sku}", C.parse_price(draft.price),
                                               draft.quantity, draft.quantity is not None, draft.description)
            results[draft.sku] = PublishResult(draft.sku, C.CREATED, remote_id=f"id-{draft.sku}")
        return results

    def update_products(self, changes):
        self.updates.append([(p.sku, fields) for p, _d, fields in changes])
        results = {}
        for product, draft, fields in changes:
            values = {"name": draft.name, "description": draft.description, "price": C.parse_price(draft.price)}
            self.products[product.sku] = Product(**{**product.__dict__, **{f: values[f] for f in fields}})
            results[product.sku] = PublishResult(product.sku, C.UPDATED, remote_id=product.remote_id, fields=fields)
        return results


def product(sku: str, name: str = "Bolt", price: str | None = "9.90", description: str = "", kind: str = "simple"):
    return Product(sku, name, kind, f"id-{sku}", None if price is None else Decimal(price), description=description)


def draft(sku: str, name: str = "Bolt", price: object = "9.90", description: str = "", **kw) -> ProductDraft:
    return ProductDraft(sku, name, description, None if price is None else price, **kw)  # type: ignore[arg-type]


def run(client: MemoryCatalogue, drafts, published=None, **kw) -> dict[str, str]:
    return {r.sku: r.outcome for r in C.publish(client, drafts, published=published or {}, **kw)}


def test_missing_products_are_created_once_and_a_second_publish_writes_nothing():
    client = MemoryCatalogue([product("A")])
    drafts = [draft("A"), draft("B", "Nut", "1.5"), draft("C", "Washer", "0.10")]
    first = C.publish(client, drafts, published={})
    assert {r.sku: r.outcome for r in first} == {"A": "unchanged", "B": "created", "C": "created"}
    assert client.creates == [["B", "C"]]
    ledger = C.ledger_after(drafts, first)
    assert ledger["B"] == {"name": "Nut", "price": "1.5"}
    assert run(client, drafts, ledger) == {"A": "unchanged", "B": "unchanged", "C": "unchanged"}
    assert client.creates == [["B", "C"]] and client.updates == []


def test_only_the_fields_that_differ_are_updated():
    client = MemoryCatalogue([product("A", "Bolt", "9.90", "M3"), product("B", "Nut", "2")])
    outcomes = run(client, [draft("A", "Bolt M3", "9.9", "M3"), draft("B", "Nut", "2.50")])
    assert outcomes == {"A": "updated", "B": "updated"}
    assert client.updates == [[("A", ("name",)), ("B", ("price",))]]  # 9.9 == 9.90: price not written


def test_prices_compare_as_numbers_and_empty_values_are_left_alone():
    client = MemoryCatalogue([product("A", "Bolt", "10.00", "a long description")])
    assert run(client, [draft("A", "Bolt", "10", "")]) == {"A": "unchanged"}
    assert run(client, [draft("A", "Bolt", None, "")]) == {"A": "unchanged"}
    assert client.updates == []


def test_a_field_changed_on_the_shop_is_kept_while_inventree_still_has_what_it_published():
    client = MemoryCatalogue([product("A", "Bolt (shop's own words)", "12")])
    published = {"A": {"name": "Bolt", "price": "9.90"}}
    # InvenTree's name is what it published: the admin's new name on the shop stays. Its price changed: written.
    plan = C.plan_publish([draft("A", "Bolt", "11")], {"A": client.products["A"]}, published)
    assert [(p.sku, fields) for p, _d, fields in plan.update] == [("A", ("price",))]
    # Nothing changed in InvenTree: the shop keeps both.
    assert run(client, [draft("A", "Bolt", "9.90")], published) == {"A": "unchanged"}
    # InvenTree's name changed too: InvenTree's wins.
    assert run(client, [draft("A", "Bolt M3", "9.90")], published) == {"A": "updated"}
    assert client.products["A"].name == "Bolt M3"


def test_without_a_ledger_entry_inventree_s_values_are_written():
    client = MemoryCatalogue([product("A", "Shop name", "1")])
    assert run(client, [draft("A", "Bolt", "9.90")], {"B": {"name": "x"}}) == {"A": "updated"}
    assert client.updates == [[("A", ("name", "price"))]]


def test_dry_run_writes_nothing_and_says_what_it_would_do():
    client = MemoryCatalogue([product("A", "Old name")])
    results = C.publish(client, [draft("A"), draft("B")], published={}, dry_run=True)
    assert [(r.sku, r.outcome, r.fields) for r in results] == [
        ("A", "would_update", ("name",)), ("B", "would_create", ("name", "price"))]
    assert client.creates == [] and client.updates == []
    assert client.products["A"].name == "Old name" and "B" not in client.products


@pytest.mark.parametrize(("bad", "message"), [
    (draft(""), "SKU is empty"),
    (draft("   "), "SKU is empty"),
    (draft("X", price="-1"), "price: -1 is negative"),
    (draft("X", price="abc"), "price: 'abc' is not a number"),
    (draft("X", price="NaN"), "is not a finite number"),
    (draft("X", price=True), "is not a number"),
    (draft("X", name=""), "name is empty"),
    (draft(" X"), "begins or ends with a space"),
    (draft("X\tY"), "control character"),
])
def test_bad_drafts_are_refused_per_sku_and_the_others_published(bad, message):
    client = MemoryCatalogue()
    results = C.publish(client, [bad, draft("GOOD")], published={})
    assert [r.outcome for r in results] == ["failed", "created"]
    assert message in (results[0].error or "")
    assert client.creates == [["GOOD"]]
    assert results[0].to_json() == {"sku": bad.sku, "outcome": "failed", "error": results[0].error}


def test_a_draft_s_source_names_where_to_fix_it():
    results = C.publish(MemoryCatalogue(), [draft("X", price="1,50", source="line 3")], published={})
    assert results[0].error == "line 3: price: '1,50' is not a number (write it as 12.50)"


def test_a_sku_given_twice_is_published_once_and_the_second_refused():
    client = MemoryCatalogue()
    results = C.publish(client, [draft("A"), draft("A", "Other")], published={})
    assert [r.outcome for r in results] == ["created", "failed"]
    assert "given twice" in (results[1].error or "")
    assert client.products["A"].name == "Bolt"


def test_a_sku_the_target_holds_in_other_letter_case_is_skipped_not_created_again():
    client = MemoryCatalogue([product("bolt-1")])
    results = C.publish(client, [draft("BOLT-1")], published={})
    assert results[0].outcome == "skipped" and "'bolt-1'" in (results[0].error or "")
    assert client.creates == []


def test_a_sku_several_products_hold_is_skipped():
    class Twice(MemoryCatalogue):
        def read_products(self):
            yield product("A")
            yield Product("A", "Bolt", "simple", "id-A2", Decimal("1"))

    client = Twice()
    results = C.publish(client, [draft("A", "New")], published={})
    assert results[0].outcome == "skipped" and "ids id-A, id-A2" in (results[0].error or "")
    assert client.updates == []


def test_a_refusal_by_the_target_is_that_sku_s_failure_and_stays_out_of_the_ledger():
    client = MemoryCatalogue()
    client.refuse["B"] = "A product with this SKU already exists (product_invalid_sku)"
    drafts = [draft("A"), draft("B")]
    results = C.publish(client, drafts, published={})
    assert [(r.outcome, r.error) for r in results] == [
        ("created", None), ("failed", "A product with this SKU already exists (product_invalid_sku)")]
    assert set(C.ledger_after(drafts, results)) == {"A"}


def test_fields_the_target_does_not_keep_for_a_kind_are_not_compared():
    client = MemoryCatalogue([product("V", price=None, kind="variable"), product("V-1", "Red", kind="variation")])
    assert run(client, [draft("V", price="5"), draft("V-1", "Bolt, red")]) == {"V": "unchanged", "V-1": "unchanged"}
    assert run(client, [draft("V-1", "Bolt, red", "12")]) == {"V-1": "updated"}
    assert client.updates == [[("V-1", ("price",))]]


def test_a_client_that_answers_no_result_for_a_sku_makes_it_failed():
    class Forgetful(MemoryCatalogue):
        def create_products(self, drafts):
            return {}

    results = C.publish(Forgetful(), [draft("A")], published={})
    assert results[0].outcome == "failed" and "no result" in (results[0].error or "")


def test_product_json_has_decimal_strings():
    p = Product("A", "Bolt", "variation", "7", Decimal("9.90"), Decimal("3"), True, parent_sku="P")
    assert p.to_json() == {"sku": "A", "name": "Bolt", "kind": "variation", "price": "9.9", "quantity": "3",
                           "managed": True, "remote_id": "7", "parent_sku": "P"}
    assert Product("B", "x", "simple", "8").to_json()["price"] is None


def test_parse_price():
    assert C.parse_price(" 12.50 ") == Decimal("12.50")
    assert C.parse_price("") is None and C.parse_price(None) is None
    with pytest.raises(ValueError, match="negative"):
        C.parse_price("-0.01")
