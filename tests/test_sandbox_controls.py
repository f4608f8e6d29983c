"""The sandboxes' control calls: registered once with add_control, parsed in one place."""

from __future__ import annotations

import requests

from inventree_commerce_sync.sandbox import Response, SandboxApp


class Controlled(SandboxApp):
    name = "controlled"

    def __init__(self):
        super().__init__()
        self.changed = []
        self.add_control("POST", r"orders/(?P<id>\d+)/(?P<change>hold|cancel)", self._change)

    def _change(self, request):
        body = request.json() or {}
        self.changed.append((request.params["id"], request.params["change"], body["at"]))
        return Response(200, {"ok": True})

    def stock(self):
        return {}


def test_control_calls_are_routed_by_method_and_action_with_named_parts(serve):
    app = Controlled()
    url = serve(app).url + "/__sandbox__/"
    assert requests.post(url + "orders/7/hold/", json={"at": 1}, timeout=5).status_code == 200
    assert app.changed == [("7", "hold", 1)]
    assert requests.get(url + "orders/7/hold", timeout=5).status_code == 405
    missing = requests.post(url + "orders/7/cancel", json={}, timeout=5)
    assert missing.status_code == 400 and "'at'" in missing.json()["message"]
    assert requests.post(url + "orders/x/hold", json={"at": 1}, timeout=5).status_code == 404
    assert requests.get(url + "stock", timeout=5).json() == {}  # the base's own calls are still there
    assert requests.post(url + "reset-counters", timeout=5).json() == {"ok": True}
