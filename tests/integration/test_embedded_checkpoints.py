"""The embedded store copies its WAL back into the database file beside the writer: what is
committed reaches the file without the writer stopping for it, and closing ends the thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.services.ingest import RawRecord
from tests.support.services import ingest_service

THREAD_NAME = "mdm-hub-wal-checkpoint"


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


async def test_committed_records_reach_the_database_file_and_close_ends_the_thread(
    tmp_path: Path,
) -> None:
    db_file = tmp_path / "hub.db"
    store = EmbeddedStore(str(db_file))
    await store.open()
    try:
        assert len(_checkpoint_threads()) == 1
        ingest = ingest_service(store)
        for index in range(20):
            await ingest.upsert(
                RawRecord("HRIS", "EMPLOYEE", f"e{index}", {"given_name": f"Ann {index}"})
            )
        # The writer's own checkpoint starts only at 10,000 pages: a copy now is the thread's.
        deadline = time.monotonic() + 10
        while store.wal_checkpoints == 0:
            assert time.monotonic() < deadline, "no checkpoint ran after 20 commits"
            await asyncio.sleep(0.05)
    finally:
        await store.close()
    assert _checkpoint_threads() == []
    # Everything committed is in the database file, readable after the store is gone.
    with sqlite3.connect(db_file) as db:
        count = db.execute("SELECT count(*) FROM source_record").fetchone()[0]
    assert count == 20


async def test_a_store_without_a_wal_runs_no_checkpoint_thread() -> None:
    before = len(_checkpoint_threads())
    store = EmbeddedStore(":memory:")
    await store.open()
    try:
        assert len(_checkpoint_threads()) == before
    finally:
        await store.close()
