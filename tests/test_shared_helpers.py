"""What the clients share from core: one reading of yes/no values, of Retry-After, of JSON
numbers and of MySQL's SKU comparison, waiting out a 429, and errors that keep their parts."""

from __future__ import annotations

import email.utils
import time
from decimal import Decimal

import pytest
import requests

from inventree_commerce_sync.core.errors import ConfigError, TargetError
from inventree_commerce_sync.core.ratelimit import RateLimitWait, retry_after, wait_out_rate_limit
from inventree_commerce_sync.core.settings import parse_bool, parse_verify
from inventree_commerce_sync.core.target import case_differs, held_by_several
from inventree_commerce_sync.core.values import collate_sku, json_number


def answer(status: int, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    return response


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0, False), ("true", True), ("False", False), (" yes ", True),
    ("NO", False), ("on", True), ("off", False), ("1", True), ("0", False), ("y", True), ("n", False),
])
def test_yes_no_values_have_one_reading(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["", "maybe", "2", 2, "of", None, "truee"])
def test_anything_else_is_not_a_yes_no_value(value):
    with pytest.raises(ValueError, match=r"must be true or false \(got "):
        parse_bool(value)


def test_verify_is_a_boolean_or_an_existing_file(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert parse_verify("off") is False and parse_verify("true") is True
    assert parse_verify(f" {bundle} ") == str(bundle)
    with pytest.raises(ValueError, match="existing CA bundle file"):
        parse_verify(str(tmp_path / "missing.pem"))
    with pytest.raises(ValueError, match="existing CA bundle file"):
        parse_verify(str(tmp_path))  # a directory is not a bundle


def test_retry_after_in_seconds_or_as_an_http_date_is_read_as_urllib3_reads_it():
    assert retry_after(answer(429, **{"Retry-After": "7"}), default=10, cap=60) == 7
    assert retry_after(answer(429, **{"Retry-After": "600"}), default=10, cap=60) == 60
    in_twenty = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 <= retry_after(answer(429, **{"Retry-After": in_twenty}), default=10, cap=60) <= 20
    past = email.utils.formatdate(time.time() - 100, usegmt=True)
    assert retry_after(answer(429, **{"Retry-After": past}), default=10, cap=60) == 0
    assert retry_after(answer(429, **{"Retry-After": "soon"}), default=10, cap=60) == 10
    assert retry_after(answer(429), default=10, cap=60) == 10


def test_a_429_is_waited_out_within_its_bounds():
    answers = [answer(429, **{"Retry-After": "3"}), answer(429), answer(200)]
    slept: list[float] = []
    response = wait_out_rate_limit("x", lambda: answers.pop(0), RateLimitWait(pause=5, max_pause=60), sleep=slept.append)
    assert response.status_code == 200 and slept == [3, 5]

    slept.clear()
    endless = RateLimitWait(pause=10, max_pause=60, max_waits=100, max_total=25)
    response = wait_out_rate_limit("x", lambda: answer(429), endless, sleep=slept.append)
    assert response.status_code == 429 and slept == [10, 10, 5]

    slept.clear()
    few = RateLimitWait(pause=1, max_pause=60, max_waits=2, max_total=300)
    assert wait_out_rate_limit("x", lambda: answer(429), few, sleep=slept.append).status_code == 429
    assert slept == [1, 1]


def test_json_numbers_are_integers_when_whole():
    assert json_number(Decimal("5")) == 5 and isinstance(json_number(Decimal("5.000")), int)
    assert json_number(Decimal("2.5")) == 2.5


def test_skus_compare_as_mysql_compares_them():
    assert collate_sku("Café-1 ") == collate_sku("CAFE-1") == "cafe-1"
    assert collate_sku(" A") != collate_sku("A")  # leading spaces count, trailing ones do not


def test_the_shared_outcomes_name_what_to_fix():
    assert case_differs("abc", "ABC", "7", "simple", title="Magento").skip_reason == \
        "Magento's SKU is 'ABC', which differs in letter case; make them identical"
    assert "letter case or accents" in case_differs("cafe", "Café", "7", "", title="WooCommerce").skip_reason
    twice = held_by_several("A", ["1", "2"], records="Zoho items", fix="make SKUs unique in Zoho")
    assert (twice.remote_id, twice.skip_reason) == ("1", "2 Zoho items have this SKU (ids 1, 2); make SKUs unique in Zoho")


def test_errors_keep_their_parts():
    error = TargetError("zoho", "POST /x failed: locked (code 9)", status=400, code=9, detail="locked")
    assert (error.status, error.code, error.detail, error.reason) == (400, 9, "locked", "POST /x failed: locked (code 9)")
    assert error.same_refusal(TargetError("zoho", "other words", status=400, code=9, detail="locked"))
    assert not error.same_refusal(TargetError("zoho", "other words", status=400, code=10, detail="locked"))
    config = ConfigError("is missing", target="magento", key="token")
    assert str(config) == "[magento] token is missing" and config.naming(str.upper) == "TOKEN is missing"
    assert str(ConfigError("no such file")) == "no such file"
