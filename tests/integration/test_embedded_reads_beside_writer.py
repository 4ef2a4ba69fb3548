"""On an embedded file store, resolves and golden record reads go beside a batch's open group
(a second connection): they are answered while the group is still being written, and they see
what was committed, never part of a group."""

from __future__ import annotations

import asyncio
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.embedded.store import GROUP_COMMIT_SIZE
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.services.ingest import RawRecord
from tests.support.exports import company_name
from tests.support.services import ingest_service

GROUPS = 3
SAMPLES = 15  # reads taken while the batch is written, a dozen records apart


async def test_reads_are_answered_inside_a_group_and_see_only_whole_groups(
    tmp_path: Path,
) -> None:
    store = EmbeddedStore(str(tmp_path / "hub.db"))
    await store.open()
    try:
        records = GROUPS * GROUP_COMMIT_SIZE
        raws = [
            RawRecord("ERP", "CUSTOMER", f"W-{n}", {"name": company_name(n), "country": "DE"})
            for n in range(records)
        ]
        keys = [SourceKey("ERP", EntityType.CUSTOMER, f"W-{n}") for n in range(records)]
        batch = asyncio.create_task(ingest_service(store).upsert_many(raws))
        seen: list[int] = []
        while not batch.done() and len(seen) < SAMPLES:
            # The writer's lock is held from a group's BEGIN to its COMMIT.
            if not store._lock.locked():
                await asyncio.sleep(0)
                continue
            found = await store.resolve_many(keys)
            views = await store.get_goldens([f.golden_id for f in found if f is not None])
            assert store._lock.locked(), "the read waited for the group to commit"
            visible = sum(f is not None for f in found)
            assert visible % GROUP_COMMIT_SIZE == 0, f"{visible} records of an open group seen"
            assert all(view is not None for view in views)
            seen.append(visible)
            for _ in range(12):  # a dozen records further on
                await asyncio.sleep(0)
        await batch
    finally:
        await store.close()
    assert len(seen) == SAMPLES
    assert set(seen) >= {0, GROUP_COMMIT_SIZE}, seen  # reads inside the first groups
