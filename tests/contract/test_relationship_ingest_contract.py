"""References become relationships as records are upserted, through the real ingest service,
on every store: resolution through the crosswalk, pending references, moves, and cycles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, UpsertOutcome, UpsertResult
from mdm_hub.domain.relationships import REFERENCE_RULES, Direction, RelationshipType
from mdm_hub.errors import RecordRejected, RelationshipCycle
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import at

OUT, IN = Direction.OUT, Direction.IN
REPORTS_TO = RelationshipType.REPORTS_TO


def ticking_clock() -> Callable[[], datetime]:
    """Each call a minute later, so every upsert has its own recorded time."""
    minutes = iter(range(1, 10_000))
    return lambda: at(next(minutes))


def ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "sourceId": source_id}


class Hub:
    """The ingest service over a store, with short ways to post each kind of record."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ingest = IngestService(
            store, shipped_matcher(), rules=shipped_rules(), clock=ticking_clock()
        )

    async def post(
        self, system: str, entity_type: str, source_id: str, /, **attrs: Any
    ) -> UpsertResult:
        return await self.ingest.upsert(RawRecord(system, entity_type, source_id, attrs))

    async def edges(
        self, golden_id: str, direction: Direction = OUT
    ) -> list[tuple[str, RelationshipType, str]]:
        found = await self.store.relationships([golden_id], None, direction)
        return [(e.from_id, e.type, e.to_id) for e in found]

    async def pending(self) -> list[tuple[str, str, str]]:
        page = await self.store.pending_references(100, None)
        return [
            (str(p.referrer), p.reference.attribute, str(p.reference.target)) for _, p in page.items
        ]


@pytest.fixture
def hub(store: Store) -> Hub:
    return Hub(store)


async def test_project_resolves_to_its_customers_golden_through_the_crosswalk(hub: Hub) -> None:
    crm = await hub.post("CRM", "CUSTOMER", "0011x", name="Acme", tax_id="DE 111")
    await hub.post("ERP", "CUSTOMER", "C-100", name="ACME", tax_id="de111")
    await hub.post("PSA", "CUSTOMER", "PC-7", name="Acme GmbH", tax_id="DE111")
    project = await hub.post("PSA", "PROJECT", "P-1", code="P-1", customer=ref("PSA", "PC-7"))
    assert await hub.edges(project.golden_id) == [
        (project.golden_id, RelationshipType.FOR_CUSTOMER, crm.golden_id)
    ]
    assert await hub.pending() == []


async def test_reference_waits_for_its_target_and_links_when_it_arrives(hub: Hub) -> None:
    employee = await hub.post("PAYROLL", "EMPLOYEE", "E-1", manager=ref("HRIS", "M-9"))
    assert await hub.pending() == [("PAYROLL/EMPLOYEE/E-1", "manager", "HRIS/EMPLOYEE/M-9")]
    assert await hub.edges(employee.golden_id) == []
    manager = await hub.post("HRIS", "EMPLOYEE", "M-9", given_name="Mia")
    assert await hub.pending() == []
    assert await hub.edges(employee.golden_id) == [
        (employee.golden_id, REPORTS_TO, manager.golden_id)
    ]


async def test_a_reference_of_another_type_does_not_link(hub: Hub) -> None:
    # A project named CRM/1 is not the customer CRM/1: the attribute fixes the target's type.
    await hub.post("PSA", "PROJECT", "P-1", customer=ref("CRM", "1"))
    await hub.post("CRM", "PROJECT", "1", code="X")
    assert await hub.pending() == [("PSA/PROJECT/P-1", "customer", "CRM/CUSTOMER/1")]


async def test_changed_reference_moves_the_edge_and_removed_one_drops_it(hub: Hub) -> None:
    a = await hub.post("CRM", "CUSTOMER", "a", name="A")
    b = await hub.post("CRM", "CUSTOMER", "b", name="B")
    project = await hub.post("PSA", "PROJECT", "P-1", customer=ref("CRM", "a"))
    await hub.post("PSA", "PROJECT", "P-1", customer=ref("CRM", "b"))
    assert await hub.edges(project.golden_id) == [
        (project.golden_id, RelationshipType.FOR_CUSTOMER, b.golden_id)
    ]
    assert await hub.edges(a.golden_id, IN) == []
    await hub.post("PSA", "PROJECT", "P-1", name="no customer now")
    assert await hub.edges(project.golden_id) == []


async def test_repointing_a_pending_reference_leaves_nothing_pending_for_the_old_target(
    hub: Hub,
) -> None:
    await hub.post("PSA", "PROJECT", "P-1", customer=ref("CRM", "gone"))
    await hub.post("CRM", "CUSTOMER", "here", name="Here")
    await hub.post("PSA", "PROJECT", "P-1", customer=ref("CRM", "here"))
    assert await hub.pending() == []


