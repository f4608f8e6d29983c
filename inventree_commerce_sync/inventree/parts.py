"""Database answers about parts: which parts an event touched, and each part's SKU.

``DbPartLookup`` implements ``events.PartLookup`` with InvenTree's models; ``part_skus``
reads the SKU of many parts in a few queries (``config.choose_sku`` decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q

from .config import METADATA_KEY, SKU_NAME, SKU_PARAMETER, SyncSettings, choose_sku

BATCH = 500


class DbPartLookup:
    """events.PartLookup over InvenTree's ORM (each method: one or a few queries)."""

    def stock_item_parts(self, item_ids: Sequence[int]) -> set[int]:
        from stock.models import StockItem

        return set(StockItem.objects.filter(pk__in=list(item_ids)).values_list("part_id", flat=True))

    def purchase_order_parts(self, order_id: int) -> set[int]:
        from order.models import PurchaseOrderLineItem

        rows = PurchaseOrderLineItem.objects.filter(order_id=order_id, part__isnull=False)
        return set(rows.values_list("part__part_id", flat=True))

    def build_parts(self, build_id: int) -> set[int]:
        """The built part, every BOM part the build draws on, and the parts of consumed items."""
        from build.models import Build, BuildItem, BuildLine
        from stock.models import StockItem

        parts = set(Build.objects.filter(pk=build_id).values_list("part_id", flat=True))
        parts |= set(BuildLine.objects.filter(build_id=build_id).values_list("bom_item__sub_part_id", flat=True))
        parts |= set(BuildItem.objects.filter(build_line__build_id=build_id)
                     .values_list("stock_item__part_id", flat=True))
        parts |= set(StockItem.objects.filter(Q(consumed_by_id=build_id) | Q(build_id=build_id))
                     .values_list("part_id", flat=True))
        return {p for p in parts if p is not None}

    def shipment_parts(self, shipment_id: int) -> set[int]:
        from order.models import SalesOrderAllocation

        rows = SalesOrderAllocation.objects.filter(shipment_id=shipment_id)
        return set(rows.values_list("item__part_id", flat=True)) | set(rows.values_list("line__part_id", flat=True))


def with_templates(part_ids: Iterable[int]) -> set[int]:
    """The parts and all their templates (ancestors): a variant's stock counts for its templates."""
    from part.models import Part

    ids = set(part_ids)
    result = set(ids)
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        rows = Part.objects.filter(pk__in=ordered[start:start + BATCH], variant_of__isnull=False).values(
            "tree_id", "lft", "rght")
        condition = Q()
        for row in rows:
            condition |= Q(tree_id=row["tree_id"], lft__lt=row["lft"], rght__gt=row["rght"])
        if condition:
            result |= set(Part.objects.filter(condition).values_list("pk", flat=True))
    return result


def parameter_values(part_ids: Sequence[int] | None, name: str) -> dict[int, str]:
    """{part id: value} of the parameter called ``name`` (InvenTree 1.5 generic parameters,
    or the older PartParameter model)."""
    try:
        from common.models import Parameter
        from django.contrib.contenttypes.models import ContentType
        from part.models import Part

        rows = Parameter.objects.filter(model_type=ContentType.objects.get_for_model(Part), template__name=name)
        if part_ids is not None:
            rows = rows.filter(model_id__in=list(part_ids))
        return {pk: data for pk, data in rows.values_list("model_id", "data")}
    except ImportError:
        from part.models import PartParameter

        rows = PartParameter.objects.filter(template__name=name)
        if part_ids is not None:
            rows = rows.filter(part_id__in=list(part_ids))
        return {pk: data for pk, data in rows.values_list("part_id", "data")}


ROW_FIELDS = ("pk", "IPN", "name", "metadata")


