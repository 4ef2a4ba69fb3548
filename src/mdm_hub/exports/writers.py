"""Writing exported tables as Parquet (pyarrow), CSV or JSON Lines, one file per table.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) are written with a leading apostrophe (CSV injection). Nested values (lists,
objects) are JSON text in CSV and Parquet, and JSON in JSON Lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from mdm_hub.errors import ConfigurationError

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"
    JSONL = "jsonl"


def neutralised(cell: str) -> str:
    """A cell no spreadsheet runs as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _flat(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def write_table(
    directory: Path, table: str, rows: Sequence[dict[str, Any]], fmt: ExportFormat
) -> Path:
    columns = _columns(rows)
    path = directory / f"{table}.{fmt}"
    if fmt is ExportFormat.JSONL:
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    elif fmt is ExportFormat.CSV:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                cells = (_flat(row.get(column)) for column in columns)
                writer.writerow("" if cell is None else neutralised(str(cell)) for cell in cells)
    else:
        _write_parquet(path, columns, rows)
    return path


def _write_parquet(path: Path, columns: list[str], rows: Sequence[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional: only Parquet exports need it
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            "Parquet exports need pyarrow: pip install 'mdm-hub[parquet]'"
        ) from exc
    data = {column: [_flat(row.get(column)) for row in rows] for column in columns}
    # Mixed types in a column (a code here, a number there) are kept as text.
    arrays = {}
    for column, values in data.items():
        try:
            arrays[column] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[column] = pa.array([None if v is None else str(v) for v in values])
    pq.write_table(pa.table(arrays), path)
