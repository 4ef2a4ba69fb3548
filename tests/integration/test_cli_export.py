"""`mdm-hub export` on an embedded store: one golden table per entity type with one column
per attribute, the crosswalk, relationships and open match candidates, in each format; CSV
formulas neutralised; incremental by time and by feed cursor."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.services.ingest import RawRecord
from tests.support.builders import ANN
from tests.support.services import ingest_service

runner = CliRunner()
FORMULA = '=HYPERLINK("http://evil","x")'


async def _load(db: Path, records: list[RawRecord]) -> int:
    """Ingest; return the change feed's last position."""
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        ingest = ingest_service(store)
        for record in records:
            await ingest.upsert(record)
        return (await store.changes(0, 10_000))[-1].position
    finally:
        await store.close()


FIRST = [
    RawRecord("CRM", "CUSTOMER", "c1", {"name": FORMULA, "tax_id": "DE111"}),
    RawRecord("ERP", "CUSTOMER", "e1", {"name": FORMULA, "tax_id": "DE111", "city": "Berlin"}),
    RawRecord("HRIS", "EMPLOYEE", "bob", {"given_name": "Bob", "family_name": "Stone"}),
    RawRecord("HRIS", "EMPLOYEE", "h1", {**ANN, "manager": {"system": "HRIS", "sourceId": "bob"}}),
    RawRecord(
        "EXPENSE", "EMPLOYEE", "x1", {"given_name": "Ann", "family_name": "Lee", "region": "kent"}
    ),
]


def _export(db: Path, out: Path, fmt: str, *more: str) -> None:
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)}
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), *more], env=env)
    assert result.exit_code == 0, result.output


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_full_export_in_every_format(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    asyncio.run(_load(db, FIRST))
    for fmt in ("jsonl", "csv", "parquet"):
        _export(db, tmp_path / fmt, fmt)
    out = tmp_path / "jsonl"
    assert sorted(p.name for p in out.iterdir()) == [
        "crosswalk.jsonl",
        "golden_customer.jsonl",
        "golden_employee.jsonl",
        "match_candidates.jsonl",
        "relationships.jsonl",
    ]
    [customer] = _jsonl(out / "golden_customer.jsonl")
    assert (customer["name"], customer["city"], customer["tax_id"]) == (FORMULA, "Berlin", "DE111")
    crosswalk = {(r["system"], r["source_id"]) for r in _jsonl(out / "crosswalk.jsonl")}
    assert crosswalk == {
        ("CRM", "c1"),
        ("ERP", "e1"),
        ("HRIS", "bob"),
        ("HRIS", "h1"),
        ("EXPENSE", "x1"),
    }
    [edge] = _jsonl(out / "relationships.jsonl")
    assert edge["type"] == "REPORTS_TO"
    [candidate] = _jsonl(out / "match_candidates.jsonl")
    assert (candidate["system"], candidate["source_id"]) == ("EXPENSE", "x1")

    with (tmp_path / "csv" / "golden_customer.csv").open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["name"] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert row["golden_id"] == customer["golden_id"]

    employees = pq.read_table(tmp_path / "parquet" / "golden_employee.parquet").to_pylist()
    assert {e["given_name"] for e in employees} == {"Ann", "Bob"}
    assert pq.read_table(tmp_path / "parquet" / "crosswalk.parquet").num_rows == 5


def test_an_incremental_export_by_time_or_by_feed_cursor(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    cursor = asyncio.run(_load(db, FIRST))
    since = datetime.now(UTC).isoformat()
    asyncio.run(
        _load(db, [RawRecord("CRM", "CUSTOMER", "c9", {"name": "Globex", "tax_id": "FR9"})])
    )
    for name, flag in (("by_time", since), ("by_cursor", f"change:{cursor}")):
        _export(db, tmp_path / name, "jsonl", "--since", flag)
        rows = _jsonl(tmp_path / name / "golden_customer.jsonl")
        assert [r["name"] for r in rows] == ["Globex"]
        assert not (tmp_path / name / "golden_employee.jsonl").exists()
    bad = runner.invoke(
        app,
        ["export", "--out", str(tmp_path / "x"), "--since", "yesterday"],
        env={"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)},
    )
    assert bad.exit_code != 0
    assert "--since" in bad.output
