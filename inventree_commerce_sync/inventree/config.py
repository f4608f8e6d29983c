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

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ..core.errors import ConfigError
from ..core.http import check_base_url
from ..core.offer import AFTER_OPEN_ORDERS, AVAILABLE, IN_STOCK  # the quantity modes (explained there)
from ..core.settings import ConfigField, parse_bool
from ..core.target import BaseTarget

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

T = TypeVar("T")


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
                field.parse(text)
        except ConfigError as exc:
            raise ValueError(exc.naming(lambda _key: field.label)) from None
        except ValueError as exc:
            raise ValueError(f"{field.label} {exc}") from None

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


def plugin_setting_definitions(target_cls: type[BaseTarget] | None) -> dict[str, dict[str, Any]]:
    """Every SettingsMixin entry of the plugin for ``target_cls`` (None: its client did not load)."""
    definitions = sync_setting_definitions(target_cls.title if target_cls is not None else "the target")
    if target_cls is not None:
        definitions.update(connection_setting_definitions(target_cls))
    return definitions


TRUE_TEXTS = ("1", "y", "yes", "t", "true", "ok", "on")  # InvenTree's str2bool


def _validator_is(validator: object, kind: type) -> bool:
    return validator is kind or (isinstance(validator, list | tuple) and any(v is kind for v in validator))


def stored_setting_values(definitions: Mapping[str, Mapping[str, Any]], stored: Mapping[str, Any],
                          overrides: Mapping[str, Any]) -> dict[str, Any]:
    """{key: value} of every defined setting, as InvenTree's PluginSetting.get_setting gives
    each (read here from one query's rows instead of one query per key): the config-file
    override when there is one; else the stored value, or the default (called when callable)
    for a key never saved; cast to bool or int when the setting's validator is bool or int
    (an int that does not parse gives the default). A key stored or locked but not defined
    (any more) keeps its text, as InvenTree gives it."""
    stored_upper = {str(key).strip().upper(): value for key, value in stored.items()}
    values: dict[str, Any] = {**stored_upper, **overrides}
    for key, definition in definitions.items():
        if key in overrides:
            values[key] = overrides[key]
            continue
        default = definition.get("default", "")
        default = default() if callable(default) else default
        value, validator = stored_upper.get(key, default), definition.get("validator")
        if _validator_is(validator, bool):
            value = str(value).lower() in TRUE_TEXTS
        if _validator_is(validator, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = default
        values[key] = value
    return values


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _setting(key: str, name: str, description: str, default: Any, *, parse: Callable[[Any], Any],
             setting_default: Any = None, **definition: Any) -> Any:
    """One sync setting: a field of SyncSettings whose metadata is its SettingsMixin entry.

    ``parse`` turns a stored value into the field's value (ValueError when it cannot);
    ``setting_default`` is the stored default where it differs from the typed one.
    """
    entry = {"name": name, "description": description,
             "default": default if setting_default is None else setting_default, **definition}
    return dataclasses.field(default=default, metadata={"key": key, "parse": parse, "definition": entry})


def _declared(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if "key" in f.metadata)


def setting_keys(cls: type) -> tuple[str, ...]:
    """The keys of the settings a dataclass declares with ``_setting``."""
    return tuple(f.metadata["key"] for f in _declared(cls))


def setting_label(cls: type, key: str) -> str:
    return next(f.metadata["definition"]["name"] for f in _declared(cls) if f.metadata["key"] == key)


def setting_definitions(cls: type, target_title: str) -> dict[str, dict[str, Any]]:
    """The SettingsMixin entries of ``cls``'s settings; ``{target}`` in a text names the service."""
    definitions: dict[str, dict[str, Any]] = {}
    for f in _declared(cls):
        entry = dict(f.metadata["definition"])
        entry["description"] = entry["description"].replace("{target}", target_title)
        if entry.get("default") is None:
            del entry["default"]
        definitions[f.metadata["key"]] = entry
    return definitions


def read_settings(cls: type[T], values: Mapping[str, Any]) -> T:
    """``cls`` from stored values: each declared field parsed, its default where the value is
    empty; a value that does not parse raises ConfigError naming the setting's key."""
    typed: dict[str, Any] = {}
    for f in _declared(cls):
        key = f.metadata["key"]
        value = values.get(key)
        if value is None or value == "":
            typed[f.name] = f.default
            continue
        try:
            typed[f.name] = f.metadata["parse"](value)
        except ValueError as exc:
            raise ConfigError(str(exc), key=key) from None
    return cls(**typed)


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value)
        if text not in choices:
            raise ValueError(f"must be one of {', '.join(choices)} (got {text!r})")
        return text
    return parse


