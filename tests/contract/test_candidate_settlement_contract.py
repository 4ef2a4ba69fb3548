"""A steward's direct merge or unmerge closes the open match candidates it answers, on every
store: the same steward and reason, audited; candidates it does not answer stay open."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus, MatchCandidate, SourceKey
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.support.services import ingest_service

ANN = {
    "given_name": "Ann",
    "family_name": "Lee",
    "birth_date": "1980-05-17",
    "city": "Leeds",
    "region": "yorkshire",
}


def _unsure(source_id: str, region: str) -> RawRecord:
    attributes = {"given_name": "Ann", "family_name": "Lee", "region": region}
    return RawRecord("EXPENSE", "EMPLOYEE", source_id, attributes)


async def _scene(store: Store) -> tuple[str, list[Any]]:
    """Ann from HR, and two expense users with her name elsewhere, each queued against her."""
    ingest = ingest_service(store)
    ann = (await ingest.upsert(RawRecord("HRIS", "EMPLOYEE", "h1", ANN))).golden_id
    unsure = [
        await ingest.upsert(_unsure("e0", "kent")),
        await ingest.upsert(_unsure("e1", "devon")),
    ]
    assert all(u.match_candidate_id for u in unsure)
    return ann, unsure


async def _version(store: Store, golden_id: str) -> ExpectedVersion:
    view = await store.get_golden(golden_id)
    assert view is not None
    return ExpectedVersion(golden_id, view.golden.version)


async def _candidate(store: Store, candidate_id: str | None) -> MatchCandidate:
    assert candidate_id is not None
    found = await store.get_match_candidate(candidate_id)
    assert found is not None
    return found


async def test_a_direct_merge_closes_the_candidate_it_answers(store: Store) -> None:
    ann, (e0, e1) = await _scene(store)
    versions = [await _version(store, ann), await _version(store, e0.golden_id)]
    await MergeService(store, shipped_rules()).merge(
        [ann, e0.golden_id], ann, versions, "same person per HR", "jane"
    )
    settled = await _candidate(store, e0.match_candidate_id)
    assert settled.status is CandidateStatus.MATCHED
    assert settled.decision is not None
    assert settled.decision.actor == "jane"
    assert settled.decision.reason == "settled by merge: same person per HR"
    untouched = await _candidate(store, e1.match_candidate_id)
    assert untouched.status is CandidateStatus.OPEN
    events = await AuditService(store).lineage(ann)
    decided = [e for e in events if e.action == "candidate.decided"]
    assert [e.subject_ids[0] for e in decided] == [e0.match_candidate_id]
    assert decided[0].after == {"status": "MATCHED", "goldenIds": [ann], "settledBy": "merge"}


async def test_an_unmerge_into_the_offered_golden_record_matches_its_candidate(
    store: Store,
) -> None:
    ann, (e0, e1) = await _scene(store)
    stewardship = MergeService(store, shipped_rules())
    # The two expense users merged: e1 had been queued against e0 too (MATCHED now), e0 only
    # against Ann (still open).
    pair = [await _version(store, e0.golden_id), await _version(store, e1.golden_id)]
    await stewardship.merge([e0.golden_id, e1.golden_id], e0.golden_id, pair, "dup", "jane")
    assert (await _candidate(store, e1.match_candidate_id)).status is CandidateStatus.MATCHED
    assert (await _candidate(store, e0.match_candidate_id)).status is CandidateStatus.OPEN
    moved = SourceKey("EXPENSE", EntityType.EMPLOYEE, "e0")
    versions = [await _version(store, e0.golden_id), await _version(store, ann)]
    await stewardship.unmerge(e0.golden_id, [moved], ann, versions, "she is Ann", "olga")
    settled = await _candidate(store, e0.match_candidate_id)
    assert settled.status is CandidateStatus.MATCHED
    assert settled.decision is not None
    assert settled.decision.actor == "olga"


async def test_an_unmerge_out_of_the_offered_golden_record_rejects_its_candidate(
    store: Store,
) -> None:
    ann, (e0, _) = await _scene(store)
    queued = await _candidate(store, e0.match_candidate_id)
    # A candidate left open from before merges closed them: h1 itself asked about Ann's record.
    h1 = SourceKey("HRIS", EntityType.EMPLOYEE, "h1")
    other = SourceKey("HRIS", EntityType.EMPLOYEE, "h2")
    await ingest_service(store).upsert(RawRecord("HRIS", "EMPLOYEE", "h2", ANN))
    stale = replace(queued, id="stale-candidate", source=h1, golden_id=ann)

    async def add(tx: StoreTransaction) -> None:
        await tx.add_match_candidate(stale)

    await store.write(add)
    view = await store.get_golden(ann)
    assert view is not None
    assert {m.key for m in view.members} == {h1, other}
    await MergeService(store, shipped_rules()).unmerge(
        ann, [h1], None, [await _version(store, ann)], "two people", "jane"
    )
    settled = await _candidate(store, "stale-candidate")
    assert settled.status is CandidateStatus.NOT_A_MATCH
    assert settled.decision is not None
    assert settled.decision.reason == "settled by unmerge: two people"