async def test_unchanged_reference_keeps_the_version_that_first_asserted_it(hub: Hub) -> None:
    await hub.post("CRM", "CUSTOMER", "a", name="A")
    project = await hub.post("PSA", "PROJECT", "P-1", name="v1", customer=ref("CRM", "a"))
    await hub.post("PSA", "PROJECT", "P-1", name="v2", customer=ref("CRM", "a"))
    [edge] = await hub.store.relationships([project.golden_id], None, OUT)
    [assertion] = edge.provenance
    first, _ = await hub.store.source_versions(SourceKey("PSA", EntityType.PROJECT, "P-1"))
    assert (assertion.source_version, assertion.recorded_at) == (1, first.recorded_at)


async def test_two_systems_asserting_the_same_edge_make_one_edge(hub: Hub) -> None:
    customer = await hub.post("CRM", "CUSTOMER", "a", tax_id="T1")
    await hub.post("ERP", "CUSTOMER", "e-a", tax_id="T1")
    # A project code is each system's own: across systems the code, name and start agree.
    same = {"code": "P-1", "name": "Audit 2026", "start_date": "2026-01-05"}
    project = await hub.post("PSA", "PROJECT", "P-1", **same, customer=ref("CRM", "a"))
    await hub.post("ERP", "PROJECT", "9", **same, customer=ref("ERP", "e-a"))
    [edge] = await hub.store.relationships([customer.golden_id], None, IN)
    assert edge.from_id == project.golden_id
    assert [str(a.source) for a in edge.provenance] == ["ERP/PROJECT/9", "PSA/PROJECT/P-1"]


RULES = [(entity_type, rule) for entity_type, rules in REFERENCE_RULES.items() for rule in rules]


@pytest.mark.parametrize(
    ("entity_type", "rule"), RULES, ids=[f"{t}.{r.attribute}" for t, r in RULES]
)
async def test_each_reference_attribute_makes_its_relationship(
    hub: Hub, entity_type: EntityType, rule: Any
) -> None:
    target = await hub.post("ERP", str(rule.target_type), "target", status="active")
    source = await hub.post(
        "ERP", str(entity_type), "source", **{rule.attribute: ref("ERP", "target")}
    )
    assert await hub.edges(source.golden_id) == [
        (source.golden_id, rule.relationship, target.golden_id)
    ]


async def _assert_refused(
    hub: Hub, system: str, entity_type: str, source_id: str, field: str, /, **attrs: Any
) -> RelationshipCycle:
    key = SourceKey(system, EntityType(entity_type), source_id)
    before = await hub.store.source_versions(key)
    with pytest.raises(RelationshipCycle) as refused:
        await hub.post(system, entity_type, source_id, **attrs)
    assert refused.value.code == "RELATIONSHIP_CYCLE"
    assert [p.field for p in refused.value.problems] == [field]
    assert await hub.store.source_versions(key) == before  # nothing written
    [reject] = await hub.store.list_rejects(1)
    assert reject.payload["sourceId"] == source_id
    assert "cycle" in reject.problems[0].reason
    return refused.value


async def test_an_employee_managing_themself_is_refused(hub: Hub) -> None:
    refused = await _assert_refused(
        hub, "HRIS", "EMPLOYEE", "E-1", "attributes.manager", manager=ref("HRIS", "E-1")
    )
    assert "REPORTS_TO cycle" in str(refused)
    assert await hub.store.resolve_many([SourceKey("HRIS", EntityType.EMPLOYEE, "E-1")]) == [None]


async def test_a_record_naming_its_e_mail_twin_as_manager_is_kept_apart_not_refused(
    hub: Hub,
) -> None:
    # The e-mail says one person, the manager reference says two: the reference is evidence
    # against linking them, so P-1 starts its own golden record, reporting to E-1's.
    ann = await hub.post("HRIS", "EMPLOYEE", "E-1", email="ann@firm.com")
    p1 = await hub.post(
        "PAYROLL", "EMPLOYEE", "P-1", email="ANN@firm.com", manager=ref("HRIS", "E-1")
    )
    assert p1.outcome is UpsertOutcome.CREATED
    assert p1.golden_id != ann.golden_id
    assert await hub.edges(p1.golden_id) == [(p1.golden_id, REPORTS_TO, ann.golden_id)]


async def test_a_reporting_loop_is_refused_and_the_old_version_stays(hub: Hub) -> None:
    ann = await hub.post("HRIS", "EMPLOYEE", "ann", manager=ref("HRIS", "bob"))
    bob = await hub.post("HRIS", "EMPLOYEE", "bob", given_name="Bob")
    refused = await _assert_refused(
        hub, "HRIS", "EMPLOYEE", "bob", "attributes.manager", manager=ref("HRIS", "ann")
    )
    assert f"{bob.golden_id} → {ann.golden_id} → {bob.golden_id}" in str(refused)
    assert await hub.edges(ann.golden_id) == [(ann.golden_id, REPORTS_TO, bob.golden_id)]


