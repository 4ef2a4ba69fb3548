"""The outbox, on every store: each kind of change to master data appends exactly the change
events described (domain/changes.py), in the transaction that makes it; a change that rolls
back appends none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import RelationshipCycle, VersionConflict
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.contract.test_graph_evidence_contract import CUSTOMERS, PROJECTS
from tests.contract.test_matching_contract import HALF_A, HALF_B
from tests.contract.test_relationship_ingest_contract import ref, ticking_clock
from tests.support.builders import ANN

ACME = {"name": "Acme Inc", "tax_id": "DE111", "city": "Berlin"}
GLOBEX = {"name": "Globex", "tax_id": "FR333", "city": "Paris"}
WHY = "same company per registry"
WHO = AuditContext(actor="jane", role="steward", correlation_id="corr-1")


def key(system: str, source_id: str, entity_type: str = "CUSTOMER") -> SourceKey:
    return SourceKey(system, EntityType(entity_type), source_id)


class Hub:
    def __init__(self, store: Store) -> None:
        self.store = store
        clock = ticking_clock()
        self.ingest = IngestService(store, shipped_matcher(), rules=shipped_rules(), clock=clock)
        self.stewards = MergeService(store, shipped_rules(), clock=clock)
        self.overrides = OverrideService(store, shipped_rules(), clock=clock)
        self.seen = 0

    async def post(self, system: str, entity_type: str, source_id: str, **attrs: Any) -> str:
        raw = RawRecord(system, entity_type, source_id, attrs)
        return (await self.ingest.upsert(raw, audit=WHO)).golden_id

    async def version(self, golden_id: str) -> int:
        view = await self.store.get_golden(golden_id)
        assert view is not None
        return view.golden.version

    async def expected(self, *golden_ids: str) -> list[ExpectedVersion]:
        return [ExpectedVersion(g, await self.version(g)) for g in golden_ids]

    async def new_events(self) -> list[ChangeEvent]:
        """The events appended since the last call, checked to follow on in position."""
        events = await self.store.changes(self.seen, 1000)
        positions = [event.position for event in events]
        assert positions == sorted(set(positions))
        assert all(position > self.seen for position in positions)
        if events:
            self.seen = events[-1].position
        return events


def kinds(events: list[ChangeEvent]) -> list[tuple[str, str]]:
    return [(event.kind, event.golden_id) for event in events]


@pytest.fixture
def hub(store: Store) -> Hub:
    return Hub(store)


async def test_a_new_record_creates_a_golden_record_and_links_its_member(hub: Hub) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    created, linked = await hub.new_events()
    assert kinds([created, linked]) == [
        ("golden.created", golden_id),
        ("member.linked", golden_id),
    ]
    for event in (created, linked):
        assert event.entity_type == "CUSTOMER"
        assert event.golden_version == await hub.version(golden_id) == 1
        assert event.source == key("ERP", "C1")
        assert (event.actor, event.correlation_id) == ("jane", "corr-1")
    assert linked.change["sourceVersion"] == 1


async def test_a_matching_record_links_and_the_changed_values_name_old_and_new(
    hub: Hub,
) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    await hub.new_events()
    assert await hub.post("CRM", "CUSTOMER", "K9", **ACME, email="ap@acme.de") == golden_id
    events = await hub.new_events()
    assert kinds(events) == [
        ("member.linked", golden_id),
        ("golden.attributes_changed", golden_id),
    ]
    # The values changed because that record arrived: both events name it.
    assert [e.source for e in events] == [key("CRM", "K9")] * 2
    assert events[1].change == {
        "attributes": [{"attribute": "email", "old": None, "new": "ap@acme.de"}]
    }
    assert {e.golden_version for e in events} == {await hub.version(golden_id)}


async def test_an_update_that_changes_a_value_reports_it(hub: Hub) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    await hub.new_events()
    await hub.post("ERP", "CUSTOMER", "C1", **{**ACME, "city": "Munich"})
    [changed] = await hub.new_events()
    assert changed.kind == "golden.attributes_changed"
    assert changed.change["attributes"] == [{"attribute": "city", "old": "Berlin", "new": "Munich"}]
    assert changed.golden_version == await hub.version(golden_id) == 2
    assert (changed.source, changed.actor) == (key("ERP", "C1"), "jane")
    # The same content again changes nothing, and says nothing.
    await hub.post("ERP", "CUSTOMER", "C1", **{**ACME, "city": "Munich"})
    assert await hub.new_events() == []


async def test_retiring_a_member_reports_it(hub: Hub) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    await hub.new_events()
    await hub.ingest.retire(key("ERP", "C1"), "archived", None, audit=WHO)
    [retired] = await hub.new_events()
    assert (retired.kind, retired.golden_id, retired.source) == (
        "member.retired",
        golden_id,
        key("ERP", "C1"),
    )
    assert retired.change["goldenStatus"] == "RETIRED"
    assert retired.golden_version == await hub.version(golden_id)


async def test_retiring_a_member_that_gave_a_value_names_it_as_the_cause(hub: Hub) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    assert await hub.post("CRM", "CUSTOMER", "K9", **ACME, email="ap@acme.de") == golden_id
    await hub.new_events()
    await hub.ingest.retire(key("CRM", "K9"), "archived", None, audit=WHO)
    events = await hub.new_events()
    assert kinds(events) == [
        ("member.retired", golden_id),
        ("golden.attributes_changed", golden_id),
    ]
    assert events[1].change["attributes"] == [
        {"attribute": "email", "old": "ap@acme.de", "new": None}
    ]
    assert [e.source for e in events] == [key("CRM", "K9")] * 2


async def test_a_steward_merge_names_the_survivor_and_every_merged_id(hub: Hub) -> None:
    a = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    b = await hub.post("CRM", "CUSTOMER", "K1", **GLOBEX)
    await hub.new_events()
    survivor = await hub.stewards.merge([a, b], a, await hub.expected(a, b), WHY, "jane")
    events = await hub.new_events()
    assert kinds(events) == [("golden.merged", a), ("golden.attributes_changed", a)]
    assert events[0].change == {"survivorId": a, "mergedIds": [b], "by": "steward"}
    assert events[0].golden_version == survivor.golden.version
    assert events[0].actor == "jane"
    assert [e.source for e in events] == [None, None]  # a steward's act, no record's arrival


async def test_a_bridging_merge_is_reported(hub: Hub) -> None:
    a = await hub.post("HRIS", "EMPLOYEE", "h1", **HALF_A)
    b = await hub.post("PAYROLL", "EMPLOYEE", "p1", **HALF_B)
    await hub.new_events()
    assert await hub.post("PSA", "EMPLOYEE", "s1", **ANN) == a
    events = await hub.new_events()
    assert kinds(events)[:2] == [("golden.merged", a), ("member.linked", a)]
    assert events[0].change == {"survivorId": a, "mergedIds": [b], "by": "bridging"}
    assert events[0].source == key("PSA", "s1", "EMPLOYEE")


async def test_a_rematch_merge_is_reported(hub: Hub) -> None:
    for record in [*PROJECTS, *CUSTOMERS]:
        await hub.ingest.upsert(record)
    events = await hub.new_events()
    merged = [e for e in events if e.kind == "golden.merged"]
    assert [e.change["by"] for e in merged] == ["rematch"]
    assert merged[0].entity_type == "PROJECT"
    # The values the merge gave the survivor have the merge's cause: the record ingested.
    values = [
        e
        for e in events
        if (e.kind, e.golden_id, e.golden_version)
        == ("golden.attributes_changed", merged[0].golden_id, merged[0].golden_version)
    ]
    assert [e.source for e in values] == [merged[0].source]
    assert merged[0].source is not None
    [loser] = merged[0].change["mergedIds"]
    assert (await hub.store.get_golden(loser)).golden.id == merged[0].golden_id  # type: ignore[union-attr]


async def test_an_unmerge_reports_the_split_the_new_golden_and_each_moved_member(
    hub: Hub,
) -> None:
    a = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    assert await hub.post("CRM", "CUSTOMER", "K9", **ACME) == a
    await hub.new_events()
    split = await hub.stewards.unmerge(
        a, [key("CRM", "K9")], None, await hub.expected(a), "different branch", "jane"
    )
    target = split.target.golden.id
    events = await hub.new_events()
    assert sorted(kinds(events)) == sorted(
        [
            ("golden.created", target),
            ("golden.attributes_changed", target),
            ("golden.unmerged", a),
            ("member.moved", target),
        ]
    )
    unmerged = next(e for e in events if e.kind == "golden.unmerged")
    assert unmerged.change == {
        "targetId": target,
        "sources": ["source:CRM/CUSTOMER/K9"],
        "by": "steward",
    }
    moved = next(e for e in events if e.kind == "member.moved")
    assert moved.source == key("CRM", "K9")
    assert moved.change == {"fromGoldenId": a, "toGoldenId": target}
    assert moved.golden_version == split.target.golden.version


async def test_relationships_added_and_removed_are_reported(hub: Hub) -> None:
    bob = await hub.post("HRIS", "EMPLOYEE", "bob", given_name="Bob", family_name="Stone")
    ann = await hub.post("HRIS", "EMPLOYEE", "ann", **ANN, manager=ref("HRIS", "bob"))
    added = [e for e in await hub.new_events() if e.kind.startswith("relationship.")]
    assert [(e.kind, e.change) for e in added] == [
        (
            "relationship.added",
            {"type": "REPORTS_TO", "fromId": ann, "toId": bob, "attribute": "manager"},
        )
    ]
    await hub.post("HRIS", "EMPLOYEE", "ann", **ANN)
    removed = [e for e in await hub.new_events() if e.kind.startswith("relationship.")]
    assert [(e.kind, e.golden_id, e.change["toId"]) for e in removed] == [
        ("relationship.removed", ann, bob)
    ]


async def test_a_parked_reference_that_links_reports_its_relationship(hub: Hub) -> None:
    ann = await hub.post("HRIS", "EMPLOYEE", "ann", **ANN, manager=ref("HRIS", "bob"))
    assert not [e for e in await hub.new_events() if e.kind.startswith("relationship.")]
    bob = await hub.post("HRIS", "EMPLOYEE", "bob", given_name="Bob", family_name="Stone")
    [added] = [e for e in await hub.new_events() if e.kind.startswith("relationship.")]
    assert (added.golden_id, added.change["toId"], added.source) == (
        ann,
        bob,
        key("HRIS", "ann", "EMPLOYEE"),
    )


async def test_overrides_set_and_cleared_are_reported(hub: Hub) -> None:
    golden_id = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    await hub.new_events()
    version = await hub.version(golden_id)
    await hub.overrides.override_attribute(
        golden_id, "name", "ACME AG", version, "registry", "jane"
    )
    events = await hub.new_events()
    assert kinds(events) == [
        ("override.set", golden_id),
        ("golden.attributes_changed", golden_id),
    ]
    assert events[0].change == {"attribute": "name", "value": "ACME AG"}
    assert events[1].change["attributes"] == [
        {"attribute": "name", "old": "Acme Inc", "new": "ACME AG"}
    ]
    assert events[1].source is None
    version = await hub.version(golden_id)
    await hub.overrides.clear_override(golden_id, "name", version, "registry was wrong", "jane")
    events = await hub.new_events()
    assert kinds(events) == [
        ("override.cleared", golden_id),
        ("golden.attributes_changed", golden_id),
    ]
    assert events[0].change == {"attribute": "name", "previous": "ACME AG"}
    assert events[1].golden_version == await hub.version(golden_id)


async def test_a_change_that_rolls_back_appends_nothing(hub: Hub) -> None:
    a = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    b = await hub.post("CRM", "CUSTOMER", "K1", **GLOBEX)
    await hub.post("HRIS", "EMPLOYEE", "ann", **ANN, manager=ref("HRIS", "bob"))
    await hub.post("HRIS", "EMPLOYEE", "bob", given_name="Bob", family_name="Stone")
    await hub.new_events()
    stale = [ExpectedVersion(a, 0), ExpectedVersion(b, 1)]
    with pytest.raises(VersionConflict):
        await hub.stewards.merge([a, b], a, stale, WHY, "jane")
    with pytest.raises(RelationshipCycle):  # bob managed by ann, who reports to bob
        await hub.post(
            "HRIS",
            "EMPLOYEE",
            "bob",
            given_name="Bob",
            family_name="Stone",
            manager=ref("HRIS", "ann"),
        )

    async def fails(tx: StoreTransaction) -> None:
        await hub.overrides._golden.recompute(tx, a, datetime.now(UTC), only_if_changed=False)
        raise RuntimeError("after the change, before commit")

    with pytest.raises(RuntimeError):
        await hub.store.write(fails)
    assert await hub.new_events() == []


async def test_feed_filters_by_entity_type_and_member_system(hub: Hub) -> None:
    erp = await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    crm = await hub.post("CRM", "CUSTOMER", "K1", **GLOBEX)
    ann = await hub.post("HRIS", "EMPLOYEE", "ann", **ANN)
    employees = await hub.store.changes(0, 100, entity_types=[EntityType.EMPLOYEE])
    assert {e.golden_id for e in employees} == {ann}
    from_erp = await hub.store.changes(0, 100, systems=["ERP"])
    assert {e.golden_id for e in from_erp} == {erp}
    both = await hub.store.changes(0, 100, entity_types=[EntityType.CUSTOMER], systems=["CRM"])
    assert {e.golden_id for e in both} == {crm}
    first_two = await hub.store.changes(0, 2)
    rest = await hub.store.changes(first_two[-1].position, 100)
    assert [*first_two, *rest] == await hub.store.changes(0, 100)


async def test_prune_drops_only_events_older_than_the_cut(hub: Hub) -> None:
    await hub.post("ERP", "CUSTOMER", "C1", **ACME)  # ticking clock: minutes 1-...
    events = await hub.store.changes(0, 100)
    newest = max(e.at for e in events)
    assert await hub.store.prune_changes(newest) == len([e for e in events if e.at < newest])
    assert [e.at for e in await hub.store.changes(0, 100)] == [
        e.at for e in events if e.at >= newest
    ]
    assert await hub.store.prune_changes(newest + timedelta(days=1)) > 0
    assert await hub.store.changes(0, 100) == []
    # Positions are never reused once pruned.
    await hub.post("ERP", "CUSTOMER", "C2", **GLOBEX)
    assert min(e.position for e in await hub.store.changes(0, 100)) > events[-1].position


async def test_the_last_position_is_where_a_live_consumer_starts_even_after_pruning(
    hub: Hub,
) -> None:
    assert await hub.store.last_change_position() == 0
    await hub.post("ERP", "CUSTOMER", "C1", **ACME)
    events = await hub.store.changes(0, 100)
    assert await hub.store.last_change_position() == events[-1].position
    await hub.store.prune_changes(max(e.at for e in events) + timedelta(days=1))
    assert await hub.store.last_change_position() == events[-1].position
    await hub.post("ERP", "CUSTOMER", "C2", **GLOBEX)
    [*_, newest] = await hub.store.changes(events[-1].position, 100)
    assert await hub.store.last_change_position() == newest.position
