"""The plugins' settings: their definitions, their validation, and what they mean.

Pure code (no Django): the definitions are plain dicts in the shape InvenTree's
SettingsMixin expects, the validators raise ``ValueError`` with a message an admin can act
on (``base.py`` turns it into a Django ValidationError), and ``SyncSettings`` is the typed
reading of a plugin's stored values.

Connection settings are derived from the target client's ``all_fields()``: the setting key
is the field key in upper case, secrets are ``protected`` (shown as *** by InvenTree). An
empty connection setting falls back to the environment variable
``INVENTREE_COMMERCE_SYNC_<TARGET>_<KEY>`` (e.g. INVENTREE_COMMERCE_SYNC_MAGENTO_TOKEN), so
that secrets can stay out of the database. InvenTree >= 1.2 can also lock plugin settings
from its config file or ``INVENTREE_PLUGIN_SETTINGS`` ({"<plugin slug>": {"TOKEN": "..."}}).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..core.errors import ConfigError
from ..core.http import check_base_url
from ..core.target import BaseTarget, ConfigField, _coerce

# What quantity is pushed.
IN_STOCK = "in_stock"
AVAILABLE = "available"
# Where the SKU of a part comes from.
SKU_IPN = "ipn"
SKU_NAME = "name"
SKU_PARAMETER = "parameter"

# Key of the per-part override in Part.metadata:
#   {"commerce_sync": {"<target>": {"sku": "ABC-1"}}}       push this part as SKU ABC-1
#   {"commerce_sync": {"<target>": {"exclude": true}}}      never push this part to <target>
#   {"commerce_sync": {"exclude": true}}                    never push this part anywhere
METADATA_KEY = "commerce_sync"

ENV_PREFIX = "INVENTREE_COMMERCE_SYNC_"


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "on", "y")


def validate_buffer(value: object) -> None:
    try:
        number = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        raise ValueError(f"safety buffer must be a number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"safety buffer must be zero or a positive number (got {value!r})")


def validate_minutes(value: object) -> None:
    try:
        number = int(str(value).strip() or "0")
    except ValueError:
        raise ValueError(f"interval must be a whole number of minutes (got {value!r})") from None
    if number < 0:
        raise ValueError(f"interval must be 0 (off) or a positive number of minutes (got {value!r})")


def validate_parameter_name(value: object) -> None:
    if len(str(value or "").strip()) > 100:
        raise ValueError("parameter name is longer than 100 characters")


def field_validator(target_cls: type[BaseTarget], field: ConfigField) -> Callable[[object], None]:
    """A validator for one connection setting, checked alone as it is entered.

    Checks that need two settings together (an http:// url needs "allow plain HTTP") are
    made when the client is built, i.e. by "test connection" and by every sync.
    """
    def validate(value: object) -> None:
        text = "" if value is None else str(value).strip()
        if not text:
            return  # empty: the default, or the environment variable, applies
        try:
            if field.key == "url":
                check_base_url(target_cls.name, text, allow_insecure_http=True, api_paths=target_cls.API_PATHS)
            else:
                _coerce(target_cls.name, field, text)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    validate.__name__ = f"validate_{target_cls.name}_{field.key}"
    return validate


def setting_key(field: ConfigField) -> str:
    return field.key.upper()


def env_key(target: str, field_key: str) -> str:
    return f"{ENV_PREFIX}{target.upper()}_{field_key.upper()}"


def connection_setting_definitions(target_cls: type[BaseTarget]) -> dict[str, dict[str, Any]]:
    """SettingsMixin entries for the target's connection fields."""
    definitions: dict[str, dict[str, Any]] = {}
    for f in target_cls.all_fields():
        definition: dict[str, Any] = {
            "name": f.label,
            "description": f.description + (
                f" (empty: environment variable {env_key(target_cls.name, f.key)})" if f.secret else ""),
            "default": "" if f.default is None else _setting_text(f.default),
            "validator": field_validator(target_cls, f),
        }
        if f.secret:
            definition["protected"] = True
        if f.choices:
            definition["choices"] = [(c, c) for c in f.choices]
        if f.kind is bool:
            definition["validator"] = bool
            definition["default"] = bool(f.default)
        definitions[setting_key(f)] = definition
    return definitions


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sync_setting_definitions(target_title: str) -> dict[str, dict[str, Any]]:
    """SettingsMixin entries common to the four plugins."""
    return {
        "ENABLED": {
            "name": "Enable sync",
            "description": f"Push stock levels to {target_title} (with dry-run on, nothing is written)",
            "default": True,
            "validator": bool,
        },
        "DRY_RUN": {
            "name": "Dry run",
            "description": "Compute and record what would be written, write nothing",
            "default": True,
            "validator": bool,
        },
        "QUANTITY": {
            "name": "Quantity to push",
            "description": "In stock, or available (in stock minus sales order and build allocations)",
            "default": AVAILABLE,
            "choices": [(AVAILABLE, "Available"), (IN_STOCK, "In stock")],
        },
        "LOCATION": {
            "name": "Stock location",
            "description": "Only stock in this location and its sublocations counts (empty: all)",
            "model": "stock.stocklocation",
        },
        "INCLUDE_VARIANTS": {
            "name": "Include variants",
            "description": "A template part's quantity includes the stock of its variants",
            "default": True,
            "validator": bool,
        },
        "SAFETY_BUFFER": {
            "name": "Safety buffer",
            "description": "Quantity kept back: pushed = max(quantity - buffer, 0)",
            "default": "0",
            "validator": validate_buffer,
        },
        "SKU_SOURCE": {
            "name": "SKU source",
            "description": "Which part field is the SKU on the target (a part's metadata "
                           "commerce_sync.<target>.sku overrides it)",
            "default": SKU_IPN,
            "choices": [(SKU_IPN, "IPN"), (SKU_NAME, "Part name"), (SKU_PARAMETER, "Part parameter")],
        },
        "SKU_PARAMETER": {
            "name": "SKU parameter",
            "description": "Name of the part parameter that holds the SKU (when SKU source is a parameter)",
            "default": "",
            "validator": validate_parameter_name,
        },
        "RECONCILE_MINUTES": {
            "name": "Reconciliation interval (minutes)",
            "description": "Compare every linked part with what was pushed and push differences (0: off)",
            "default": 60,
            "validator": validate_minutes,
        },
        "VERIFY_MINUTES": {
            "name": "Target check interval (minutes)",
            "description": "Read the target's quantities and repair differences made on the target (0: off)",
            "default": 1440,
            "validator": validate_minutes,
        },
    }


@dataclass(frozen=True)
class SyncSettings:
    """A plugin's sync settings, read and typed."""

    enabled: bool = True
    dry_run: bool = True
    quantity: str = AVAILABLE
    location_id: int | None = None
    include_variants: bool = True
    buffer: Decimal = Decimal(0)
    sku_source: str = SKU_IPN
    sku_parameter: str = ""
    reconcile_minutes: int = 60
    verify_minutes: int = 1440

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "SyncSettings":
        """Typed settings from stored values; a bad value raises ConfigError naming the setting."""
        def get(key: str, default: Any) -> Any:
            value = values.get(key)
            return default if value is None or value == "" else value

        try:
            validate_buffer(get("SAFETY_BUFFER", "0"))
            validate_minutes(get("RECONCILE_MINUTES", 60))
            validate_minutes(get("VERIFY_MINUTES", 1440))
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        quantity = str(get("QUANTITY", AVAILABLE))
        if quantity not in (AVAILABLE, IN_STOCK):
            raise ConfigError(f"QUANTITY must be {AVAILABLE} or {IN_STOCK} (got {quantity!r})")
        source = str(get("SKU_SOURCE", SKU_IPN))
        if source not in (SKU_IPN, SKU_NAME, SKU_PARAMETER):
            raise ConfigError(f"SKU_SOURCE must be one of {SKU_IPN}, {SKU_NAME}, {SKU_PARAMETER} (got {source!r})")
        parameter = str(get("SKU_PARAMETER", "")).strip()
        if source == SKU_PARAMETER and not parameter:
            raise ConfigError("SKU source is a part parameter, but SKU_PARAMETER (its name) is empty")
        location = get("LOCATION", None)
        return cls(
            enabled=_truthy(get("ENABLED", True)),
            dry_run=_truthy(get("DRY_RUN", True)),
            quantity=quantity,
            location_id=int(location) if location not in (None, "") else None,
            include_variants=_truthy(get("INCLUDE_VARIANTS", True)),
            buffer=Decimal(str(get("SAFETY_BUFFER", "0")).strip()),
            sku_source=source,
            sku_parameter=parameter,
            reconcile_minutes=int(get("RECONCILE_MINUTES", 60)),
            verify_minutes=int(get("VERIFY_MINUTES", 1440)),
        )


def connection_config(target_cls: type[BaseTarget], values: Mapping[str, Any],
                      environ: Mapping[str, str]) -> dict[str, Any]:
    """The client settings (lower-case keys) from plugin values, with environment fallback.

    Empty values are left out so that the client's defaults apply.
    """
    config: dict[str, Any] = {}
    for f in target_cls.all_fields():
        value = values.get(setting_key(f))
        if value is None or (isinstance(value, str) and not value.strip()):
            value = environ.get(env_key(target_cls.name, f.key))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        config[f.key] = value
    return config


def part_override(metadata: object, target: str) -> dict[str, Any]:
    """The part's commerce_sync settings for ``target`` (exclude flag merged in)."""
    if not isinstance(metadata, Mapping):
        return {}
    block = metadata.get(METADATA_KEY)
    if not isinstance(block, Mapping):
        return {}
    own = block.get(target)
    result = dict(own) if isinstance(own, Mapping) else {}
    if _truthy(block.get("exclude", False)):
        result["exclude"] = True
    return result


def choose_sku(target: str, settings: SyncSettings, *, ipn: str | None, name: str | None,
               parameter: str | None, metadata: object) -> tuple[str | None, str | None]:
    """(sku, None) for a linked part, or (None, why it is not linked)."""
    override = part_override(metadata, target)
    if _truthy(override.get("exclude", False)):
        return None, "excluded in the part's metadata"
    sku = str(override.get("sku") or "").strip()
    if sku:
        return sku, None
    if settings.sku_source == SKU_NAME:
        value, what = name, "part name"
    elif settings.sku_source == SKU_PARAMETER:
        value, what = parameter, f"parameter {settings.sku_parameter!r}"
    else:
        value, what = ipn, "IPN"
    sku = str(value or "").strip()
    if not sku:
        return None, f"no SKU ({what} is empty)"
    return sku, None


def find_duplicates(skus: Mapping[int, str]) -> dict[str, list[int]]:
    """SKUs claimed by more than one part: {sku: sorted part ids}."""
    claims: dict[str, list[int]] = {}
    for part_id, sku in skus.items():
        claims.setdefault(sku, []).append(part_id)
    return {sku: sorted(ids) for sku, ids in claims.items() if len(ids) > 1}
