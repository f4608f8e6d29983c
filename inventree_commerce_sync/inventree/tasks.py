"""Functions InvenTree's background worker runs by dotted path (django-q tasks)."""

from __future__ import annotations

from ..core.redact import get_logger

log = get_logger(__name__)


def _plugin(slug: str):
    from plugin.registry import registry

    plugin = registry.get_plugin(slug)
    if plugin is None or not plugin.is_active():
        log.info("commerce sync: plugin %s is not active; nothing to do", slug)
        return None
    return plugin


def flush(slug: str | None = None) -> None:
    """Push the parts marked dirty (queued by flush.mark_dirty): every due target, or the
    one plugin ``slug`` (flushes queued by an older version of the plugins)."""
    from . import flush as F

    if slug is None:
        F.flush()
        return
    plugin = _plugin(slug)
    if plugin is not None:
        F.flush([plugin])


def sync_now(slug: str, part_ids: list[int] | None = None, force: bool = False) -> None:
    """The "sync now" action, offloaded to the worker."""
    from . import sync

    plugin = _plugin(slug)
    if plugin is not None:
        sync.sync_parts(plugin, part_ids, force=force)
