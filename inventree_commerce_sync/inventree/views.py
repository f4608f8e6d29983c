"""The plugins' API endpoints (UrlsMixin), staff only.

Under /plugin/<slug>/:
  status/            GET  sync status rows (?part=<id> for one part, ?out_of_sync=1), with the
                          settings that make the pushed number (quantity basis, safety buffer,
                          the target's order behaviour); without a part, one page of the linked
                          parts' rows (?limit=, at most MAX_LIMIT, default DEFAULT_LIMIT;
                          ?offset=), with "count" (all rows) and "next" (the next page's URL,
                          None on the last); a row of a request for at most
                          status_report.EXPLAINED_PARTS parts also says how its number was made
                          ("offer": core.offer.Offer.to_json, and "sellable")
  status.csv         GET  every linked part not in sync, as CSV
  sync/              POST sync now: {"part": id} syncs that part at once and returns its
                          status; without a part, a full sync is offloaded to the worker
  check/             GET/POST test connection: what the credentials allow (writes nothing)
  orders.csv         GET  the shop orders needing attention (held or flagged), one row per problem
  register-webhook/  POST create the shop's order webhook through its API, or say exactly what
                          to enter by hand (webhook_setup.py)
  repairs.csv        GET  the target check's repair history (repaired, flagged, confirmed, ...)
  repairs/confirm/   POST {"sku": ...} write the figure wanted for a flagged repair, and record it
  repairs/dismiss/   POST {"sku": ...} leave the shop's figure: the flag is closed, recorded

GET status/ answers, beside the part rows, an "orders" object: the order import's state
(order_runs.order_status: last order seen, orders imported, orders needing attention with
their problem lines, the last error, what a dry run would import) plus where the shop
delivers its webhook and the URLs of orders.csv and register-webhook/; a "repairs" object
(repairs.repair_status: the limit, the last check, open flags, recent records, URLs) and a
"shipments" object (shipments.shipment_status: what each recent shipment came to, failing);
and a "catalogue" object (publishing on, its last outcome counts and error, what was
published for the part asked about, the import endpoint's URL).

Authentication is InvenTree's API's own (token, HTTP Basic, session with CSRF); staff only.
No secret is ever part of an answer: rows hold no secret settings, and errors are redacted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpResponse
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..core.errors import ConfigError, InputError, SyncError
from ..core.redact import redact
from ..core.settings import parse_bool
from . import catalogue_import, locations, order_runs, parts, repairs, shipments, status_report, sync, webhook_setup


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


class PluginView(APIView):
    """Authenticated by DRF with InvenTree's own REST_FRAMEWORK classes (API token, HTTP Basic,
    session with CSRF), as InvenTree's /api/ is; then staff only."""

    plugin = None  # set by as_view(plugin=...)
    # Not OAuth2: its scopes are checked by InvenTree's model permissions, which these
    # endpoints have none of, so a token scoped to reading parts could otherwise push stock.
    authentication_classes = [cls for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES
                              if "OAuth2" not in cls.__name__]
    permission_classes = [permissions.IsAuthenticated, StaffOnly]

    def dispatch(self, request, *args, **kwargs):
        with self.plugin.reading_settings():  # one query for the request's settings (base.py)
            return super().dispatch(request, *args, **kwargs)

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # InvenTree's AuthRequiredMiddleware lets only a session or an API token through to
        # /plugin/ URLs and answers HTTP Basic with 401 before DRF sees it; a view marked
        # auth_exempt is left to DRF, which still refuses anyone not authenticated.
        view.auth_exempt = True
        return view


