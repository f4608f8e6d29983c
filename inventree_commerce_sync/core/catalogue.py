"""The catalogue: products as a target holds them, what InvenTree wants there, and the plan
that turns the one into the other.

``CatalogueClient`` is the face each target's ``targets/<t>_catalogue.py`` implements (read
every product, create, update named fields); ``plan_publish`` decides, without a request,
which SKUs to create, which to update (and which fields), and which are unchanged or refused;
``publish`` reads, plans and writes. Nothing is ever deleted on a target.

What was last published (``published``, the ledger: SKU -> field -> text) settles a field
that differs on the shop: when InvenTree's value is still the one it published, an admin
changed the shop on purpose and the shop keeps it; when InvenTree's value changed too (or
nothing was ever published for the SKU), InvenTree's is written.

Pure code: no Django, no network.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from .values import collate_sku

FIELDS = ("name", "description", "price")  # what publish keeps in step after creation
CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED, WOULD_CREATE, WOULD_UPDATE = (
    "created", "updated", "unchanged", "skipped", "failed", "would_create", "would_update")
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED, WOULD_CREATE, WOULD_UPDATE)
# Outcomes after which the draft's values are what the target holds (or chose to keep).
IN_STEP = (CREATED, UPDATED, UNCHANGED)

MAX_PRICE = Decimal("1000000000")
MAX_SKU_LENGTH = 255


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal as plain text without exponent or trailing zeros (``9.9``, ``10``); None stays None."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Product:
    """One product (or variation) as the target holds it."""

    sku: str
    name: str
    kind: str  # the target's own word: "simple", "variable", "variation", "configurable", "goods", ...
    remote_id: str
    price: Decimal | None = None  # the target's sale price, in its currency
    quantity: Decimal | None = None  # None when the target does not manage its stock
    managed: bool = False
    description: str = ""
    parent_sku: str | None = None  # a variation's parent

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "kind": self.kind, "price": decimal_text(self.price),
                "quantity": decimal_text(self.quantity), "managed": self.managed, "remote_id": self.remote_id,
                "parent_sku": self.parent_sku}


@dataclass(frozen=True)
class ProductDraft:
    """What InvenTree (or a CSV line) wants on the target. An empty ``description`` and a
    ``price`` of None are left alone on an existing product."""

    sku: str
    name: str
    description: str = ""
    price: Decimal | None = None
    quantity: Decimal | None = None  # stock to give a new product (None: leave stock alone)
    parent_sku: str | None = None  # a variation of a variable product (WooCommerce)
    attributes: Mapping[str, str] = field(default_factory=dict)
    source: str = ""  # where it came from ("line 4", "part 12"), for messages only

    def values(self) -> dict[str, str]:
        """The fields this draft sets, as the ledger keeps them (text)."""
        values = {"name": self.name.strip()}
        if self.description.strip():
            values["description"] = self.description.strip()
        if self.price is not None:
            values["price"] = decimal_text(parse_price(self.price)) or ""
        return values


@dataclass(frozen=True)
class PublishResult:
    """What became of one SKU. ``fields``: those written (or that would be)."""

    sku: str
    outcome: str
    error: str | None = None
    remote_id: str | None = None
    fields: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "outcome": self.outcome, "error": self.error}

    @classmethod
    def failed(cls, sku: str, error: str) -> PublishResult:
        return cls(sku, FAILED, error)


Change = tuple[Product, ProductDraft, tuple[str, ...]]  # the product, what it should be, the fields to write


class CatalogueClient(ABC):
    """The mixin each target's catalogue client implements (``targets/<t>_catalogue.py``)."""

    # Kind -> the FIELDS the target does not keep for products of that kind (a variable
    # parent's price, a variation's name): those are neither compared nor written.
    unkept_fields: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    @abstractmethod
    def read_products(self) -> Iterator[Product]:
        """Every product, variations included; bounded pagination at the largest page size."""

    @abstractmethod
    def create_products(self, drafts: Sequence[ProductDraft]) -> dict[str, PublishResult]:
        """Each draft created (in bulk where the API allows it), its result by SKU. A refusal
        of one SKU is that SKU's FAILED result; AuthenticationError is raised."""

    @abstractmethod
    def update_products(self, changes: Sequence[Change]) -> dict[str, PublishResult]:
        """Only the named fields of each product written (bulk where possible), results by SKU."""