def _parse_buffer(value: Any) -> Decimal:
    validate_buffer(value)
    return Decimal(str(value).strip() or "0")


def _parse_minutes(value: Any) -> int:
    validate_minutes(value)
    return int(str(value).strip() or "0")


def validate_repair_limit(value: object) -> None:
    try:
        number = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        raise ValueError(f"must be a number of 0 or more (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"must be a number of 0 or more (got {value!r})")


def _parse_repair_limit(value: Any) -> Decimal:
    validate_repair_limit(value)
    return Decimal(str(value).strip() or "0")


def _parse_location(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(f"must be a stock location (got {value!r})") from None


@dataclasses.dataclass(frozen=True)
class SyncSettings:
    """A plugin's sync settings, read and typed; each field declares its setting once."""

    enabled: bool = _setting("ENABLED", "Enable sync",
                             "Push stock levels to {target} (with dry-run on, nothing is written)", True,
                             parse=parse_bool, validator=bool)
    dry_run: bool = _setting("DRY_RUN", "Dry run", "Compute and record what would be written, write nothing", True,
                             parse=parse_bool, validator=bool)
    quantity: str = _setting("QUANTITY", "Quantity to push",
                             "Available after open orders (in stock minus the unshipped quantity of every open "
                             "sales order, allocated or not, and build allocations), available (in stock minus "
                             "allocations), or in stock", AFTER_OPEN_ORDERS,
                             parse=_choice(AFTER_OPEN_ORDERS, AVAILABLE, IN_STOCK),
                             choices=[(AFTER_OPEN_ORDERS, "Available after open orders"), (AVAILABLE, "Available"),
                                      (IN_STOCK, "In stock")])
    location_id: int | None = _setting("LOCATION", "Stock location",
                                       "Only stock in this location and its sublocations counts (empty: all)", None,
                                       parse=_parse_location, model="stock.stocklocation")
    include_variants: bool = _setting("INCLUDE_VARIANTS", "Include variants",
                                      "A template part's quantity includes the stock of its variants", True,
                                      parse=parse_bool, validator=bool)
    buffer: Decimal = _setting("SAFETY_BUFFER", "Safety buffer",
                               "Quantity kept back: pushed = max(quantity - buffer, 0)", Decimal(0),
                               parse=_parse_buffer, setting_default="0", validator=validate_buffer)
    sku_source: str = _setting("SKU_SOURCE", "SKU source",
                               "Which part field is the SKU on the target (a part's metadata "
                               "commerce_sync.<target>.sku overrides it)", SKU_IPN,
                               parse=_choice(SKU_IPN, SKU_NAME, SKU_PARAMETER),
                               choices=[(SKU_IPN, "IPN"), (SKU_NAME, "Part name"), (SKU_PARAMETER, "Part parameter")])
    sku_parameter: str = _setting("SKU_PARAMETER", "SKU parameter",
                                  "Name of the part parameter that holds the SKU (when SKU source is a parameter)", "",
                                  parse=lambda value: str(value).strip(), setting_default="",
                                  validator=validate_parameter_name)
    reconcile_minutes: int = _setting("RECONCILE_MINUTES", "Reconciliation interval (minutes)",
                                      "Compare every linked part with what was pushed and push differences (0: off)",
                                      60, parse=_parse_minutes, validator=validate_minutes)
    verify_minutes: int = _setting("VERIFY_MINUTES", "Target check interval (minutes)",
                                   "Read the target's quantities and repair differences made on the target (0: off)",
                                   1440, parse=_parse_minutes, validator=validate_minutes)
    repair_units: Decimal = _setting("REPAIR_UNITS", "Largest repair (units)",
                                     "A target check writes a difference of up to this many units without asking; "
                                     "a larger one (also beyond the percentage) is flagged for you to confirm",
                                     Decimal(10), parse=_parse_repair_limit, setting_default="10",
                                     validator=validate_repair_limit)
    repair_percent: Decimal = _setting("REPAIR_PERCENT", "Largest repair (percent)",
                                       "A target check writes a difference of up to this percentage of the larger "
                                       "figure without asking (or the units above, whichever is more)",
                                       Decimal(50), parse=_parse_repair_limit, setting_default="50",
                                       validator=validate_repair_limit)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> SyncSettings:
        """Typed settings from stored values; a bad value raises ConfigError naming the setting."""
        settings = read_settings(cls, values)
        if settings.sku_source == SKU_PARAMETER and not settings.sku_parameter:
            raise ConfigError("is empty, but SKU source is a part parameter (SKU_PARAMETER names it)",
                              key="SKU_PARAMETER")
        return settings


SYNC_KEYS: tuple[str, ...] = setting_keys(SyncSettings)


def sync_setting_label(key: str) -> str:
    return setting_label(SyncSettings, key)


def sync_setting_definitions(target_title: str) -> dict[str, dict[str, Any]]:
    """SettingsMixin entries common to the four plugins; ``target_title`` names the service."""
    return setting_definitions(SyncSettings, target_title)


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


def security_warnings(target_cls: type[BaseTarget], values: Mapping[str, Any],
                      environ: Mapping[str, str]) -> list[str]:
    """What an admin must see: TLS verification or HTTPS switched off, in the settings or
    in the environment variables that stand in for empty ones."""
    config = connection_config(target_cls, values, environ)

    def switched(key: str, wanted: bool) -> bool:
        try:
            return parse_bool(config.get(key, not wanted)) is wanted
        except ValueError:
            return False

    warnings = []
    if switched("verify", False):
        warnings.append("TLS certificate verification is switched off (Verify TLS = false): anyone on the "
                        "network path can read the credentials")
    if switched("allow_insecure_http", True):
        warnings.append("plain http is allowed (Allow plain HTTP = true): credentials may travel unencrypted")
    return warnings


def part_override(metadata: object, target: str) -> dict[str, Any]:
    """The part's commerce_sync settings for ``target`` (exclude flag merged in)."""
    if not isinstance(metadata, Mapping):
        return {}
    block = metadata.get(METADATA_KEY)
    if block is None or not isinstance(block, Mapping):  # None, most parts': before the slower check
        return {}
    own = block.get(target)
    result = dict(own) if isinstance(own, Mapping) else {}
    if "exclude" in block:
        try:
            everywhere: object = parse_bool(block["exclude"])
        except ValueError:
            everywhere = block["exclude"]  # choose_sku says what is wrong with it
        if everywhere is not False:
            result["exclude"] = everywhere
    return result


def choose_sku(target: str, settings: SyncSettings, *, ipn: str | None, name: str | None,
               parameter: str | None, metadata: object) -> tuple[str | None, str | None]:
    """(sku, None) for a linked part, or (None, why it is not linked)."""
    override = part_override(metadata, target)
    try:
        excluded = parse_bool(override.get("exclude", False))
    except ValueError as exc:
        return None, f"not pushed: exclude in the part's metadata ({METADATA_KEY}) {exc}"
    if excluded:
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
