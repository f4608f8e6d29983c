"""One small API client per service, all with the face of ``core.target.Target``.

Which clients exist is listed once, in ``inventree_commerce_sync.registry``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import registry
from ..core.errors import ConfigError
from ..core.target import BaseTarget

TARGETS: Mapping[str, str] = registry.PathView("client")  # name -> "module:Class", live


def target_class(name: str) -> type[BaseTarget]:
    try:
        spec = registry.get(name)
    except KeyError:
        raise ConfigError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}") from None
    return spec.client_class()


def build_target(name: str, settings: Mapping[str, Any]) -> BaseTarget:
    """A client for target ``name`` built from its settings (a TOML table or plugin settings)."""
    return target_class(name)(settings)
