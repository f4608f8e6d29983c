import logging
import socket

import pytest
import responses

from inventree_commerce_sync.core.errors import (
    AmbiguousFailure,
    AuthenticationError,
    ConfigError,
    ProtocolError,
    TargetUnavailable,
)
from inventree_commerce_sync.core.http import (
    USER_AGENT,
    HttpSettings,
    TargetSession,
    check_base_url,
    decode_json,
    send_once,
    status_error,
)
from inventree_commerce_sync.core.redact import MASK, redact, register_secret
from inventree_commerce_sync.sandbox import Response, SandboxApp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Echo(SandboxApp):
    name = "echo"

    def __init__(self):
        super().__init__()
        self.add_route("GET", "/ok", "ok", lambda r: Response(200, {"ok": True}))
        self.add_route("POST", "/write", "write", self._write)
        self.writes_applied = 0

    def _write(self, request):
        self.writes_applied += 1
        return Response(200, {"ok": True})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("shop.example.com", "[magento] url must start with https:// (got 'shop.example.com')"),
        ("ftp://shop.example.com", "[magento] url must start with https:// (got 'ftp://shop.example.com')"),
        ("https://shop.example.com/rest/V1", "[magento] url must be the base address without /rest "
                                            "(got 'https://shop.example.com/rest/V1'; try 'https://shop.example.com')"),
        ("https://shop.example.com/?store=1", "[magento] url must not have a query or fragment "
                                              "(got 'https://shop.example.com/?store=1')"),
        ("http://shop.example.com", "[magento] url uses plain http to shop.example.com, which would send credentials "
                                    "unencrypted; use https, or set allow_insecure_http = true"),
        ("", "[magento] url is missing"),
    ],
)
def test_bad_base_urls_are_refused_with_a_clear_message(url, message):
    with pytest.raises(ConfigError) as caught:
        check_base_url("magento", url, api_paths=("/rest",))
    assert str(caught.value) == message


