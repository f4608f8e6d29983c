"""The "register webhook" action: the shop is told to deliver its orders to this plugin.

The delivery URL is ``/plugin/<slug>/webhook/`` on InvenTree's site URL (INVENTREE_SITE_URL,
else the global setting INVENTREE_BASE_URL: the address the shop can reach), or on the
host of the admin's request when neither is set (with a warning). The secret is the plugin's
ORDER_WEBHOOK_SECRET (or its environment fallback); an empty one is generated and stored
first, so every delivery can be verified. A client that can create webhooks does it
(``register_webhook``: WooCommerce, Invoice Ninja; creating nothing twice); otherwise, or
when the shop refuses, the answer says exactly what to enter by hand. The secret is never
part of the answer or of a log line.
"""

from __future__ import annotations

import inspect
import ipaddress
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..core import webhooks as W
from ..core.errors import AuthenticationError, ConfigError, SyncError
from ..core.orders import iso_utc
from ..core.redact import get_logger, redact, register_secret
from . import order_runs
from .order_settings import SECRET_KEY

log = get_logger(__name__)

SECRET_BYTES = 32  # token_urlsafe: 43 characters
INVOICE_NINJA_EVENTS = "Create Invoice, Update Invoice, Delete Invoice, Archive Invoice and Restore Invoice"


def webhook_kind(plugin) -> str | None:
    """How the target's deliveries are verified ("woocommerce", "invoiceninja"), None: polled."""
    try:
        return getattr(plugin.target_class(), "webhook", None)
    except ConfigError:
        return None


def delivery_url(plugin, request=None) -> tuple[str, list[str]]:
    """Where the shop delivers, and warnings about that address."""
    base = _site_url()
    warnings = []
    if not base:
        base = request.build_absolute_uri("/") if request is not None else ""
        warnings.append("InvenTree's site URL is not set (INVENTREE_SITE_URL): the delivery URL uses the "
                        "host of this request; make sure the shop can reach it")
    url = base.rstrip("/") + plugin.api_url("webhook/")
    host = urlsplit(url).hostname or ""
    if host == "localhost" or _is_loopback(host):
        warnings.append(f"the delivery URL points at this machine ({host}): a shop elsewhere cannot reach it")
    elif urlsplit(url).scheme == "http":
        warnings.append("the delivery URL is plain http: order data (names, addresses) would travel unencrypted")
    return url, warnings


def _site_url() -> str:
    from InvenTree.helpers_model import get_base_url

    base = str(get_base_url() or "").strip()
    return base if urlsplit(base).scheme in ("http", "https") and urlsplit(base).netloc else ""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ensure_secret(plugin) -> bool:
    """The webhook secret exists (generated and stored when empty); True when generated now.
    Under the plugin's row lock, so two clicks at once store one secret."""
    with order_runs.locked_state(plugin):
        if order_runs.order_settings(plugin).webhook_secret:
            return False
        secret = secrets.token_urlsafe(SECRET_BYTES)
        register_secret(secret)  # masked from here on, in every log line and error
        plugin.set_setting(SECRET_KEY, secret)
    log.info("%s: a webhook secret was generated and stored in %s", plugin.TARGET, SECRET_KEY)
    return True


def instructions(plugin, kind: str, url: str, *, secret_generated: bool = False) -> str:
    """What the admin enters on the shop by hand."""
    secret = (f"Secret: the value of the plugin setting \"Webhook secret\" ({SECRET_KEY}); "
              "it is hidden once saved, so if you do not have it, enter a new value of your "
              "choosing there and the same value on the shop")
    if secret_generated:
        secret = (f"Secret: a new one was generated into the plugin setting \"Webhook secret\" ({SECRET_KEY}) "
                  "and cannot be shown: replace it with a value of your choosing and enter the same on the shop")
    if kind == "woocommerce":
        from ..targets.woocommerce_orders import webhook_instructions

        return f"{webhook_instructions(url)}. {secret}."
    if kind == "invoiceninja":
        return (f"In Invoice Ninja, open Settings > Account Management > Integrations > API Webhooks and add one "
                f"webhook per event ({INVOICE_NINJA_EVENTS}): Target URL {url}, REST method POST, "
                f"Format JSON, and a header {W.SECRET_HEADER} whose value is the secret. {secret}.")
    return f"{plugin.TITLE} orders are read by polling (setting ORDER_POLL_MINUTES); there is no webhook to set up."


def register(plugin, request) -> tuple[dict[str, Any], int]:
    """Run the action; the answer and its HTTP status."""
    kind = webhook_kind(plugin)
    if kind is None:
        return {"registered": False, "error": instructions(plugin, "", "")}, 400
    url, warnings = delivery_url(plugin, request)
    answer: dict[str, Any] = {"registered": False, "target": plugin.TARGET, "delivery_url": url,
                              "warnings": warnings, "webhooks": [], "instructions": None}
    try:
        target = plugin.build_target()
        generated = ensure_secret(plugin)
        secret = order_runs.order_settings(plugin).webhook_secret
    except ConfigError as exc:
        return {**answer, "error": redact(exc), "instructions": instructions(plugin, kind, url)}, 400
    answer["secret_generated"] = generated
    if not callable(getattr(target, "register_webhook", None)):
        answer["instructions"] = instructions(plugin, kind, url, secret_generated=generated)
        answer["error"] = f"this {plugin.TITLE} client cannot create webhooks: set them up by hand"
        return answer, 200
    try:
        done = _call(target, url, secret)
    except AuthenticationError as exc:  # the key may not manage webhooks: the admin does it by hand
        log.warning("%s: the shop refused to create the webhook: %s", plugin.TARGET, redact(exc))
        reason = str(exc).split(". To add the webhooks by hand", 1)[0]
        return {**answer, "error": redact(reason),
                "instructions": instructions(plugin, kind, url, secret_generated=generated)}, 200
    except SyncError as exc:
        log.warning("%s: registering the webhook failed: %s", plugin.TARGET, redact(exc))
        return {**answer, "error": redact(exc),
                "instructions": instructions(plugin, kind, url, secret_generated=generated)}, 502
    webhooks = [item if isinstance(item, dict) else {"id": str(item), "action": "registered"} for item in done]
    with order_runs.locked_state(plugin) as state:
        state["webhook_registration"] = {"at": iso_utc(datetime.now(UTC)), "delivery_url": url,
                                         "webhooks": [{k: w.get(k) for k in ("topic", "id", "action")}
                                                      for w in webhooks]}
    log.info("%s: webhook registered for %s (%d)", plugin.TARGET, url, len(webhooks))
    return {**answer, "registered": True, "webhooks": webhooks}, 200


def _call(target, url: str, secret: str) -> list[Any]:
    """WooCommerce signs with the secret: register_webhook(url, secret); Invoice Ninja sends
    it in a header: register_webhook(url, header_name, secret)."""
    parameters = inspect.signature(target.register_webhook).parameters
    if "header_name" in parameters:
        return list(target.register_webhook(url, W.SECRET_HEADER, secret))
    return list(target.register_webhook(url, secret))
