"""Parts published as products (issue 12): what InvenTree offers is created on the target,
and later changes of name, description and sale price follow.

Which parts: salable, active parts with a SKU (the stock push's rules, ``parts.py``) in the
publish category or any of its subcategories, or flagged in their metadata
(``commerce_sync.publish``, or ``commerce_sync.<target>.publish``). Their draft is the
part's name, description, the sale price break for quantity 1 (converted to the shop's
currency with InvenTree's exchange rates; a part whose price cannot be converted is refused
with a status saying which rate is missing) and, for a new product, the quantity the stock
push would send. On WooCommerce, a variant of a published template is a variation of it.

What was published is kept per part (``Part.metadata["commerce_sync_catalogue"][<target>]``:
the SKU, the published values, the last outcome and error), written with bulk_update of the
metadata column (no save signal, no event). A part whose values equal what was last
published costs nothing: the target is read (``core.catalogue.publish``) only when a part
has something to write. A product that already exists on the target when a part is first
published is adopted as it is (its current values count as published), so switching
publishing on never rewrites a shop's own texts; later changes in InvenTree are written.

Runs inside every push (flush and reconciliation, ``sync.py``), before the stock levels, under
the target's push lock. Nothing is ever deleted on a target.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from ..core import catalogue as C
from ..core.errors import AuthenticationError, TargetError
from ..core.redact import get_logger, redact
from .catalogue_settings import PUBLISH_FLAG, CatalogueSettings, read_catalogue_settings
from .config import METADATA_KEY

log = get_logger(__name__)

CATALOGUE_KEY = "commerce_sync_catalogue"
PK_FILTER_LIMIT = 2000  # more linked parts than this: select candidates without a pk list


def catalogue_settings(plugin) -> CatalogueSettings:
    from .catalogue_settings import CatalogueSettings as S
    from .config import setting_keys

    values = {}
    for key in setting_keys(S):
        value = plugin.get_setting(key)
        values[key] = getattr(value, "pk", value)
    return read_catalogue_settings(values, plugin.TITLE)


def catalogue_entry(metadata: object, target: str, sku: str) -> dict[str, Any] | None:
    """The catalogue ledger entry of a part for ``target``, if recorded for this SKU."""
    if not isinstance(metadata, Mapping):
        return None
    entry = (metadata.get(CATALOGUE_KEY) or {}).get(target)
    if not isinstance(entry, Mapping) or entry.get("sku") != sku:
        return None
    return dict(entry)


def write_catalogue_entries(target: str, entries: Mapping[int, dict[str, Any]]) -> None:
    """Store entries in the metadata of their parts (one locked read, one bulk write)."""
    from part.models import Part

    if not entries:
        return
    with transaction.atomic():
        parts = list(Part.objects.select_for_update().filter(pk__in=list(entries)).only("pk", "metadata"))
        for part in parts:
            metadata = dict(part.metadata or {})
            block = dict(metadata.get(CATALOGUE_KEY) or {})
            block[target] = entries[part.pk]
            metadata[CATALOGUE_KEY] = block
            part.metadata = metadata
        Part.objects.bulk_update(parts, ["metadata"], batch_size=500)


def flagged(metadata: object, target: str) -> bool:
    from ..core.settings import parse_bool

    block = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(block, Mapping):
        return False
    own = block.get(target)
    for value in (block.get(PUBLISH_FLAG), own.get(PUBLISH_FLAG) if isinstance(own, Mapping) else None):
        try:
            if value is not None and parse_bool(value):
                return True
        except ValueError:
            continue
    return False


def candidates(target: str, settings: CatalogueSettings, part_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The rows of the parts among ``part_ids`` that are to be published (two or three queries)."""
    from part.models import Part, PartCategory

    ids = set(part_ids)
    condition = (Q(**{f"metadata__{METADATA_KEY}__{PUBLISH_FLAG}__isnull": False})
                 | Q(**{f"metadata__{METADATA_KEY}__{target}__{PUBLISH_FLAG}__isnull": False}))
    categories: set[int] = set()
    if settings.category_id is not None:
        category = PartCategory.objects.filter(pk=settings.category_id).first()
        if category is not None:
            categories = set(category.get_descendants(include_self=True).values_list("pk", flat=True))
            condition |= Q(category__in=sorted(categories))
    rows = Part.objects.filter(condition, salable=True, active=True)
    if len(ids) <= PK_FILTER_LIMIT:
        rows = rows.filter(pk__in=sorted(ids))
    found = rows.values("pk", "name", "description", "metadata", "category_id", "variant_of_id")
    return [row for row in found if row["pk"] in ids
            and (row["category_id"] in categories or flagged(row["metadata"], target))]


