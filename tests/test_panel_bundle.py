"""The part panel's bundle, committed in the package so that no Node.js is needed where the
plugin is installed, is the build of the committed frontend/ sources (checked without Node:
the build records a hash of its sources, computed as frontend/vite.config.ts does)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
BUNDLE = ROOT / "inventree_commerce_sync" / "inventree" / "static" / "CommerceSyncPanel.js"


def sources_hash() -> str:
    files = [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    files += [FRONTEND / "package-lock.json", FRONTEND / "vite.config.ts"]
    digest = hashlib.sha256()
    for name in sorted(p.relative_to(FRONTEND).as_posix() for p in files):
        digest.update(name.encode() + b"\0")
        digest.update((FRONTEND / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_bundle_is_built_from_the_committed_sources():
    first_line = BUNDLE.read_text(encoding="utf-8").splitlines()[0]
    recorded = re.search(r"sources sha256 ([0-9a-f]{64})", first_line)
    assert recorded, f"{BUNDLE.name} has no sources hash on its first line: rebuild it (cd frontend && npm run build)"
    assert recorded.group(1) == sources_hash(), (
        f"{BUNDLE.name} is older than frontend/: run `cd frontend && npm ci && npm run build` and commit the bundle")


def test_bundle_uses_inventrees_react_and_mantine_and_stays_small():
    code = BUNDLE.read_text(encoding="utf-8")
    assert "window.React" in code and "window.MantineCore" in code
    # A bare import would fail in the browser; a bundled React or Mantine would be a second copy.
    assert not re.search(r"""\bfrom\s*["'](react|react-dom|@mantine/[\w-]+)["']""", code)
    # The panel's own code is ~20 KB; react-dom or Mantine bundled by mistake is well over 100 KB.
    assert len(code.encode()) < 40_000, f"{BUNDLE.name} is {len(code.encode())} bytes: is a library bundled?"
    assert re.search(r"export\s*\{[^}]*\brenderPanel\b", code), "InvenTree calls renderPanel"

