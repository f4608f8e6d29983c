"""Import from target (issue 12): the target's products no part holds become parts.

``unlinked_products`` reads the target's catalogue (variations included) and keeps the
products whose SKU no part holds by the stock push's SKU rules (compared as the target
compares SKUs, ``collate_sku``). ``import_products`` creates one part per chosen SKU (name,
description, IPN = SKU, the chosen category, salable, active), optionally with the product's
quantity as an initial stock item in a chosen location, and links it like any other part:
its stock ledger entry says the target holds that quantity, its catalogue entry that the
product's name, description and price are what was published -- so the first push writes
nothing to that target. The other enabled targets get the new parts marked dirty.

1,000 products are one action: the parts, stock items and their tracking entries are
written with ``bulk_create`` in one transaction. That bypasses ``Part.save`` and
``StockItem.save``, so what those would do is done here: each new root node of InvenTree's
MPTT tree of parts gets its own ``tree_id`` (lft 1, rght 2, level 0), the defaults InvenTree computes
per object (the part type defaults from the settings, the batch code) are computed once, and
each stock item gets its "created" tracking entry. When the sale price is given and the
shop's currency is known, a sale price break for quantity 1 is created too.

``import_panels`` offers the action in InvenTree's UI: a panel "Import from <shop>" on a part
category's page (staff, sync enabled, the connection configured), which lists and imports
through the endpoint into that category (frontend/src/ImportPanel.tsx).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..core import catalogue as C
from ..core import ledger as L
from ..core.errors import ConfigError, InputError
from ..core.values import collate_sku
from . import parts as P
from .catalogue import CATALOGUE_KEY, catalogue_settings, shop_currency
from .config import METADATA_KEY, SKU_IPN
from .ledger import STATUS_KEY, entry_to_json

MAX_IMPORT = 10_000  # SKUs in one action
NAME_LENGTH, DESCRIPTION_LENGTH, IPN_LENGTH = 100, 250, 100


def catalogue_client(plugin):
    target = plugin.build_target()
    if not isinstance(target, C.CatalogueClient):
        raise ConfigError(f"the {plugin.TARGET} client cannot read products")
    return target


def held_skus(plugin) -> set[str]:
    """The SKUs parts hold for this target, collated."""
    settings = plugin.sync_settings()
    return {collate_sku(sku) for sku, _ in P.all_linked(plugin.TARGET, settings).values() if sku}


def unlinked_products(plugin, products: Sequence[C.Product] | None = None) -> list[C.Product]:
    """The target's products (with a SKU) that no part holds, in the target's order."""
    if products is None:
        products = list(catalogue_client(plugin).read_products())
    held = held_skus(plugin)
    return [p for p in products if p.sku and collate_sku(p.sku) not in held]


def _check_target(model, pk: Any, what: str):
    if pk in (None, ""):
        return None
    try:
        found = model.objects.filter(pk=int(str(pk))).first()
    except ValueError:
        found = None
    if found is None:
        raise InputError(f"{what} {pk!r} does not exist; choose an existing one")
    return found


def import_products(plugin, skus: Sequence[str], *, category: Any, location: Any = None, user=None,
                    products: Sequence[C.Product] | None = None) -> dict[str, Any]:
    """Create parts for ``skus`` (each one the target holds and no part does). Returns
    {"created": [{"sku", "part", "stock_item"}], "refused": [{"sku", "error"}], "seconds"}."""
    from part.models import PartCategory
    from stock.models import StockLocation

    started = time.monotonic()
    if not isinstance(skus, (list, tuple)) or not all(isinstance(s, str) for s in skus):
        raise InputError("skus must be a list of SKU strings")
    if not skus:
        raise InputError("skus is empty; choose the products to import")
    if len(skus) > MAX_IMPORT:
        raise InputError(f"{len(skus)} SKUs in one action; at most {MAX_IMPORT}")
    if category in (None, ""):
        raise InputError("category is missing; choose the part category of the new parts")
    part_category = _check_target(PartCategory, category, "part category")
    stock_location = _check_target(StockLocation, location, "stock location")
    settings = plugin.sync_settings()
    available = {p.sku: p for p in unlinked_products(plugin, products)}
    chosen: list[C.Product] = []
    refused: list[dict[str, str]] = []
    for sku in dict.fromkeys(skus):
        product = available.get(sku)
        if product is None:
            refused.append({"sku": sku, "error": "not a product of the target that no part holds (already imported, "
                                                 "held by a part, or not on the target)"})
        elif len(sku) > IPN_LENGTH:
            refused.append({"sku": sku, "error": f"the SKU is {len(sku)} characters long; an IPN holds {IPN_LENGTH}"})
        else:
            chosen.append(product)
    created: list[dict[str, Any]] = []
    if chosen:
        created = _create(plugin, settings, chosen, part_category, stock_location, user)
        _mark_others(plugin, [row["part"] for row in created])
    return {"created": created, "refused": refused, "seconds": round(time.monotonic() - started, 3)}


def _part_defaults() -> dict[str, Any]:
    """The per-object defaults InvenTree computes from its settings, computed once."""
    from part import settings as part_settings

    return {"is_template": part_settings.part_template_default(), "assembly": part_settings.part_assembly_default(),
            "component": part_settings.part_component_default(), "trackable": part_settings.part_trackable_default(),
            "purchaseable": part_settings.part_purchaseable_default(), "virtual": part_settings.part_virtual_default()}


def _metadata(plugin, settings, product: C.Product, now: float) -> dict[str, Any]:
    draft = C.ProductDraft(sku=product.sku, name=product.name or product.sku, description=product.description,
                           price=product.price)
    metadata: dict[str, Any] = {CATALOGUE_KEY: {plugin.TARGET: {"sku": product.sku, "published": draft.values(),
                                                                "outcome": "imported", "error": None, "at": now,
                                                                "remote_id": product.remote_id}}}
    if product.managed and product.quantity is not None:
        # what the target holds: with the stock imported, the first push writes nothing
        entry = L.LedgerEntry(product.sku, L.SYNCED, quantity=product.quantity, last_success=now)
        metadata[STATUS_KEY] = {plugin.TARGET: entry_to_json(entry)}
    if settings.sku_source != SKU_IPN:  # the IPN is not the SKU here: say which it is
        metadata[METADATA_KEY] = {plugin.TARGET: {"sku": product.sku}}
    return metadata


def _create(plugin, settings, chosen: list[C.Product], category, location, user) -> list[dict[str, Any]]:
    from part.models import Part

    now = time.time()
    defaults = _part_defaults()
    with transaction.atomic():
        next_tree = Part.getNextTreeID()
        parts = [Part(name=(p.name or p.sku).strip()[:NAME_LENGTH], description=(p.description or "").strip()[
                          :DESCRIPTION_LENGTH], IPN=p.sku, category=category, salable=True, active=True,
                      **defaults, tree_id=next_tree + i, lft=1, rght=2, level=0,
                      metadata=_metadata(plugin, settings, p, now))
                 for i, p in enumerate(chosen)]
        Part.objects.bulk_create(parts, batch_size=500)
        _price_breaks(plugin, parts, chosen)
        items = _stock_items(plugin, parts, chosen, location, user) if location is not None else {}
    return [{"sku": p.sku, "part": part.pk, "stock_item": items.get(part.pk)} for part, p in zip(parts, chosen, strict=True)]


def _price_breaks(plugin, parts: list, chosen: list[C.Product]) -> None:
    from djmoney.money import Money
    from part.models import PartSellPriceBreak

    try:
        currency = shop_currency(catalogue_settings(plugin))
    except ConfigError:
        return
    breaks = [PartSellPriceBreak(part=part, quantity=1, price=Money(p.price, currency))
              for part, p in zip(parts, chosen, strict=True) if p.price is not None]
    PartSellPriceBreak.objects.bulk_create(breaks, batch_size=500)


def _stock_items(plugin, parts: list, chosen: list[C.Product], location, user) -> dict[int, int]:
    """{part id: stock item id} of the initial stock items (products with a quantity above 0)."""
    from stock.generators import generate_batch_code
    from stock.models import StockItem, StockItemTracking, default_delete_on_deplete
    from stock.status_codes import StockHistoryCode

    wanted = [(part, p.quantity) for part, p in zip(parts, chosen, strict=True)
              if p.managed and p.quantity is not None and p.quantity > 0]
    if not wanted:
        return {}
    batch, deplete = generate_batch_code(), default_delete_on_deplete()
    items = [StockItem(part=part, location=location, quantity=Decimal(quantity), batch=batch,
                       delete_on_deplete=deplete) for part, quantity in wanted]
    StockItem.objects.bulk_create(items, batch_size=500)
    note = f"Imported from {plugin.TITLE}"
    StockItemTracking.objects.bulk_create(
        [StockItemTracking(item=item, part=item.part, tracking_type=StockHistoryCode.CREATED.value, notes=note,
                           user=user, deltas={"quantity": float(item.quantity), "location": location.pk})
         for item in items], batch_size=500)
    return {item.part_id: item.pk for item in items}


def _mark_others(plugin, part_ids: list[int]) -> None:
    """The other enabled targets push the new parts' stock (this one's ledger says it is there)."""
    from . import flush

    others = [p for p in flush.enabled_plugins() if p.slug != plugin.slug]
    if others and part_ids:
        flush.mark_dirty(others, part_ids)


def import_panels(plugin, request, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The category page's "Import from <shop>" panel: for staff, on one category's page (not
    the categories' index), when sync to the shop is on and its connection is configured."""
    from InvenTree.helpers import pui_url

    user = getattr(request, "user", None)
    if context.get("target_model") != "partcategory" or context.get("target_id") in (None, ""):
        return []
    if not (user and user.is_staff) or not plugin.sync_enabled():
        return []
    try:
        catalogue_client(plugin)  # builds the client from the settings; sends nothing
    except ConfigError:
        return []
    shop = plugin.target_class().title
    return [{
        "key": f"commerce-sync-import-{plugin.TARGET}",
        "title": f"Import from {shop}",
        "icon": "ti:download:outline",
        "source": plugin.plugin_static_file("CommerceSyncPanel.js:renderImportPanel"),  # built from frontend/
        "context": {
            "target": shop,
            "import_url": plugin.api_url("catalogue/import/"),
            "locations_url": "/api/stock/location/",
            "part_url": pui_url("/part/"),
        },
    }]


def import_view_answer(products: Sequence[C.Product]) -> dict[str, Any]:
    return {"count": len(products), "products": [p.to_json() | {"description": p.description} for p in products]}
