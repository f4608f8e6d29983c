"""The sandboxes' webhook outbox: bounded, loopback only, no redirects, drain says whether it drained."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inventree_commerce_sync.sandbox.outbox import FULL, REFUSED, Delivery, Outbox


class Receiver(BaseHTTPRequestHandler):
    got: list[tuple[str, str, bytes]] = []
    status = 200
    delay = 0.0

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(type(self).delay)
        type(self).got.append((self.command, self.path, body))
        self.send_response(type(self).status)
        if type(self).status == 302:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.got, Receiver.status, Receiver.delay = [], 200, 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_deliveries_reach_loopback_only_and_redirects_are_answers(receiver):
    outbox = Outbox("t")
    done = []
    outbox.send(Delivery(receiver + "/hook", b"{}", {"X-A": "1"}, "PUT", {"n": 1}, done=lambda s, e: done.append(s)))
    outbox.send(Delivery("http://192.0.2.1/hook", b"{}", {}, about={"n": 2}))
    assert outbox.drain(5)
    Receiver.status = 302
    outbox.send(Delivery(receiver + "/moved", b"x", {}, about={"n": 3}))
    assert outbox.drain(5)
    assert [(d["n"], d["status"], d["error"]) for d in outbox.log] == [(1, 200, None), (2, None, REFUSED),
                                                                       (3, 302, None)]
    assert done == [200]
    assert [(m, p) for m, p, _ in Receiver.got] == [("PUT", "/hook"), ("POST", "/moved")]  # /elsewhere never


def test_the_queue_and_the_log_are_bounded_and_drain_says_when_it_timed_out(receiver):
    Receiver.delay = 0.5
    outbox = Outbox("t", max_queued=1, log_size=3)
    assert outbox.send(Delivery(receiver + "/a", b"", {}))
    deadline = time.monotonic() + 10
    while not outbox._queue.empty() and time.monotonic() < deadline:  # until the worker has taken /a
        time.sleep(0.01)
    assert outbox.send(Delivery(receiver + "/b", b"", {}))
    assert not outbox.send(Delivery(receiver + "/c", b"", {}))
    assert outbox.dropped == 1 and outbox.log[-1]["error"] == FULL
    assert outbox.drain(0.05) is False
    assert outbox.drain(5) is True
    for name in "def":
        outbox.send(Delivery(receiver + "/" + name, b"", {}))
        outbox.drain(5)
    assert len(outbox.log) == 3


def test_a_delivery_queued_as_the_idle_worker_ends_is_still_sent(receiver):
    outbox = Outbox("t", idle=0.01)
    for round_ in range(30):  # queue right around the moment the worker gives up
        outbox.send(Delivery(receiver + f"/{round_}", b"", {}))
        time.sleep(0.01 * (round_ % 3))
    assert outbox.drain(10)
    assert sorted(int(p[1:]) for _, p, _ in Receiver.got) == list(range(30))
