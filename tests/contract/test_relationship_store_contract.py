"""The relationship operations of the store port, on every store (embedded and Neo4j):
references, pending references, derived edges with provenance, merges, moves and walks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey
from mdm_hub.domain.relationships import (
    AssertedReference,
    Assertion,
    Direction,
    HierarchyStep,
    ReferenceChanges,
    Relationship,
    RelationshipType,
)
from mdm_hub.errors import InvalidInput, NotFound, RecordRejected
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import at, key
from tests.support.graph_builders import assert_references, golden_with, record, ref_to

T = TypeVar("T")
OUT, IN = Direction.OUT, Direction.IN
CHILD_OF = RelationshipType.CHILD_OF
FOR_CUSTOMER = RelationshipType.FOR_CUSTOMER
PROJECT = EntityType.PROJECT
DIMENSION = EntityType.ACCOUNTING_DIMENSION

CRM_A, CRM_B, CRM_P, ERP_B = key("CRM", "a"), key("CRM", "b"), key("CRM", "p"), key("ERP", "b")
PSA_1, PSA_2 = key("PSA", "p1", PROJECT), key("PSA", "p2", PROJECT)


def assertion(source: SourceKey, attribute: str, version: int = 1, minute: int = 0) -> Assertion:
    return Assertion(source, attribute, version, at(minute), at(minute))


async def edges(
    store: Store, golden_id: str, direction: Direction, relationship: RelationshipType | None = None
) -> list[tuple[str, RelationshipType, str]]:
    found = await store.relationships([golden_id], relationship, direction)
    return [(e.from_id, e.type, e.to_id) for e in found]


async def move(store: Store, moved: SourceKey, from_id: str, to_id: str) -> None:
    """What an unmerge or split will do: move a member, then let the edges follow."""

    async def work(tx: StoreTransaction) -> None:
        await tx.set_membership(moved, Membership(to_id, at(9), "steward"))
        await tx.move_relationships([moved], from_id)

    await store.write(work)


async def merge(store: Store, loser_id: str, survivor_id: str, *members: SourceKey) -> None:
    """What a merge will do: move the loser's members, then the loser's edges."""

    async def work(tx: StoreTransaction) -> None:
        for member in members:
            await tx.set_membership(member, Membership(survivor_id, at(9), "steward"))
        await tx.merge_relationships(loser_id, survivor_id)

    await store.write(work)


async def test_reference_to_a_known_record_becomes_an_edge_with_provenance(store: Store) -> None:
    await golden_with(store, "cus_a", record(CRM_A))
    project = record(PSA_1, customer=ref_to(CRM_A))
    await golden_with(store, "prj_1", project)
    assert await assert_references(store, project) == ["cus_a"]
    expected = Relationship("prj_1", FOR_CUSTOMER, "cus_a", (assertion(PSA_1, "customer"),))
    assert await store.relationships(["prj_1"], FOR_CUSTOMER, OUT) == [expected]
    assert await store.relationships(["cus_a"], None, IN) == [expected]
    assert await store.relationships(["cus_a"], None, OUT) == []
    assert await store.relationships(["prj_1"], CHILD_OF, OUT) == []
    assert (await store.pending_references(10, None)).items == ()


async def test_two_systems_asserting_one_edge_give_one_edge_with_both_in_provenance(
    store: Store,
) -> None:
    await golden_with(store, "cus_a", record(CRM_A), record(ERP_B))
    psa = record(PSA_1, customer=ref_to(CRM_A))
    erp = record(key("ERP", "p9", PROJECT), version=3, customer=ref_to(ERP_B))
    await golden_with(store, "prj_1", psa, erp)
    await assert_references(store, psa, erp)
    await assert_references(store, psa)  # asserting again changes nothing
    [edge] = await store.relationships(["prj_1"], None, OUT)
    assert (edge.from_id, edge.type, edge.to_id) == ("prj_1", FOR_CUSTOMER, "cus_a")
    assert edge.provenance == (
        assertion(erp.key, "customer", version=3),
        assertion(PSA_1, "customer"),
    )


async def test_unknown_target_is_parked_as_pending_with_its_referrer(store: Store) -> None:
    project = record(PSA_1, minute=5, customer=ref_to(key("PSA", "c-7")))
    await golden_with(store, "prj_1", project)
    assert await assert_references(store, project) == [None]
    assert await store.relationships(["prj_1"], None, OUT) == []
    page = await store.pending_references(10, None)
    [(_, pending)] = page.items
    assert not page.has_next
    assert pending.referrer == PSA_1
    assert pending.referrer_golden_id == "prj_1"
    assert pending.reference == AssertedReference("customer", FOR_CUSTOMER, key("PSA", "c-7"))
    assert (pending.source_version, pending.recorded_at) == (1, at(5))


async def test_arrival_links_the_parked_references(store: Store) -> None:
    first = record(PSA_1, customer=ref_to(CRM_A))
    second = record(PSA_2, customer=ref_to(CRM_A))
    await golden_with(store, "prj_1", first)
    await golden_with(store, "prj_2", second)
    await assert_references(store, first, second)
    await golden_with(store, "cus_a", record(CRM_A))

    async def arrive(tx: StoreTransaction) -> list[tuple[SourceKey, str, str]]:
        linked = await tx.link_pending(CRM_A)
        await tx.sync_relationships([link.referrer_golden_id for link in linked])
        return [(link.referrer, link.referrer_golden_id, link.attribute) for link in linked]

    assert await store.write(arrive) == [(PSA_1, "prj_1", "customer"), (PSA_2, "prj_2", "customer")]
    assert (await store.pending_references(10, None)).items == ()
    assert await edges(store, "cus_a", IN) == [
        ("prj_1", FOR_CUSTOMER, "cus_a"),
        ("prj_2", FOR_CUSTOMER, "cus_a"),
    ]

    async def again(tx: StoreTransaction) -> int:
        return len(await tx.link_pending(CRM_A))

    assert await store.write(again) == 0


async def test_a_target_arriving_while_its_reference_is_parked_still_links_it(
    store: Store,
) -> None:
    # The referrer's transaction parks a reference and stays open; the target's transaction
    # starts meanwhile. It must wait for the referrer's commit and then link the reference,
    # rather than commit first and leave it pending for good.
    async def arrive(tx: StoreTransaction) -> list[str]:
        await tx.create_golden("cus_a", EntityType.CUSTOMER, at(1))
        await tx.put_source(record(CRM_A), [])
        await tx.set_membership(CRM_A, Membership("cus_a", at(1), "test"))
        linked = await tx.link_pending(CRM_A)
        await tx.sync_relationships([link.referrer_golden_id for link in linked])
        return [link.referrer_golden_id for link in linked]

    assert await _arriving_while_parked(store, lambda: store.write(arrive)) == ["prj_1"]
    assert (await store.pending_references(10, None)).items == ()
    assert await edges(store, "prj_1", OUT) == [("prj_1", FOR_CUSTOMER, "cus_a")]


async def test_pending_pages_resume_after_their_cursor(store: Store) -> None:
    referrers = [
        record(key("PSA", f"p{i}", PROJECT), minute=m, customer=ref_to(key("CRM", f"x{i}")))
        for i, m in enumerate([3, 1, 2, 2, 2])
    ]
    for index, referrer in enumerate(referrers):
        await golden_with(store, f"prj_{index}", referrer)
    await assert_references(store, *referrers)
    seen, after, pages = [], None, 0
    while True:
        page = await store.pending_references(2, after)
        seen += [pending.referrer.source_id for _, pending in page.items]
        pages += 1
        if not page.has_next:
            break
        after = page.items[-1][0]
    assert pages == 3
    assert seen == ["p1", "p2", "p3", "p4", "p0"]  # oldest first, then by referrer
    with pytest.raises(InvalidInput, match="after"):
        await store.pending_references(2, "not-a-cursor")


async def test_changed_and_retracted_references_move_and_drop_the_edge(store: Store) -> None:
    await golden_with(store, "cus_a", record(CRM_A))
    await golden_with(store, "cus_b", record(CRM_B))
    await golden_with(store, "prj_1", record(PSA_1))
    await assert_references(store, record(PSA_1, customer=ref_to(CRM_A)))
    moved = record(PSA_1, version=2, minute=1, customer=ref_to(CRM_B))
    await assert_references(store, moved)
    assert await store.relationships(["prj_1"], None, OUT) == [
        Relationship("prj_1", FOR_CUSTOMER, "cus_b", (assertion(PSA_1, "customer", 2, 1),))
    ]
    assert await edges(store, "cus_a", IN) == []
    await assert_references(store, record(PSA_1, version=3))
    assert await edges(store, "prj_1", OUT) == []


async def test_reference_into_its_own_golden_makes_no_self_loop(store: Store) -> None:
    child = record(CRM_A, parent=ref_to(ERP_B))
    await golden_with(store, "cus_a", child, record(ERP_B))
    assert await assert_references(store, child) == ["cus_a"]
    assert await edges(store, "cus_a", OUT) == []
    assert (await store.pending_references(10, None)).items == ()


async def test_merge_moves_edges_both_ways_without_duplicates(store: Store) -> None:
    await golden_with(store, "cus_p", record(CRM_P))
    loser = record(CRM_A, parent=ref_to(CRM_P))
    survivor = record(ERP_B, parent=ref_to(CRM_P))
    await golden_with(store, "cus_a", loser)
    await golden_with(store, "cus_b", survivor)
    child = record(key("CRM", "c"), parent=ref_to(CRM_A))
    await golden_with(store, "cus_c", child)
    await golden_with(store, "prj_1", record(PSA_1, customer=ref_to(CRM_A)))
    await golden_with(store, "prj_2", record(PSA_2, customer=ref_to(ERP_B)))
    await assert_references(
        store,
        loser,
        survivor,
        child,
        record(PSA_1, customer=ref_to(CRM_A)),
        record(PSA_2, customer=ref_to(ERP_B)),
    )
    await merge(store, "cus_a", "cus_b", CRM_A)
    [parent] = await store.relationships(["cus_b"], None, OUT)
    assert (parent.to_id, [a.source for a in parent.provenance]) == ("cus_p", [CRM_A, ERP_B])
    assert await edges(store, "cus_b", IN) == [
        ("cus_c", CHILD_OF, "cus_b"),
        ("prj_1", FOR_CUSTOMER, "cus_b"),
        ("prj_2", FOR_CUSTOMER, "cus_b"),
    ]
    assert await edges(store, "cus_a", IN) == await edges(store, "cus_a", OUT) == []
    assert await edges(store, "cus_p", IN) == [("cus_b", CHILD_OF, "cus_p")]


async def test_merging_related_goldens_drops_the_edge_and_unmerge_brings_it_back(
    store: Store,
) -> None:
    child = record(CRM_A, parent=ref_to(CRM_B))
    await golden_with(store, "cus_a", child)
    await golden_with(store, "cus_b", record(CRM_B))
    await assert_references(store, child)
    await merge(store, "cus_a", "cus_b", CRM_A)
    assert await edges(store, "cus_b", OUT) == await edges(store, "cus_b", IN) == []
    await move(store, CRM_A, "cus_b", "cus_a")
    assert await store.relationships(["cus_a"], None, OUT) == [
        Relationship("cus_a", CHILD_OF, "cus_b", (assertion(CRM_A, "parent"),))
    ]


async def test_moved_records_take_their_edges_and_the_edges_pointing_at_them(
    store: Store,
) -> None:
    await golden_with(store, "cus_p", record(CRM_P))
    await golden_with(store, "cus_q", record(key("CRM", "q")))
    stays = record(CRM_A, parent=ref_to(CRM_P))
    leaves = record(ERP_B, parent=ref_to(key("CRM", "q")))
    await golden_with(store, "cus_ab", stays, leaves)
    await golden_with(store, "prj_1", record(PSA_1))
    await golden_with(store, "prj_2", record(PSA_2))
    await assert_references(
        store,
        stays,
        leaves,
        record(PSA_1, customer=ref_to(CRM_A)),
        record(PSA_2, customer=ref_to(ERP_B)),
    )
    assert len(await edges(store, "cus_ab", OUT)) == 2
    await golden_with(store, "cus_new")
    await move(store, ERP_B, "cus_ab", "cus_new")
    assert await edges(store, "cus_ab", OUT) == [("cus_ab", CHILD_OF, "cus_p")]
    assert await edges(store, "cus_new", OUT) == [("cus_new", CHILD_OF, "cus_q")]
    assert await edges(store, "cus_ab", IN) == [("prj_1", FOR_CUSTOMER, "cus_ab")]
    assert await edges(store, "cus_new", IN) == [("prj_2", FOR_CUSTOMER, "cus_new")]


async def test_merge_of_an_unknown_golden_is_not_found(store: Store) -> None:
    await golden_with(store, "cus_a", record(CRM_A))

    async def work(tx: StoreTransaction) -> None:
        await tx.merge_relationships("cus_missing", "cus_a")

    with pytest.raises(NotFound):
        await store.write(work)


async def _dimension_tree(store: Store) -> None:
    """d1 -> d2 -> d3 -> d4 and d5 -> d3, all CHILD_OF."""
    parents = {"d1": "d2", "d2": "d3", "d3": "d4", "d5": "d3"}
    dims = {
        name: record(
            key("ERP", name, DIMENSION), **({"parent": ref_to(key("ERP", p))} if p else {})
        )
        for name, p in {**parents, "d4": None}.items()
    }
    for name, dim in dims.items():
        await golden_with(store, f"dim_{name}", dim)
    await assert_references(store, *dims.values())


async def test_walks_up_and_down_a_hierarchy_within_a_depth(store: Store) -> None:
    await _dimension_tree(store)
    assert await store.walk(["dim_d1"], CHILD_OF, OUT, 2) == [
        HierarchyStep("dim_d1", "dim_d2", 1),
        HierarchyStep("dim_d1", "dim_d3", 2),
    ]
    assert await store.walk(["dim_d3"], CHILD_OF, IN, 20) == [
        HierarchyStep("dim_d3", "dim_d2", 1),
        HierarchyStep("dim_d3", "dim_d5", 1),
        HierarchyStep("dim_d3", "dim_d1", 2),
    ]
    both = await store.walk(["dim_d4", "dim_d5"], CHILD_OF, OUT, 20)
    assert [(s.anchor_id, s.golden_id) for s in both] == [
        ("dim_d5", "dim_d3"),
        ("dim_d5", "dim_d4"),
    ]
    assert await store.walk(["dim_d1"], RelationshipType.REPORTS_TO, OUT, 20) == []


async def test_hierarchy_path_is_the_shortest_chain_or_none(store: Store) -> None:
    await _dimension_tree(store)

    async def work(tx: StoreTransaction) -> tuple[list[str] | None, list[str] | None]:
        return (
            await tx.hierarchy_path("dim_d1", "dim_d4", CHILD_OF),
            await tx.hierarchy_path("dim_d4", "dim_d1", CHILD_OF),
        )

    assert await store.write(work) == (["dim_d1", "dim_d2", "dim_d3", "dim_d4"], None)


async def test_get_goldens_in_input_order(store: Store) -> None:
    await golden_with(store, "cus_a", record(CRM_A))
    await golden_with(store, "cus_b", record(CRM_B), record(ERP_B))
    views = await store.get_goldens(["cus_b", "cus_missing", "cus_a"])
    assert views[1] is None
    assert [[m.key for m in v.members] for v in (views[0], views[2]) if v] == [
        [CRM_B, ERP_B],
        [CRM_A],
    ]


async def test_list_goldens_pages_one_entity_type_oldest_first(store: Store) -> None:
    for name, minute in (("c3", 3), ("c1", 1), ("c2", 2), ("c0", 1)):
        await golden_with(store, f"cus_{name}", record(key("CRM", name)), minute=minute)
    await golden_with(store, "prj_1", record(PSA_1))
    first = await store.list_goldens(EntityType.CUSTOMER, 3, None)
    assert [v.golden.id for _, v in first.items] == ["cus_c0", "cus_c1", "cus_c2"]
    assert first.has_next
    rest = await store.list_goldens(EntityType.CUSTOMER, 3, first.items[-1][0])
    assert [v.golden.id for _, v in rest.items] == ["cus_c3"]
    assert not rest.has_next
    [(_, only)] = rest.items
    assert [m.key for m in only.members] == [key("CRM", "c3")]


async def test_failed_work_leaves_no_reference_behind(store: Store) -> None:
    project = record(PSA_1, customer=ref_to(CRM_A))
    await golden_with(store, "prj_1", project)

    async def work(tx: StoreTransaction) -> None:
        await tx.put_references(project, ReferenceChanges(asserted=(_customer(CRM_A),)))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.write(work)
    assert (await store.pending_references(10, None)).items == ()


async def test_references_of_an_unknown_record_are_not_found(store: Store) -> None:
    async def work(tx: StoreTransaction) -> object:
        return await tx.put_references(
            record(PSA_1), ReferenceChanges(asserted=(_customer(CRM_A),))
        )

    with pytest.raises(NotFound):
        await store.write(work)


def _customer(target: SourceKey) -> AssertedReference:
    return AssertedReference("customer", FOR_CUSTOMER, target)


async def test_a_target_ingested_while_its_reference_is_parked_still_links_it(
    store: Store,
) -> None:
    # As above, with the target arriving through the real ingest: a group transaction that
    # holds its new record until commit and asks early whether anything is parked. The
    # parked reference commits while the group waits to create its record; it must still link.
    ingest = IngestService(store, shipped_matcher(), rules=shipped_rules())
    arrival = [RawRecord("CRM", "CUSTOMER", "a", {"name": "Acme"})]
    [customer] = await _arriving_while_parked(store, lambda: ingest.upsert_many(arrival))
    assert not isinstance(customer, RecordRejected)
    assert (await store.pending_references(10, None)).items == ()
    assert await edges(store, "prj_1", OUT) == [("prj_1", FOR_CUSTOMER, customer.golden_id)]


async def _arriving_while_parked(store: Store, arrival: Callable[[], Awaitable[T]]) -> T:
    """PSA's project prj_1 parks its reference to customer CRM/a in a transaction that stays
    open while `arrival` starts; the parking commits half a second later (room for the arrival
    to run ahead, if nothing holds it back). What the arrival returns."""
    project = record(PSA_1, customer=ref_to(CRM_A))
    await golden_with(store, "prj_1", project)
    parked, release = asyncio.Event(), asyncio.Event()

    async def park(tx: StoreTransaction) -> None:
        await tx.put_references(project, ReferenceChanges(asserted=(_customer(CRM_A),)))
        parked.set()
        await release.wait()

    parking = asyncio.create_task(store.write(park))
    await parked.wait()
    arriving = asyncio.create_task(arrival())
    await asyncio.sleep(0.5)
    release.set()
    await parking
    return await arriving
