"""Two ``push`` processes on one ledger: the second waits for the first (or gives up with
exit 2), so that Zoho, written by deltas, never gets a change twice."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from inventree_commerce_sync.sandbox import catalogue
from inventree_commerce_sync.sandbox.zoho import ZohoSandbox

from .test_cli import toml_table

HOLD = 60.0  # seconds the first adjustment is held at most (a bound; the tests release it sooner)


class HeldZoho(ZohoSandbox):
    """Holds the first adjustment POST until ``release`` is set (or HOLD seconds): the first
    push is then stopped between its read of the stock and its write, the moment a second
    push must not read the same stock and send the same delta."""

    def __init__(self) -> None:
        super().__init__()
        self.held = threading.Event()
        self.release = threading.Event()

    def dispatch(self, request):
        if request.method == "POST" and request.path.endswith("/inventoryadjustments") and not self.held.is_set():
            self.held.set()
            self.release.wait(HOLD)
        return super().dispatch(request)


@pytest.fixture
def zoho(serve, tmp_path):
    app = HeldZoho()
    app.seed(catalogue.generate(4, awkward=False, prefix="P"))
    server = serve(app)
    config = tmp_path / "sync.toml"
    config.write_text(toml_table("zoho", HeldZoho.client_settings(server.url)), "utf-8")
    before = app.stock()
    levels = tmp_path / "levels.csv"
    levels.write_text("sku,quantity\n" + "".join(f"{sku},{quantity + 5}\n" for sku, quantity in before.items()))
    command = [sys.executable, "-m", "inventree_commerce_sync", "push", "--target", "zoho", "--config", str(config),
               "--levels", str(levels), "--ledger", str(tmp_path / "ledger.sqlite3"), "--json"]
    return app, before, command, tmp_path / "ledger.sqlite3"


def run_two(app, command, second_extra, *, release_once_waiting: bool):
    """Starts the first push, and the second once the first is held at its write; releases
    the first when the second has finished, sent an adjustment of its own, or (with
    ``release_once_waiting``) said that it waits for the lock — never on a timer alone, so a
    slow start of the second process cannot make it miss the lock — or after HOLD."""
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert app.held.wait(30), "the first push never reached its write"
    # The second's stderr goes to a file of its own (not a shared file offset) that is read as it grows.
    err_path = Path(tempfile.mkdtemp()) / "second.err"
    with err_path.open("w") as second_err:
        second = subprocess.Popen(command + second_extra, stdout=subprocess.PIPE, stderr=second_err, text=True)
    deadline = time.monotonic() + HOLD
    while time.monotonic() < deadline and second.poll() is None and app.count("adjustments.create") == 0:
        if release_once_waiting and "waiting up to" in err_path.read_text():
            break
        time.sleep(0.02)
    app.release.set()
    outputs = [process.communicate(timeout=60) for process in (first, second)]
    err2 = err_path.read_text()
    return (first.returncode, *outputs[0]), (second.returncode, outputs[1][0], err2)


def assert_applied_once(app, before):
    assert app.stock() == {sku: quantity + 5 for sku, quantity in before.items()}
    references = app.references()
    assert len(references) == 1 == len(set(references))


def test_a_second_push_waits_for_the_first_and_applies_nothing_twice(zoho):
    app, before, command, ledger = zoho
    (code1, out1, err1), (code2, out2, err2) = run_two(app, command, ["--wait", "60"], release_once_waiting=True)
    assert_applied_once(app, before)
    assert (code1, err1) == (0, "")
    assert [r["outcome"] for r in json.loads(out1)] == ["pushed"] * 4
    assert code2 == 0
    assert err2 == f"--ledger {ledger}: another push is running with it; waiting up to 60 s\n"
    assert [r["outcome"] for r in json.loads(out2)] == ["unchanged"] * 4


def test_a_second_push_that_cannot_wait_exits_2_naming_the_ledger(zoho):
    app, before, command, ledger = zoho
    (code1, out1, err1), (code2, out2, err2) = run_two(app, command, ["--wait", "0.5"], release_once_waiting=False)
    assert_applied_once(app, before)
    assert (code1, err1) == (0, "")
    assert code2 == 2 and out2 == ""
    assert err2.splitlines() == [
        f"--ledger {ledger}: another push is running with it; waiting up to 0.5 s",
        f"error: --ledger {ledger}: another push is running with this ledger (waited 0.5 s); "
        "try again when it has finished, or give --wait more seconds",
    ]
