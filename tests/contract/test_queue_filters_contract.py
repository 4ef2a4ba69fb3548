"""The stewards' queues filtered by source system in the store, over the whole queue: pending
references by the referring record's or the target's system, rejected records by the system
their payload names; a Neo4j store made before rejects kept their system is upgraded."""

from __future__ import annotations

from pathlib import Path
from typing import LiteralString, cast

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.records import RejectedRecord
from mdm_hub.errors import Problem
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from tests.support.builders import at
from tests.support.services import ingest_service

OLD_REJECTS = Path(__file__).parents[1] / "support" / "rejects_before_system.cypher"


def _reject(system: object, n: int) -> RejectedRecord:
    payload = {"system": system, "entityType": "CUSTOMER", "sourceId": f"x{n}"}
    return RejectedRecord(at(n), payload, (Problem("system", "is not declared"),))


async def _pending(store: Store) -> None:
    """Three HRIS employees waiting for their managers, then a PSA project for a CRM customer."""
    ingest = ingest_service(store)
    for n in range(3):
        manager = {"system": "HRIS", "sourceId": f"m{n}"}
        employee = {"given_name": "Ann", "family_name": f"Lee{n}", "manager": manager}
        await ingest.upsert(RawRecord("HRIS", "EMPLOYEE", f"h{n}", employee))
    project = {"code": "P1", "name": "Relaunch", "customer": {"system": "CRM", "sourceId": "c9"}}
    await ingest.upsert(RawRecord("PSA", "PROJECT", "p1", project))


async def _all_pending(store: Store, system: str | None, page: int) -> list[str]:
    """Every page of the filtered queue: (referrer, target) source IDs."""
    found, after = [], None
    while True:
        got = await store.pending_references(page, after, system)
        found += [f"{p.referrer.source_id}>{p.reference.target.source_id}" for _, p in got.items]
        if not got.has_next:
            return found
        after = got.items[-1][0]


async def test_pending_references_by_the_referrers_or_the_targets_system(store: Store) -> None:
    await _pending(store)
    # The PSA project is the newest: a filter over the oldest page alone would miss it.
    assert await _all_pending(store, "CRM", 2) == ["p1>c9"]  # its target's system
    assert await _all_pending(store, "PSA", 2) == ["p1>c9"]  # its own
    assert await _all_pending(store, "HRIS", 2) == ["h0>m0", "h1>m1", "h2>m2"]
    assert await _all_pending(store, "ERP", 2) == []
    assert len(await _all_pending(store, None, 2)) == 4


async def test_rejects_by_the_system_their_payload_names(store: Store) -> None:
    await store.record_rejects([_reject("CRM", 1), _reject(42, 2)])
    await store.record_rejects([_reject("NOPE", n) for n in range(3, 6)])
    [crm] = await store.list_rejects(2, "CRM")  # older than the two newest
    assert crm.payload["sourceId"] == "x1"
    assert [r.payload["sourceId"] for r in await store.list_rejects(2, "NOPE")] == ["x5", "x4"]
    assert await store.list_rejects(2, "42") == []  # a system that is no text names none
    assert len(await store.list_rejects(10)) == 5


async def test_a_neo4j_store_made_before_reject_systems_is_upgraded(
    neo4j_store: Neo4jStore,
) -> None:
    await neo4j_store.record_rejects([_reject("CRM", 1), _reject("NOPE", 2)])
    await neo4j_store.driver.execute_query(cast(LiteralString, OLD_REJECTS.read_text()))
    assert await neo4j_store.list_rejects(5, "CRM") == []  # as an old store reads
    await neo4j_store.open()
    [crm] = await neo4j_store.list_rejects(5, "CRM")
    assert crm.payload["sourceId"] == "x1"
