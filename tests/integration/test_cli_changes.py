"""`mdm-hub changes prune` on an embedded store: events past retention go, recent ones stay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules

runner = CliRunner()
NOW = datetime.now(UTC)


async def _load(db: Path) -> None:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        for n, age in enumerate((45, 10)):
            ingest = IngestService(
                store,
                shipped_matcher(),
                rules=shipped_rules(),
                clock=lambda age=age: NOW - timedelta(days=age),  # type: ignore[misc]
            )
            await ingest.upsert(RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"Firm {n}"}))
    finally:
        await store.close()


async def _remaining(db: Path) -> list[str]:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        return [event.source.source_id for event in await store.changes(0, 100) if event.source]
    finally:
        await store.close()


def test_prune_keeps_the_retention_period(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)}
    asyncio.run(_load(db))
    kept = runner.invoke(app, ["changes", "prune"], env=env)  # 30 days by default
    assert kept.exit_code == 0, kept.output
    assert "pruned 2 change events" in kept.output
    assert asyncio.run(_remaining(db)) == ["c1", "c1"]
    shorter = runner.invoke(app, ["changes", "prune", "--older-than-days", "5"], env=env)
    assert "pruned 2 change events" in shorter.output
    assert asyncio.run(_remaining(db)) == []
