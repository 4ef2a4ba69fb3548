"""The data upgrades a Neo4j store runs at start: several processes starting at once on a
fresh database (`serve --workers`) may each mark one done, and every later start still opens."""

from __future__ import annotations

from datetime import UTC, datetime

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.adapters.neo4j.upgrades import UPGRADES


async def test_a_store_whose_upgrades_were_marked_twice_opens(neo4j_store: Neo4jStore) -> None:
    for name in UPGRADES:  # as two processes' MERGEs racing on a fresh database leave them
        await neo4j_store.driver.execute_query(
            "UNWIND [1, 2] AS marker CREATE (:SchemaUpgrade {name: $name, at: $at})",
            name=name,
            at=datetime.now(UTC),
        )
    await neo4j_store.open()
    records, _, _ = await neo4j_store.driver.execute_query(
        "MATCH (u:SchemaUpgrade) RETURN u.name AS name, count(*) AS markers"
    )
    assert {r["name"]: r["markers"] for r in records} == dict.fromkeys(UPGRADES, 2)
