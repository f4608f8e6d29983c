"""The list of targets lives in one place (``registry``), and everything else agrees with it.

Part one: the package's own targets. Their client and sandbox carry the registered name,
and the two lists that cannot read the registry (the plugin classes in
inventree/plugins.py and the entry points in pyproject.toml, read here as text because
Django is not installed in this suite) name the same plugins.

Part two: adding a fifth target. A toy target (tests/toy_target.py) is registered, and
nothing else is changed: the CLI's push, check and sandbox commands, the demo, the engine
and the plugin-settings derivation all work with it.
"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import pytest
import requests

from inventree_commerce_sync import demo, registry  # noqa: F401 - demo imported before any registration
from inventree_commerce_sync.cli import main
from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.ledger import MemoryLedger
from inventree_commerce_sync.core.levels import StockLevel
from inventree_commerce_sync.core.orders import OrderSource
from inventree_commerce_sync.core.target import BaseTarget
from inventree_commerce_sync.inventree import config as C
from inventree_commerce_sync.sandbox import SANDBOXES, SandboxApp, SandboxServer, catalogue, sandbox_class
from inventree_commerce_sync.targets import TARGETS, build_target, target_class

from . import toy_target

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inventree_commerce_sync"
BUILT_IN = ("magento", "woocommerce", "zoho", "invoiceninja")


def plugin_declarations() -> dict[object, dict[str, object]]:
    """TARGET -> {"class": ..., "NAME": ..., "SLUG": ...} for each plugin class in plugins.py."""
    found: dict[object, dict[str, object]] = {}
    for node in ast.parse((PACKAGE / "inventree" / "plugins.py").read_text("utf-8")).body:
        if not isinstance(node, ast.ClassDef):
            continue
        values: dict[str, object] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
                values.update({t.id: statement.value.value for t in statement.targets if isinstance(t, ast.Name)})
        if "TARGET" in values:
            found[values["TARGET"]] = {"class": node.name, "NAME": values.get("NAME"), "SLUG": values.get("SLUG")}
    return found


# -- the package's own targets ---------------------------------------------------------------

def test_the_registry_lists_the_four_targets_in_order():
    assert registry.names() == BUILT_IN
    assert tuple(TARGETS) == tuple(SANDBOXES) == BUILT_IN


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_target_has_a_client_and_a_sandbox_with_its_name(name):
    client, sandbox = target_class(name), sandbox_class(name)
    assert issubclass(client, BaseTarget) and client.name == name and client.title
    assert issubclass(sandbox, SandboxApp) and sandbox.name == name
    assert set(sandbox.client_settings("http://127.0.0.1:1")) <= {f.key for f in client.all_fields()}


def test_the_plugin_classes_are_the_registered_ones():
    declared = plugin_declarations()
    assert sorted(declared) == sorted(BUILT_IN), "inventree/plugins.py declares a plugin per registered target"
    for name, plugin in declared.items():
        spec = registry.get(name)
        assert plugin == {"class": spec.plugin, "NAME": spec.plugin_name, "SLUG": spec.slug}, name


def test_the_entry_points_are_the_registered_plugins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    entry_points = project["entry-points"]["inventree_plugins"]
    assert entry_points == {registry.get(name).entry_name: registry.get(name).entry_point for name in BUILT_IN}


def test_no_other_module_of_the_package_lists_the_targets():
    """A literal tuple, list, set or dict holding two target names is a second list to keep in step."""
    names = set(BUILT_IN)
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "registry.py" or "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            items = node.keys if isinstance(node, ast.Dict) else \
                node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else []
            spelled = {item.value for item in items if isinstance(item, ast.Constant) and item.value in names}
            if len(spelled) >= 2:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_an_unknown_name_is_refused_with_the_registered_choices():
    with pytest.raises(ValueError, match="unknown sandbox 'shopify'; choose one of magento, woocommerce, zoho, "
                                         "invoiceninja$"):
        sandbox_class("shopify")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("zoho"))


# -- a fifth target --------------------------------------------------------------------------

@pytest.fixture
def toyshop(serve):
    """The toy target registered, and its sandbox running with a small catalogue."""
    registry.register(toy_target.SPEC)
    try:
        app = sandbox_class("toyshop")()
        app.seed(catalogue.generate(4, awkward=False, prefix="T"))
        yield app, serve(app)
    finally:
        registry.unregister("toyshop")
    assert "toyshop" not in TARGETS


def write_config(tmp_path: Path, url: str) -> Path:
    settings = sandbox_class("toyshop").client_settings(url)
    path = tmp_path / "sync.toml"
    path.write_text("[toyshop]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()), "utf-8")
    return path


def test_a_registered_fifth_target_is_known_by_name_everywhere(toyshop):
    assert registry.names() == (*BUILT_IN, "toyshop")
    assert "toyshop" in TARGETS and "toyshop" in SANDBOXES
    assert target_class("toyshop") is toy_target.ToyTarget and sandbox_class("toyshop") is toy_target.ToySandbox


def test_cli_check_and_push_work_with_the_fifth_target(toyshop, tmp_path, capsys):
    app, server = toyshop
    config = write_config(tmp_path, server.url)
    assert main(["check", "--target", "toyshop", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith(f"toyshop at {server.url}: OK\n  - shop 'Toys & Co', key accepted")

    levels = tmp_path / "levels.csv"
    levels.write_text("sku,quantity\nT-000000,17\nT-000003,2.9\nNOT-THERE,1\n", "utf-8")
    push = ["push", "--target", "toyshop", "--config", str(config), "--levels", str(levels),
            "--ledger", str(tmp_path / "ledger.sqlite3"), "--json"]
    assert main(push) == 0
    outcomes = {r["sku"]: (r["outcome"], r["quantity"]) for r in json.loads(capsys.readouterr().out)}
    assert outcomes == {"T-000000": ("pushed", "17"), "T-000003": ("pushed", "2"), "NOT-THERE": ("not_found", "1")}
    assert app.stock()["T-000000"] == 17 and app.stock()["T-000003"] == 2

    writes = app.writes
    assert main(push) == 0  # the ledger knows both levels now: nothing is written again
    assert {r["outcome"] for r in json.loads(capsys.readouterr().out)} == {"unchanged", "not_found"}
    assert app.writes == writes


def test_cli_sandbox_serves_the_fifth_target_and_prints_settings_that_work(toyshop, monkeypatch, capsys):
    started: list[SandboxServer] = []

    def serve_in_background(self: SandboxServer) -> None:  # instead of blocking until Ctrl-C
        started.append(self.start())

    monkeypatch.setattr(SandboxServer, "serve_forever", serve_in_background)
    assert main(["sandbox", "toyshop"]) == 0
    try:
        out = capsys.readouterr().out
        assert out.startswith(f"toyshop sandbox listening on {started[0].url}")
        settings = tomllib.loads(out.split("as a TOML table:\n", 1)[1])["toyshop"]
        assert build_target("toyshop", settings).check().ok
        assert requests.get(f"{started[0].url}/api/shop", timeout=5).status_code == 401  # no key, no answer
    finally:
        for server in started:
            server.stop()


def test_the_demo_includes_and_converges_on_the_fifth_target(toyshop, capsys):
    # The demo module was imported at the top of this file, before the toy was registered.
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("started the toyshop sandbox at http://127.0.0.1:") for line in lines)
    verdicts = [line.split()[0] for line in lines if line.startswith("  ") and line.endswith("  converged")]
    assert verdicts == [*BUILT_IN, "toyshop"]
    assert lines[-1] == "all targets converged"


def test_the_engine_repairs_a_level_changed_on_the_fifth_target(toyshop):
    app, server = toyshop
    engine = SyncEngine(build_target("toyshop", app.client_settings(server.url)), MemoryLedger())
    assert engine.sync([StockLevel("T-000001", 40)]).counts[Result.PUSHED] == 1
    app.items[2]["stock"] = 3  # edited by hand on the shop
    report = engine.sync([StockLevel("T-000001", 40)], verify=True)
    assert report.counts[Result.PUSHED] == 1 and app.stock()["T-000001"] == 40


def test_plugin_settings_are_derived_for_the_fifth_target(toyshop):
    app, server = toyshop
    cls = target_class("toyshop")
    definitions = C.connection_setting_definitions(cls)
    assert {"URL", "KEY", "TIMEOUT", "VERIFY", "ALLOW_INSECURE_HTTP"} == set(definitions)
    assert definitions["KEY"]["protected"] is True and "URL" in definitions and not definitions["URL"].get("protected")
    assert "INVENTREE_COMMERCE_SYNC_TOYSHOP_KEY" in definitions["KEY"]["description"]
    with pytest.raises(ValueError, match=r"URL must be the base address without /api"):
        definitions["URL"]["validator"](f"{server.url}/api")

    # The secret from the environment, the rest from the settings page: a client that works.
    config = C.connection_config(cls, {"URL": server.url, "KEY": ""},
                                 {"INVENTREE_COMMERCE_SYNC_TOYSHOP_KEY": toy_target.KEY})
    assert config == {"url": server.url, "key": toy_target.KEY}
    assert build_target("toyshop", config).check().ok


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_client_reads_orders_and_its_sandbox_places_them(name):
    """The plugin imports orders through the client itself: a client whose order mixin is not
    wired in would answer every poll with "cannot read orders" and every webhook with 404."""
    assert issubclass(target_class(name), OrderSource)
    assert sandbox_class(name).order_call("SKU-1", 2) is not None

