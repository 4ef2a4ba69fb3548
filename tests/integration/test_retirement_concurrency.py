"""Concurrent retirements on a real Neo4j: every member of one golden record retired by
several callers at once. Each record counts as retired once (one event), and the golden
record ends RETIRED whatever the interleaving."""

from __future__ import annotations

import asyncio
from collections import Counter

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.audit import Action
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.retirement import GoldenStatus, RetireOutcome
from mdm_hub.domain.systems import SourceSystem, SystemKind
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules

MEMBERS = 5
CALLERS_PER_RECORD = 3


async def test_concurrent_retirements_count_once_and_leave_the_golden_retired(
    neo4j_store: Neo4jStore,
) -> None:
    keys = [SourceKey(f"SYS{n}", EntityType.CUSTOMER, "1") for n in range(MEMBERS)]
    systems = shipped_systems().with_systems(
        SourceSystem(code=k.system, name=k.system, kind=SystemKind.OTHER) for k in keys
    )
    ingest = IngestService(neo4j_store, shipped_matcher(), rules=shipped_rules(), systems=systems)
    golden_ids = {
        (await ingest.upsert(RawRecord(k.system, "CUSTOMER", "1", {"tax_id": "DE111"}))).golden_id
        for k in keys
    }
    assert len(golden_ids) == 1

    results = await asyncio.gather(
        *(
            IngestService(
                neo4j_store, shipped_matcher(), rules=shipped_rules(), systems=systems
            ).retire(k, "closed", None)
            for k in keys
            for _ in range(CALLERS_PER_RECORD)
        )
    )

    outcomes = Counter((r.key, r.outcome) for r in results)
    for k in keys:
        assert outcomes[(k, RetireOutcome.RETIRED)] == 1
        assert outcomes[(k, RetireOutcome.ALREADY_RETIRED)] == CALLERS_PER_RECORD - 1
    [golden_id] = golden_ids
    view = await neo4j_store.get_golden(golden_id)
    assert view is not None
    assert (view.golden.status, view.members, len(view.retired)) == (
        GoldenStatus.RETIRED,
        (),
        MEMBERS,
    )
    events = await neo4j_store.audit_events(0, 1000)
    assert sum(e.action == Action.SOURCE_RETIRED for e in events) == MEMBERS
    # Exactly one retirement saw the golden record lose its last live member.
    assert sum(e.after.get("goldenStatus") == "RETIRED" for e in events) == 1
    status = await AuditService(neo4j_store).chain_status()
    assert status.intact, status
