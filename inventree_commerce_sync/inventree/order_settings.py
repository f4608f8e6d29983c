"""The order import's settings: definitions for the plugins' settings pages and their typed
reading. Pure code (no Django), like ``config.py``; ``base.py`` adds these definitions to
each plugin's and turns the validators' ValueError into a Django ValidationError.

A new install imports nothing (``ORDER_IMPORT`` off) and, once switched on, starts in
dry-run: what would be imported is recorded and shown, nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..core.errors import ConfigError
from ..core.redact import register_secret
from ..core.settings import parse_bool
from .config import env_key, validate_minutes

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


def definitions(target_title: str) -> dict[str, dict[str, Any]]:
    """SettingsMixin entries of the order import, the same for the four plugins."""
    return {
        "ORDER_IMPORT": {
            "name": "Import orders",
            "description": f"Every order placed on {target_title} becomes one sales order",
            "default": False,
            "validator": bool,
        },
        "ORDER_DRY_RUN": {
            "name": "Order import dry run",
            "description": "Record which sales orders would be created or changed, write none",
            "default": True,
            "validator": bool,
        },
        "ORDER_CUSTOMER": {
            "name": "Order customer",
            "description": "One customer company for the shop, or the buyer's company or contact "
                           "matched by email (created when there is none)",
            "default": CUSTOMER_CHANNEL,
            "choices": [(CUSTOMER_CHANNEL, "One customer for the shop"), (CUSTOMER_EMAIL, "Match buyer by email")],
        },
        "ORDER_CHANNEL_CUSTOMER": {
            "name": "Shop customer name",
            "description": f"The customer company of every order (empty: \"{target_title} customers\"); "
                           "created on first use",
            "default": "",
            "validator": validate_name,
        },
        "ORDER_ALLOCATE": {
            "name": "Allocate order stock",
            "description": "Allocate stock to imported orders from the stock location setting, "
                           "oldest stock first, only what is available",
            "default": False,
            "validator": bool,
        },
        "ORDER_POLL_MINUTES": {
            "name": "Order polling interval (minutes)",
            "description": "Read new and changed orders from the shop this often (0: webhooks only)",
            "default": 2,
            "validator": validate_minutes,
        },
        "ORDER_AUDIT_DAYS": {
            "name": "Order audit (days)",
            "description": "Once a day, re-read the orders of this many days and import whatever "
                           "is missing (0: off); also how far back a first read goes",
            "default": 7,
            "validator": validate_days,
        },
        SECRET_KEY: {
            "name": "Webhook secret",
            "description": "The secret of the shop's order webhook (WooCommerce: the webhook's secret; "
                           "Invoice Ninja: the value of the X-Commerce-Sync-Secret header)",
            "default": "",
            "protected": True,
        },
    }


@dataclass(frozen=True)
class OrderSettings:
    enabled: bool = False
    dry_run: bool = True
    customer: str = CUSTOMER_CHANNEL
    channel_customer: str = ""
    allocate: bool = False
    poll_minutes: int = 2
    audit_days: int = 7
    webhook_secret: str = ""
    overlap: timedelta = timedelta(minutes=10)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, target: str = "",
                    environ: Mapping[str, str] | None = None) -> OrderSettings:
        """Typed settings; a bad value is a ConfigError naming the setting. An empty secret
        falls back to INVENTREE_COMMERCE_SYNC_<TARGET>_ORDER_WEBHOOK_SECRET."""
        def get(key: str, default: Any) -> Any:
            value = values.get(key)
            return default if value is None or value == "" else value

        def flag(key: str, default: bool) -> bool:
            try:
                return parse_bool(get(key, default))
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from None

        try:
            validate_minutes(get("ORDER_POLL_MINUTES", 2))
        except ValueError as exc:
            raise ConfigError(f"ORDER_POLL_MINUTES: {exc}") from None
        try:
            validate_days(get("ORDER_AUDIT_DAYS", 7))
        except ValueError as exc:
            raise ConfigError(f"ORDER_AUDIT_DAYS: {exc}") from None
        customer = str(get("ORDER_CUSTOMER", CUSTOMER_CHANNEL))
        if customer not in (CUSTOMER_CHANNEL, CUSTOMER_EMAIL):
            raise ConfigError(f"ORDER_CUSTOMER must be {CUSTOMER_CHANNEL} or {CUSTOMER_EMAIL} (got {customer!r})")
        secret = str(values.get(SECRET_KEY) or "").strip()
        if not secret and environ is not None and target:
            secret = str(environ.get(env_key(target, SECRET_KEY)) or "").strip()
        if secret:
            register_secret(secret)  # masked in every log line and error
        return cls(
            enabled=flag("ORDER_IMPORT", False),
            dry_run=flag("ORDER_DRY_RUN", True),
            customer=customer,
            channel_customer=str(get("ORDER_CHANNEL_CUSTOMER", "")).strip(),
            allocate=flag("ORDER_ALLOCATE", False),
            poll_minutes=int(get("ORDER_POLL_MINUTES", 2)),
            audit_days=int(get("ORDER_AUDIT_DAYS", 7)),
            webhook_secret=secret,
        )

    @staticmethod
    def keys() -> tuple[str, ...]:
        return tuple(definitions("").keys())
