"""The server every sandbox runs on: a threaded HTTP/1.1 server bound to 127.0.0.1.

``SandboxServer`` serves one ``SandboxApp`` on a free loopback port (or a given one), over
plain HTTP or TLS, and carries out the faults that act on the connection itself: hanging
after a request was applied, or resetting the connection (RST instead of FIN).
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .app import Request, SandboxApp
from .faults import RESET, RESET_AFTER_APPLY, TIMEOUT_AFTER_APPLY


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read counters instead
        pass

    def _handle(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(parts.path),
            raw_path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()} | dict(self.headers.items()),
            body=body,
            scheme="https" if isinstance(self.connection, ssl.SSLSocket) else "http",
        )
        if app.latency:
            time.sleep(app.latency)
        response, fault, deferred = app.dispatch(request)
        if deferred is not None:
            deferred()
        if fault == TIMEOUT_AFTER_APPLY:
            time.sleep(app.faults.hang_seconds)
            self._drop(reset=False)
            return
        if fault in (RESET, RESET_AFTER_APPLY):
            self._drop(reset=True)
            return
        assert response is not None
        payload = response.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _drop(self, *, reset: bool) -> None:
        if reset:  # RST instead of FIN: the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: SandboxApp):
        self.app = app
        super().__init__(address, _Handler)


class SandboxServer:
    """Serves one SandboxApp on 127.0.0.1 in a background thread.

    Use as a context manager, or call ``start``/``stop``. ``url`` is the base address.
    """

    def __init__(self, app: SandboxApp, *, port: int = 0, host: str = "127.0.0.1",
                 ssl_context: ssl.SSLContext | None = None):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("sandboxes bind to loopback only")
        self.app = app
        self._server = _Server((host, port), app)
        self.tls = ssl_context is not None
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"sandbox-{self.app.name}",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
