"""The order import's settings, declared like the sync settings: each field of OrderSettings
is one setting (key, label, description, default, parser) through ``config._setting``, and is
read and turned into SettingsMixin entries by the same functions (``config.read_settings``,
``config.setting_definitions``). Pure code (no Django).

A new install imports nothing (``ORDER_IMPORT`` off) and, once switched on, starts in
dry-run: what would be imported is recorded and shown, nothing is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from ..core.redact import register_secret
from ..core.settings import parse_bool
from .config import _choice, _parse_minutes, _setting, env_key, read_settings, validate_minutes

CUSTOMER_CHANNEL = "channel"  # one customer company per shop
CUSTOMER_EMAIL = "email"      # the buyer's company or contact, matched by email, else created
SECRET_KEY = "ORDER_WEBHOOK_SECRET"


def validate_days(value: object) -> None:
    try:
        number = int(str(value).strip() or "0")
    except ValueError:
        raise ValueError(f"must be a whole number of days (got {value!r})") from None
    if not 0 <= number <= 365:
        raise ValueError(f"must be between 0 (off) and 365 days (got {value!r})")


def validate_name(value: object) -> None:
    if len(str(value or "").strip()) > 100:
        raise ValueError("a company name is at most 100 characters")


def _parse_days(value: Any) -> int:
    validate_days(value)
    return int(str(value).strip() or "0")


def _parse_name(value: Any) -> str:
    validate_name(value)
    return str(value).strip()


@dataclasses.dataclass(frozen=True)
class OrderSettings:
    """A plugin's order import settings, read and typed; each field declares its setting once."""

    enabled: bool = _setting("ORDER_IMPORT", "Import orders", "Every order placed on {target} becomes one sales order",
                             False, parse=parse_bool, validator=bool)
    dry_run: bool = _setting("ORDER_DRY_RUN", "Order import dry run",
                             "Record which sales orders would be created or changed, write none", True,
                             parse=parse_bool, validator=bool)
    customer: str = _setting("ORDER_CUSTOMER", "Order customer",
                             "One customer company for the shop, or the buyer's company or contact "
                             "matched by email (created when there is none)", CUSTOMER_CHANNEL,
                             parse=_choice(CUSTOMER_CHANNEL, CUSTOMER_EMAIL),
                             choices=[(CUSTOMER_CHANNEL, "One customer for the shop"),
                                      (CUSTOMER_EMAIL, "Match buyer by email")])
    channel_customer: str = _setting("ORDER_CHANNEL_CUSTOMER", "Shop customer name",
                                     "The customer company of every order (empty: \"{target} customers\"); "
                                     "created on first use", "", parse=_parse_name, validator=validate_name)
    allocate: bool = _setting("ORDER_ALLOCATE", "Allocate order stock",
                              "Allocate stock to imported orders from the stock location setting, "
                              "oldest stock first, only what is available", False, parse=parse_bool, validator=bool)
    poll_minutes: int = _setting("ORDER_POLL_MINUTES", "Order polling interval (minutes)",
                                 "Read new and changed orders from the shop this often (0: webhooks only)", 2,
                                 parse=_parse_minutes, validator=validate_minutes)
    audit_days: int = _setting("ORDER_AUDIT_DAYS", "Order audit (days)",
                               "Once a day, re-read the orders of this many days and import whatever "
                               "is missing (0: off); also how far back a first read goes", 7,
                               parse=_parse_days, validator=validate_days)
    webhook_secret: str = _setting(SECRET_KEY, "Webhook secret",
                                   "The secret of the shop's order webhook (WooCommerce: the webhook's secret; "
                                   "Invoice Ninja: the value of the X-Commerce-Sync-Secret header)",
                                   "", parse=lambda value: str(value).strip(), protected=True)

    # How far back of the cursor every poll re-reads (shops' modification times are not ordered).
    overlap: ClassVar[timedelta] = timedelta(minutes=10)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, target: str = "",
                    environ: Mapping[str, str] | None = None) -> OrderSettings:
        """Typed settings; a bad value is a ConfigError naming the setting. An empty secret
        falls back to INVENTREE_COMMERCE_SYNC_<TARGET>_ORDER_WEBHOOK_SECRET."""
        settings = read_settings(cls, values)
        secret = settings.webhook_secret
        if not secret and environ is not None and target:
            secret = str(environ.get(env_key(target, SECRET_KEY)) or "").strip()
            settings = dataclasses.replace(settings, webhook_secret=secret)
        if secret:
            register_secret(secret)  # masked in every log line and error
        return settings