def test_good_base_urls_are_normalised():
    assert check_base_url("m", "https://shop.example.com/store/") == "https://shop.example.com/store"
    assert check_base_url("m", "http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert check_base_url("m", "http://localhost:8080/") == "http://localhost:8080"
    assert check_base_url("m", "http://shop.lan", allow_insecure_http=True) == "http://shop.lan"


def test_session_names_the_package_and_counts_requests(serve):
    server = serve(Echo())
    session = TargetSession("echo")
    response = session.get(server.url + "/ok")
    assert response.json() == {"ok": True}
    assert session.headers["User-Agent"] == USER_AGENT
    assert session.counter.snapshot() == {"reads": 1, "writes": 0, "auth": 0, "retries": 0}


def test_reads_are_retried_on_503_and_retry_after_is_honoured(serve):
    app = Echo()
    app.faults.queue("ok", "rate_limit", 1)
    app.faults.queue("ok", "error", 1)
    server = serve(app)
    session = TargetSession("echo", HttpSettings(backoff=0.01))
    assert session.get(server.url + "/ok").status_code == 200
    assert session.counter.retries == 2
    assert app.count("ok") == 3


def test_posts_are_not_retried_unless_the_client_says_they_are_safe(serve):
    app = Echo()
    app.faults.queue("write", "error", 1)
    server = serve(app)
    session = TargetSession("echo", HttpSettings(backoff=0.01))
    assert session.post(server.url + "/write").status_code == 503
    assert app.count("write") == 1
    app.faults.queue("write", "error", 1)
    safe = TargetSession("echo", HttpSettings(backoff=0.01, retry_methods=frozenset({"GET", "POST"})))
    assert safe.post(server.url + "/write").status_code == 200
    assert app.count("write") == 3


def test_inside_no_retries_a_post_the_client_calls_safe_is_sent_once(serve):
    app = Echo()
    server = serve(app)
    safe = TargetSession("echo", HttpSettings(backoff=0.01, retry_methods=frozenset({"GET", "POST"})))
    app.faults.queue("write", "error", 1)
    with safe.no_retries():
        assert safe.post(server.url + "/write").status_code == 503
    assert app.count("write") == 1 and safe.counter.retries == 0
    app.faults.queue("write", "error", 1)
    assert safe.post(server.url + "/write").status_code == 200  # outside: retried as before
    assert app.count("write") == 3
    app.faults.queue("ok", "error", 1)
    assert safe.get(server.url + "/ok").status_code == 200  # the session's own retries are untouched
    assert app.count("ok") == 2


def test_send_once_looks_up_before_resending_and_gives_up_after_the_bound():
    sent, looked = [], []

    def lost():
        sent.append(1)
        raise AmbiguousFailure("echo", "POST /write got no answer")

    assert send_once("echo", "the write", lost, lambda: looked.append(1) or "found it") == "found it"
    assert (len(sent), len(looked)) == (1, 1)  # found: never sent again
    sent.clear()
    looked.clear()
    with pytest.raises(AmbiguousFailure, match="the write: POST /write got no answer; sent 2 time"):
        send_once("echo", "the write", lost, lambda: looked.append(1), attempts=2)
    assert (len(sent), len(looked)) == (2, 2)
    answers = iter([AmbiguousFailure("echo", "lost"), "made"])

    def flaky():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert send_once("echo", "the write", flaky, lambda: None) == "made"  # not found: sent again


def test_a_write_whose_answer_is_lost_is_reported_as_ambiguous(serve):
    app = Echo()
    app.faults.hang_seconds = 1.0
    app.faults.queue("write", "timeout_after_apply", 1)
    server = serve(app)
    session = TargetSession("echo", HttpSettings(timeout=0.3, retries=0))
    with pytest.raises(AmbiguousFailure, match="echo: POST /write got no answer within 0.3 s"):
        session.post(server.url + "/write")
    assert app.writes_applied == 1


def test_connection_reset_is_ambiguous_and_refused_connection_is_not(serve):
    app = Echo()
    app.faults.queue("write", "reset_after_apply", 1)
    server = serve(app)
    session = TargetSession("echo", HttpSettings(retries=0))
    with pytest.raises(AmbiguousFailure, match="connection"):
        session.post(server.url + "/write")
    port = free_port()
    with pytest.raises(TargetUnavailable) as caught:
        session.get(f"http://127.0.0.1:{port}/ok")
    assert not isinstance(caught.value, AmbiguousFailure)
    assert str(caught.value) == f"echo: cannot connect to 127.0.0.1:{port} (connection refused)"


@responses.activate
def test_html_instead_of_json_is_a_protocol_error():
    responses.get("https://shop.example.com/api", body="<!DOCTYPE html><html>Login</html>",
                  content_type="text/html")
    response = TargetSession("shop").get("https://shop.example.com/api")
    with pytest.raises(ProtocolError) as caught:
        decode_json("shop", response)
    assert str(caught.value) == ("shop: answered an HTML page instead of JSON (HTTP 200 for /api); "
                                 "check that url points at the service's base address")


@responses.activate
def test_status_errors_say_what_to_fix():
    responses.get("https://x.example/a", status=401)
    responses.post("https://x.example/b", status=502)
    session = TargetSession("shop")
    error = status_error("shop", session.get("https://x.example/a"), "Invalid token", auth_hint="check [shop] token")
    assert isinstance(error, AuthenticationError)
    assert str(error) == "shop: credentials refused (HTTP 401: Invalid token); check [shop] token"
    error = status_error("shop", session.post("https://x.example/b"), "Bad gateway", auth_hint="")
    assert isinstance(error, AmbiguousFailure)


def test_redaction_masks_registered_secrets_and_secret_looking_values():
    register_secret("s3cr3t/value+1")
    text = redact("token s3cr3t/value+1 and s3cr3t%2Fvalue%2B1 ?consumer_key=ck_abc&x=1 Authorization: Bearer xyz")
    assert "s3cr3t" not in text and "ck_abc" not in text and "xyz" not in text
    assert text.count(MASK) == 4


def test_log_records_of_the_package_and_urllib3_are_redacted(caplog):
    register_secret("cs_0123456789abcdef")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug("GET /x?k=%s", "cs_0123456789abcdef")
    from inventree_commerce_sync.core.redact import get_logger

    get_logger("inventree_commerce_sync.test").warning("failed with cs_0123456789abcdef")
    assert "cs_0123456789abcdef" not in caplog.text
    assert caplog.text.count(MASK) == 2


def test_comma_lists_stay_short_and_commas_go_alone():
    from inventree_commerce_sync.core.target import comma_list_groups

    skus = ["A", "B,C", "ÜBER/1", "D", "E"]
    assert list(comma_list_groups(skus, max_items=2, max_chars=100)) == [["B,C"], ["A", "ÜBER/1"], ["D", "E"]]
    # "%C3%9CBER%2F1" is 13 characters encoded, 16 with its comma: alone under a 17-character limit
    assert list(comma_list_groups(["A", "ÜBER/1", "D"], max_items=9, max_chars=17)) == [["A"], ["ÜBER/1"], ["D"]]
