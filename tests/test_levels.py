from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import InputError
from inventree_commerce_sync.core.levels import (
    QuantityPolicy,
    StockLevel,
    check_sku,
    find_duplicate_skus,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("total", "integer", "expected"),
    [
        (Decimal("12.7"), True, Decimal(12)),
        (Decimal("12.7"), False, Decimal("12.7")),
        (Decimal("-3"), True, Decimal(0)),
        (Decimal("0.4"), True, Decimal(0)),
        (Decimal("5.000"), False, Decimal(5)),
    ],
)
def test_policy_floors_rounds_down_and_normalises(total, integer, expected):
    assert QuantityPolicy().apply(total, integer=integer) == expected
    assert str(QuantityPolicy().apply(total, integer=integer)) == str(expected)


def test_policy_subtracts_buffer_before_flooring_and_caps_last():
    policy = QuantityPolicy(buffer=Decimal(5), cap=Decimal(100))
    assert policy.apply(Decimal(3), integer=True) == 0
    assert policy.apply(Decimal("10.9"), integer=True) == 5
    assert policy.apply(Decimal(1000), integer=True) == 100


def test_policy_refuses_a_negative_buffer():
    with pytest.raises(InputError, match="safety buffer -1 is negative"):
        QuantityPolicy(buffer=Decimal(-1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 2: quantity is empty"),
        ("abc", "line 2: quantity 'abc' is not a number"),
        ("NaN", "line 2: quantity 'NaN' is not a finite number"),
        ("inf", "line 2: quantity 'inf' is not a finite number"),
        ("-4", "line 2: quantity -4 is negative"),
        ("1e12", "line 2: quantity 1e12 is larger than 1000000000"),
    ],
)
def test_bad_quantities_are_refused_with_the_place_named(text, message):
    with pytest.raises(InputError) as caught:
        parse_quantity(text, where="line 2")
    assert str(caught.value) == message


def test_fractional_quantity_is_kept_exact():
    assert parse_quantity(" 2.50 ") == Decimal("2.50")


@pytest.mark.parametrize(
    ("sku", "message"),
    [
        ("", "row 1: SKU is empty"),
        ("   ", "row 1: SKU is empty"),
        ("A" * 70, "row 1: SKU 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'... is 70 characters long; the target allows 64"),
        ("A\tB", "row 1: SKU 'A\\tB' contains a control character"),
    ],
)
def test_bad_skus_are_refused(sku, message):
    with pytest.raises(InputError) as caught:
        check_sku(sku, max_length=64, where="row 1")
    assert str(caught.value) == message


def test_sku_whitespace_is_trimmed_and_unicode_kept():
    assert check_sku("  ÜBER/Mütze 2 ", max_length=64) == "ÜBER/Mütze 2"


def test_duplicates_name_every_source():
    levels = [StockLevel("A", Decimal(1), "part 1"), StockLevel("B", Decimal(1), "part 2"),
              StockLevel("A", Decimal(2), "part 3")]
    assert find_duplicate_skus(levels) == {"A": ["part 1", "part 3"]}
