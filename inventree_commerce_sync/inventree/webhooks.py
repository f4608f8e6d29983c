"""The order webhook endpoint: ``/plugin/<slug>/webhook/``.

The one endpoint of the plugins that needs no InvenTree login and no CSRF token (a shop
cannot have either); every other endpoint stays staff only. Each delivery is verified
before anything else (``core.webhooks``): a bad, missing or replayed signature is answered
401 and nothing is imported. The answer is fast: the order is imported by the background
worker (``order_runs.webhook_task``). WooCommerce signs its deliveries; Invoice Ninja sends
the secret header configured for its subscription; Magento and Zoho orders are polled.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..core import webhooks as W
from ..core.errors import ConfigError
from ..core.redact import get_logger, redact
from . import order_runs

log = get_logger(__name__)

MAX_BODY = 5 * 1024 * 1024  # an order is far smaller; refuse a flood before hashing it


def webhook_url(plugin):
    """The URL pattern for ``setup_urls``."""
    from django.urls import path

    return path("webhook/", webhook_view(plugin), name="order-webhook")


def webhook_view(plugin):
    def view(request):
        return receive(plugin, request)

    view = csrf_exempt(view)
    view.auth_exempt = True  # InvenTree's AuthRequiredMiddleware lets this one path through
    return view


def receive(plugin, request) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"error": "deliveries are POSTed"}, status=405)
    kind = getattr(plugin.target_class(), "webhook", None)
    if kind is None:
        return JsonResponse({"error": f"{plugin.TITLE} orders are read by polling; there is no webhook"}, status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return JsonResponse({"error": "delivery too large"}, status=413)
    try:
        settings = order_runs.order_settings(plugin)
    except ConfigError as exc:
        return JsonResponse({"error": redact(exc)}, status=503)
    body = request.body
    if kind == "woocommerce":
        verdict = W.verify_woocommerce(request.headers, body, settings.webhook_secret,
                                       order_runs.DbDeliveryStore(plugin))
    else:
        verdict = W.verify_secret_header(request.headers, body, settings.webhook_secret)
    if verdict.status != W.ACCEPTED:
        log.warning("%s webhook refused (%s): %s", plugin.TARGET, verdict.status, verdict.reason)
        return JsonResponse({"error": verdict.reason}, status=verdict.status)
    if verdict.ping:
        return JsonResponse({"ok": True, "ping": True})
    if not settings.enabled:
        return JsonResponse({"ok": True, "queued": False, "reason": "order import is switched off"})
    if verdict.topic and not verdict.topic.startswith("order."):
        return JsonResponse({"ok": True, "queued": False, "reason": f"topic {verdict.topic} is not an order"})
    queue(plugin.slug, dict(verdict.payload or {}))
    return JsonResponse({"ok": True, "queued": True}, status=202)


def queue(slug: str, payload: dict) -> None:
    """Hand the delivery to the background worker (never inline: the shop is waiting). No
    duplicate check: InvenTree's scans (and unpickles) the whole task queue, seconds per
    delivery in a burst, and two deliveries of one order are one sales order anyway."""
    from InvenTree.tasks import offload_task

    try:
        offload_task(order_runs.WEBHOOK_TASK, slug, payload, force_async=True, group="commerce_sync",
                     check_duplicates=False)
    except TypeError:  # an InvenTree whose offload_task has no check_duplicates
        offload_task(order_runs.WEBHOOK_TASK, slug, payload, force_async=True, group="commerce_sync")
