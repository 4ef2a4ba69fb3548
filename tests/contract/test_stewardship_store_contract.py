"""The store operations steward actions add, on every store: a merge marked with its decider,
reviving a merged-away golden record, and closing a match candidate once."""

from __future__ import annotations

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import (
    CandidateDecision,
    CandidateStatus,
    MatchCandidate,
    Membership,
    ScoredGolden,
)
from mdm_hub.errors import NotFound
from mdm_hub.ports import Store, StoreTransaction
from tests.support.builders import at, golden_with, key, stored

CRM_1 = key("CRM", "c-1")
ERP_7 = key("ERP", "e-7")
DECISION = CandidateDecision("jane@firm", "same VAT number", at(5))


async def _two_goldens(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"name": "A"}))
    await golden_with(store, "cus_b", stored(ERP_7, {"name": "B"}))


async def test_merge_golden_records_who_decided(store: Store) -> None:
    await _two_goldens(store)

    async def work(tx: StoreTransaction) -> object:
        await tx.merge_golden("cus_b", "cus_a", at(9), "steward:jane")
        return await tx.get_source(ERP_7)

    _, moved = await store.write(work)  # type: ignore[misc]
    assert (moved.golden_id, moved.decided_by) == ("cus_a", "steward:jane")


async def test_revive_undoes_the_redirect_of_a_merged_golden(store: Store) -> None:
    await _two_goldens(store)

    async def merge(tx: StoreTransaction) -> None:
        await tx.merge_golden("cus_b", "cus_a", at(1))

    async def revive(tx: StoreTransaction) -> None:
        await tx.revive_golden("cus_b", at(2))
        await tx.set_membership(ERP_7, Membership("cus_b", at(2), "steward:jane"))

    await store.write(merge)
    await store.write(revive)
    view = await store.get_golden("cus_b")
    assert view is not None
    assert (view.golden.id, view.merged_from) == ("cus_b", None)
    assert [m.key for m in view.members] == [ERP_7]
    listed = await store.list_goldens(EntityType.CUSTOMER, 10, None)
    assert sorted(v.golden.id for _, v in listed.items) == ["cus_a", "cus_b"]

    async def merge_again(tx: StoreTransaction) -> None:
        await tx.merge_golden("cus_b", "cus_a", at(3))  # a revived golden can merge again

    await store.write(merge_again)
    again = await store.get_golden("cus_b")
    assert again is not None
    assert again.golden.id == "cus_a"


@pytest.mark.parametrize("golden_id", ["cus_a", "cus_missing"])
async def test_revive_of_a_live_or_unknown_golden_is_not_found(
    store: Store, golden_id: str
) -> None:
    await _two_goldens(store)

    async def revive(tx: StoreTransaction) -> None:
        await tx.revive_golden(golden_id, at(2))

    with pytest.raises(NotFound):
        await store.write(revive)


async def _candidate(store: Store) -> MatchCandidate:
    await _two_goldens(store)
    candidate = MatchCandidate(
        "mc_1",
        ERP_7,
        "cus_b",
        CandidateStatus.OPEN,
        at(1),
        (ScoredGolden("cus_a", 0.8, {"rule": "r"}),),
    )

    async def work(tx: StoreTransaction) -> None:
        await tx.add_match_candidate(candidate)

    await store.write(work)
    return candidate


async def test_a_candidate_is_decided_once_with_who_why_and_when(store: Store) -> None:
    candidate = await _candidate(store)

    async def decide(tx: StoreTransaction) -> bool:
        return await tx.decide_match_candidate("mc_1", CandidateStatus.NOT_A_MATCH, DECISION)

    assert await store.write(decide) is True
    decided = await store.get_match_candidate("mc_1")
    assert decided is not None
    assert (decided.status, decided.decision) == (CandidateStatus.NOT_A_MATCH, DECISION)
    assert decided.candidates == candidate.candidates

    async def again(tx: StoreTransaction) -> bool:
        later = CandidateDecision("joe", "changed my mind", at(6))
        return await tx.decide_match_candidate("mc_1", CandidateStatus.MATCHED, later)

    assert await store.write(again) is False
    assert await store.get_match_candidate("mc_1") == decided
    listed = await store.list_match_candidates(CandidateStatus.NOT_A_MATCH, None, 5, None)
    assert listed == [decided]


async def test_an_open_candidate_has_no_decision(store: Store) -> None:
    candidate = await _candidate(store)
    assert await store.get_match_candidate("mc_1") == candidate
    assert candidate.decision is None


async def test_deciding_an_unknown_candidate_is_not_found(store: Store) -> None:
    async def decide(tx: StoreTransaction) -> bool:
        return await tx.decide_match_candidate("mc_nope", CandidateStatus.MATCHED, DECISION)

    with pytest.raises(NotFound):
        await store.write(decide)
