"""Streaming readers of exports (CSV, JSONL, XLSX): one row at a time with its line number,
never the whole file in memory.

CSV and XLSX cells are text with surrounding space removed; an empty cell is left out. A JSONL
line is an object whose values stay as they are. A row that cannot be read (a JSONL line that
is not a JSON object, a CSV row with more cells than the header) is a BadRow, not an error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

import orjson

from mdm_hub.errors import ConfigurationError, LoadStopped, MappingFileError, Problem
from mdm_hub.onboarding.mappings import ExportMapping
from mdm_hub.onboarding.mappings.model import CsvOptions

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
BAD_TEXT_KEPT = 4096  # of a bad row's text, kept in the reject queue
BOM = "\ufeff"


@dataclass(frozen=True)
class Row:
    line: int
    cells: Any  # a mapping's Cells: dict of text (CSV, XLSX) or JsonCells

    def payload(self) -> Any:
        """The row as read, for the hub's reject queue."""
        return self.cells.data if isinstance(self.cells, JsonCells) else dict(self.cells)


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str
    text: str

    def payload(self) -> Any:
        return {"text": self.text[:BAD_TEXT_KEPT]}


class ExportReader(Protocol):
    header: list[str] | None  # None: the format has none (JSONL)
    total: int | None  # what `position` counts up to (bytes or rows), when known

    def rows(self) -> Iterator[Row | BadRow]: ...
    def position(self) -> int: ...
    def close(self) -> None: ...


def export_format(path: Path, mapping: ExportMapping) -> str:
    if mapping.format is not None:
        return mapping.format
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(FORMATS)
        raise ConfigurationError(
            f"{path}: cannot tell the format from the extension ({known}); "
            f"set `format` in the mapping {mapping.label}"
        )
    return found


def open_export(path: Path, mapping: ExportMapping) -> ExportReader:
    """A reader of `path` as `mapping` describes it, its header checked against the mapping.
    Raises MappingFileError when the mapping names a column the header lacks."""
    if not path.is_file():
        raise ConfigurationError(f"{path}: no such file")
    kind = export_format(path, mapping)
    reader: ExportReader
    if kind == "csv":
        reader = CsvReader(path, mapping.csv)
    elif kind == "jsonl":
        reader = JsonlReader(path)
    else:
        reader = XlsxReader(path)
    try:
        if reader.header is not None:
            check_header(mapping, reader.header, path)
    except MappingFileError:
        reader.close()
        raise
    return reader


def check_header(mapping: ExportMapping, header: list[str], path: Path) -> None:
    problems = []
    for field, columns in mapping.columns.items():
        for column in sorted(columns):
            count = header.count(column)
            if count == 1:
                continue
            if count == 0:
                reason = f"column {column!r} is not in the header of {path.name}"
            else:
                reason = f"column {column!r} is in the header of {path.name} {count} times"
            problems.append(Problem(field, f"{reason} (its columns: {', '.join(header)})"))
    if problems:
        raise MappingFileError(mapping.label, problems)


class CsvReader:
    def __init__(self, path: Path, options: CsvOptions) -> None:
        self._path = path
        self._encoding = options.encoding
        self._binary = path.open("rb")
        self.total: int | None = path.stat().st_size
        text = io.TextIOWrapper(self._binary, encoding=options.encoding, newline="")
        self._reader = csv.reader(text, delimiter=options.delimiter, quotechar=options.quotechar)
        try:
            first = self._read(lambda: next(self._reader, []))
        except LoadStopped:
            self._binary.close()
            raise
        # A BOM survives an encoding such as utf-8 (rather than utf-8-sig).
        self.header: list[str] | None = [
            cell.removeprefix(BOM).strip() if i == 0 else cell.strip()
            for i, cell in enumerate(first)
        ]

    def rows(self) -> Iterator[Row | BadRow]:
        header = self.header or []
        width = len(header)
        iterator = iter(self._reader)
        while True:
            line = self._reader.line_num + 1
            cells = self._read(lambda: next(iterator, None))
            if cells is None:
                return
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if any(cell.strip() for cell in cells[width:]):
                text = self._delimiter.join(cells)
                reason = f"{len(cells)} cells where the header has {width} (quoting?)"
                yield BadRow(line, reason, text)
                continue
            row: dict[str, str] = {}
            for name, cell in zip(header, cells, strict=False):
                value = cell.strip()
                if value and name and name not in row:
                    row[name] = value
            yield Row(line, row)

    @property
    def _delimiter(self) -> str:
        return str(self._reader.dialect.delimiter)

    def _read(self, step: Any) -> Any:
        try:
            return step()
        except UnicodeDecodeError as exc:
            # Text is decoded ahead in chunks: the bad bytes are somewhere after this line.
            raise LoadStopped(
                f"{self._path}: not {self._encoding} text after line {self._reader.line_num} "
                f"({exc.reason}); set csv.encoding in the mapping"
            ) from None
        except csv.Error as exc:
            raise LoadStopped(f"{self._path}: line {self._reader.line_num + 1}: {exc}") from None

    def position(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._binary.close()


class JsonCells:
    """A JSON object's values by key; `a.b` reaches into nested objects."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, column: str, /) -> Any:
        if column in self.data:
            return self.data[column]
        node: Any = self.data
        for part in column.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node


class JsonlReader:
    header: list[str] | None = None

    def __init__(self, path: Path) -> None:
        self._binary = path.open("rb")
        self.total: int | None = path.stat().st_size

    def rows(self) -> Iterator[Row | BadRow]:
        for line, raw in enumerate(self._binary, start=1):
            text = raw.removeprefix(b"\xef\xbb\xbf") if line == 1 else raw
            if not text.strip():
                continue
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                yield BadRow(line, f"not JSON: {exc}", text.decode("utf-8", "replace"))
                continue
            if not isinstance(data, dict):
                kind = type(data).__name__
                yield BadRow(line, f"a JSON {kind}, not an object", text.decode("utf-8"))
                continue
            yield Row(line, JsonCells(data))

    def position(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._binary.close()


class XlsxReader:
    """The first sheet; its first row is the header. Read-only mode streams the sheet."""

    def __init__(self, path: Path) -> None:
        try:
            import openpyxl  # noqa: PLC0415 - an optional extra
        except ImportError:
            raise ConfigurationError(
                "reading .xlsx files needs openpyxl: pip install 'mdm-hub[xlsx]'"
            ) from None
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file it cannot read
            raise ConfigurationError(f"{path}: not a readable .xlsx workbook ({exc})") from None
        sheet = self._book.worksheets[0]
        self.total: int | None = sheet.max_row
        self._rows = sheet.iter_rows(values_only=True)
        first = next(self._rows, ())
        self.header: list[str] | None = [cell_text(cell) or "" for cell in first]
        self._read = 1

    def rows(self) -> Iterator[Row | BadRow]:
        header = self.header or []
        for values in self._rows:
            self._read += 1
            cells = [cell_text(value) for value in values]
            if not any(cells):
                continue
            if any(cells[len(header) :]):
                reason = f"{len(values)} cells where the header has {len(header)}"
                yield BadRow(self._read, reason, "\t".join(c or "" for c in cells))
                continue
            row: dict[str, str] = {}
            for name, cell in zip(header, cells, strict=False):
                if cell and name and name not in row:
                    row[name] = cell
            yield Row(self._read, row)

    def position(self) -> int:
        return self._read

    def close(self) -> None:
        self._book.close()


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold: dates in ISO 8601, whole
    numbers without a decimal point."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == time(0) and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip() or None