def shop_currency(settings: CatalogueSettings) -> str:
    if settings.currency:
        return settings.currency
    from common.currency import currency_code_default

    return str(currency_code_default())


def sale_prices(part_ids: Iterable[int], currency: str) -> dict[int, Decimal | str]:
    """{part id: its sale price for quantity 1 in ``currency``, or why it cannot be given};
    a part without a sale price break for quantity 1 is left out."""
    from djmoney.contrib.exchange.exceptions import MissingRate
    from djmoney.contrib.exchange.models import convert_money
    from djmoney.money import Money
    from part.models import PartSellPriceBreak

    breaks = (PartSellPriceBreak.objects.filter(part_id__in=list(part_ids), quantity__lte=1, price__isnull=False)
              .order_by("part_id", "quantity").values_list("part_id", "price", "price_currency"))
    chosen: dict[int, tuple[Decimal, str]] = {}
    for part_id, price, price_currency in breaks:
        chosen[part_id] = (price, str(price_currency))  # the largest quantity up to 1 wins
    result: dict[int, Decimal | str] = {}
    for part_id, (price, price_currency) in chosen.items():
        if price_currency == currency:
            result[part_id] = Decimal(price)
            continue
        try:
            converted = convert_money(Money(price, price_currency), currency)
        except MissingRate:
            result[part_id] = (f"not published: the sale price is in {price_currency} and InvenTree has no exchange "
                               f"rate from {price_currency} to {currency} (update the exchange rates, or give the "
                               f"part a sale price in {currency})")
            continue
        result[part_id] = Decimal(converted.amount).quantize(Decimal("0.01"))
    return result


def drafts_for(target: str, rows: list[dict[str, Any]], linked: Mapping[int, str], currency: str,
               quantities: Mapping[int, Decimal]) -> tuple[list[tuple[int, C.ProductDraft]], dict[int, str]]:
    """([(part id, draft)] in part order, {part id: why it is refused})."""
    prices = sale_prices([row["pk"] for row in rows], currency)
    published = {row["pk"] for row in rows}
    drafts: list[tuple[int, C.ProductDraft]] = []
    refused: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r["pk"]):
        pk = row["pk"]
        price = prices.get(pk)
        if isinstance(price, str):
            refused[pk] = price
            continue
        parent = row["variant_of_id"]
        parent_sku = linked.get(parent) if target == "woocommerce" and parent in published else None
        drafts.append((pk, C.ProductDraft(sku=linked[pk], name=row["name"] or "", description=row["description"] or "",
                                          price=price, quantity=quantities.get(pk), parent_sku=parent_sku,
                                          source=f"part {pk}")))
    return drafts, refused


