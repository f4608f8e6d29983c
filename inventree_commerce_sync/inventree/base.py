"""The common base of the four plugins: one class, parametrised by the target's name.

A subclass sets TARGET (a name known to ``targets.build_target``), NAME, SLUG and TITLE; its
connection settings are derived from the target client's fields when the class is created.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from plugin import InvenTreePlugin
from plugin.mixins import EventMixin, ScheduleMixin, SettingsMixin, UrlsMixin, UserInterfaceMixin

from ..core.customers import CustomerClient
from ..core.errors import ConfigError, worded_with_labels
from ..core.redact import get_logger
from ..core.settings import parse_bool
from ..core.target import BaseTarget
from . import config as C
from . import events, flush, locations, schedule, sync
from .catalogue_settings import catalogue_definitions
from .order_settings import OrderSettings

log = get_logger(__name__)

# The keys of the sync settings (the rest are connection settings).
SYNC_KEYS = C.SYNC_KEYS


def _django_validator(check):
    """InvenTree hides the message of a validator's ValueError; raise a ValidationError instead."""
    def validate(value: Any) -> None:
        try:
            check(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    validate.__name__ = getattr(check, "__name__", "validate")
    return validate


def _settings_for(target_cls: type[BaseTarget] | None) -> dict[str, dict[str, Any]]:
    definitions = C.plugin_setting_definitions(target_cls)
    title = target_cls.title if target_cls is not None else "the shop"
    definitions.update(C.setting_definitions(OrderSettings, title))
    definitions.update(locations.setting_definitions(target_cls))
    definitions.update(catalogue_definitions(title, customers=target_cls is not None
                                             and issubclass(target_cls, CustomerClient)))
    for definition in definitions.values():
        validator = definition.get("validator")
        if callable(validator) and validator not in (bool, int, float):
            definition["validator"] = _django_validator(validator)
    return definitions


_reading = threading.local()  # per thread: {plugin slug: its settings (None: not read yet)}


def _held_settings() -> dict[str, dict[str, Any] | None]:
    if not hasattr(_reading, "held"):
        _reading.held = {}
    return _reading.held


def _overrides(slug: str) -> dict[str, Any]:
    """The plugin's settings locked in InvenTree's config file (InvenTree >= 1.2)."""
    try:
        from common.settings import plugin_setting_overrides
    except ImportError:
        return {}
    return plugin_setting_overrides(slug)


def _target_class(name: str) -> type[BaseTarget] | None:
    from ..targets import target_class

    try:
        return target_class(name)
    except Exception as exc:  # a missing or broken client must not break InvenTree's startup
        log.error("commerce sync: the %s client could not be loaded: %s", name, exc)
        return None


class CommerceSyncPlugin(ScheduleMixin, EventMixin, SettingsMixin, UrlsMixin, UserInterfaceMixin, InvenTreePlugin):
    """Keeps one target's stock levels equal to InvenTree's."""

    TARGET: ClassVar[str] = ""
    AUTHOR = "inventree-commerce-sync"
    MIN_VERSION = "1.0.0"
    LICENSE = "MIT"

    # The real intervals come from the settings (get_scheduled_tasks); this is the default.
    SCHEDULED_TASKS = {
        "reconcile": {"func": "run_reconciliation", "schedule": "I", "minutes": 60},
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.TARGET:
            cls.SETTINGS = _settings_for(_target_class(cls.TARGET))
            schedule.follow_settings(cls.SETTINGS)

    # -- settings -------------------------------------------------------------------------

    @classmethod
    def target_class(cls) -> type[BaseTarget]:
        from ..targets import target_class

        return target_class(cls.TARGET)

    def config_row(self):
        """This plugin's PluginConfig, looked up once: InvenTree's own lookup (plugin_config())
        loads every plugin's configuration, too slow to repeat for each event."""
        config = getattr(self, "_config_row", None)
        if config is None:
            from plugin.models import PluginConfig

            config = PluginConfig.objects.filter(key=self.slug).first() or self.plugin_config()
            self._config_row = config
        return config

    def setting_values(self) -> dict[str, Any]:
        """Every setting of this plugin as get_setting gives it, from ONE query (InvenTree
        reads one setting per query). Inside ``reading_settings()`` the values are read once
        for the whole operation; outside it, at every call."""
        held = _held_settings()
        values = held.get(self.slug)
        if values is None:
            from plugin.models import PluginSetting

            stored = PluginSetting.objects.filter(plugin=self.config_row()).values_list("key", "value")
            values = C.stored_setting_values(self.SETTINGS, dict(stored), _overrides(self.slug))
            if self.slug in held:
                held[self.slug] = values
        return values

    @contextmanager
    def reading_settings(self):
        """One operation (a push, a reconciliation, an API request): its settings are read
        once, when first needed, and forgotten at its end, so that a setting saved on the
        settings page applies to the next operation. Nested, the outer reading holds."""
        held = _held_settings()
        if self.slug in held:
            yield
            return
        held[self.slug] = None
        try:
            yield
        finally:
            held.pop(self.slug, None)

    def get_setting(self, key: str, cache: bool = False, backup_value: Any = None) -> Any:
        if backup_value is None:  # a key never defined nor stored is "" (InvenTree's default default)
            return self.setting_values().get(str(key).strip().upper(), "")
        from plugin.models import PluginSetting

        return PluginSetting.get_setting(key, plugin=self.config_row(), cache=cache, backup_value=backup_value)

    def set_setting(self, key: str, value: Any, user: Any = None, **kwargs) -> None:
        super().set_setting(key, value, user, **kwargs)
        held = _held_settings()
        if self.slug in held:
            held[self.slug] = None  # read again, with the new value

    def sync_enabled(self) -> bool:
        try:
            return parse_bool(self.get_setting("ENABLED"))
        except ValueError:
            return False

    def sync_settings(self) -> C.SyncSettings:
        stored = self.setting_values()
        values = {key: getattr(stored.get(key), "pk", stored.get(key)) for key in SYNC_KEYS}
        try:
            return C.SyncSettings.from_values(values)
        except ConfigError as exc:
            raise ConfigError(f"{exc.naming(C.sync_setting_label)} (plugin settings of {self.TITLE})") from None

    def connection_values(self) -> dict[str, Any]:
        stored = self.setting_values()
        return {C.setting_key(f): stored.get(C.setting_key(f)) for f in self.target_class().all_fields()}

    def security_warnings(self) -> list[str]:
        """What an admin must see: TLS verification or HTTPS switched off in the settings."""
        return C.security_warnings(self.target_class(), self.connection_values(), os.environ)

    def describe_error(self, exc: BaseException) -> str:
        """An error as the settings page words it: settings named by their labels, not their keys."""
        return worded_with_labels(exc, self.TARGET, {f.key: f.label for f in self.target_class().all_fields()})

    def build_target(self) -> BaseTarget:
        """The target client built from the settings (environment fallback for empty ones)."""
        from ..targets import build_target

        config = C.connection_config(self.target_class(), self.connection_values(), os.environ)
        try:
            return build_target(self.TARGET, config)
        except ConfigError as exc:
            raise ConfigError(f"{self.describe_error(exc)} (plugin settings of {self.TITLE})") from None

    # -- events ---------------------------------------------------------------------------

    def wants_process_event(self, event: str) -> bool:
        """Only the bulk stock events, and only for one plugin: the first active commerce
        sync plugin handles them for all four (InvenTree queues one task per plugin that
        says yes). No database access."""
        if not events.wants(event):
            return False
        leader = flush.active_plugins()[:1]
        return bool(leader) and leader[0].slug == self.slug

    def process_event(self, event: str, *args, **kwargs) -> None:
        """Mark the parts the event touched dirty for every enabled commerce sync plugin; tell
        the shop an imported order's shipment (or flag its cancellation)."""
        from . import shipments
        from .parts import DbPartLookup

        event = str(event).strip()
        if event == events.SHIPMENT_COMPLETED:
            shipments.shipment_completed(kwargs.get("id"))
        elif event == events.SALES_ORDER_CANCELLED:
            shipments.order_cancelled(kwargs.get("id"))
        plugins = flush.enabled_plugins()
        if not plugins:
            return
        parts = events.affected_parts(event, args, kwargs, DbPartLookup())
        if parts:
            flush.mark_dirty(plugins, parts)

    # -- schedule -------------------------------------------------------------------------

    def get_scheduled_tasks(self):
        """One schedule per configured interval, at exactly that interval (none when sync is
        off): the worker runs nothing that is not due."""
        return schedule.tasks_for(self)

    def run_reconciliation(self, *args, **kwargs) -> None:
        from . import customers

        with self.reading_settings():
            sync.reconcile(self, verify=False)
            customers.push_companies(self)  # with "Push customers" on only

    def run_verification(self, *args, **kwargs) -> None:
        sync.reconcile(self, verify=True)

    def run_order_import(self, *args, **kwargs) -> None:
        from . import order_runs

        with self.reading_settings():
            order_runs.scheduled(self)

    # -- urls and panel -------------------------------------------------------------------

    def setup_urls(self):
        from django.urls import path

        from . import views
        from .webhooks import webhook_url

        return [
            path("status/", views.StatusView.as_view(plugin=self), name="status"),
            path("status.csv", views.StatusCsvView.as_view(plugin=self), name="status-csv"),
            path("sync/", views.SyncNowView.as_view(plugin=self), name="sync"),
            path("check/", views.CheckView.as_view(plugin=self), name="check"),
            path("orders.csv", views.OrdersCsvView.as_view(plugin=self), name="orders-csv"),
            path("catalogue/import/", views.CatalogueImportView.as_view(plugin=self), name="catalogue-import"),
            path("repairs.csv", views.RepairsCsvView.as_view(plugin=self), name="repairs-csv"),
            path("repairs/<str:action>/", views.RepairActionView.as_view(plugin=self), name="repairs-action"),
            path("register-webhook/", views.RegisterWebhookView.as_view(plugin=self), name="register-webhook"),
            webhook_url(self),
        ]

    def api_url(self, name: str) -> str:
        return f"/{self.base_url}{name}"

    def get_ui_panels(self, request, context, **kwargs):
        from .catalogue_import import import_panels

        context = context or {}
        user = getattr(request, "user", None)
        if context.get("target_model") == "partcategory":
            return import_panels(self, request, context)
        if context.get("target_model") != "part" or not (user and user.is_staff) or not self.sync_enabled():
            return []
        return [{
            "key": f"commerce-sync-{self.TARGET}",
            "title": self.TITLE,
            "icon": "ti:refresh:outline",
            "source": self.plugin_static_file("CommerceSyncPanel.js:renderPanel"),  # built from frontend/
            "context": {
                "target": self.TITLE,
                "status_url": self.api_url("status/"),
                "sync_url": self.api_url("sync/"),
                "csv_url": self.api_url("status.csv"),
                "check_url": self.api_url("check/"),
            },
        }]
