"""The unmapped-codes queue on every store: counted in the write transaction, listed by page,
and emptied by `mdm-hub recompute` once a new mapping version covers a code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import QueuedCode, UnmappedCode
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.recompute import RecomputeService
from mdm_hub.services.survivorship import Refresh
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import at
from tests.support.reference import shipped_with_mapping

SABBATICAL = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")
FURLOUGH = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Furlough")
DORMANT = UnmappedCode("salesforce", EntityType.CUSTOMER, "status", "record_status", "Dormant")


async def _count(store: Store, codes: Sequence[UnmappedCode], moment: datetime) -> None:
    async def work(tx: StoreTransaction) -> None:
        await tx.count_unmapped_codes(codes, moment)

    await store.write(work)


async def _all(store: Store, **filters: str) -> list[QueuedCode]:
    page = await store.unmapped_codes(100, None, **filters)
    assert not page.has_next
    return [queued for _, queued in page.items]


async def test_a_code_is_counted_each_time_with_first_and_last_seen(store: Store) -> None:
    await _count(store, [SABBATICAL, SABBATICAL, DORMANT], at(1))
    await _count(store, [SABBATICAL], at(5))
    await _count(store, [SABBATICAL], at(3))  # an earlier moment does not move last_seen back

    assert await _all(store) == [
        QueuedCode(SABBATICAL, 4, at(1), at(5)),
        QueuedCode(DORMANT, 1, at(1), at(1)),
    ]


async def test_codes_counted_in_a_transaction_that_fails_are_not_kept(store: Store) -> None:
    async def work(tx: StoreTransaction) -> None:
        await tx.count_unmapped_codes([SABBATICAL], at(1))
        raise RuntimeError("the record's upsert failed after counting")

    with pytest.raises(RuntimeError):
        await store.write(work)
    assert await _all(store) == []


async def test_the_queue_pages_first_seen_first_and_filters(store: Store) -> None:
    codes = [
        UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", f"v{n}")
        for n in range(5)
    ]
    await _count(store, [codes[3], codes[1]], at(1))  # two first seen at once: the key orders
    await _count(store, [codes[0]], at(2))
    await _count(store, [codes[4], codes[2], DORMANT], at(3))

    seen: list[UnmappedCode] = []
    after = None
    while True:
        page = await store.unmapped_codes(2, after, code_set="employment_status")
        seen += [queued.code for _, queued in page.items]
        if not page.has_next:
            break
        after = page.items[-1][0]

    assert seen == [codes[1], codes[3], codes[0], codes[2], codes[4]]
    assert [q.code for q in await _all(store, system="salesforce")] == [DORMANT]
    assert await _all(store, code_set="record_status", system="adp") == []


async def test_dropping_takes_codes_off_the_queue(store: Store) -> None:
    await _count(store, [SABBATICAL, FURLOUGH, DORMANT], at(1))

    async def drop(tx: StoreTransaction) -> int:
        return await tx.drop_unmapped_codes([SABBATICAL, DORMANT, SABBATICAL])

    assert await store.write(drop) == 2
    assert [q.code for q in await _all(store)] == [FURLOUGH]
    assert await store.write(drop) == 0


async def _hire(store: Store) -> str:
    """An ADP employee whose status no mapping knows: kept as sent, and queued by ingest; two
    more codes queued by hand."""
    ingest = IngestService(
        store,
        shipped_matcher(),
        rules=shipped_rules(),
        clock=lambda: at(1),
        codes=shipped_code_sets(),
    )
    raw = RawRecord("adp", "EMPLOYEE", "e-1", {"employee_number": "E1", "status": "Sabbatical"})
    golden_id = (await ingest.upsert(raw)).golden_id
    await _count(store, [FURLOUGH, DORMANT], at(1))
    return golden_id


async def _status(store: Store, golden_id: str) -> object:
    view = await store.get_golden(golden_id)
    assert view is not None
    return view.golden.values()["status"]


async def test_recompute_applies_a_new_mapping_version_and_drops_what_it_maps(
    store: Store,
) -> None:
    golden_id = await _hire(store)
    assert await _status(store, golden_id) == "Sabbatical"
    current = RecomputeService(store, shipped_rules(), codes=shipped_code_sets())
    assert await current.count_stale(EntityType.EMPLOYEE) == 0

    # The steward's change: ADP's Sabbatical means leave (employment_status version 2).
    mapped = shipped_with_mapping("employment_status", "adp", {"Sabbatical": "LEAVE"})
    service = RecomputeService(store, shipped_rules(), codes=mapped)
    assert await service.count_stale(EntityType.EMPLOYEE) == 1
    assert await service.count_mapped_codes(EntityType.EMPLOYEE) == 1

    report = await service.recompute(EntityType.EMPLOYEE)

    assert (report.changed, report.dropped_codes) == (1, 1)
    assert await _status(store, golden_id) == "LEAVE"
    assert [q.code for q in await _all(store)] == [FURLOUGH, DORMANT]  # still unmapped
    assert await service.count_stale(EntityType.EMPLOYEE) == 0
    view = await store.get_golden(golden_id)
    assert view is not None
    assert view.golden.rule_set_hash == service.rule_set_hash(EntityType.EMPLOYEE)
    # The source version keeps the value as it was sent.
    [member] = view.members
    assert member.attributes["status"] == "Sabbatical"

    again = await service.recompute(EntityType.EMPLOYEE)
    assert again.outcomes == {Refresh.CURRENT: 1}
    assert again.dropped_codes == 0


async def test_recompute_of_one_entity_type_leaves_other_types_codes_queued(
    store: Store,
) -> None:
    await _hire(store)
    mapped = shipped_with_mapping("record_status", "salesforce", {"Dormant": "INACTIVE"})
    report = await RecomputeService(store, shipped_rules(), codes=mapped).recompute(
        EntityType.EMPLOYEE
    )
    assert report.dropped_codes == 0
    assert [q.code for q in await _all(store)] == [FURLOUGH, SABBATICAL, DORMANT]
