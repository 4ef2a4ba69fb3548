"""50 concurrent steward merges and unmerges over overlapping golden records on a real Neo4j.
Some fail with VERSION_CONFLICT (or find their input already moved): that is the point. The
crosswalk invariants must hold whatever interleaving happened."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from pathlib import Path
from typing import LiteralString, cast

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertResult
from mdm_hub.errors import InvalidInput, NotFound, VersionConflict
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.support.services import ingest_service

INVARIANTS = cast(
    LiteralString,
    (Path(__file__).parents[1] / "support" / "crosswalk_invariants.cypher").read_text(),
)
GOLDENS = 10
ACTIONS = 50
PARALLEL = 10
RETRIES = 2
# Expected outcomes of a steward acting on a moving crosswalk; anything else fails the test.
EXPECTED = (VersionConflict, InvalidInput, NotFound)


async def _act(
    store: Neo4jStore, service: MergeService, rng: random.Random, golden_ids: list[str]
) -> str:
    for _ in range(RETRIES + 1):
        try:
            if rng.random() < 0.6:
                asked_pair = rng.sample(golden_ids, 2)
                views = [await store.get_golden(g) for g in asked_pair]
                live = {v.golden.id: v.golden.version for v in views if v is not None}
                if len(live) < 2:
                    return "skipped"
                expected = [ExpectedVersion(g, version) for g, version in live.items()]
                await service.merge(list(live), None, expected, "concurrency test", "bot")
                return "merged"
            asked = rng.choice(golden_ids)
            view = await store.get_golden(asked)
            assert view is not None
            if len(view.members) < 2:
                return "skipped"
            moved = [rng.choice(view.members).key]
            target = asked if view.merged_from else None
            await service.unmerge(
                view.golden.id,
                moved,
                target,
                [ExpectedVersion(view.golden.id, view.golden.version)],
                "concurrency test",
                "bot",
            )
            return "unmerged"
        except VersionConflict:
            continue
        except EXPECTED:
            return "refused"
    return "conflicted"


async def test_concurrent_merges_and_unmerges_keep_the_crosswalk_whole(
    neo4j_store: Neo4jStore,
) -> None:
    store = neo4j_store
    ingest = ingest_service(store)
    keys: list[SourceKey] = []
    golden_ids: list[str] = []
    for index in range(GOLDENS):
        for system in ("CRM", "ERP"):
            result = await ingest.upsert(
                RawRecord(
                    system,
                    "CUSTOMER",
                    f"c{index}",
                    {"name": f"Company {index}", "tax_id": f"DE{index:04d}"},
                )
            )
            keys.append(SourceKey(system, EntityType.CUSTOMER, f"c{index}"))
        golden_ids.append(result.golden_id)
    service = MergeService(store, shipped_rules())
    gate = asyncio.Semaphore(PARALLEL)

    async def bounded(seed: int) -> str:
        async with gate:
            return await _act(store, service, random.Random(seed), golden_ids)

    outcomes = await asyncio.gather(*(bounded(seed) for seed in range(ACTIONS)))
    print(sorted(Counter(outcomes).items()))
    assert outcomes.count("merged") > 0, outcomes
    assert outcomes.count("unmerged") > 0, outcomes

    async with store.driver.session() as session:
        row = await (await session.run(INVARIANTS)).single()
    assert row is not None
    assert row.data() == {
        "badMemberships": 0,
        "cycles": 0,
        "badRedirects": 0,
        "mergedWithMembers": 0,
    }
    # Every golden ID ever handed out still answers, with a live golden record.
    for golden_id in golden_ids:
        view = await store.get_golden(golden_id)
        assert view is not None
        live = await store.get_golden(view.golden.id)
        assert live is not None
        assert live.merged_from is None
    # Every source record resolves to a live golden record that lists it.
    for key, answer in zip(keys, await store.resolve_many(keys), strict=True):
        assert answer is not None
        assert key in answer.crosswalk
        live = await store.get_golden(answer.golden_id)
        assert live is not None
        assert (live.golden.id, live.merged_from) == (answer.golden_id, None)
    # The audit chain verifies: one event per merge/unmerge that happened, no gaps, no forks.
    status = await AuditService(store).chain_status()
    assert status.intact, status
    actions = Counter(event.action for event in await store.audit_events(0, 10_000))
    assert actions["golden.merge"] == outcomes.count("merged")
    assert actions["golden.unmerge"] == outcomes.count("unmerged")


async def test_concurrent_batches_of_the_same_companies_make_one_golden_each(
    neo4j_store: Neo4jStore,
) -> None:
    # Two systems post the same 40 companies at once, in opposite orders, in batches that
    # Neo4j commits in groups: every company must end as one golden record, the chain whole.
    store = neo4j_store
    ingest = ingest_service(store)

    def batch(system: str, order: range) -> list[RawRecord]:
        return [
            RawRecord(system, "CUSTOMER", f"c{i}", {"name": f"Company {i}", "tax_id": f"DE{i:04d}"})
            for i in order
        ]

    crm, erp = await asyncio.gather(
        ingest.upsert_many(batch("CRM", range(40))),
        ingest.upsert_many(batch("ERP", range(39, -1, -1))),
    )
    assert all(isinstance(r, UpsertResult) for r in (*crm, *erp))
    keys = [SourceKey(s, EntityType.CUSTOMER, f"c{i}") for i in range(40) for s in ("CRM", "ERP")]
    answers = await store.resolve_many(keys)
    for i in range(40):
        crm_answer, erp_answer = answers[2 * i], answers[2 * i + 1]
        assert crm_answer is not None
        assert erp_answer is not None
        assert crm_answer.golden_id == erp_answer.golden_id, i
    status = await AuditService(store).chain_status()
    assert status.intact, status
