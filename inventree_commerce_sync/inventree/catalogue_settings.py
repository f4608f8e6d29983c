"""The catalogue's settings (issue 12), declared like the sync settings: each field of
CatalogueSettings is one plugin setting through ``config._setting``. Pure code (no Django).

A new install publishes nothing (``CATALOGUE_PUBLISH`` off) and pushes no customer
(``CUSTOMER_PUSH`` off). Publishing follows the plugin's ``DRY_RUN``: a dry run records
what would be created or changed and writes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ..core.errors import ConfigError
from ..core.settings import parse_bool
from .config import _setting, read_settings, setting_definitions, setting_label

# Part metadata that publishes a part outside the chosen category:
#   {"commerce_sync": {"publish": true}}               on every target that publishes
#   {"commerce_sync": {"<target>": {"publish": true}}} on that target only
PUBLISH_FLAG = "publish"
CUSTOMER_KEY = "CUSTOMER_PUSH"


def _parse_category(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(f"must be a part category (got {value!r})") from None


def validate_currency(value: object) -> None:
    text = str(value or "").strip()
    if text and not re.fullmatch(r"[A-Za-z]{3}", text):
        raise ValueError(f"must be a three-letter currency code such as EUR or USD (got {text!r})")


def _parse_currency(value: Any) -> str:
    validate_currency(value)
    return str(value).strip().upper()


@dataclasses.dataclass(frozen=True)
class CatalogueSettings:
    """A plugin's catalogue settings, read and typed; each field declares its setting once."""

    publish: bool = _setting("CATALOGUE_PUBLISH", "Publish parts as products",
                             "Create the salable, active parts of the publish category (or flagged with "
                             "commerce_sync.publish in their metadata) that {target} lacks, and keep their name, "
                             "description and sale price in step there (follows Dry run; nothing is ever deleted)",
                             False, parse=parse_bool, validator=bool)
    category_id: int | None = _setting("CATALOGUE_CATEGORY", "Publish category",
                                       "Salable, active parts in this category and its subcategories are published "
                                       "(empty: only the parts flagged in their metadata)", None,
                                       parse=_parse_category, model="part.partcategory")
    currency: str = _setting("CATALOGUE_CURRENCY", "Shop currency",
                             "The currency of {target}'s prices (empty: InvenTree's default currency); sale prices "
                             "in another currency are converted with InvenTree's exchange rates", "",
                             parse=_parse_currency, setting_default="", validator=validate_currency)
    push_customers: bool = _setting(CUSTOMER_KEY, "Push customers",
                                    "Create InvenTree's customer companies (with an email) as customers on {target}, "
                                    "matched by email, never duplicated; with the reconciliation", False,
                                    parse=parse_bool, validator=bool)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> CatalogueSettings:
        return read_settings(cls, values)


def catalogue_keys(customers: bool) -> tuple[str, ...]:
    """The setting keys of a plugin; ``customers``: its client can push customers."""
    return tuple(key for key in catalogue_definitions("", customers=True) if customers or key != CUSTOMER_KEY)


def catalogue_definitions(target_title: str, *, customers: bool) -> dict[str, dict[str, Any]]:
    definitions = setting_definitions(CatalogueSettings, target_title)
    if not customers:
        del definitions[CUSTOMER_KEY]
    return definitions


def read_catalogue_settings(values: Mapping[str, Any], title: str) -> CatalogueSettings:
    """Typed settings; a bad value raises ConfigError naming the setting by its label."""
    try:
        return CatalogueSettings.from_values(values)
    except ConfigError as exc:
        label = exc.naming(lambda key: setting_label(CatalogueSettings, key))
        raise ConfigError(f"{label} (plugin settings of {title})") from None
