"""Reference keys (`reference:` blocking rules), on every store: candidate retrieval finds the
records of the matched type whose reference points at any member of the golden record the
target belongs to now ("the projects of this customer", whichever system's ID for the customer
each names), read through the crosswalk, bounded by the per-key limit like any key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import ReferenceLookup, SourceKey, StoredCandidate
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.rarity import key_weights
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import shipped_matcher
from tests.contract.test_graph_evidence_contract import CONTOSO, NORTHWIND, customer, ref
from tests.support.services import ingest_service


def project(system: str, source_id: str, name: str, customer_ref: dict[str, str]) -> RawRecord:
    return RawRecord(
        system,
        "PROJECT",
        source_id,
        {"name": name, "customer": customer_ref, "currency": "GBP", "start_date": "2022-12-18"},
    )


def lookup(system: str, source_id: str) -> ReferenceLookup:
    return ReferenceLookup("customer", SourceKey(system, EntityType.CUSTOMER, source_id))


async def _projects_of_two_customers(store: Store) -> None:
    """Northwind in the ERP and the PSA (one golden record) with a project in each system
    naming its own system's copy; Contoso with one project; a rate card of Northwind."""
    ingest = ingest_service(store)
    northwind = await ingest.upsert(customer("netsuite", "1808", NORTHWIND))
    psa = await ingest.upsert(customer("psa", "NORTHW01", NORTHWIND))
    assert psa.golden_id == northwind.golden_id
    await ingest.upsert(customer("psa", "CONTOS01", CONTOSO))
    await ingest.upsert(
        project("netsuite", "2843", "Close & Consolidation", ref("netsuite", "1808"))
    )
    await ingest.upsert(project("psa", "PRJ-1", "Data Platform Build", ref("psa", "NORTHW01")))
    await ingest.upsert(project("psa", "PRJ-2", "Cost Review", ref("psa", "CONTOS01")))
    await ingest.upsert(
        RawRecord(
            "psa",
            "RATE_CARD",
            "RC-1",
            {"name": "Northwind 2024", "customer": ref("psa", "NORTHW01"), "currency": "GBP"},
        )
    )


async def _candidates(
    store: Store,
    lookups: list[ReferenceLookup],
    per_key_limit: int = 10,
    keys: tuple[str, ...] = (),
) -> list[StoredCandidate]:
    async def work(tx: StoreTransaction) -> list[StoredCandidate]:
        return await tx.candidates(EntityType.PROJECT, list(keys), per_key_limit, 10, lookups)

    return await store.write(work)


async def test_a_reference_key_finds_what_points_at_the_same_golden_record(store: Store) -> None:
    await _projects_of_two_customers(store)
    # Named by either system's ID, the customer's golden record is the same: both of its
    # projects are found (not Contoso's, not the rate card: another type).
    for named in (lookup("netsuite", "1808"), lookup("psa", "NORTHW01")):
        found = await _candidates(store, [named])
        assert {c.key.source_id for c in found} == {"2843", "PRJ-1"}
        assert all((c.shared_keys, c.key_weight) == (1, key_weights(10)[2]) for c in found)
    contoso = await _candidates(store, [lookup("psa", "CONTOS01")])
    assert [c.key.source_id for c in contoso] == ["PRJ-2"]


async def test_a_reference_key_is_bounded_and_an_unknown_target_finds_nothing(
    store: Store,
) -> None:
    await _projects_of_two_customers(store)
    assert len(await _candidates(store, [lookup("netsuite", "1808")], per_key_limit=1)) == 1
    assert await _candidates(store, [lookup("netsuite", "unknown")]) == []


async def test_a_reference_key_ranks_with_the_other_keys(store: Store) -> None:
    """A record found by a key and by the reference key shares two keys and comes first."""
    await _projects_of_two_customers(store)
    prepared_keys = await _stored_keys(store, SourceKey("psa", EntityType.PROJECT, "PRJ-1"))
    found = await _candidates(store, [lookup("netsuite", "1808")], keys=tuple(prepared_keys))
    assert found[0].key.source_id == "PRJ-1"
    assert found[0].shared_keys == len(prepared_keys) + 1


async def test_a_reference_key_follows_a_merge_of_the_target(store: Store) -> None:
    """Two golden customers merged: the projects of both are the projects of the survivor."""
    await _projects_of_two_customers(store)
    [northwind, contoso] = await store.resolve_many(
        [
            SourceKey("netsuite", EntityType.CUSTOMER, "1808"),
            SourceKey("psa", EntityType.CUSTOMER, "CONTOS01"),
        ]
    )
    assert northwind is not None
    assert contoso is not None

    async def merge(tx: StoreTransaction) -> None:
        await tx.merge_golden(contoso.golden_id, northwind.golden_id, datetime.now(UTC))

    await store.write(merge)
    found = await _candidates(store, [lookup("psa", "CONTOS01")])
    assert {c.key.source_id for c in found} == {"2843", "PRJ-1", "PRJ-2"}


async def _stored_keys(store: Store, key: SourceKey) -> list[str]:
    """The match keys the record is stored under (as ingest prepared them)."""

    async def work(tx: StoreTransaction) -> dict[str, Any]:
        found = await tx.get_source(key)
        assert found is not None
        return dict(found[0].attributes)

    attributes = await store.write(work)
    rules = shipped_matcher().rules_for(key.entity_type)
    return list(prepare(rules, attributes, system=key.system).keys)
