"""Reading the command line's input files: the TOML configuration, the CSV of levels and the CSV of products."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .catalogue import ProductDraft, parse_price
from .errors import ConfigError, InputError
from .levels import StockLevel, check_sku, find_duplicate_skus, parse_quantity


def load_config(path: str | Path, target: str) -> dict[str, Any]:
    """The ``[target]`` table of a TOML file, or a ConfigError that says what is wrong where."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None
    table = data.get(target)
    if table is None:
        tables = ", ".join(f"[{name}]" for name in data) or "none"
        raise ConfigError(f"{file}: no [{target}] table (tables found: {tables})")
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: {target} must be a table, written [{target}]")
    return table


def read_csv(path: str | Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for each non-empty record of a UTF-8 CSV file whose
    header names ``columns`` (in any order, any letter case; other columns are ignored).
    A file that cannot be read that way is an InputError naming the line."""
    file = Path(path)
    try:
        text = file.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(f"{file}: line {line}: not UTF-8 text; save the file as UTF-8") from None
    # The csv module splits the lines itself, so that a quoted line break stays in its cell
    # (and the SKU holding it is refused) instead of silently joining two lines.
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(rows, [])]
    except csv.Error as exc:
        raise InputError(f"{file}: line 1: not a valid CSV line ({exc})") from None
    missing = [name for name in columns if name not in header]
    if missing:
        raise InputError(f"{file}: line 1: the header must name the columns {','.join(columns)} "
                         f"(missing: {', '.join(missing)})")
    positions = {name: header.index(name) for name in columns}
    while True:
        number = rows.line_num + 1  # where the next record starts
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise InputError(f"{file}: line {number}: not a valid CSV line ({exc})") from None
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(positions.values()):
            raise InputError(f"{file}: line {number}: expected {len(header)} columns, found {len(row)}")
        yield number, {name: row[position] for name, position in positions.items()}


def load_levels(path: str | Path, *, max_sku_length: int = 255) -> list[StockLevel]:
    """Levels from a UTF-8 CSV file with the header ``sku,quantity``.

    Every problem is an InputError naming the line; nothing is pushed from a file with one,
    so a typo never becomes a wrong stock level in a shop.
    """
    levels: list[StockLevel] = []
    for number, row in read_csv(path, ("sku", "quantity")):
        where = f"{Path(path)}: line {number}"
        sku = check_sku(row["sku"], max_length=max_sku_length, where=where)
        levels.append(StockLevel(sku, parse_quantity(row["quantity"], where=where), f"line {number}"))
    duplicates = find_duplicate_skus(levels)
    if duplicates:
        sku, lines = next(iter(duplicates.items()))
        raise InputError(f"{Path(path)}: SKU {sku!r} appears on {' and '.join(lines)}; give each SKU once")
    return levels


def load_products(path: str | Path) -> list[ProductDraft]:
    """Product drafts from a UTF-8 CSV file with the header ``sku,name,description,price``.

    A file that cannot be read, or that gives one SKU twice, is an InputError (nothing is
    published from it); a line whose values are wrong (an empty SKU, a price that is not a
    number) becomes a draft that ``core.catalogue`` refuses alone, naming its line."""
    drafts: list[ProductDraft] = []
    lines: dict[str, int] = {}
    for number, row in read_csv(path, ("sku", "name", "description", "price")):
        sku = row["sku"].strip()
        if sku and sku in lines:
            raise InputError(f"{Path(path)}: SKU {sku!r} appears on line {lines[sku]} and line {number}; "
                             "give each SKU once")
        lines.setdefault(sku, number)
        try:
            price: object = parse_price(row["price"])
        except ValueError:
            price = row["price"]  # refused by publish with the line named
        drafts.append(ProductDraft(sku, row["name"].strip(), row["description"].strip(), price,  # type: ignore[arg-type]
                                   source=f"line {number}"))
    return drafts
