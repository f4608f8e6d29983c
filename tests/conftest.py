"""Fixtures shared by the standalone (pytest) suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inventree_commerce_sync.sandbox import SandboxApp, SandboxServer

from . import specs

SPECS = specs.SHARED


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The vendors' API descriptions (never copied into the repo): ../shared/specs, else the
    copy `python -m tests.specs fetch` downloaded; without either the test is skipped,
    except under CI, where ../shared is required."""
    try:
        return specs.locate(ci=os.environ.get("CI", "").lower() in ("1", "true", "yes"))
    except specs.Required as exc:
        pytest.fail(str(exc))
    except specs.Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def serve():
    """serve(app) starts a sandbox on a free loopback port and returns its SandboxServer;
    every server started this way is stopped when the test ends."""
    servers: list[SandboxServer] = []

    def start(app: SandboxApp, **kwargs) -> SandboxServer:
        server = SandboxServer(app, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
