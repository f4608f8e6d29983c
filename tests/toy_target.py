"""A toy fifth target for tests/test_registry.py: a tiny client and the sandbox it talks to.

The toy service lists items by SKU (``GET /api/items?sku=a,b``), sets one item's stock
absolutely (``PUT /api/items/<id>``) and names the shop (``GET /api/shop``); every request
needs the header ``X-Toy-Key``. Small as it is, it is a complete target: nothing outside
this file and its line in the registry knows about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from inventree_commerce_sync import registry
from inventree_commerce_sync.core.http import decode_json, status_error
from inventree_commerce_sync.core.target import OK, BaseTarget, Change, CheckResult, ConfigField, Outcome, Remote
from inventree_commerce_sync.sandbox import Request, Response, SandboxApp

KEY = "toy-secret-key-1234"

SPEC = registry.TargetSpec(
    "toyshop",
    client="tests.toy_target:ToyTarget",
    sandbox="tests.toy_target:ToySandbox",
    plugin="ToyShopSyncPlugin",
    plugin_name="Toy shop stock sync",
    entry_name="toy-shop-stock-sync",
)


class ToyTarget(BaseTarget):
    name = "toyshop"
    title = "Toy Shop"
    FIELDS = (
        ConfigField("url", "URL", "Base address of the toy shop (without /api)", required=True),
        ConfigField("key", "API key", "The shop's API key", required=True, secret=True),
    )
    API_PATHS = ("/api",)
    write_batch = 1
    resolve_batch = 50

    def __init__(self, settings: Mapping[str, Any]):
        super().__init__(settings)
        self.session.headers["X-Toy-Key"] = self.config["key"]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.config['url']}/api{path}", **kwargs)
        if response.status_code >= 400:
            raise status_error(self.name, response, response.text, auth_hint="check [toyshop] key")
        return decode_json(self.name, response)

    def resolve(self, skus: Sequence[str]) -> dict[str, Remote]:
        items = {item["sku"]: item for item in self._call("GET", "/items", params={"sku": ",".join(skus)})}
        return {sku: Remote(sku, str(items[sku]["id"]) if sku in items else None,
                            data={"stock": items[sku]["stock"]} if sku in items else {}) for sku in skus}

    def read(self, remotes: Sequence[Remote]) -> dict[str, Decimal]:
        return {remote.sku: Decimal(str(remote.data["stock"])) for remote in remotes if remote.found}

    def write(self, changes: Sequence[Change]) -> dict[str, Outcome]:
        for change in changes:
            self._call("PUT", f"/items/{change.remote.remote_id}", json={"stock": int(change.quantity)})
        return {change.sku: OK for change in changes}

    def check(self) -> CheckResult:
        shop = self._call("GET", "/shop")
        return CheckResult(self.name, self.config["url"], True, [f"shop {shop['name']!r}, key accepted"])


class ToySandbox(SandboxApp):
    name = "toyshop"

    def __init__(self, *, seed: int = 0):
        super().__init__(seed=seed)
        self.items: dict[int, dict[str, Any]] = {}
        self.add_route("GET", "/api/shop", "shop", lambda request: Response(200, {"name": "Toys & Co"}))
        self.add_route("GET", "/api/items", "items.list", self._list)
        self.add_route("PUT", r"/api/items/(?P<id>\d+)", "items.update", self._update)

    @classmethod
    def client_settings(cls, url: str) -> dict[str, Any]:
        return {"url": url, "key": KEY}

    def seed(self, catalogue: Mapping[str, Any]) -> None:
        self.items = {number: {"id": number, "sku": product["sku"], "stock": int(product.get("quantity", 0))}
                      for number, product in enumerate(catalogue.get("products", []), start=1)}

    def stock(self) -> dict[str, Decimal]:
        return {item["sku"]: Decimal(item["stock"]) for item in self.items.values()}

    def authenticate(self, request: Request) -> Response | None:
        return None if request.header("X-Toy-Key") == KEY else self.error(401, "bad key")

    def _list(self, request: Request) -> Response:
        wanted = set((request.arg("sku") or "").split(","))
        return Response(200, [item for item in self.items.values() if item["sku"] in wanted])

    def _update(self, request: Request) -> Response:
        item = self.items.get(int(request.params["id"]))
        if item is None:
            return self.error(404, "no such item")
        item["stock"] = int(request.json()["stock"])
        return Response(200, item)
