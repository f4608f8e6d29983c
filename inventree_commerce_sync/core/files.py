"""Reading the command line's input files: the TOML configuration and the CSV of levels."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from typing import Any

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


def load_levels(path: str | Path, *, max_sku_length: int = 255) -> list[StockLevel]:
    """Levels from a UTF-8 CSV file with the header ``sku,quantity``.

    Every problem is an InputError naming the line; nothing is pushed from a file with one,
    so a typo never becomes a wrong stock level in a shop.
    """
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
    missing = [name for name in ("sku", "quantity") if name not in header]
    if missing:
        raise InputError(f"{file}: line 1: the header must name the columns sku,quantity (missing: {', '.join(missing)})")
    sku_col, qty_col = header.index("sku"), header.index("quantity")
    levels: list[StockLevel] = []
    while True:
        number = rows.line_num + 1  # where the next record starts
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise InputError(f"{file}: line {number}: not a valid CSV line ({exc})") from None
        if row is None:
            break
        if not any(cell.strip() for cell in row):
            continue
        where = f"{file}: line {number}"
        if len(row) <= max(sku_col, qty_col):
            raise InputError(f"{where}: expected {len(header)} columns, found {len(row)}")
        sku = check_sku(row[sku_col], max_length=max_sku_length, where=where)
        levels.append(StockLevel(sku, parse_quantity(row[qty_col], where=where), f"line {number}"))
    duplicates = find_duplicate_skus(levels)
    if duplicates:
        sku, lines = next(iter(duplicates.items()))
        raise InputError(f"{file}: SKU {sku!r} appears on {' and '.join(lines)}; give each SKU once")
    return levels
