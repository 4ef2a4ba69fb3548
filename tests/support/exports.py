"""Small exports for loader tests, written as the systems would, and the test mappings."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from mdm_hub.onboarding.mappings import ExportMapping, load_mapping
from mdm_hub.onboarding.systems_file import shipped_systems

TEST_MAPPINGS = Path(__file__).parents[1] / "data" / "mappings"

# The columns of tests/data/mappings/psa/customer.yaml's export (";"-separated).
PSA_COLUMNS = (
    "Account ID", "Account Name", "Legal Form", "VAT Number", "Tax ID", "Country", "Address",
    "Parent ID", "Status", "Type", "Modified",
)  # fmt: skip


def mapping_for(name: str) -> ExportMapping:
    return load_mapping(name, shipped_systems(), TEST_MAPPINGS)


def write_psa_csv(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """A PSA customer export: a BOM, `;` between cells, every column present."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(PSA_COLUMNS)
        for row in rows:
            writer.writerow([row.get(column, "") for column in PSA_COLUMNS])
    return path


SYLLABLES = ("ka", "lo", "mi", "ve", "tor", "quin", "bra", "zu", "fel", "dan", "rho", "sep")


def company_name(n: int) -> str:
    """A made-up two-word name; different numbers give names that share no word."""
    rng = random.Random(n)
    words = ["".join(rng.choice(SYLLABLES) for _ in range(4)).title() for _ in range(2)]
    return f"{words[0]} {words[1]} {n}"


def psa_customers(count: int, start: int = 1) -> list[dict[str, str]]:
    """Distinct, valid customers that do not match one another."""
    return [
        {
            "Account ID": f"A-{n}",
            "Account Name": company_name(n),
            "Country": "DE",
            "VAT Number": f"DE{n:09d}",
            "Status": "Active",
            "Type": "Client",
        }
        for n in range(start, start + count)
    ]


def write_jsonl(path: Path, lines: Sequence[dict[str, Any] | str]) -> Path:
    with path.open("w", encoding="utf-8") as file:
        for line in lines:
            file.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def reject_lines(path: Path) -> list[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["line", "source_id", "field", "reason"]
    return [(line, source_id, field, reason) for line, source_id, field, reason in rows[1:]]
