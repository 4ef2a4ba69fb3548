"""goldenRecord asOf: a golden record as it stood at a past time, replayed from the audit
log, on every store."""

from __future__ import annotations

from datetime import timedelta

from mdm_hub.domain.records import GoldenView, utc_now
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from mdm_hub.services.history import HistoryService
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.overrides import OverrideService
from mdm_hub.wiring import shipped_rules
from tests.contract.test_merges_contract import ACME, ACME_UK, WHY, key, versions
from tests.support.services import ingest_service


def _members(view: GoldenView | None) -> list[tuple[str, int]]:
    assert view is not None
    return [(m.key.source_id, m.version) for m in view.members]


async def test_a_golden_record_as_it_stood_through_updates_merges_unmerges_and_pins(
    store: Store,
) -> None:
    history = HistoryService(store, shipped_rules(), AuditService(store))
    ingest = ingest_service(store)
    before_anything = utc_now() - timedelta(seconds=1)
    a = (await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", ACME))).golden_id
    b = (await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", ACME_UK))).golden_id
    t1 = utc_now()
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", {**ACME, "city": "Bonn"}))
    t2 = utc_now()
    # Real clocks throughout: asOf compares the times events were written.
    stewardship = MergeService(store, shipped_rules())
    await stewardship.merge([a, b], None, await versions(store, a, b), WHY, "j")
    t3 = utc_now()
    await stewardship.unmerge(a, [key("ERP", "e1")], b, await versions(store, a), "no", "j")
    await OverrideService(store, shipped_rules()).override_attribute(
        a, "name", "ACME AG", (await versions(store, a))[0].version, "registry", "jane"
    )
    t4 = utc_now()

    assert await history.golden_as_of(a, before_anything) is None
    at_t1 = await history.golden_as_of(a, t1)
    assert _members(at_t1) == [("c1", 1)]
    assert at_t1 is not None
    assert at_t1.golden.values()["city"] == "Berlin"
    at_t2 = await history.golden_as_of(a, t2)
    assert _members(at_t2) == [("c1", 2)]
    assert at_t2 is not None
    assert at_t2.golden.values()["city"] == "Bonn"
    assert _members(await history.golden_as_of(b, t2)) == [("e1", 1)]
    # Merged: both members, and b answers with its survivor then.
    assert sorted(_members(await history.golden_as_of(a, t3))) == [("c1", 2), ("e1", 1)]
    merged_b = await history.golden_as_of(b, t3)
    assert merged_b is not None
    assert (merged_b.golden.id, merged_b.merged_from) == (a, b)
    # Unmerged back, and pinned.
    at_t4 = await history.golden_as_of(a, t4)
    assert _members(at_t4) == [("c1", 2)]
    assert at_t4 is not None
    assert at_t4.golden.values()["name"] == "ACME AG"
    now = await store.get_golden(a)
    assert now is not None
    assert at_t4.golden.attributes == now.golden.attributes
    assert _members(await history.golden_as_of(b, t4)) == [("e1", 1)]
