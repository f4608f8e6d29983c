"""What the benchmarks share: a sandbox in its own process, seeded from a generated catalogue.

Running the sandbox in a child process keeps its memory and CPU out of the measurement of
the sync itself; its counters are read over its control API.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import requests

from inventree_commerce_sync.sandbox import catalogue, sandbox_class

_READY_TIMEOUT = 120  # seconds to load a 100,000-product seed


class SandboxProcess:
    """``python -m inventree_commerce_sync sandbox TARGET --seed FILE`` on a free loopback port."""

    def __init__(self, target: str, seed: Path, *, port: int = 0):
        self.target = target
        self._process = subprocess.Popen(
            [sys.executable, "-m", "inventree_commerce_sync", "sandbox", target, "--seed", str(seed),
             "--port", str(port)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self._process.stdout is not None  # stdout=PIPE
        first_line = self._process.stdout.readline()
        if " listening on " not in first_line:
            self.stop()
            raise RuntimeError(f"the {target} sandbox did not start: {first_line!r}")
        self.url = first_line.split(" listening on ", 1)[1].split()[0]

    def settings(self) -> dict:
        return sandbox_class(self.target).client_settings(self.url)

    def control(self, method: str, action: str, body: dict | None = None) -> dict:
        response = requests.request(method, f"{self.url}/__sandbox__/{action}", json=body, timeout=_READY_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def counters(self) -> dict:
        return self.control("GET", "counters")

    def reset_counters(self) -> None:
        self.control("POST", "reset-counters")

    def stock(self) -> dict[str, Decimal]:
        return {sku: Decimal(q) for sku, q in self.control("GET", "stock").items()}

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def write_seed(count: int, folder: Path, seed: int = 1) -> Path:
    """A catalogue of ``count`` generated products as a seed file for the sandboxes."""
    path = Path(folder) / f"seed-{count}.json"
    path.write_text(json.dumps(catalogue.generate(count, seed=seed, awkward=True)), "utf-8")
    return path


def sku(index: int) -> str:
    return catalogue.sku_for(index, awkward=True)


def desired_quantity(index: int, phase: int, changed_every: int = 100) -> Decimal:
    """The level of product ``index`` in phase 1 (every level new), 2 (1 % changed), 3 (same as 2)."""
    base = (index * 7919) % 97 + 60  # never the seeded 0..50, so that phase 1 writes every SKU
    if phase >= 2 and index % changed_every == 0:
        base += 1
    return Decimal(base)


def table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["| " + " | ".join(c.ljust(widths[c]) for c in columns) + " |",
             "|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "")).rjust(widths[c]) for c in columns) + " |")
    return "\n".join(lines)


def verdict(failures: list[str]) -> int:
    """Print the failed checks (or that all passed) and return the exit code of a live bench."""
    if failures:
        print("\nFAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nall checks passed")
    return 0


def stop_all(sandboxes, folder) -> None:
    """Stop every sandbox a live bench started (one that is already gone is no error), then
    remove the bench's temporary folder."""
    for sandbox in sandboxes:
        try:
            sandbox.stop()
        except Exception:
            pass
    folder.cleanup()


def live_parser(description: str, *, port: int, instance: str | None = None,
                instance_help: str = "the /work/live instance (for the target check)",
                worktree: bool = False) -> argparse.ArgumentParser:
    """The options of every live bench: the InvenTree server and its login, and where the
    instance runs (its name for /work/live/bin, the worktree its code comes from)."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    if instance is not None:
        parser.add_argument("--instance", default=instance, help=instance_help)
    if worktree:
        parser.add_argument("--worktree", default=str(Path(__file__).resolve().parents[1]))
    return parser


def worker_running(inventree) -> bool:
    """Whether the server reports its background worker (said on stderr when not: the
    benches measure what the worker does)."""
    if inventree.request("GET", "/api/").json().get("worker_running"):
        return True
    print("InvenTree reports no running background worker; start `manage.py qcluster` first", file=sys.stderr)
    return False