def _part_id(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _flag(value) -> bool:
    try:
        return parse_bool(value if value is not None else False)
    except ValueError:
        return False


DEFAULT_LIMIT, MAX_LIMIT = 100, 1000  # status rows per page without a part (50,000 would take seconds)


def _whole(value, default: int, low: int, high: int | None, name: str) -> int:
    if value in (None, ""):
        return default
    number = _part_id(value)
    if number is None or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(f"{name} must be a whole number {bounds}, not {str(value)[:40]!r}")
    return number


class StatusView(PluginView):
    def get(self, request):
        params = request.query_params
        part = params.get("part")
        if part is not None and _part_id(part) is None:
            return Response({"error": "part must be a part id"}, status=400)
        try:
            limit = _whole(params.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit")
            offset = _whole(params.get("offset"), 0, 0, None, "offset")
        except ValueError as exc:
            return Response({"error": str(exc)}, status=400)
        only_out_of_sync = _flag(params.get("out_of_sync"))
        page: dict = {}
        try:
            if part is not None:
                rows = status_report.status_rows(self.plugin, [_part_id(part)], only_out_of_sync=only_out_of_sync)
            else:
                rows, count = status_page(self.plugin, offset, limit, only_out_of_sync=only_out_of_sync)
                following = request.GET.copy()
                following["offset"], following["limit"] = str(offset + limit), str(limit)
                page = {"count": count, "offset": offset, "limit": limit,
                        "next": f"{request.path}?{following.urlencode()}" if offset + limit < count else None}
        except ConfigError as exc:
            return Response({"error": redact(exc)}, status=400)
        state = sync.read_state(self.plugin)
        settings = self.plugin.sync_settings()
        return Response({
            "target": self.plugin.TARGET,
            "enabled": self.plugin.sync_enabled(),
            "dry_run": settings.dry_run,
            "quantity_basis": settings.quantity,
            "order_behaviour": sync.configured_behaviour(self.plugin).value,
            "buffer": str(settings.buffer),
            "last_error": redact(state["last_error"]) if state.get("last_error") else None,
            # the last push's orders-first import could not read the shop's orders (orders_first.py)
            "orders_stale": redact(state["orders_stale"]) if state.get("orders_stale") else None,
            "last_summary": state.get("last_summary"),
            "pending_parts": len(state.get("dirty") or ()),
            "next_retry": _iso(state.get("retry_at")),
            "warnings": self.plugin.security_warnings(),
            "parts": rows,
            **page,
            "orders": orders_status(self.plugin, request),
            "repairs": repairs.repair_status(self.plugin),
            "shipments": shipments.shipment_status(self.plugin),
            "catalogue": catalogue_status(self.plugin, state, rows if part is not None else []),
        })


def catalogue_status(plugin, state: dict, rows: list[dict]) -> dict:
    """Publishing's last outcome counts and error, what was published for the part asked
    about, and the import endpoint's URL."""
    from .catalogue import catalogue_settings
    from .catalogue import catalogue_status as part_status

    try:
        publishing = catalogue_settings(plugin).publish
    except ConfigError as exc:
        publishing, state = False, {**state, "catalogue_error": str(exc)}
    return {"publish": publishing, "last": state.get("catalogue_summary"),
            "error": redact(state["catalogue_error"]) if state.get("catalogue_error") else None,
            "customers": state.get("customers_summary"),
            "parts": {row["part"]: part_status(plugin, row["part"], row["sku"]) for row in rows if row.get("sku")},
            "import_url": plugin.api_url("catalogue/import/")}


def status_page(plugin, offset: int, limit: int, *, only_out_of_sync: bool) -> tuple[list[dict], int]:
    """(rows of one page, how many rows in all) of the linked parts. Only the rows of the page
    are made, except for ``only_out_of_sync``, which has to compare every part to count them."""
    if only_out_of_sync:
        rows = status_report.status_rows(plugin, None, only_out_of_sync=True)
        return rows[offset:offset + limit], len(rows)
    with sync.many_objects():
        linked = parts.linked_part_ids(plugin.TARGET, plugin.sync_settings())
    page = linked[offset:offset + limit]
    return (status_report.status_rows(plugin, page) if page else []), len(linked)


def _iso(timestamp) -> str | None:
    try:
        return None if not timestamp else datetime.fromtimestamp(float(timestamp), UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):
        return None


def orders_status(plugin, request) -> dict:
    """The order import's state as the status shows it, with the URLs the panel needs."""
    status = order_runs.order_status(plugin)
    kind = webhook_setup.webhook_kind(plugin)
    status.update({
        "needs_attention_count": len(status["needs_attention"]),
        "webhook": kind,
        "webhook_url": webhook_setup.delivery_url(plugin, request)[0] if kind else None,
        "webhook_registration": order_runs.read_state(plugin).get("webhook_registration"),
        "csv_url": plugin.api_url("orders.csv"),
        "register_webhook_url": plugin.api_url("register-webhook/") if kind else None,
    })
    return status


class StatusCsvView(PluginView):
    def get(self, request):
        try:
            text = status_report.status_csv(self.plugin)
        except ConfigError as exc:
            return Response({"error": redact(exc)}, status=400)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.plugin.TARGET}-not-in-sync.csv"'
        return response


class OrdersCsvView(PluginView):
    def get(self, request):
        response = HttpResponse(order_runs.attention_csv(self.plugin), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.plugin.TARGET}-orders-needing-attention.csv"'
        return response


class RepairsCsvView(PluginView):
    def get(self, request):
        response = HttpResponse(repairs.history_csv(self.plugin), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.plugin.TARGET}-repairs.csv"'
        return response


class RepairActionView(PluginView):
    ACTIONS = {"confirm": repairs.confirm, "dismiss": repairs.dismiss}

    def post(self, request, action: str):
        handler = self.ACTIONS.get(action)
        if handler is None:
            return Response({"error": f"unknown action {action!r} (confirm or dismiss)"}, status=404)
        sku = request.data.get("sku") if hasattr(request.data, "get") else None
        if not isinstance(sku, str) or not sku.strip():
            return Response({"error": "sku must be the SKU of a flagged repair"}, status=400)
        answer, status = handler(self.plugin, sku.strip(), getattr(request.user, "username", ""))
        return Response(answer, status=status)


class RegisterWebhookView(PluginView):
    def post(self, request):
        answer, status = webhook_setup.register(self.plugin, request)
        return Response(answer, status=status)


class SyncNowView(PluginView):
    def post(self, request):
        if not self.plugin.sync_enabled():
            return Response({"error": f"sync to {self.plugin.TITLE} is disabled in the plugin settings"}, status=400)
        part = request.data.get("part") if hasattr(request.data, "get") else None
        force = _flag(request.data.get("force")) if hasattr(request.data, "get") else False
        if part is None:
            from InvenTree.tasks import offload_task

            from . import tasks

            offload_task(tasks.sync_now, self.plugin.slug, None, force)
            return Response({"queued": True}, status=202)
        part_id = _part_id(part)
        if part_id is None:
            return Response({"error": "part must be a part id"}, status=400)
        report = sync.sync_parts(self.plugin, [part_id], force=force)
        state = sync.read_state(self.plugin)
        return Response({
            "summary": report.summary() if report else None,
            "last_error": redact(state["last_error"]) if state.get("last_error") else None,
            "parts": status_report.status_rows(self.plugin, [part_id]),
        })


class CheckView(PluginView):
    def get(self, request):
        try:
            result = locations.connection_target(self.plugin).check()  # with a map: each location too
        except (ConfigError, SyncError) as exc:
            return Response({"ok": False, "target": self.plugin.TARGET, "url": None,
                             "details": [redact(self.plugin.describe_error(exc))]}, status=200)
        return Response({"ok": result.ok, "target": result.target, "url": redact(result.url),
                         "details": [redact(d) for d in result.details],
                         "warnings": self.plugin.security_warnings()})

    def post(self, request):
        return self.get(request)


class CatalogueImportView(PluginView):
    """Import from target: GET lists the products no part holds, POST creates parts for them."""

    def get(self, request):
        try:
            products = catalogue_import.unlinked_products(self.plugin)
        except (ConfigError, SyncError) as exc:
            return Response({"error": redact(self.plugin.describe_error(exc))}, status=400)
        return Response(catalogue_import.import_view_answer(products))

    def post(self, request):
        from .locks import target_lock

        data = request.data if hasattr(request.data, "get") else {}
        with target_lock(self.plugin, wait=sync.LOCK_WAIT_SECONDS) as locked:
            if not locked:
                return Response({"error": f"another push to {self.plugin.TITLE} is running; try again"}, status=409)
            try:
                answer = catalogue_import.import_products(
                    self.plugin, data.get("skus"), category=data.get("category"), location=data.get("location"),
                    user=request.user)
            except InputError as exc:
                return Response({"error": str(exc)}, status=400)
            except (ConfigError, SyncError) as exc:
                return Response({"error": redact(self.plugin.describe_error(exc))}, status=400)
        return Response(answer, status=201 if answer["created"] else 200)
