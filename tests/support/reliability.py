"""What the reliability scenarios check after a storm, on either store: how many source and
golden records there are (counted in the store itself, not through the hub), and that the
audit chain and the crosswalk are whole."""

from __future__ import annotations

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from tests.integration.test_stewardship_concurrency import INVARIANTS


async def count_records(store: Store) -> tuple[int, int]:
    """(source records, golden records), every one stored, merged away or not."""
    if isinstance(store, EmbeddedStore):
        db = store._conn
        [sources] = db.execute("SELECT count(*) FROM source_record").fetchone()
        [goldens] = db.execute("SELECT count(*) FROM golden").fetchone()
        return int(sources), int(goldens)
    assert isinstance(store, Neo4jStore)
    async with store.driver.session() as session:
        result = await session.run(
            "CALL () { MATCH (s:SourceRecord) RETURN count(s) AS sources } "
            "CALL () { MATCH (g:Golden) RETURN count(g) AS goldens } "
            "RETURN sources, goldens"
        )
        row = await result.single()
    assert row is not None
    return int(row["sources"]), int(row["goldens"])


async def assert_whole(store: Store) -> None:
    """The audit chain verifies (hashes, head, lineage index) and, on Neo4j, every crosswalk
    invariant holds (one membership per source record, no merge cycles)."""
    status = await AuditService(store).chain_status()
    assert status.intact, status
    if isinstance(store, Neo4jStore):
        async with store.driver.session() as session:
            row = await (await session.run(INVARIANTS)).single()
        assert row is not None
        assert set(row.data().values()) == {0}, row.data()