def publish_parts(plugin, target_client, linked: Mapping[int, str], quantities: Mapping[int, Decimal], *,
                  dry_run: bool, metadata_cache: dict[int, Any] | None = None) -> dict[str, int] | None:
    """Publish the candidates among ``linked`` ({part id: SKU}); returns the outcome counts
    (None when publishing is off or the target has no catalogue). A target error is kept
    in the plugin's state (``catalogue_error``) and does not stop the stock push. A product
    created with its stock gets its stock ledger entry (the push that follows writes nothing
    for it), also in ``metadata_cache`` (the push's metadata of the parts) when given."""
    from .state import update_state

    if not isinstance(target_client, C.CatalogueClient) or not linked:
        return None
    try:
        settings = catalogue_settings(plugin)
    except Exception as exc:
        update_state(plugin, catalogue_error=redact(exc))
        return None
    if not settings.publish:
        return None
    target = plugin.TARGET
    rows = candidates(target, settings, linked)
    drafts, refused = drafts_for(target, rows, linked, shop_currency(settings), quantities)
    metadata = {row["pk"]: row["metadata"] for row in rows}
    now = time.time()
    entries: dict[int, dict[str, Any]] = {}
    for pk, error in refused.items():
        previous = catalogue_entry(metadata[pk], target, linked[pk]) or {"sku": linked[pk]}
        if previous.get("outcome") != C.FAILED or previous.get("error") != error:
            entries[pk] = {**previous, "outcome": C.FAILED, "error": error, "at": now}
    due = [(pk, d) for pk, d in drafts if _has_work(catalogue_entry(metadata[pk], target, d.sku), d, dry_run)]
    counts = {C.FAILED: len(refused)} if refused else {}
    if due:
        published = {}
        for pk, draft in due:
            entry = catalogue_entry(metadata[pk], target, draft.sku)
            # never published from here: an existing product is adopted as it is
            published[draft.sku] = (entry or {}).get("published") or draft.values()
        try:
            results = C.publish(target_client, [d for _, d in due], published=published, dry_run=dry_run)
        except (AuthenticationError, TargetError) as exc:
            message = redact(plugin.describe_error(exc))
            update_state(plugin, catalogue_error=message)
            log.warning("%s: publishing products: %s", target, message)
            write_catalogue_entries(target, entries)
            return None
        for (pk, draft), result in zip(due, results, strict=True):
            entries[pk] = _entry_after(catalogue_entry(metadata[pk], target, draft.sku), draft, result, now)
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        _stock_entries(target, due, results, now, metadata_cache)
    write_catalogue_entries(target, entries)
    update_state(plugin, catalogue_error=None, catalogue_summary={"at": now, "parts": len(rows), **counts})
    return counts


def _stock_entries(target: str, due: list[tuple[int, C.ProductDraft]], results: list[C.PublishResult], now: float,
                   metadata_cache: dict[int, Any] | None) -> None:
    """The stock ledger entries of the products just created with their stock (not the
    variable parents of variations, which hold none)."""
    from ..core import ledger as L
    from .ledger import STATUS_KEY, entry_to_json, write_entries

    parents = {d.parent_sku for _, d in due if d.parent_sku}
    created = {pk: L.LedgerEntry(draft.sku, L.SYNCED, quantity=draft.quantity, last_success=now)
               for (pk, draft), result in zip(due, results, strict=True)
               if result.outcome == C.CREATED and draft.quantity is not None and draft.sku not in parents}
    write_entries(target, created)
    if metadata_cache is not None:
        for pk, entry in created.items():
            metadata = dict(metadata_cache.get(pk) or {})
            metadata[STATUS_KEY] = {**(metadata.get(STATUS_KEY) or {}), target: entry_to_json(entry)}
            metadata_cache[pk] = metadata


def _has_work(entry: Mapping[str, Any] | None, draft: C.ProductDraft, dry_run: bool) -> bool:
    """Whether the target must be asked about this draft: its values differ from what was
    published (or, in a dry run, from what the last dry run recorded), or its last attempt failed."""
    if entry is None:
        return True
    values = draft.values()
    if entry.get("outcome") == C.FAILED:
        return True
    if dry_run and entry.get("outcome") in (C.WOULD_CREATE, C.WOULD_UPDATE):
        return entry.get("would") != values
    return entry.get("published") != values


def _entry_after(previous: Mapping[str, Any] | None, draft: C.ProductDraft, result: C.PublishResult,
                 now: float) -> dict[str, Any]:
    entry = dict(previous or {})
    entry.update(sku=draft.sku, outcome=result.outcome, error=result.error, at=now)
    if result.remote_id:
        entry["remote_id"] = result.remote_id
    if result.outcome in C.IN_STEP:
        entry["published"] = draft.values()
        entry.pop("would", None)
    elif result.outcome in (C.WOULD_CREATE, C.WOULD_UPDATE):
        entry["would"] = draft.values()
        entry["fields"] = list(result.fields)
    return entry


def catalogue_status(plugin, part_id: int, sku: str | None) -> dict[str, Any] | None:
    """What was published for one part (the panel and status/?part=)."""
    from part.models import Part

    if not sku:
        return None
    metadata = Part.objects.filter(pk=part_id).values_list("metadata", flat=True).first()
    entry = catalogue_entry(metadata, plugin.TARGET, sku)
    if entry is None:
        return None
    return {k: entry.get(k) for k in ("outcome", "error", "published", "would", "fields", "remote_id")}
