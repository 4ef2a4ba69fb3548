"""Steward merges, unmerges and candidate decisions through the real services, on every store:
redirects, lossless unmerge, optimistic concurrency and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus, GoldenView, SourceKey
from mdm_hub.domain.relationships import Direction, RelationshipType
from mdm_hub.errors import InvalidInput, NotFound, RelationshipCycle, VersionConflict
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.contract.test_matching_contract import ANN, employee
from tests.contract.test_relationship_ingest_contract import ticking_clock
from tests.support.services import ingest_service

ACME = {"name": "Acme Inc", "tax_id": "DE111", "city": "Berlin"}
ACME_UK = {"name": "Acme Ltd", "tax_id": "GB222", "city": "London", "email": "ap@acme.co.uk"}
GLOBEX = {"name": "Globex", "tax_id": "FR333", "city": "Paris"}
WHY = "same company per registry"


def key(system: str, source_id: str, entity_type: str = "CUSTOMER") -> SourceKey:
    return SourceKey(system, EntityType(entity_type), source_id)


def steward(store: Store) -> MergeService:
    return MergeService(store, shipped_rules(), clock=ticking_clock())


async def post(
    store: Store, system: str, source_id: str, entity_type: str = "CUSTOMER", **attrs: Any
) -> str:
    result = await ingest_service(store).upsert(RawRecord(system, entity_type, source_id, attrs))
    return result.golden_id


async def view(store: Store, golden_id: str) -> GoldenView:
    found = await store.get_golden(golden_id)
    assert found is not None
    return found


async def versions(store: Store, *golden_ids: str) -> list[ExpectedVersion]:
    return [ExpectedVersion(g, (await view(store, g)).golden.version) for g in golden_ids]


async def merge(store: Store, *golden_ids: str, survivor: str | None = None) -> GoldenView:
    expected = await versions(store, *golden_ids)
    return await steward(store).merge(golden_ids, survivor, expected, WHY, "jane")


def snapshot(found: GoldenView) -> tuple[Any, ...]:
    """What 'exactly as before' compares: the values with provenance, and the crosswalk."""
    return (found.golden.id, found.golden.attributes, found.members, found.override_history)


async def test_the_oldest_survives_and_merged_ids_resolve_to_it(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    before = (await view(store, a)).golden.version
    merged = await merge(store, b, a)
    assert merged.golden.id == a
    assert [m.key for m in merged.members] == [key("CRM", "c1"), key("ERP", "e1")]
    assert merged.golden.values()["email"] == "ap@acme.co.uk"  # recomputed from both
    assert merged.golden.version == before + 1
    redirected = await view(store, b)
    assert (redirected.golden.id, redirected.merged_from) == (a, b)
    [answer] = await store.resolve_many([key("ERP", "e1")])
    assert answer is not None
    assert answer.golden_id == a


async def test_the_steward_picks_the_survivor_and_chains_resolve(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    c = await post(store, "PSA", "p1", **GLOBEX)
    await merge(store, a, b, survivor=b)
    await merge(store, b, c, survivor=c)
    chained = await view(store, a)
    assert (chained.golden.id, chained.merged_from, len(chained.members)) == (c, a, 3)


async def test_a_stale_version_conflicts_and_writes_nothing(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    expected = await versions(store, a, b)
    await post(store, "CRM", "c1", **{**ACME, "city": "Bonn"})  # a moves on
    with pytest.raises(VersionConflict) as raised:
        await steward(store).merge([a, b], None, expected, WHY, "jane")
    current = (await view(store, a)).golden.version
    assert (raised.value.golden_id, raised.value.current) == (a, current)
    assert raised.value.details()["currentVersion"] == current
    assert (await view(store, b)).merged_from is None


async def test_a_merged_away_id_conflicts_naming_its_survivor(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    c = await post(store, "PSA", "p1", **GLOBEX)
    stale = await versions(store, b, c)
    await merge(store, a, b)
    with pytest.raises(VersionConflict) as raised:
        await steward(store).merge([b, c], None, stale, WHY, "jane")
    assert (raised.value.golden_id, raised.value.current_id) == (b, a)


async def test_merge_refusals(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    project = await post(store, "PSA", "x1", "PROJECT", name="Rollout", code="P-1")
    service = steward(store)
    expected = await versions(store, a, b, project)
    with pytest.raises(InvalidInput, match="itself"):
        await service.merge([a, a], None, expected, WHY, "jane")
    with pytest.raises(InvalidInput, match="entity types"):
        await service.merge([a, project], None, expected, WHY, "jane")
    with pytest.raises(InvalidInput, match="survivorId"):
        await service.merge([a, b], project, expected, WHY, "jane")
    with pytest.raises(InvalidInput, match="expectedVersions"):
        await service.merge([a, b], None, expected[:1], WHY, "jane")
    with pytest.raises(InvalidInput, match="reason"):
        await service.merge([a, b], None, expected, "  ", "jane")
    with pytest.raises(NotFound):
        await service.merge(
            [a, "cus_nope"], None, [*expected, ExpectedVersion("cus_nope", 1)], WHY, "jane"
        )
    assert (await view(store, b)).merged_from is None


async def test_not_a_match_blocks_a_merge_unless_overridden(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    c = await post(store, "PSA", "p1", **GLOBEX)
    await merge(store, a, c)
    await steward(store).unmerge(a, [key("PSA", "p1")], c, await versions(store, a), WHY, "j")
    with pytest.raises(InvalidInput, match="not a match"):
        await merge(store, a, c)
    merged = await steward(store).merge(
        [a, b, c], None, await versions(store, a, b, c), WHY, "jane", override_not_a_match=True
    )
    assert len(merged.members) == 3


async def test_a_merge_that_would_close_a_hierarchy_loop_is_refused(store: Store) -> None:
    parent = {"system": "CRM", "sourceId": "mid"}
    top = await post(store, "CRM", "top", **GLOBEX)
    await post(
        store,
        "CRM",
        "mid",
        name="Mid GmbH",
        tax_id="DE9",
        parent={"system": "CRM", "sourceId": "top"},
    )
    leaf = await post(store, "CRM", "leaf", **ACME, parent=parent)
    with pytest.raises(RelationshipCycle, match="CHILD_OF cycle"):
        await merge(store, top, leaf)
    assert (await view(store, leaf)).merged_from is None


async def test_unmerge_after_merge_restores_both_exactly(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    project = await post(
        store, "PSA", "x1", "PROJECT", name="Rollout", customer={"system": "ERP", "sourceId": "e1"}
    )
    before = [snapshot(await view(store, g)) for g in (a, b)]
    await merge(store, a, b)
    assert [e.to_id for e in await store.relationships([project], None, Direction.OUT)] == [a]
    result = await steward(store).unmerge(
        a, [key("ERP", "e1")], b, await versions(store, a), "wrong merge", "jane"
    )
    assert [snapshot(result.source), snapshot(result.target)] == before
    assert [snapshot(await view(store, g)) for g in (a, b)] == before
    edges = await store.relationships([project], RelationshipType.FOR_CUSTOMER, Direction.OUT)
    assert [e.to_id for e in edges] == [b]


async def test_unmerge_to_a_new_golden_and_the_matcher_remembers(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    await post(store, "ERP", "e1", **{**ACME, "name": "ACME"})  # links on the tax ID
    result = await steward(store).unmerge(
        a, [key("ERP", "e1")], None, await versions(store, a), "two branches", "jane"
    )
    assert result.target.golden.id != a
    assert [m.key for m in result.target.members] == [key("ERP", "e1")]
    assert result.target.golden.values()["name"] == "ACME"
    assert [m.key for m in result.source.members] == [key("CRM", "c1")]
    again = await post(store, "ERP", "e1", **{**ACME, "name": "ACME", "city": "Bonn"})
    assert again == result.target.golden.id
    newcomer = await post(store, "PSA", "p9", **ACME)  # matches both on the tax ID
    assert newcomer in {a, result.target.golden.id}
    assert (await view(store, a)).golden.id != (
        await view(store, result.target.golden.id)
    ).golden.id


async def test_unmerge_refusals(store: Store) -> None:
    a = await post(store, "CRM", "c1", **ACME)
    b = await post(store, "ERP", "e1", **ACME_UK)
    c = await post(store, "PSA", "p1", **GLOBEX)
    await merge(store, a, b)
    service = steward(store)
    expected = await versions(store, a, c)
    with pytest.raises(InvalidInput, match="not a member"):
        await service.unmerge(a, [key("PSA", "p1")], None, expected, WHY, "j")
    with pytest.raises(InvalidInput, match="every member"):
        await service.unmerge(a, [key("CRM", "c1"), key("ERP", "e1")], None, expected, WHY, "j")
    with pytest.raises(InvalidInput, match="targetGoldenId"):
        await service.unmerge(a, [key("ERP", "e1")], a, expected, WHY, "j")
    with pytest.raises(InvalidInput, match="expectedVersions"):
        await service.unmerge(a, [key("ERP", "e1")], c, expected[:1], WHY, "j")
    with pytest.raises(VersionConflict):
        await service.unmerge(a, [key("ERP", "e1")], None, [ExpectedVersion(a, 0)], WHY, "j")
    with pytest.raises(NotFound):
        await service.unmerge(
            "cus_nope", [key("ERP", "e1")], None, [ExpectedVersion("cus_nope", 1)], WHY, "j"
        )


async def _employee_candidate(store: Store) -> tuple[str, str, str]:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("HRIS", "h1", **ANN))
    unsure = await ingest.upsert(
        employee("EXPENSE", "e1", given_name="Ann", family_name="Lee", region="kent")
    )
    assert unsure.match_candidate_id is not None
    return unsure.match_candidate_id, first.golden_id, unsure.golden_id


async def test_match_merges_the_record_into_the_best_candidate(store: Store) -> None:
    candidate_id, best, own = await _employee_candidate(store)
    decided = await steward(store).decide(
        candidate_id,
        CandidateStatus.MATCHED,
        None,
        await versions(store, best, own),
        "same person per HR",
        "jane",
    )
    assert decided.candidate.status is CandidateStatus.MATCHED
    assert decided.candidate.decision is not None
    assert (decided.candidate.decision.actor, decided.candidate.decision.reason) == (
        "jane",
        "same person per HR",
    )
    assert decided.golden.golden.id == best
    assert len(decided.golden.members) == 2
    with pytest.raises(InvalidInput, match="already decided"):
        await steward(store).decide(
            candidate_id, CandidateStatus.NOT_A_MATCH, None, [], "oops", "joe"
        )


async def test_not_a_match_is_remembered_by_the_matcher(store: Store) -> None:
    candidate_id, best, own = await _employee_candidate(store)
    decided = await steward(store).decide(
        candidate_id, CandidateStatus.NOT_A_MATCH, best, [], "different people", "jane"
    )
    assert decided.candidate.status is CandidateStatus.NOT_A_MATCH
    assert decided.golden.golden.id == own
    with pytest.raises(InvalidInput, match="not a match"):
        await merge(store, best, own)


async def test_decide_refusals(store: Store) -> None:
    candidate_id, best, own = await _employee_candidate(store)
    service = steward(store)
    with pytest.raises(NotFound):
        await service.decide("mc_nope", CandidateStatus.MATCHED, None, [], WHY, "j")
    with pytest.raises(InvalidInput, match="goldenId"):
        await service.decide(candidate_id, CandidateStatus.MATCHED, own, [], WHY, "j")
    with pytest.raises(InvalidInput, match="expectedVersions"):
        await service.decide(candidate_id, CandidateStatus.MATCHED, None, [], WHY, "j")
    with pytest.raises(VersionConflict):
        await service.decide(
            candidate_id,
            CandidateStatus.MATCHED,
            None,
            [ExpectedVersion(best, 99), ExpectedVersion(own, 99)],
            WHY,
            "j",
        )
    still = await store.get_match_candidate(candidate_id)
    assert still is not None
    assert still.status is CandidateStatus.OPEN
