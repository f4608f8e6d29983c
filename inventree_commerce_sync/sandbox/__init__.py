"""Emulators of the four services: real HTTP servers on loopback, for tests, benchmarks,
the ``demo`` command and anyone who wants to try the plugins without an account.

``app`` is the base every emulator builds on (routing, control API), ``faults`` the fault
injection and rate limits, ``server`` the HTTP server; one module per service holds its
emulator. Each sandbox class has ``client_settings(url)``: the settings that point the
matching client at it with credentials it accepts. Which sandboxes exist is listed once, in
``inventree_commerce_sync.registry``."""

from __future__ import annotations

from collections.abc import Mapping

from .. import registry
from .app import BadRequest, Request, Response, SandboxApp
from .server import SandboxServer

SANDBOXES: Mapping[str, str] = registry.PathView("sandbox")  # name -> "module:Class", live


def sandbox_class(name: str) -> type[SandboxApp]:
    try:
        spec = registry.get(name)
    except KeyError:
        raise ValueError(f"unknown sandbox {name!r}; choose one of {', '.join(SANDBOXES)}") from None
    return spec.sandbox_class()


__all__ = ["SANDBOXES", "BadRequest", "Request", "Response", "SandboxApp", "SandboxServer", "sandbox_class"]
