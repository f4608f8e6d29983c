"""Each plugin's sync state, kept in its PluginConfig's metadata under ``commerce_sync``.

Reads are plain; every change is a read-modify-save under a row lock (select_for_update),
so that the web processes and the workers marking and taking dirty parts never lose each
other's updates. Several plugins' states are locked in primary-key order (no deadlock).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

STATE_KEY = "commerce_sync"


def _config_pk(plugin) -> int | None:
    config = plugin.config_row()
    return None if config is None else config.pk


def read_state(plugin) -> dict[str, Any]:
    from plugin.models import PluginConfig

    pk = _config_pk(plugin)
    metadata = PluginConfig.objects.filter(pk=pk).values_list("metadata", flat=True).first() if pk else None
    return dict((metadata or {}).get(STATE_KEY) or {})


@contextmanager
def locked_states(plugins: Sequence) -> Iterator[dict[str, dict[str, Any]]]:
    """{slug: state} of the plugins, row-locked for the block and saved after it (a plugin
    without a config row is left out)."""
    from plugin.models import PluginConfig

    by_pk = {}
    for plugin in plugins:
        pk = _config_pk(plugin)
        if pk is not None:
            by_pk[pk] = plugin.slug
    with transaction.atomic():
        rows = list(PluginConfig.objects.select_for_update().filter(pk__in=sorted(by_pk))
                    .order_by("pk").values_list("pk", "metadata"))
        metadata = {pk: dict(data or {}) for pk, data in rows}
        states = {by_pk[pk]: dict(data.get(STATE_KEY) or {}) for pk, data in metadata.items()}
        before = {slug: dict(state) for slug, state in states.items()}
        yield states
        for pk, data in metadata.items():
            slug = by_pk[pk]
            if states[slug] != before[slug]:
                data[STATE_KEY] = states[slug]
                PluginConfig.objects.filter(pk=pk).update(metadata=data)


@contextmanager
def locked_state(plugin) -> Iterator[dict[str, Any] | None]:
    """One plugin's state, row-locked for the block and saved after it (None: no config row)."""
    with locked_states([plugin]) as states:
        yield states.get(plugin.slug)


def update_state(plugin, **changes: Any) -> None:
    with locked_state(plugin) as state:
        if state is not None:
            state.update(changes)
