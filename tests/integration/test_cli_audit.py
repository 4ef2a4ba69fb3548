"""`mdm-hub verify-audit` on an embedded store: exit 0 intact, 1 with the first broken seq."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.services.ingest import RawRecord
from tests.support.audit_tamper import delete_event, delete_head, edit_reason, overwrite_after
from tests.support.embedded import opened_embedded
from tests.support.services import ingest_service

runner = CliRunner()


async def _load(db: Path) -> None:
    async with opened_embedded(db) as store:
        ingest = ingest_service(store)
        for n in range(4):
            await ingest.upsert(RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"C {n}"}))


async def _tamper(db: Path) -> None:
    async with opened_embedded(db) as store:
        await edit_reason(store, 2, "forged")
        await delete_event(store, 3)


def test_verify_audit_exits_0_when_intact_and_1_naming_the_break(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)}
    asyncio.run(_load(db))
    intact = runner.invoke(app, ["verify-audit"], env=env)
    assert intact.exit_code == 0, intact.output
    assert "audit chain intact: 4 events; head seq 4" in intact.output

    asyncio.run(_tamper(db))
    broken = runner.invoke(app, ["verify-audit"], env=env)
    assert broken.exit_code == 1, broken.output
    assert "first broken seq: 2" in broken.output
    assert "gap: seq 3 to 3 missing" in broken.output


async def _break_head_and_an_event(db: Path) -> None:
    async with opened_embedded(db) as store:
        await delete_head(store)
        await overwrite_after(store, 2, "{not json")


def test_verify_audit_names_an_unreadable_event_and_a_missing_head_then_repairs(
    tmp_path: Path,
) -> None:
    db = tmp_path / "hub.db"
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)}
    asyncio.run(_load(db))
    asyncio.run(_break_head_and_an_event(db))
    broken = runner.invoke(app, ["verify-audit"], env=env)
    assert broken.exit_code == 1, broken.output
    assert "first broken seq: 2 (unreadable: after is not JSON" in broken.output
    assert "head missing: writes are refused" in broken.output
    assert "Traceback" not in broken.output
    # A broken chain is no ground to rebuild the head on.
    refused = runner.invoke(app, ["verify-audit", "--repair-head"], env=env)
    assert refused.exit_code == 1, refused.output
    assert "audit head NOT repaired: the chain itself is broken: first broken seq 2" in (
        refused.output
    )

    db = tmp_path / "head-only.db"
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(db)}
    asyncio.run(_load(db))
    store_head = asyncio.run(_delete_head(db))
    repaired = runner.invoke(app, ["verify-audit", "--repair-head"], env=env)
    assert repaired.exit_code == 0, repaired.output
    assert f"audit head rebuilt: seq 4 hash {store_head[1]} (the head was missing)" in (
        repaired.output
    )
    intact = runner.invoke(app, ["verify-audit"], env=env)
    assert intact.exit_code == 0, intact.output
    assert f"audit chain intact: 4 events; head seq 4 hash {store_head[1]}" in intact.output


async def _delete_head(db: Path) -> tuple[int, str]:
    async with opened_embedded(db) as store:
        head = await store.audit_head()
        assert head is not None
        await delete_head(store)
        return head