def part_rows(queryset, target: str, *, entries: bool = True) -> list[dict]:
    """The ``ROW_FIELDS`` of each part of ``queryset``, its metadata cut down to what a sync
    with ``target`` reads: the part's own settings (``METADATA_KEY``) and, with ``entries``,
    that target's ledger entry. A part's whole metadata holds every target's entry and
    whatever else InvenTree and other plugins keep there; decoding all of it for 50,000 parts
    costs seconds."""
    from django.db.models.fields.json import KeyTransform

    from .ledger import STATUS_KEY

    fields = {"own": KeyTransform(METADATA_KEY, "metadata")}
    if entries:
        fields["entry"] = KeyTransform(target, KeyTransform(STATUS_KEY, "metadata"))
    return [{"pk": row["pk"], "IPN": row["IPN"], "name": row["name"],
             "metadata": {METADATA_KEY: row["own"], STATUS_KEY: {target: row.get("entry")}}}
            for row in queryset.values("pk", "IPN", "name", **fields)]


def ledger_glance(queryset, target: str) -> list[dict]:
    """``part_rows`` without the ledger entry, but with three of its fields as text, read by
    the database (``entry_sku``, ``entry_status``, ``entry_quantity``): enough to tell the parts
    synced at a given figure from the others without decoding 50,000 entries."""
    from django.db.models.fields.json import KT, KeyTransform

    from .ledger import STATUS_KEY

    entry = f"metadata__{STATUS_KEY}__{target}__"
    rows = queryset.values("pk", "IPN", "name", own=KeyTransform(METADATA_KEY, "metadata"),
                           entry_sku=KT(entry + "sku"), entry_status=KT(entry + "status"),
                           entry_quantity=KT(entry + "quantity"))
    return [{**row, "metadata": {METADATA_KEY: row.pop("own")}} for row in rows]


def part_skus(target: str, settings: SyncSettings, queryset) -> dict[int, tuple[str | None, str | None]]:
    """{part id: (sku, None) or (None, why unlinked)} for the parts of ``queryset``."""
    return skus_of_rows(target, settings, part_rows(queryset, target))


def skus_of_rows(target: str, settings: SyncSettings, rows: list[dict]) -> dict[int, tuple[str | None, str | None]]:
    """part_skus for rows already read (``ROW_FIELDS`` of each part)."""
    parameters: dict[int, str] = {}
    if settings.sku_source == SKU_PARAMETER:
        parameters = parameter_values([r["pk"] for r in rows], settings.sku_parameter)
    return {
        row["pk"]: choose_sku(target, settings, ipn=row["IPN"], name=row["name"],
                              parameter=parameters.get(row["pk"]), metadata=row["metadata"])
        for row in rows
    }


def claimants(target: str, settings: SyncSettings, skus: set[str], exclude_ids: set[int]) -> dict[int, str]:
    """Other parts (not in ``exclude_ids``) whose SKU is one of ``skus``: {part id: sku}."""
    from part.models import Part

    if not skus:
        return {}
    wanted = sorted(skus)
    condition = Q(**{"metadata__commerce_sync__has_key": target})
    if settings.sku_source == SKU_NAME:
        condition |= Q(name__in=wanted)
    elif settings.sku_source == SKU_PARAMETER:
        holders = [pk for pk, value in parameter_values(None, settings.sku_parameter).items()
                   if str(value).strip() in skus]
        condition |= Q(pk__in=holders)
    else:
        condition |= Q(IPN__in=wanted)
    found = part_skus(target, settings, Part.objects.filter(condition).exclude(pk__in=exclude_ids))
    return {pk: sku for pk, (sku, _) in found.items() if sku in skus}


def all_linked(target: str, settings: SyncSettings) -> dict[int, tuple[str | None, str | None]]:
    from part.models import Part

    return part_skus(target, settings, Part.objects.all())


def linked_part_ids(target: str, settings: SyncSettings) -> list[int]:
    """The ids of every part linked to ``target``, in order (one part query, no ledger entry read)."""
    from part.models import Part

    rows = part_rows(Part.objects.all(), target, entries=False)
    return sorted(pk for pk, (sku, _) in skus_of_rows(target, settings, rows).items() if sku)
