"""The plugins' schedules follow their settings: one django-q schedule per interval.

A reconciliation runs every RECONCILE_MINUTES and a target check every VERIFY_MINUTES, each
from its own schedule at exactly that interval; an interval of 0, or sync switched off,
removes its schedule. The order import runs every ORDER_POLL_MINUTES while ORDER_IMPORT is
on (once a day for the audit alone when polling is 0: webhooks only). InvenTree registers the schedules when it loads the plugins
(``get_scheduled_tasks``); when one of these settings is saved, its ``after_save`` hook
updates the schedule at once, counting the new interval from then. So the worker runs
nothing when nothing is due (django-q checks its schedules in the cluster's own loop,
not in a worker).
"""

from __future__ import annotations

from datetime import timedelta

from ..core.redact import get_logger

log = get_logger(__name__)

TASKS = {  # schedule key: (plugin method, setting holding its interval)
    "reconcile": ("run_reconciliation", "RECONCILE_MINUTES"),
    "verify": ("run_verification", "VERIFY_MINUTES"),
    "orders": ("run_order_import", "ORDER_POLL_MINUTES"),
}
FOLLOWED_SETTINGS = ("ENABLED", "RECONCILE_MINUTES", "VERIFY_MINUTES", "ORDER_IMPORT", "ORDER_POLL_MINUTES",
                     "ORDER_AUDIT_DAYS")
AUDIT_ONLY_MINUTES = 1440


def tasks_for(plugin) -> dict[str, dict]:
    """ScheduleMixin's SCHEDULED_TASKS for the plugin's current settings."""
    try:
        settings = plugin.sync_settings()
        enabled, minutes = settings.enabled, {"reconcile": settings.reconcile_minutes,
                                              "verify": settings.verify_minutes}
    except Exception:  # settings unreadable (database not ready, bad value): the defaults
        enabled, minutes = True, {"reconcile": 60, "verify": 1440}
    minutes = ({} if not enabled else minutes) | {"orders": _order_minutes(plugin)}
    return {key: {"func": func, "schedule": "I", "minutes": minutes[key]}
            for key, (func, _) in TASKS.items() if minutes.get(key, 0) > 0}


def _order_minutes(plugin) -> int:
    """How often the order import runs (0: not at all)."""
    from .order_runs import order_settings

    try:
        settings = order_settings(plugin)
    except Exception:  # unreadable: no import until the settings are fixed (the status says why)
        return 0
    if not settings.enabled:
        return 0
    return settings.poll_minutes or (AUDIT_ONLY_MINUTES if settings.audit_days else 0)


def apply(plugin) -> None:
    """Make the plugin's django-q schedules match its settings."""
    from common.settings import get_global_setting
    from django.conf import settings as django_settings
    from django.utils import timezone
    from django_q.models import Schedule

    if not (django_settings.PLUGIN_TESTING or get_global_setting("ENABLE_PLUGINS_SCHEDULE")):
        return
    wanted = tasks_for(plugin) if plugin.is_active() else {}
    slug = plugin.slug
    for key in TASKS:
        name = f"plugin.{slug}.{key}"
        task = wanted.get(key)
        if task is None:
            Schedule.objects.filter(name=name).delete()
            continue
        fields = {"func": "plugin.registry.call_plugin_function", "args": f"'{slug}', '{task['func']}'",
                  "schedule_type": Schedule.MINUTES, "minutes": task["minutes"], "repeats": -1}
        row = Schedule.objects.filter(name=name).first()
        if row is not None and all(getattr(row, f) == v for f, v in fields.items()):
            continue
        next_run = timezone.now() + timedelta(minutes=task["minutes"])
        if row is None:
            Schedule.objects.create(name=name, next_run=next_run, **fields)
        else:
            Schedule.objects.filter(pk=row.pk).update(next_run=next_run, **fields)


def _setting_saved(setting) -> None:
    from plugin.registry import registry

    slug = getattr(getattr(setting, "plugin", None), "key", None)
    plugin = registry.get_plugin(slug, active=None) if slug else None
    if plugin is None:
        return
    try:
        apply(plugin)
    except Exception:  # a schedule problem must not refuse the setting
        log.exception("commerce sync: could not update the schedules of %s", slug)


def follow_settings(definitions: dict[str, dict]) -> None:
    """Hook the interval and enable settings so that saving them updates the schedules."""
    for key in FOLLOWED_SETTINGS:
        if key in definitions:
            definitions[key]["after_save"] = _setting_saved
