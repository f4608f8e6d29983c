"""No secret in any log record, exception text or report: each target is configured with
recognisable secrets, then made to fail in every way a user meets and to succeed, and
everything it produced is scanned for them."""

from __future__ import annotations

import json
import logging

import pytest

from inventree_commerce_sync.core.engine import SyncEngine
from inventree_commerce_sync.core.errors import SyncError
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import BaseTarget
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.targets import TARGETS, build_target, target_class

MARK = "Zq9SECRETx7"


def secret_settings(name: str, url: str) -> dict:
    """The sandbox's settings with every secret replaced by a recognisable wrong value."""
    settings = dict(sandbox_class(name).client_settings(url))
    for field in target_class(name).all_fields():
        if field.secret:
            settings[field.key] = f"{field.key}-{MARK}"
    return settings


def all_text(caplog, errors: list[BaseException], reports) -> str:
    records = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    exceptions = "\n".join(f"{e} {e!r} {e.args}" for e in errors)
    dumped = "\n".join(json.dumps([r.as_dict() for r in rep.results]) + rep.summary() for rep in reports)
    return "\n".join([records, exceptions, dumped])


@pytest.mark.parametrize("name", list(TARGETS))
def test_no_secret_reaches_logs_errors_or_reports(name, serve, caplog, monkeypatch):
    monkeypatch.setattr(BaseTarget, "RETRY_BACKOFF", 0.01)
    caplog.set_level(logging.DEBUG)
    app = sandbox_class(name)()
    app.seed(catalogue.generate(30))
    server = serve(app)
    levels = [StockLevel(p["sku"], 5) for p in catalogue.generate(30)["products"]]
    errors: list[BaseException] = []
    reports = []

    # wrong secrets: refused credentials
    try:
        reports.append(SyncEngine(build_target(name, secret_settings(name, server.url)), MemoryLedger()).sync(levels))
    except SyncError as exc:
        errors.append(exc)

    # the right secrets, then faults, then success
    app_settings = sandbox_class(name).client_settings(server.url)
    target = build_target(name, {**app_settings, "timeout": 0.5})
    app.faults.hang_seconds = 0.8
    app.faults.set("*", error=0.3, reset=0.2, timeout_after_apply=0.1, retry_after=0)
    try:
        reports.append(SyncEngine(target, MemoryLedger()).sync(levels))
    except SyncError as exc:
        errors.append(exc)
    app.faults.clear()
    reports.append(SyncEngine(target, MemoryLedger()).sync(levels))

    text = all_text(caplog, errors, reports)
    assert errors or any(r.failed for r in reports), "nothing failed: the scan proves nothing"
    assert MARK not in text
    for field in target_class(name).all_fields():
        if field.secret:
            assert app_settings[field.key] not in text, f"{field.key} leaked"