async def test_a_loop_of_dimension_parents_is_refused(hub: Hub) -> None:
    for code, parent in (("a", "b"), ("b", "c"), ("c", None)):
        parent_ref = {"parent": ref("ERP", parent)} if parent else {}
        await hub.post(
            "ERP", "ACCOUNTING_DIMENSION", code, kind="COST_CENTER", code=code, **parent_ref
        )
    await _assert_refused(
        hub,
        "ERP",
        "ACCOUNTING_DIMENSION",
        "c",
        "attributes.parent",
        kind="COST_CENTER",
        code="c",
        parent=ref("ERP", "a"),
    )


async def test_a_loop_of_customer_parents_is_refused(hub: Hub) -> None:
    await hub.post("CRM", "CUSTOMER", "holding", parent=ref("CRM", "sub"))
    await _assert_refused(
        hub, "CRM", "CUSTOMER", "sub", "attributes.parent", parent=ref("CRM", "holding")
    )


async def test_a_loop_closed_by_an_arrival_is_refused(hub: Hub) -> None:
    # ann's manager is pending; bob arrives naming ann his manager: linking would close a loop.
    await hub.post("HRIS", "EMPLOYEE", "ann", manager=ref("HRIS", "bob"))
    refused = await _assert_refused(
        hub, "HRIS", "EMPLOYEE", "bob", "attributes.manager", manager=ref("HRIS", "ann")
    )
    assert refused.problems[0].reason.startswith("manager HRIS/EMPLOYEE/ann would close")
    assert await hub.pending() == [("HRIS/EMPLOYEE/ann", "manager", "HRIS/EMPLOYEE/bob")]


async def test_an_arrival_a_parked_reference_names_as_manager_is_kept_apart_not_refused(
    hub: Hub,
) -> None:
    # PAYROLL says P-1's manager is HRIS/E-1; E-1 then arrives with P-1's e-mail. P-1 names it
    # as manager, so E-1 is not linked into P-1's golden record: no loop, nothing refused.
    p1 = await hub.post(
        "PAYROLL", "EMPLOYEE", "P-1", email="ann@firm.com", manager=ref("HRIS", "E-1")
    )
    e1 = await hub.post("HRIS", "EMPLOYEE", "E-1", email="ann@firm.com")
    assert e1.outcome is UpsertOutcome.CREATED
    assert e1.golden_id != p1.golden_id
    assert await hub.edges(p1.golden_id) == [(p1.golden_id, REPORTS_TO, e1.golden_id)]


async def test_in_a_batch_only_the_record_closing_a_loop_is_refused(hub: Hub) -> None:
    outcomes = await hub.ingest.upsert_many(
        [
            RawRecord("HRIS", "EMPLOYEE", "ann", {"manager": ref("HRIS", "bob")}),
            RawRecord("HRIS", "EMPLOYEE", "bob", {"manager": ref("HRIS", "ann")}),
            RawRecord("HRIS", "EMPLOYEE", "cy", {"manager": ref("HRIS", "ann")}),
        ],
        correlation_id="batch-7",
    )
    assert isinstance(outcomes[1], RecordRejected)
    assert str(outcomes[1]).startswith("record [1] record HRIS/EMPLOYEE/bob rejected")
    assert [o.outcome for o in outcomes if isinstance(o, UpsertResult)] == [
        UpsertOutcome.CREATED,
        UpsertOutcome.CREATED,
    ]
    [reject] = await hub.store.list_rejects(10)
    assert reject.correlation_id == "batch-7"


async def test_a_loop_left_by_a_merge_does_not_block_unrelated_updates(hub: Hub) -> None:
    child = await hub.post("CRM", "CUSTOMER", "a", name="A", parent=ref("CRM", "b"))
    parent = await hub.post("CRM", "CUSTOMER", "b", name="B")

    async def merge(tx: StoreTransaction) -> None:
        key = SourceKey("CRM", EntityType.CUSTOMER, "a")
        await tx.set_membership(key, Membership(parent.golden_id, at(99), "steward"))
        await tx.merge_relationships(child.golden_id, parent.golden_id)

    await hub.store.write(merge)
    renamed = await hub.post("CRM", "CUSTOMER", "a", name="A Ltd", parent=ref("CRM", "b"))
    assert renamed.outcome is UpsertOutcome.UPDATED
    assert await hub.edges(parent.golden_id) == []


async def test_in_a_batch_a_reference_parked_earlier_links_when_its_target_arrives(
    hub: Hub,
) -> None:
    # The first record finds nothing awaited; the second parks a reference; the third, its
    # target, arrives in the same batch (one transaction) and is linked all the same.
    outcomes = await hub.ingest.upsert_many(
        [
            RawRecord("HRIS", "EMPLOYEE", "zed", {"given_name": "Zed"}),
            RawRecord("HRIS", "EMPLOYEE", "ann", {"manager": ref("HRIS", "bob")}),
            RawRecord("HRIS", "EMPLOYEE", "bob", {"given_name": "Bob"}),
        ]
    )
    ann, bob = (o for o in outcomes[1:] if isinstance(o, UpsertResult))
    assert await hub.pending() == []
    assert await hub.edges(ann.golden_id) == [(ann.golden_id, REPORTS_TO, bob.golden_id)]
