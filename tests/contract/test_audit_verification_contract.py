"""What audit verification covers beyond the hashes, on every store: the lineage index
against the events, the head row (missing or set back: reported, writes refused, rebuilt by
repair_head from a verified chain only) and events edited into something unreadable."""

from __future__ import annotations

import pytest

from mdm_hub.domain.audit import IndexEntry, source_subject
from mdm_hub.errors import AuditHeadMissing
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService, RepairOutcome
from mdm_hub.services.ingest import RawRecord
from tests.contract.test_audit_contract import _five_events, _intact
from tests.contract.test_merges_contract import key
from tests.support.audit_tamper import (
    add_index_entry,
    delete_event,
    delete_head,
    delete_index_entries,
    edit_reason,
    overwrite_after,
    set_head,
)
from tests.support.services import ingest_service


async def _hash_of(store: Store, seq: int) -> str:
    [event] = await store.audit_events(seq - 1, 1)
    return event.hash


async def _upsert_c9(store: Store) -> None:
    await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "c9", {"name": "C 9"}))


async def test_missing_lineage_index_entries_are_reported_by_seq_and_subject(
    store: Store,
) -> None:
    await _five_events(store)
    [third] = await store.audit_events(2, 1)
    golden_id = third.subject_ids[0]
    await delete_index_entries(store, 3)
    # What the index is for: lineage now misses the event.
    assert await AuditService(store).lineage(golden_id) == []
    status = await AuditService(store).chain_status()
    assert status.intact is False
    assert (status.first_broken_seq, status.gaps, status.index_extra) == (None, [], [])
    assert status.index_missing == sorted(
        [IndexEntry(3, golden_id), IndexEntry(3, source_subject(key("CRM", "c2")))],
        key=lambda e: e.subject,
    )


async def test_an_index_entry_no_event_names_is_reported(store: Store) -> None:
    await _five_events(store)
    await add_index_entry(store, 2, "cus_someone_else")
    status = await AuditService(store).chain_status()
    assert status.intact is False
    assert (status.index_missing, status.index_extra) == ([], [IndexEntry(2, "cus_someone_else")])


async def test_a_missing_head_is_reported_refuses_writes_and_is_rebuilt(store: Store) -> None:
    await _five_events(store)
    head = await store.audit_head()
    await delete_head(store)
    audit = AuditService(store)
    status = await audit.chain_status()
    assert (status.intact, status.head_missing, status.first_broken_seq) == (False, True, None)

    with pytest.raises(AuditHeadMissing, match="head is missing but events run to seq 5"):
        await _upsert_c9(store)
    assert len(await store.audit_events(0, 100)) == 5
    assert await store.resolve_many([key("CRM", "c9")]) == [None]

    repair = await audit.repair_head()
    assert (repair.outcome, repair.head) == (RepairOutcome.REPAIRED, head)
    assert await store.audit_head() == head
    assert (await audit.repair_head()).outcome is RepairOutcome.NOT_NEEDED
    await _upsert_c9(store)
    await _intact(store)


async def test_a_head_set_back_is_reported_refuses_writes_and_is_rebuilt(store: Store) -> None:
    await _five_events(store)
    head = await store.audit_head()
    await set_head(store, 3, await _hash_of(store, 3))
    audit = AuditService(store)
    status = await audit.chain_status()
    assert (status.intact, status.first_broken_seq) == (False, 4)
    with pytest.raises(AuditHeadMissing, match="head names seq 3 but events run to seq 5"):
        await _upsert_c9(store)
    assert (await audit.repair_head()).outcome is RepairOutcome.REPAIRED
    assert await store.audit_head() == head
    await _upsert_c9(store)
    await _intact(store)


async def test_repair_refuses_a_broken_chain(store: Store) -> None:
    await _five_events(store)
    await delete_head(store)
    await edit_reason(store, 2, "forged")
    repair = await AuditService(store).repair_head()
    assert repair.outcome is RepairOutcome.REFUSED
    assert "first broken seq 2" in repair.why
    assert await store.audit_head() is None


async def test_repair_never_overwrites_a_head_past_the_last_event(store: Store) -> None:
    # The head is what shows events cut from the end; a repair must not launder that.
    await _five_events(store)
    head = await store.audit_head()
    await delete_event(store, 5)
    repair = await AuditService(store).repair_head()
    assert repair.outcome is RepairOutcome.REFUSED
    assert "events were cut or forged at the end" in repair.why
    assert await store.audit_head() == head


async def test_an_event_that_is_not_json_is_reported_broken_at_its_seq(store: Store) -> None:
    await _five_events(store)
    [fourth] = await store.audit_events(3, 1)
    await overwrite_after(store, 4, "{not json")
    audit = AuditService(store)
    status = await audit.chain_status()
    assert (status.intact, status.first_broken_seq, status.gaps) == (False, 4, [])
    assert status.first_broken_reason is not None
    assert "after is not JSON" in status.first_broken_reason
    # Lineage still answers, listing the event it cannot read.
    [listed] = await audit.lineage(fourth.subject_ids[0])
    assert (listed.seq, listed.unreadable is not None) == (4, True)
