"""Retiring source records (their system deleted or archived them) and reviving them, through
the real services, on every store: live members and survivorship, RETIRED golden records that
still resolve, matching, revival, idempotence, the audit log, asOf and lineage, and steward
merges and unmerges with retired members present."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mdm_hub.domain.audit import Action, source_subject
from mdm_hub.domain.records import GoldenView, UpsertOutcome
from mdm_hub.domain.retirement import GoldenStatus, RetireOutcome
from mdm_hub.errors import InvalidInput, SourceNotFound
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from mdm_hub.services.history import HistoryService
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.retirement import RetireRequest, RetireResult
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.contract.test_merges_contract import GLOBEX, WHY, key, merge, steward, versions
from tests.contract.test_relationship_ingest_contract import ticking_clock

CRM_1, ERP_1 = key("CRM", "c1"), key("ERP", "e1")
CRM_ACME = {"name": "Acme Inc", "tax_id": "DE111", "city": "Berlin"}
ERP_ACME = {"name": "ACME GmbH", "tax_id": "DE111", "city": "Bonn", "email": "ap@acme.de"}
DELETED = "deleted in ERP"
OBSERVED = datetime(2025, 12, 24, 17, 0, tzinfo=UTC)


@pytest.fixture
def ingest(store: Store) -> IngestService:
    return IngestService(store, shipped_matcher(), rules=shipped_rules(), clock=ticking_clock())


async def _acme(ingest: IngestService) -> str:
    """One golden record with two members, CRM/c1 and ERP/e1 (same tax ID)."""
    crm = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", CRM_ACME))
    erp = await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ERP_ACME))
    assert erp.golden_id == crm.golden_id
    return crm.golden_id


async def _view(store: Store, golden_id: str) -> GoldenView:
    found = await store.get_golden(golden_id)
    assert found is not None
    return found


async def test_a_retired_member_leaves_the_live_members_and_its_golden_still_resolves(
    store: Store, ingest: IngestService
) -> None:
    golden_id = await _acme(ingest)
    before = await _view(store, golden_id)
    assert before.golden.values()["email"] == "ap@acme.de"

    result = await ingest.retire(ERP_1, DELETED, OBSERVED)

    assert (result.golden_id, result.outcome) == (golden_id, RetireOutcome.RETIRED)
    assert result.golden_status is GoldenStatus.ACTIVE
    assert (result.retirement.observed_at, result.retirement.reason) == (OBSERVED, DELETED)
    after = await _view(store, golden_id)
    # Recomputed without it: ERP's values are gone, its version moved.
    assert after.golden.values() == CRM_ACME
    assert after.golden.version == before.golden.version + 1
    assert after.golden.status is GoldenStatus.ACTIVE
    assert [m.key for m in after.members] == [CRM_1]
    [retired] = after.retired
    assert (retired.source.key, retired.retirement) == (ERP_1, result.retirement)
    # The retired ID still resolves, to the same golden record; it is no live cross-reference.
    for asked in (ERP_1, CRM_1):
        [answer] = await store.resolve_many([asked])
        assert answer is not None
        assert (answer.golden_id, answer.status) == (golden_id, GoldenStatus.ACTIVE)
        assert (answer.crosswalk, answer.retired) == ((CRM_1,), (ERP_1,))


async def test_the_last_member_retired_leaves_a_retired_golden_that_resolves_with_its_values(
    store: Store, ingest: IngestService
) -> None:
    golden_id = await _acme(ingest)
    await ingest.retire(ERP_1, DELETED, None)
    last = await ingest.retire(CRM_1, None, None)

    assert last.golden_status is GoldenStatus.RETIRED
    assert last.retirement.reason is None
    assert last.retirement.observed_at == last.retirement.recorded_at  # none sent: when told
    retired = await _view(store, golden_id)
    assert retired.golden.status is GoldenStatus.RETIRED
    assert retired.members == ()
    assert sorted(m.source.key for m in retired.retired) == [CRM_1, ERP_1]
    # It keeps what its members last said, so a stored ID still shows what it stood for.
    assert retired.golden.values() == {**ERP_ACME, "name": "Acme Inc", "city": "Berlin"}
    answers = await store.resolve_many([CRM_1, ERP_1])
    for answer in answers:
        assert answer is not None
        assert (answer.golden_id, answer.status, answer.crosswalk) == (
            golden_id,
            GoldenStatus.RETIRED,
            (),
        )
        assert sorted(answer.retired) == [CRM_1, ERP_1]
    [(_, listed)] = (await store.list_goldens(CRM_1.entity_type, 10, None)).items
    assert listed.golden.status is GoldenStatus.RETIRED


async def test_a_retired_record_attracts_no_new_links(ingest: IngestService) -> None:
    crm = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", CRM_ACME))
    await ingest.retire(CRM_1, DELETED, None)
    erp = await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ERP_ACME))
    assert erp.outcome is UpsertOutcome.CREATED  # the same tax ID, but CRM/c1 is retired
    assert erp.golden_id != crm.golden_id
    # Revived, it is found again, and the retired ERP/e1 is not.
    await ingest.retire(ERP_1, DELETED, None)
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", CRM_ACME))
    psa = await ingest.upsert(RawRecord("PSA", "CUSTOMER", "p1", {"tax_id": "DE111"}))
    assert (psa.outcome, psa.golden_id) == (UpsertOutcome.LINKED, crm.golden_id)


async def test_sent_again_a_retired_record_is_revived_in_its_golden_record(
    store: Store, ingest: IngestService
) -> None:
    golden_id = await _acme(ingest)
    await ingest.retire(ERP_1, DELETED, None)
    await ingest.retire(CRM_1, DELETED, None)
    before = await _view(store, golden_id)

    same = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", CRM_ACME))
    assert (same.golden_id, same.outcome, same.source_version) == (
        golden_id,
        UpsertOutcome.REVIVED,
        1,
    )
    revived = await _view(store, golden_id)
    assert revived.golden.status is GoldenStatus.ACTIVE
    assert revived.golden.version == before.golden.version + 1
    assert [m.key for m in revived.members] == [CRM_1]
    assert revived.golden.values() == CRM_ACME  # recomputed from the live member alone

    changed = await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {**ERP_ACME, "city": "Köln"}))
    assert (changed.golden_id, changed.outcome, changed.source_version) == (
        golden_id,
        UpsertOutcome.REVIVED,
        2,
    )
    both = await _view(store, golden_id)
    assert both.retired == ()
    assert both.golden.values()["email"] == "ap@acme.de"
    # Sent once more, it is an ordinary known record again.
    again = await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {**ERP_ACME, "city": "Köln"}))
    assert again.outcome is UpsertOutcome.UNCHANGED


async def test_retiring_twice_is_idempotent_and_unknown_records_are_not_found(
    store: Store, ingest: IngestService
) -> None:
    golden_id = await _acme(ingest)
    first = await ingest.retire(ERP_1, DELETED, OBSERVED)
    events = await store.audit_events(0, 1000)
    version = (await _view(store, golden_id)).golden.version

    again = await ingest.retire(ERP_1, "another reason", None)

    assert again.outcome is RetireOutcome.ALREADY_RETIRED
    assert (again.golden_id, again.golden_status) == (golden_id, GoldenStatus.ACTIVE)
    assert again.retirement == first.retirement  # the retirement in force, unchanged
    assert await store.audit_events(0, 1000) == events
    assert (await _view(store, golden_id)).golden.version == version

    with pytest.raises(SourceNotFound) as raised:
        await ingest.retire(key("ERP", "nope"), DELETED, None)
    assert raised.value.code == "NOT_FOUND"
    assert raised.value.details() == {
        "source": {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "nope"}
    }
    [reject] = await store.list_rejects(10)
    assert (reject.payload["operation"], reject.payload["sourceId"]) == ("retire", "nope")


async def test_a_batch_retires_each_record_alone(store: Store, ingest: IngestService) -> None:
    golden_id = await _acme(ingest)
    results = await ingest.retire_many(
        [
            RetireRequest(ERP_1, DELETED),
            RetireRequest(key("ERP", "missing")),
            RetireRequest(CRM_1, "bad\nreason"),
            RetireRequest(CRM_1, "  archived  "),
        ]
    )
    retired, missing, bad, archived = results
    assert isinstance(retired, RetireResult)
    assert isinstance(missing, SourceNotFound)
    assert isinstance(bad, InvalidInput)
    assert [p.field for p in bad.problems] == ["reason"]
    assert isinstance(archived, RetireResult)
    assert archived.retirement.reason == "archived"
    assert archived.golden_status is GoldenStatus.RETIRED
    assert (await _view(store, golden_id)).golden.status is GoldenStatus.RETIRED
    assert len(await store.list_rejects(10)) == 2


async def test_retirement_and_revival_are_audited_and_the_chain_verifies(
    store: Store, ingest: IngestService
) -> None:
    golden_id = await _acme(ingest)
    await ingest.retire(ERP_1, DELETED, OBSERVED, correlation_id="corr-7")
    await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ERP_ACME))

    audit = AuditService(store)
    *_, retired, revived = await audit.source_events(ERP_1)
    assert retired.action == Action.SOURCE_RETIRED
    assert retired.subject_ids == (golden_id, source_subject(ERP_1))
    assert (retired.reason, retired.correlation_id) == (DELETED, "corr-7")
    assert retired.after["observedAt"] == OBSERVED.isoformat()
    assert (retired.before["goldenStatus"], retired.after["goldenStatus"]) == ("ACTIVE", "ACTIVE")
    assert revived.action == Action.SOURCE_REVIVED
    assert (revived.after["goldenId"], revived.after["sourceVersion"]) == (golden_id, 1)
    assert revived.before["retiredAt"] == retired.after["retiredAt"]
    status = await audit.chain_status()
    assert status.intact, status

    # Lineage: the stretch it was retired in says when; the revival starts a new one.
    stretches = await audit.source_lineage(ERP_1)
    assert [(s.golden_id, s.action, s.retired_at) for s in stretches] == [
        (golden_id, Action.INGEST_LINKED, retired.at),
        (golden_id, Action.SOURCE_REVIVED, None),
    ]


async def test_as_of_before_the_retirement_it_is_still_a_member(
    store: Store, ingest: IngestService
) -> None:
    history = HistoryService(store, shipped_rules(), AuditService(store))
    golden_id = await _acme(ingest)  # the ticking clock: every step a minute later
    first = (await ingest.retire(ERP_1, DELETED, OBSERVED)).retirement.recorded_at
    last = (await ingest.retire(CRM_1, None, None)).retirement.recorded_at

    before = await history.golden_as_of(golden_id, first - timedelta(seconds=1))
    assert before is not None
    assert [m.key for m in before.members] == [CRM_1, ERP_1]
    assert before.retired == ()
    assert before.golden.values()["email"] == "ap@acme.de"
    between = await history.golden_as_of(golden_id, first)
    assert between is not None
    assert [m.key for m in between.members] == [CRM_1]
    assert [(r.source.key, r.retirement.reason) for r in between.retired] == [(ERP_1, DELETED)]
    assert between.golden.values() == CRM_ACME
    gone = await history.golden_as_of(golden_id, last)
    assert gone is not None
    assert (gone.golden.status, gone.members) == (GoldenStatus.RETIRED, ())
    now = await _view(store, golden_id)
    assert gone.golden.attributes == now.golden.attributes


async def test_stewards_merge_and_unmerge_with_retired_members_present(
    store: Store, ingest: IngestService
) -> None:
    acme = await _acme(ingest)
    globex = (await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c9", GLOBEX))).golden_id
    await ingest.retire(ERP_1, DELETED, None)
    await ingest.retire(key("CRM", "c9"), DELETED, None)
    assert (await _view(store, globex)).golden.status is GoldenStatus.RETIRED

    # A RETIRED golden record merged into an ACTIVE one: its retired member comes along.
    merged = await merge(store, acme, globex, survivor=acme)
    assert merged.golden.status is GoldenStatus.ACTIVE
    assert [m.key for m in merged.members] == [CRM_1]
    assert sorted(r.source.key for r in merged.retired) == [key("CRM", "c9"), ERP_1]
    assert merged.golden.values() == CRM_ACME
    [answer] = await store.resolve_many([key("CRM", "c9")])
    assert answer is not None
    assert (answer.golden_id, answer.status) == (acme, GoldenStatus.ACTIVE)

    # Unmerge moves live members only; a retired one is refused by name.
    await ingest.upsert(RawRecord("PSA", "CUSTOMER", "p1", {"tax_id": "DE111", "name": "A"}))
    with pytest.raises(InvalidInput, match="retired by its system"):
        await steward(store).unmerge(acme, [ERP_1], None, await versions(store, acme), WHY, "j")
    split = await steward(store).unmerge(
        acme, [key("PSA", "p1")], None, await versions(store, acme), WHY, "jane"
    )
    assert [m.key for m in split.target.members] == [key("PSA", "p1")]
    assert [m.key for m in split.source.members] == [CRM_1]
    assert len(split.source.retired) == 2
