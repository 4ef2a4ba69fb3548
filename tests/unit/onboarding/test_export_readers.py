"""Reading exports: CSV, JSONL and XLSX, one row at a time with its line number; the header
checked against the mapping before anything is read."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mdm_hub.errors import ConfigurationError, LoadStopped, MappingFileError
from mdm_hub.onboarding.loading.readers import BadRow, Row, cell_text, open_export
from mdm_hub.onboarding.mappings import ExportMapping, parse_mapping
from mdm_hub.onboarding.systems_file import shipped_systems


def mapping(attributes: str = "{name: Name}", extra: str = "") -> ExportMapping:
    body = (
        f"system: netsuite\nentity_type: CUSTOMER\nobject: customer\nsource_id: ID\n"
        f"attributes: {attributes}\n{extra}"
    )
    return parse_mapping(body, "netsuite/customer.yaml", shipped_systems())


def read(path: Path, export_mapping: ExportMapping | None = None) -> list[Row | BadRow]:
    reader = open_export(path, export_mapping or mapping())
    try:
        return list(reader.rows())
    finally:
        reader.close()


def as_tuples(rows: list[Row | BadRow]) -> list[tuple[int, Any]]:
    return [(r.line, r.payload() if isinstance(r, Row) else r.reason) for r in rows]


def test_csv_rows_carry_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text('ID,Name,Address\n1,Acme,"1 Main St\nBerlin"\n\n2,Globex,\n', "utf-8")
    assert as_tuples(read(path)) == [
        (2, {"ID": "1", "Name": "Acme", "Address": "1 Main St\nBerlin"}),
        (5, {"ID": "2", "Name": "Globex"}),
    ]


def test_csv_is_bom_safe_whatever_the_encoding_says(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("\ufeffID,Name\n1,Acme\n".encode())
    utf8 = mapping(extra="csv: {encoding: utf-8}\n")
    assert as_tuples(read(path, utf8)) == [(2, {"ID": "1", "Name": "Acme"})]
    assert as_tuples(read(path)) == [(2, {"ID": "1", "Name": "Acme"})]


def test_csv_delimiter_quotechar_and_encoding_come_from_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("ID;Name\n1;'Müller; Söhne'\n".encode("cp1252"))
    options = mapping(extra="csv: {delimiter: ';', quotechar: \"'\", encoding: cp1252}\n")
    assert as_tuples(read(path, options)) == [(2, {"ID": "1", "Name": "Müller; Söhne"})]


def test_csv_cells_lose_surrounding_space_and_empty_cells_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("ID , Name,City\n 1 ,  Acme  ,   \n", "utf-8")
    assert as_tuples(read(path)) == [(2, {"ID": "1", "Name": "Acme"})]


def test_a_csv_row_with_more_cells_than_the_header_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("ID,Name\n1,Acme,surplus\n2,Globex,\n3\n", "utf-8")
    rows = read(path)
    assert isinstance(rows[0], BadRow)
    assert rows[0].line == 2
    assert rows[0].reason == "3 cells where the header has 2 (quoting?)"
    assert as_tuples(rows[1:]) == [(3, {"ID": "2", "Name": "Globex"}), (4, {"ID": "3"})]


def test_csv_that_is_not_in_its_encoding_stops_the_load(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"ID,Name\n1,Acme\n2,M\xfcller\n")
    with pytest.raises(LoadStopped, match="not utf-8-sig text after line"):
        read(path)


def test_a_column_missing_from_the_header_is_an_error_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("ID,Company\n1,Acme\n", "utf-8")
    with pytest.raises(MappingFileError) as raised:
        open_export(
            path, mapping("{name: Name, city: {split: {column: Addr, separator: x, index: 0}}}")
        )
    error = raised.value
    assert error.path == "netsuite/customer.yaml"
    assert [(p.field, p.reason) for p in error.problems] == [
        ("attributes.name", "column 'Name' is not in the header of customers.csv "
                            "(its columns: ID, Company)"),
        ("attributes.city", "column 'Addr' is not in the header of customers.csv "
                            "(its columns: ID, Company)"),
    ]  # fmt: skip


def test_a_column_named_twice_in_the_header_is_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("ID,Name,Name\n1,A,B\n", "utf-8")
    with pytest.raises(
        MappingFileError, match=r"'Name' is in the header of customers\.csv 2 times"
    ):
        open_export(path, mapping())


def test_the_format_comes_from_the_mapping_or_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "customers.txt"
    path.write_text("ID,Name\n1,Acme\n", "utf-8")
    with pytest.raises(ConfigurationError, match="cannot tell the format"):
        open_export(path, mapping())
    assert as_tuples(read(path, mapping(extra="format: csv\n"))) == [
        (2, {"ID": "1", "Name": "Acme"})
    ]


def test_jsonl_lines_that_are_not_json_objects_are_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "customers.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"ID": 1, "Name": "Acme"}\n'
        b"\n"
        b'{"ID": 2, "Name": \n'
        b"[1, 2]\n"
        b'{"ID": 3, "address": {"city": "Berlin"}}\n'
    )
    rows = read(path)
    assert [row.line for row in rows] == [1, 3, 4, 5]
    assert isinstance(rows[1], BadRow)
    assert rows[1].reason.startswith("not JSON")
    assert rows[1].payload() == {"text": '{"ID": 2, "Name": \n'}
    assert isinstance(rows[2], BadRow)
    assert rows[2].reason == "a JSON list, not an object"
    last = rows[3]
    assert isinstance(last, Row)
    assert last.cells.get("address.city") == "Berlin"
    assert last.cells.get("address.zip") is None
    assert last.cells.get("ID") == 3


def test_jsonl_has_no_header_to_check(tmp_path: Path) -> None:
    path = tmp_path / "customers.jsonl"
    path.write_text('{"Other": 1}\n', "utf-8")
    [row] = read(path)
    assert isinstance(row, Row)


def write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_reads_the_first_sheet_as_text_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    write_xlsx(
        path,
        [
            ["ID", "Name", "Since", "Rate"],
            [1001, "Acme", datetime(2024, 3, 4), 12.5],
            [],
            [1002, "Globex", datetime(2024, 3, 5, 14, 15), 12.0],
        ],
    )
    assert as_tuples(read(path)) == [
        (2, {"ID": "1001", "Name": "Acme", "Since": "2024-03-04", "Rate": "12.5"}),
        (4, {"ID": "1002", "Name": "Globex", "Since": "2024-03-05T14:15:00", "Rate": "12"}),
    ]


def test_xlsx_header_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    write_xlsx(path, [["ID", "Company"], [1, "Acme"]])
    with pytest.raises(MappingFileError, match=r"'Name' is not in the header of customers\.xlsx"):
        open_export(path, mapping())


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    path.write_text("ID,Name\n", "utf-8")
    with pytest.raises(ConfigurationError, match=r"not a readable \.xlsx workbook"):
        open_export(path, mapping())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (True, "true"),
        (7.0, "7"),
        (0.1, "0.1"),
        (date(2024, 3, 4), "2024-03-04"),
        ("  x ", "x"),
        ("   ", None),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text
