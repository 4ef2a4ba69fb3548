"""The embedded store's backup as docs/operations.md gives it: SQLite's `VACUUM INTO`, taken
while the hub has the file open and writing, is a hub store of its own with every record
committed before it, nothing after it, and an audit chain that verifies."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.services.ingest import RawRecord
from tests.support.embedded import opened_embedded
from tests.support.services import ingest_service

runner = CliRunner()


def _key(n: int) -> SourceKey:
    return SourceKey("CRM", EntityType.CUSTOMER, f"c{n}")


async def _load_and_back_up(db: Path, backup: Path) -> dict[SourceKey, str]:
    async with opened_embedded(db) as store:
        ingest = ingest_service(store)
        for n in range(12):
            await ingest.upsert(RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"Firm {n} Ltd"}))
        # Taken through a connection of its own while the hub's writer holds the file open.
        with sqlite3.connect(db) as copier:
            copier.execute("VACUUM INTO ?", (str(backup),))
        await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c12", {"name": "After The Backup"}))
        found = await store.resolve_many([_key(n) for n in range(12)])
        return {_key(n): r.golden_id for n, r in enumerate(found) if r is not None}


async def _resolve(db: Path) -> list[str | None]:
    async with opened_embedded(db) as store:
        found = await store.resolve_many([_key(n) for n in range(13)])
        return [r.golden_id if r is not None else None for r in found]


def test_a_backup_taken_while_writing_holds_what_was_committed_before_it(tmp_path: Path) -> None:
    db, backup = tmp_path / "hub.db", tmp_path / "backup.db"
    golden_ids = asyncio.run(_load_and_back_up(db, backup))
    assert len(golden_ids) == 12

    restored = asyncio.run(_resolve(backup))
    assert restored[:12] == [golden_ids[_key(n)] for n in range(12)]
    assert restored[12] is None  # written after the backup

    verified = runner.invoke(
        app, ["verify-audit"], env={"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(backup)}
    )
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact: 12 events" in verified.output
