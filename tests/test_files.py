from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import ConfigError, InputError
from inventree_commerce_sync.core.files import load_config, load_levels


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_levels_are_read_with_any_column_order_and_unicode(tmp_path):
    path = write(tmp_path, "levels.csv", "\ufeffquantity,SKU,name\n3,BOLT/M3/10,bolt\n0.5, ÜBER-Mütze ,hat\n\n")
    levels = load_levels(path)
    assert [(lv.sku, lv.quantity) for lv in levels] == [("BOLT/M3/10", Decimal(3)), ("ÜBER-Mütze", Decimal("0.5"))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sku,qty\nA,1\n", "line 1: the header must name the columns sku,quantity (missing: quantity)"),
        ("", "line 1: the header must name the columns sku,quantity (missing: sku, quantity)"),
        ("sku,quantity\nA\n", "line 2: expected 2 columns, found 1"),
        ("sku,quantity\n  ,1\n", "line 2: SKU is empty"),
        ("sku,quantity\nA,-1\n", "line 2: quantity -1 is negative"),
        ("sku,quantity\nA,NaN\n", "line 2: quantity 'NaN' is not a finite number"),
        ("sku,quantity\nA,1e10\n", "line 2: quantity 1e10 is larger than 1000000000"),
        ("sku,quantity\nA,three\n", "line 2: quantity 'three' is not a number"),
        ("sku,quantity\nA,1\nB,2\nA,3\n", "SKU 'A' appears on line 2 and line 4; give each SKU once"),
    ],
)
def test_bad_levels_files_name_the_line(tmp_path, text, message):
    path = write(tmp_path, "levels.csv", text)
    with pytest.raises(InputError) as caught:
        load_levels(path)
    assert str(caught.value) == f"{path}: {message}"


def test_levels_file_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path, "levels.csv", "sku,quantity\nÜ,1\n", encoding="latin-1")
    with pytest.raises(InputError) as caught:
        load_levels(path)
    assert str(caught.value) == f"{path}: line 2: not UTF-8 text; save the file as UTF-8"


def test_config_table_is_returned(tmp_path):
    path = write(tmp_path, "c.toml", '[magento]\nurl = "https://shop.example.com"\ntoken = "t"\n')
    assert load_config(path, "magento") == {"url": "https://shop.example.com", "token": "t"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[woocommerce]\nurl = "x"\n', "no [magento] table (tables found: [woocommerce])"),
        ("magento = 3\n", "magento must be a table, written [magento]"),
        ("[magento\n", "not valid TOML (Expected ']' at the end of a table declaration (at line 1, column 9))"),
    ],
)
def test_bad_config_files_say_what_is_wrong(tmp_path, text, message):
    path = write(tmp_path, "c.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, "magento")
    assert str(caught.value) == f"{path}: {message}"


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml", "magento")