@dataclass(frozen=True)
class PublishPlan:
    create: tuple[ProductDraft, ...] = ()
    update: tuple[Change, ...] = ()
    unchanged: tuple[PublishResult, ...] = ()
    refused: tuple[PublishResult, ...] = ()  # bad drafts (FAILED) and SKUs not to touch (SKIPPED)
    # One per draft, in the drafts' order: its result when the plan settles it (unchanged,
    # refused), None for one to create or update.
    verdicts: tuple[PublishResult | None, ...] = ()

    @property
    def writes(self) -> int:
        """SKUs a publish would write."""
        return len(self.create) + len(self.update)


def parse_price(value: object, *, where: str = "price") -> Decimal | None:
    """A price as a finite, non-negative Decimal; empty is None (no price). A ValueError
    names ``where`` and what is wrong."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        raise ValueError(f"{where}: {value!r} is not a number")
    try:
        price = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where}: {str(value).strip()!r} is not a number (write it as 12.50)") from None
    if not price.is_finite():
        raise ValueError(f"{where}: {value!s} is not a finite number")
    if price < 0:
        raise ValueError(f"{where}: {value!s} is negative")
    if price > MAX_PRICE:
        raise ValueError(f"{where}: {value!s} is larger than {MAX_PRICE}")
    return price


def draft_problem(draft: ProductDraft, *, max_sku_length: int = MAX_SKU_LENGTH) -> str | None:
    """What makes a draft unpublishable (the text of its FAILED result), or None."""
    where = f"{draft.source}: " if draft.source else ""
    sku = draft.sku if isinstance(draft.sku, str) else ""
    if not sku.strip():
        return f"{where}SKU is empty"
    if sku != sku.strip():
        return f"{where}SKU {sku!r} begins or ends with a space"
    if any(ord(ch) < 32 for ch in sku):
        return f"{where}SKU {sku!r} contains a control character"
    if len(sku) > max_sku_length:
        return f"{where}SKU is {len(sku)} characters long; the target allows {max_sku_length}"
    if not isinstance(draft.name, str) or not draft.name.strip():
        return f"{where}name is empty; give the product a name"
    try:
        parse_price(draft.price)
    except ValueError as exc:
        return f"{where}{exc}"
    if draft.parent_sku is not None and draft.parent_sku == draft.sku:
        return f"{where}parent SKU is the SKU itself"
    return None


def plan_publish(drafts: Sequence[ProductDraft], existing: Mapping[str, Product],
                 published: Mapping[str, Mapping[str, str]], *, skip: Mapping[str, str] | None = None,
                 unkept_fields: Mapping[str, tuple[str, ...]] | None = None, max_sku_length: int = MAX_SKU_LENGTH) -> PublishPlan:
    """Which SKUs to create, which to update (and which fields), which are unchanged, which
    refused. ``skip``: SKUs the target holds in a way that must not be touched, with the
    reason (held by several products); ``existing`` is keyed by the target's exact SKU."""
    skip = skip or {}
    by_collated: dict[str, str] = {}
    for sku in existing:
        by_collated.setdefault(collate_sku(sku), sku)
    create: list[ProductDraft] = []
    update: list[Change] = []
    unchanged: list[PublishResult] = []
    refused: list[PublishResult] = []
    verdicts: list[PublishResult | None] = []
    seen: set[str] = set()
    for draft in drafts:
        verdict = _refusal(draft, seen, skip, existing, by_collated, max_sku_length)
        if verdict is not None:
            refused.append(verdict)
        elif draft.sku not in existing:
            create.append(draft)
        else:
            product = existing[draft.sku]
            fields = fields_to_write(product, draft, published.get(draft.sku), unkept=(unkept_fields or {}).get(product.kind, ()))
            if fields:
                update.append((product, draft, fields))
            else:
                verdict = PublishResult(draft.sku, UNCHANGED, remote_id=product.remote_id)
                unchanged.append(verdict)
        verdicts.append(verdict)
    return PublishPlan(tuple(create), tuple(update), tuple(unchanged), tuple(refused), tuple(verdicts))


