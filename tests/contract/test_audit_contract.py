"""The audit log on every store: an event per change in the change's own transaction, the
SHA-256 chain, and tampering (edit, delete, swap) caught by the verifier."""

from __future__ import annotations

from collections import Counter

import pytest

from mdm_hub.domain.audit import GENESIS, Action, AuditContext, source_subject
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus
from mdm_hub.errors import VersionConflict
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.recompute import RecomputeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.contract.test_matching_contract import ANN, HALF_A, HALF_B, employee
from tests.contract.test_merges_contract import (
    ACME,
    ACME_UK,
    WHY,
    _employee_candidate,
    key,
    merge,
    steward,
    versions,
)
from tests.contract.test_recompute_contract import ERP_OWNS_NAME
from tests.support.audit_tamper import delete_event, edit_reason, swap_events
from tests.support.services import ingest_service

JANE = AuditContext("jane", "steward", "corr-1")


async def _actions(store: Store) -> list[str]:
    return [event.action for event in await store.audit_events(0, 1000)]


async def _intact(store: Store) -> None:
    status = await AuditService(store).chain_status()
    assert status.intact, status
    assert status.first_broken_seq is None
    assert status.gaps == []


async def _five_events(store: Store) -> None:
    ingest = ingest_service(store)
    for n in range(5):
        await ingest.upsert(RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"C {n}"}))


async def test_an_empty_log_verifies(store: Store) -> None:
    status = await AuditService(store).chain_status()
    assert (status.intact, status.events, status.head_seq, status.head_hash) == (
        True,
        0,
        0,
        GENESIS,
    )


async def test_ingest_writes_created_linked_and_updated_but_not_unchanged(store: Store) -> None:
    ingest = ingest_service(store)
    created = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME), audit=JANE)
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME))  # unchanged: no event
    linked = await ingest.upsert(
        RawRecord("ERP", "CUSTOMER", "e1", {**ACME, "city": "Berlin-Mitte"})
    )
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", {**ACME, "city": "Bonn"}))
    events = await store.audit_events(0, 100)
    assert [e.action for e in events] == [
        Action.INGEST_CREATED,
        Action.INGEST_LINKED,
        Action.INGEST_UPDATED,
    ]
    first, link, update = events
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (first.actor, first.role, first.correlation_id) == ("jane", "steward", "corr-1")
    assert first.subject_ids == (created.golden_id, source_subject(key("CRM", "c1")))
    assert first.after["attributes"] == ACME
    assert first.after["decidedBy"].endswith("#new")
    assert (link.actor, link.role) == ("system", "system")
    assert link.after["goldenId"] == linked.golden_id == created.golden_id
    assert link.after["score"] == linked.score
    assert link.after["decidedBy"]
    assert update.before["attributes"] == ACME
    assert update.after["attributes"]["city"] == "Bonn"
    assert (update.before["sourceVersion"], update.after["sourceVersion"]) == (1, 2)
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    await _intact(store)


async def test_a_bridging_merge_and_a_review_candidate_are_audited(store: Store) -> None:
    ingest = ingest_service(store)
    a = await ingest.upsert(employee("HRIS", "h1", **HALF_A))
    b = await ingest.upsert(employee("PAYROLL", "p1", **HALF_B))
    await ingest.upsert(employee("PSA", "s1", **ANN))
    [bridge] = [e for e in await store.audit_events(0, 100) if e.action == Action.BRIDGING_MERGE]
    assert bridge.after == {"survivorId": a.golden_id, "mergedIds": [b.golden_id]}
    lineage = await AuditService(store).lineage(a.golden_id)
    # The merged-away golden's own history is part of the survivor's lineage.
    assert {e.seq for e in lineage} == {1, 2, 3, 4}
    await _intact(store)


async def test_steward_merge_unmerge_and_decisions_are_audited(store: Store) -> None:
    ingest = ingest_service(store)
    a = (await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME))).golden_id
    b = (await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ACME_UK))).golden_id
    await merge(store, a, b)
    moved = [key("ERP", "e1")]
    await steward(store).unmerge(a, moved, b, await versions(store, a), "wrong", "joe", audit=JANE)
    events = await store.audit_events(2, 100)
    assert [e.action for e in events] == [Action.MERGE, Action.UNMERGE]
    merged, unmerged = events
    assert merged.after == {"survivorId": a, "mergedIds": [b]}
    assert (merged.actor, merged.reason) == ("jane", WHY)
    assert unmerged.subject_ids == (a, b, source_subject(key("ERP", "e1")))
    assert unmerged.after == {"goldenId": b, "sources": [source_subject(key("ERP", "e1"))]}
    assert (unmerged.actor, unmerged.role, unmerged.reason) == ("jane", "steward", "wrong")
    # Where e1 has been: b, then a (by the merge), then b again (by the unmerge).
    lineage = await AuditService(store).source_lineage(key("ERP", "e1"))
    assert [(m.golden_id, m.action) for m in lineage] == [
        (b, Action.INGEST_CREATED),
        (a, Action.MERGE),
        (b, Action.UNMERGE),
    ]
    decision = await AuditService(store).decision_event(key("ERP", "e1"))
    assert decision is not None
    assert decision.seq == unmerged.seq
    await _intact(store)


async def test_a_refused_change_writes_no_event(store: Store) -> None:
    ingest = ingest_service(store)
    a = (await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME))).golden_id
    b = (await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ACME_UK))).golden_id
    with pytest.raises(VersionConflict):
        await steward(store).merge(
            [a, b], None, [ExpectedVersion(a, 0), ExpectedVersion(b, 1)], WHY, "j"
        )
    assert len(await _actions(store)) == 2
    await _intact(store)


