"""Fixtures shared by the standalone (pytest) suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventree_commerce_sync.sandbox import SandboxApp, SandboxServer

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The vendors' API descriptions, read from ../shared/specs (never copied into the repo)."""
    if not (SPECS / "README.md").exists():
        pytest.fail(f"the vendor API descriptions are missing: expected them in {SPECS}")
    return SPECS


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