def _refusal(draft: ProductDraft, seen: set[str], skip: Mapping[str, str], existing: Mapping[str, Product],
             by_collated: Mapping[str, str], max_sku_length: int) -> PublishResult | None:
    """The FAILED or SKIPPED result of a draft that is not to be written, or None."""
    problem = draft_problem(draft, max_sku_length=max_sku_length)
    if problem is None and draft.sku in seen:
        problem = f"{draft.source + ': ' if draft.source else ''}SKU {draft.sku!r} is given twice; give each SKU once"
    if problem is not None:
        return PublishResult.failed(str(draft.sku or ""), problem)
    seen.add(draft.sku)
    if draft.sku in skip:
        return PublishResult(draft.sku, SKIPPED, skip[draft.sku])
    actual = by_collated.get(collate_sku(draft.sku))
    if draft.sku not in existing and actual is not None:
        what = "letter case" if actual.casefold() == draft.sku.casefold() else "letter case or accents"
        return PublishResult(draft.sku, SKIPPED, f"the target's SKU is {actual!r}, which differs in {what}; "
                             "make them identical", existing[actual].remote_id)
    return None


def fields_to_write(product: Product, draft: ProductDraft, published: Mapping[str, str] | None, *,
                    unkept: Sequence[str] = ()) -> tuple[str, ...]:
    """The fields of ``draft`` that differ on the target and are InvenTree's to set: those
    whose value in InvenTree is not the one last published (an admin's edit on the shop of a
    field InvenTree did not change since is kept)."""
    wanted = {name: value for name, value in draft.values().items() if name not in unkept}
    last = published or {}
    return tuple(name for name in FIELDS
                 if name in wanted and not same(name, wanted[name], current_value(product, name))
                 and not (name in last and same(name, last[name], wanted[name])))


def current_value(product: Product, name: str) -> str | None:
    if name == "price":
        return decimal_text(product.price)
    return str(getattr(product, name) or "").strip()


def same(name: str, a: str | None, b: str | None) -> bool:
    """Whether two texts of field ``name`` mean the same value (prices as numbers)."""
    if name == "price":
        if a is None or b is None:
            return a is b
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return (a or "").strip() == (b or "").strip()


def index_products(products: Iterable[Product]) -> tuple[dict[str, Product], dict[str, str]]:
    """Products by SKU, and the SKUs several products hold (SKU -> why they are skipped);
    products without a SKU are left out."""
    by_sku: dict[str, Product] = {}
    ids: dict[str, list[str]] = {}
    for product in products:
        if not product.sku:
            continue
        by_sku.setdefault(product.sku, product)
        ids.setdefault(product.sku, []).append(product.remote_id)
    several = {sku: f"{len(found)} products on the target have this SKU (ids {', '.join(found)}); "
                    "give all but one another SKU there" for sku, found in ids.items() if len(found) > 1}
    return by_sku, several


def publish(client: CatalogueClient, drafts: Sequence[ProductDraft], *, published: Mapping[str, Mapping[str, str]],
            dry_run: bool = False, max_sku_length: int = MAX_SKU_LENGTH) -> list[PublishResult]:
    """Reads the target's products, plans, and writes (nothing when ``dry_run``): one result
    per draft, in the drafts' order."""
    existing, several = index_products(client.read_products())
    plan = plan_publish(drafts, existing, published, skip=several, unkept_fields=client.unkept_fields,
                        max_sku_length=max_sku_length)
    results: dict[str, PublishResult] = {}
    if dry_run:
        results.update((d.sku, PublishResult(d.sku, WOULD_CREATE, fields=tuple(d.values()))) for d in plan.create)
        results.update((d.sku, PublishResult(d.sku, WOULD_UPDATE, remote_id=p.remote_id, fields=f))
                       for p, d, f in plan.update)
    else:
        if plan.create:
            results.update(client.create_products(plan.create))
        if plan.update:
            results.update(client.update_products(plan.update))
    for draft in plan.create:
        results.setdefault(draft.sku, PublishResult.failed(draft.sku, "the target's answer has no result for this SKU"))
    for _product, draft, _fields in plan.update:
        results.setdefault(draft.sku, PublishResult.failed(draft.sku, "the target's answer has no result for this SKU"))
    return [verdict or results[draft.sku] for draft, verdict in zip(drafts, plan.verdicts, strict=True)]


def ledger_after(drafts: Iterable[ProductDraft], results: Iterable[PublishResult]) -> dict[str, dict[str, str]]:
    """What the ledger should hold after a publish: the values of every draft whose result
    says the target is in step with it (created, updated, unchanged). Others keep their entry."""
    in_step = {result.sku for result in results if result.outcome in IN_STEP}
    return {draft.sku: draft.values() for draft in drafts if draft.sku in in_step}