async def test_candidate_decisions_are_audited(store: Store) -> None:
    candidate_id, best, own = await _employee_candidate(store)
    assert Action.CANDIDATE_OPENED in await _actions(store)
    await steward(store).decide(
        candidate_id,
        CandidateStatus.MATCHED,
        None,
        await versions(store, own, best),
        WHY,
        "jane",
    )
    merged, decided = (await store.audit_events(0, 100))[-2:]
    assert merged.action == Action.MERGE
    assert merged.after == {"survivorId": best, "mergedIds": [own]}
    assert decided.action == Action.CANDIDATE_DECIDED
    assert candidate_id in decided.subject_ids
    assert decided.after == {"status": str(CandidateStatus.MATCHED), "goldenIds": [best]}
    await _intact(store)


async def test_not_a_match_decisions_are_audited(store: Store) -> None:
    candidate_id, best, _ = await _employee_candidate(store)
    await steward(store).decide(
        candidate_id, CandidateStatus.NOT_A_MATCH, best, [], "different people", "jane"
    )
    [decided] = (await store.audit_events(0, 100))[-1:]
    assert (decided.action, decided.reason) == (Action.CANDIDATE_DECIDED, "different people")
    assert decided.after["status"] == str(CandidateStatus.NOT_A_MATCH)
    await _intact(store)


async def test_overrides_and_clears_are_audited(store: Store) -> None:
    golden = (
        await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME))
    ).golden_id
    service = OverrideService(store, shipped_rules())
    await service.override_attribute(golden, "name", "ACME AG", 1, "registry", "jane", audit=JANE)
    await service.clear_override(golden, "name", 2, "registry changed", "jane")
    pin, clear = await store.audit_events(1, 100)
    assert (pin.action, pin.subject_ids, pin.reason) == (Action.OVERRIDE, (golden,), "registry")
    assert pin.before == {"attribute": "name", "pinned": None}
    assert pin.after == {"attribute": "name", "pinned": "ACME AG", "revision": 1}
    assert (pin.actor, pin.role, pin.correlation_id) == ("jane", "steward", "corr-1")
    assert clear.action == Action.CLEAR_OVERRIDE
    assert clear.before == {"attribute": "name", "pinned": "ACME AG"}
    assert clear.after["pinned"] is None
    assert clear.actor == "jane"
    await _intact(store)


async def test_a_recompute_writes_one_event_per_recomputed_golden(store: Store) -> None:
    ingest = ingest_service(store)
    for n in range(3):
        await ingest.upsert(RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"Crm {n}"}))
    await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {"name": "Crm 1", "email": "a@b.co"}))
    before = len(await _actions(store))
    report = await RecomputeService(store, ERP_OWNS_NAME).recompute(EntityType.CUSTOMER)
    recomputes = await store.audit_events(before, 100)
    assert len(recomputes) == report.recomputed - report.outcomes.get("current", 0) > 0
    assert {e.action for e in recomputes} == {Action.RECOMPUTE}
    assert recomputes[0].after["ruleSetHash"] == report.rule_set_hash
    # A second run finds everything current: nothing changes, nothing is written.
    await RecomputeService(store, ERP_OWNS_NAME).recompute(EntityType.CUSTOMER)
    assert len(await _actions(store)) == before + len(recomputes)
    await _intact(store)


async def test_events_page_in_seq_order(store: Store) -> None:
    await _five_events(store)
    status = await AuditService(store, page_size=2).chain_status()
    assert (status.intact, status.events, status.head_seq) == (True, 5, 5)
    assert [e.seq for e in await store.audit_events(2, 2)] == [3, 4]
    head = await store.audit_head()
    assert head == (5, (await store.audit_events(4, 1))[0].hash)


async def test_an_edited_event_is_detected(store: Store) -> None:
    await _five_events(store)
    await edit_reason(store, 3, "nothing to see")
    status = await AuditService(store).chain_status()
    assert (status.intact, status.first_broken_seq, status.gaps) == (False, 3, [])


async def test_an_edited_and_rehashed_event_breaks_the_next_link(store: Store) -> None:
    await _five_events(store)
    await edit_reason(store, 2, "nothing to see", rehash=True)
    status = await AuditService(store).chain_status()
    assert (status.intact, status.first_broken_seq) == (False, 3)


async def test_a_deleted_event_is_a_gap(store: Store) -> None:
    await _five_events(store)
    await delete_event(store, 2)
    status = await AuditService(store).chain_status()
    assert status.intact is False
    assert [(g.from_seq, g.to_seq) for g in status.gaps] == [(2, 2)]


async def test_a_deleted_last_event_is_a_gap_against_the_head(store: Store) -> None:
    await _five_events(store)
    await delete_event(store, 5)
    status = await AuditService(store).chain_status()
    assert status.intact is False
    assert [(g.from_seq, g.to_seq) for g in status.gaps] == [(5, 5)]


async def test_swapped_events_are_detected(store: Store) -> None:
    await _five_events(store)
    await swap_events(store, 2, 4)
    status = await AuditService(store).chain_status()
    assert (status.intact, status.first_broken_seq, status.gaps) == (False, 2, [])


async def test_the_chain_keeps_growing_after_reopening_the_head(store: Store) -> None:
    await _five_events(store)
    await merge(store, *[e.subject_ids[0] for e in (await store.audit_events(0, 2))])
    counts = Counter(await _actions(store))
    assert counts == {Action.INGEST_CREATED: 5, Action.MERGE: 1}
    await _intact(store)
