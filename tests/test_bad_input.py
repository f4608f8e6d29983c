"""Bad input, every target: each case gets one clear error and loses nothing."""

from __future__ import annotations

import socket
import ssl

import pytest
import trustme

from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import ConfigError, TargetUnavailable
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.target import BaseTarget
from inventree_commerce_sync.sandbox import catalogue, sandbox_class
from inventree_commerce_sync.targets import TARGETS, build_target, target_class


def settings_for(name: str, url: str, **extra) -> dict:
    return {**sandbox_class(name).client_settings(url), **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("name", list(TARGETS))
def test_sku_over_the_targets_limit_fails_alone(name, serve):
    app = sandbox_class(name)()
    app.seed(catalogue.generate(2, awkward=False))
    server = serve(app)
    target = build_target(name, settings_for(name, server.url))
    too_long = "X" * (target.max_sku_length + 1)
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel(too_long, 1, "part 7"), StockLevel("SKU-000000", 4)])
    outcomes = {r.sku: (r.outcome, r.error) for r in report.results}
    assert outcomes[too_long] == (Result.FAILED, f"part 7: SKU {'X' * 40!r}... is {target.max_sku_length + 1} "
                                                 f"characters long; the target allows {target.max_sku_length}")
    assert outcomes["SKU-000000"][0] is Result.PUSHED


@pytest.mark.parametrize("name", list(TARGETS))
def test_unreachable_host_is_one_clear_error_and_the_levels_stay_pending(name, monkeypatch):
    monkeypatch.setattr(BaseTarget, "RETRY_BACKOFF", 0.01)
    port = free_port()
    target = build_target(name, settings_for(name, f"http://127.0.0.1:{port}"))
    ledger = MemoryLedger()
    try:
        report = SyncEngine(target, ledger).sync([StockLevel("A", 1), StockLevel("B", 2)])
    except TargetUnavailable as exc:  # a client that must authenticate first fails there
        message = str(exc)
    else:
        assert report.failed == 2
        message = report.results[0].error
        assert report.results[1].error in (message, f"not attempted: {message}")
    assert message.startswith(f"{name}: cannot connect to 127.0.0.1:{port} (connection refused)")
    assert all(entry.status != "synced" for entry in ledger.entries(name))


@pytest.fixture(scope="module")
def untrusted_tls():
    ca = trustme.CA()  # a CA nobody trusts
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.mark.parametrize("name", list(TARGETS))
def test_tls_failure_says_what_to_do(name, serve, untrusted_tls):
    app = sandbox_class(name)()
    server = serve(app, ssl_context=untrusted_tls)
    target = build_target(name, settings_for(name, server.url))
    with pytest.raises(TargetUnavailable) as caught:
        target.resolve(["A"])
    message = str(caught.value)
    assert message.startswith(f"{name}: TLS verification failed for 127.0.0.1:{server.port} (certificate verify failed")
    assert message.endswith("or set verify to the path of a CA bundle that signs it")


@pytest.mark.parametrize("name", list(TARGETS))
def test_plain_http_to_a_remote_host_is_refused_unless_allowed(name):
    settings = settings_for(name, "http://shop.example.com")
    with pytest.raises(ConfigError, match=r"uses plain http to shop\.example\.com"):
        build_target(name, settings)
    build_target(name, {**settings, "allow_insecure_http": True})  # an explicit choice is respected


@pytest.mark.parametrize("name", list(TARGETS))
def test_missing_required_setting_is_named(name):
    required = [f for f in target_class(name).FIELDS if f.required]
    assert required, f"{name} has no required setting?"
    settings = settings_for(name, "https://shop.example.com")
    del settings[required[0].key]
    with pytest.raises(ConfigError) as caught:
        build_target(name, settings)
    assert str(caught.value).startswith(f"[{name}] {required[0].key} is missing")


def test_unknown_target_name():
    with pytest.raises(ConfigError) as caught:
        build_target("shopify", {})
    assert str(caught.value) == "unknown target 'shopify'; choose one of magento, woocommerce, zoho, invoiceninja"
