"""The embedded store under a file that is no longer there: nothing is answered as written
that would be lost when the process stops (served end to end in tests/reliability)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.errors import StoreUnavailable
from mdm_hub.services.ingest import RawRecord
from tests.support.services import ingest_service


def customer(source_id: str) -> RawRecord:
    return RawRecord("CRM", "CUSTOMER", source_id, {"name": f"Lost {source_id} GmbH"})


async def test_a_deleted_data_directory_refuses_writes_and_the_heartbeat(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = EmbeddedStore(str(data / "hub.db"))
    await store.open()
    try:
        ingest = ingest_service(store)
        await store.ping()
        await ingest.upsert(customer("1"))
        shutil.rmtree(data)
        with pytest.raises(StoreUnavailable, match="is gone"):
            await store.ping()
        with pytest.raises(StoreUnavailable, match="is gone"):
            await ingest.upsert_many([customer("2"), customer("3")])
    finally:
        await store.close()
    assert not data.exists()


async def test_a_replaced_database_file_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        path.rename(tmp_path / "moved.db")
        path.write_bytes(b"")  # something else now answers to the name
        with pytest.raises(StoreUnavailable, match="replaced"):
            await ingest_service(store).upsert(customer("1"))
    finally:
        await store.close()
