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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a quoted line break is part of the cell: the SKU holding it is refused, never joined up
        ('sku,quantity\n"A\nB",3\n', "line 2: SKU 'A\\nB' contains a control character"),
        ('sku,quantity\r\nC,1\r\n"A\r\nB",3\r\n', "line 3: SKU 'A\\nB' contains a control character"),
        # a record spanning two lines does not shift the line numbers of the records after it
        ('sku,quantity,note\nA,1,"two\nlines"\nB,-1,x\n', "line 4: quantity -1 is negative"),
        ('sku,quantity\nA,1\n"B,2\n', "line 3: not a valid CSV line (unexpected end of data)"),
        ('sku,quantity\n"A"B,2\n', "line 2: not a valid CSV line (',' expected after '\"')"),
    ],
)
def test_quoted_line_breaks_and_broken_quotes_are_refused_naming_the_line(tmp_path, text, message):
    path = tmp_path / "levels.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        load_levels(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_quoted_line_break_outside_the_sku_is_kept_in_its_cell(tmp_path):
    path = tmp_path / "levels.csv"
    path.write_bytes(b'sku,quantity,note\r\nA,1,"two\r\nlines"\r\nB,2,x\r\n')
    levels = load_levels(path)
    assert [(lv.sku, lv.quantity, lv.source) for lv in levels] == [("A", Decimal(1), "line 2"), ("B", Decimal(2), "line 4")]
