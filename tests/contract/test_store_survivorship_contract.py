"""The store methods survivorship needs, on every store (embedded and Neo4j): the locked read,
the override history, the rule set hash and the paged walk over golden records."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD, OverrideAction, OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    GoldenValues,
    GoldenView,
    Membership,
    SourceKey,
)
from mdm_hub.errors import NotFound
from mdm_hub.ports import Store, StoreTransaction
from tests.support.builders import at, key, stored

CRM_1 = key("CRM", "c-1")
ERP_7 = key("ERP", "e-7")


def pin(revision: int, attribute: str, value: Any, minute: int = 0) -> OverrideEvent:
    return OverrideEvent(
        revision, attribute, OverrideAction.PIN, value, "jane@firm", "checked", at(minute)
    )


def clear(revision: int, attribute: str) -> OverrideEvent:
    return OverrideEvent(revision, attribute, OverrideAction.CLEAR, None, "joe", "wrong pin", at(9))


async def _goldens(store: Store, *goldens: tuple[str, EntityType]) -> None:
    async def work(tx: StoreTransaction) -> None:
        for minute, (golden_id, entity_type) in enumerate(goldens):
            await tx.create_golden(golden_id, entity_type, at(minute))

    await store.write(work)


async def _set_hash(store: Store, golden_id: str, rule_set_hash: str) -> None:
    async def work(tx: StoreTransaction) -> None:
        await tx.update_golden(golden_id, [], at(5), rule_set_hash)

    await store.write(work)


async def test_golden_for_update_reads_golden_members_and_history(store: Store) -> None:
    await _goldens(store, ("cus_a", EntityType.CUSTOMER))
    events = [pin(1, "name", "Acme AG"), clear(2, "name"), pin(3, "parent", {"system": "CRM"})]

    async def work(tx: StoreTransaction) -> tuple[GoldenView | None, GoldenView | None]:
        for source in (ERP_7, CRM_1):
            await tx.put_source(stored(source, {"name": source.system}), [])
            await tx.set_membership(source, Membership("cus_a", at(0), "test"))
        for event in reversed(events):
            await tx.add_override_event("cus_a", event)
        return await tx.golden_for_update("cus_a"), await tx.golden_for_update("cus_none")

    found, missing = await store.write(work)
    assert missing is None
    assert found is not None
    assert found.golden.id == "cus_a"
    assert found.golden.entity_type is EntityType.CUSTOMER
    assert [m.key for m in found.members] == [CRM_1, ERP_7]
    assert list(found.override_history) == events  # oldest first, values as given
    assert await store.get_golden("cus_a") == found


async def test_a_golden_created_with_its_first_values_reads_as_if_updated(
    store: Store,
) -> None:
    value = AttributeValue("name", "Acme", "most_recent", CRM_1, 1, at(0))

    async def create(tx: StoreTransaction) -> None:
        await tx.create_golden("cus_a", EntityType.CUSTOMER, at(2), GoldenValues((value,), "r-1"))
        await tx.put_source(stored(CRM_1, {"name": "Acme"}), [])
        await tx.set_membership(CRM_1, Membership("cus_a", at(2), "test"))
        await tx.create_golden("cus_empty", EntityType.CUSTOMER, at(3))

    await store.write(create)
    found = await store.get_golden("cus_a")
    assert found is not None
    assert (found.golden.version, found.golden.rule_set_hash) == (1, "r-1")
    assert found.golden.attributes == (value,)
    assert found.golden.created_at == found.golden.updated_at == at(2)
    empty = await store.get_golden("cus_empty")
    assert empty is not None
    assert (empty.golden.version, empty.golden.rule_set_hash, empty.golden.attributes) == (
        0,
        None,
        (),
    )


async def test_golden_for_update_without_values_reads_everything_else(store: Store) -> None:
    await _goldens(store, ("cus_a", EntityType.CUSTOMER))
    value = AttributeValue("name", "Acme", "most_recent", CRM_1, 1, at(0))

    async def work(tx: StoreTransaction) -> tuple[GoldenView | None, GoldenView | None]:
        await tx.put_source(stored(CRM_1, {"name": "Acme"}), [])
        await tx.set_membership(CRM_1, Membership("cus_a", at(0), "test"))
        await tx.update_golden("cus_a", [value], at(1), "rules-1")
        return (
            await tx.golden_for_update("cus_a", with_values=False),
            await tx.golden_for_update("cus_a"),
        )

    lean, full = await store.write(work)
    assert full is not None
    assert lean is not None
    assert full.golden.attributes == (value,)
    # Only the values are left out: what a recompute needs is all there.
    assert lean.golden.attributes == ()
    assert lean == replace(full, golden=replace(full.golden, attributes=()))


async def test_override_values_of_every_json_type_round_trip(store: Store) -> None:
    await _goldens(store, ("rtc_a", EntityType.RATE_CARD))
    values: list[Any] = ["12.50", 7, 0.5, True, {"system": "PSA", "sourceId": "P-1"}, ["a", "b"]]
    events = [pin(i + 1, f"a{i}", value) for i, value in enumerate(values)]

    async def work(tx: StoreTransaction) -> None:
        for event in events:
            await tx.add_override_event("rtc_a", event)

    await store.write(work)
    view = await store.get_golden("rtc_a")
    assert view is not None
    assert [e.value for e in view.override_history] == values


async def test_override_on_unknown_golden_is_not_found(store: Store) -> None:
    async def work(tx: StoreTransaction) -> None:
        await tx.add_override_event("cus_missing", pin(1, "name", "x"))

    with pytest.raises(NotFound):
        await store.write(work)


async def test_override_events_roll_back_with_their_transaction(store: Store) -> None:
    await _goldens(store, ("cus_a", EntityType.CUSTOMER))

    async def work(tx: StoreTransaction) -> None:
        await tx.add_override_event("cus_a", pin(1, "name", "x"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.write(work)
    view = await store.get_golden("cus_a")
    assert view is not None
    assert view.override_history == ()


async def test_steward_and_union_provenance_round_trip(store: Store) -> None:
    await _goldens(store, ("cus_a", EntityType.CUSTOMER))
    part_crm = AttributeValue("email", "a@x.de", "union", CRM_1, 2, at(1))
    part_erp = AttributeValue("email", "b@x.de", "union", ERP_7, 1, at(2))
    values = (
        AttributeValue(
            "email", ["a@x.de", "b@x.de"], "union", CRM_1, 2, at(1), None, (part_crm, part_erp)
        ),
        AttributeValue(
            "name",
            "Acme AG",
            STEWARD,
            SourceKey(STEWARD, EntityType.CUSTOMER, "jane"),
            3,
            at(4),
            "per contract",
        ),
    )

    async def work(tx: StoreTransaction) -> None:
        await tx.update_golden("cus_a", values, at(5), "h1")

    await store.write(work)
    view = await store.get_golden("cus_a")
    assert view is not None
    assert view.golden.attributes == values
    assert view.golden.rule_set_hash == "h1"


async def test_a_new_golden_has_no_rule_set_hash(store: Store) -> None:
    await _goldens(store, ("cus_a", EntityType.CUSTOMER))
    view = await store.get_golden("cus_a")
    assert view is not None
    assert view.golden.rule_set_hash is None


async def test_golden_ids_pages_one_entity_type_in_id_order(store: Store) -> None:
    customers = [f"cus_{c}" for c in "ebdac"]
    await _goldens(
        store,
        *[(golden_id, EntityType.CUSTOMER) for golden_id in customers],
        ("prj_b", EntityType.PROJECT),
    )
    pages = []
    after = ""
    while page := await store.golden_ids(EntityType.CUSTOMER, after, 2):
        pages.append(page)
        after = page[-1]
    assert pages == [["cus_a", "cus_b"], ["cus_c", "cus_d"], ["cus_e"]]
    assert await store.golden_ids(EntityType.PROJECT, "", 10) == ["prj_b"]
    assert await store.golden_ids(EntityType.EMPLOYEE, "", 10) == []


async def test_count_goldens_all_or_stale_for_a_rule_set(store: Store) -> None:
    await _goldens(
        store,
        ("cus_current", EntityType.CUSTOMER),
        ("cus_old", EntityType.CUSTOMER),
        ("cus_never", EntityType.CUSTOMER),
        ("prj_old", EntityType.PROJECT),
    )
    await _set_hash(store, "cus_current", "h2")
    await _set_hash(store, "cus_old", "h1")
    await _set_hash(store, "prj_old", "h1")
    assert await store.count_goldens(EntityType.CUSTOMER) == 3
    assert await store.count_goldens(EntityType.CUSTOMER, stale_for="h2") == 2  # old and never
    assert await store.count_goldens(EntityType.PROJECT, stale_for="h2") == 1
    assert await store.count_goldens(EntityType.EMPLOYEE) == 0
