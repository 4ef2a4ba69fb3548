"""Rolling out a mapping change as an operator does: edit the code set and bump its version,
`mdm-hub recompute --check` finds the stale golden records, `mdm-hub recompute` maps them and
takes the codes it now maps off the queue. A bad file stops everything."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.datafiles import shipped
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import QueuedCode, UnmappedCode
from mdm_hub.onboarding.reference_files import load_code_sets
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import at

runner = CliRunner()
SABBATICAL = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")


def _reference_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "reference"
    directory.mkdir()
    for entry in shipped("reference").iterdir():
        (directory / entry.name).write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    return directory


def _env(reference: Path, db: Path) -> dict[str, str]:
    return {
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(db),
        "MDM_REFERENCE_DIR": str(reference),
    }


async def _hire(db: Path, reference: Path) -> str:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        codes = load_code_sets(reference, shipped_systems())
        ingest = IngestService(
            store, shipped_matcher(), rules=shipped_rules(), clock=lambda: at(1), codes=codes
        )
        raw = RawRecord("adp", "EMPLOYEE", "e-1", {"employee_number": "E1", "status": "Sabbatical"})
        # Ingest keeps the unknown status as sent and queues it for the stewards.
        return (await ingest.upsert(raw)).golden_id
    finally:
        await store.close()


async def _state(db: Path, golden_id: str) -> tuple[object, list[QueuedCode]]:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        view = await store.get_golden(golden_id)
        assert view is not None
        queue = await store.unmapped_codes(10, None)
        return view.golden.values()["status"], [queued for _, queued in queue.items]
    finally:
        await store.close()


def _map_sabbatical(reference: Path) -> int:
    """Map ADP's Sabbatical to LEAVE and bump the code set's version; return the new one."""
    path = reference / "employment_status.yaml"
    text = path.read_text()
    old_mapping = "  adp: {A: ACTIVE, "
    assert old_mapping in text
    version = re.search(r"^version: (\d+)$", text, re.M)
    assert version is not None
    text = text.replace(old_mapping, "  adp: {Sabbatical: LEAVE, A: ACTIVE, ")
    bumped = int(version[1]) + 1
    path.write_text(text.replace(version[0], f"version: {bumped}"))
    return bumped


def test_a_mapping_change_rolled_out_with_check_and_recompute(tmp_path: Path) -> None:
    reference, db = _reference_copy(tmp_path), tmp_path / "hub.db"
    golden_id = asyncio.run(_hire(db, reference))
    env = _env(reference, db)
    current = runner.invoke(app, ["recompute", "--check"], env=env)
    assert current.exit_code == 0, current.output
    assert "EMPLOYEE: 0 of 1 golden records stale" in current.output

    version = _map_sabbatical(reference)
    rules = runner.invoke(app, ["rules"], env=env)
    assert rules.exit_code == 0, rules.output
    assert f"employment_status     version {version}" in rules.output
    stale = runner.invoke(app, ["recompute", "--check"], env=env)
    assert stale.exit_code == 1
    assert "EMPLOYEE: 1 of 1 golden records stale" in stale.output
    assert "EMPLOYEE: 1 queued unmapped codes are mapped now" in stale.output
    assert asyncio.run(_state(db, golden_id)) == (
        "Sabbatical",
        [QueuedCode(SABBATICAL, 1, at(1), at(1))],
    )

    done = runner.invoke(app, ["recompute", "--entity-type", "employee"], env=env)
    assert done.exit_code == 0, done.output
    assert "EMPLOYEE: recomputed 1 golden records: 1 changed" in done.output
    assert "EMPLOYEE: 1 queued unmapped codes are mapped now: taken off the queue" in done.output
    assert asyncio.run(_state(db, golden_id)) == ("LEAVE", [])
    after = runner.invoke(app, ["recompute", "--check"], env=env)
    assert after.exit_code == 0, after.output


def test_a_bad_reference_file_stops_recompute_before_the_store_is_touched(tmp_path: Path) -> None:
    reference, db = _reference_copy(tmp_path), tmp_path / "hub.db"
    path = reference / "employment_status.yaml"
    path.write_text(path.read_text().replace("L: LEAVE", "L: ON_LEAVE"))
    result = runner.invoke(app, ["recompute"], env=_env(reference, db))
    assert result.exit_code == 2
    assert "employment_status.yaml (code set employment_status)" in result.output
    assert "mappings.adp.L: maps to 'ON_LEAVE'" in result.output
    assert not db.exists()
