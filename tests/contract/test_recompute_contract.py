"""Rolling out a rule change with the recompute service, on every store."""

from __future__ import annotations

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.recompute import RecomputeService
from mdm_hub.services.survivorship import Refresh
from mdm_hub.wiring import shipped_rules
from tests.support.rules import shipped_with
from tests.support.services import ingest_service

# The change being rolled out: ERP, not CRM, now owns the customer's name.
ERP_OWNS_NAME = shipped_with(
    EntityType.CUSTOMER,
    attributes={"name": {"strategy": "source_priority", "systems": ["ERP", "CRM"]}},
)


async def _ingest(store: Store) -> dict[str, str]:
    """Five customers (two with an ERP member whose name differs) and one project."""
    ingest = ingest_service(store)
    ids = {}
    for n in range(5):
        crm = RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"Crm {n}", "tax_id": f"T{n}"})
        ids[f"c{n}"] = (await ingest.upsert(crm)).golden_id
    for n in (1, 3):
        await ingest.upsert(
            RawRecord("ERP", "CUSTOMER", f"e{n}", {"name": f"Erp {n}", "tax_id": f"T{n}"})
        )
    ids["p"] = (await ingest.upsert(RawRecord("PSA", "PROJECT", "p", {"code": "P"}))).golden_id
    return ids


async def _name(store: Store, golden_id: str) -> str:
    view = await store.get_golden(golden_id)
    assert view is not None
    name: str = view.golden.values()["name"]
    return name


async def test_recompute_applies_new_rules_and_counts_what_changed(store: Store) -> None:
    ids = await _ingest(store)
    service = RecomputeService(store, ERP_OWNS_NAME, page_size=2)
    assert await service.count_stale(EntityType.CUSTOMER) == 5
    assert await service.count(EntityType.CUSTOMER) == 5

    report = await service.recompute(EntityType.CUSTOMER)

    assert (report.recomputed, report.changed, report.restamped) == (5, 2, 3)
    assert report.rule_set_hash == ERP_OWNS_NAME.for_type(EntityType.CUSTOMER).hash
    assert [await _name(store, ids[f"c{n}"]) for n in range(5)] == [
        "Crm 0",
        "Erp 1",
        "Crm 2",
        "Erp 3",
        "Crm 4",
    ]
    assert await service.count_stale(EntityType.CUSTOMER) == 0
    view = await store.get_golden(ids["c1"])
    assert view is not None
    assert view.golden.rule_set_hash == report.rule_set_hash


async def test_a_second_run_finds_everything_current_and_writes_nothing(store: Store) -> None:
    ids = await _ingest(store)
    service = RecomputeService(store, ERP_OWNS_NAME)
    await service.recompute(EntityType.CUSTOMER)
    before = await store.get_golden(ids["c1"])
    seen: list[Refresh] = []
    report = await service.recompute(EntityType.CUSTOMER, seen.append)
    assert report.outcomes == {Refresh.CURRENT: 5}
    assert seen == [Refresh.CURRENT] * 5
    assert await store.get_golden(ids["c1"]) == before  # no version bump, no new updatedAt


async def test_recompute_under_unchanged_rules_changes_nothing(store: Store) -> None:
    await _ingest(store)
    report = await RecomputeService(store, shipped_rules()).recompute(EntityType.CUSTOMER)
    assert report.outcomes == {Refresh.CURRENT: 5}


async def test_recompute_touches_only_the_entity_type_given(store: Store) -> None:
    await _ingest(store)
    # A new trust order that decides nothing for this project: same values, new hash.
    service = RecomputeService(store, shipped_with(EntityType.PROJECT, trust=["PSA", "ERP"]))
    assert await service.count_stale(EntityType.PROJECT) == 1
    report = await service.recompute(EntityType.PROJECT)
    assert report.outcomes == {Refresh.RESTAMPED: 1}
    assert await service.count_stale(EntityType.CUSTOMER) == 0


async def test_steward_pins_survive_a_rule_change(store: Store) -> None:
    ids = await _ingest(store)
    pinned = await store.get_golden(ids["c3"])
    assert pinned is not None
    await OverrideService(store, shipped_rules()).override_attribute(
        ids["c3"], "name", "Pinned", pinned.golden.version, "why", "jane"
    )
    report = await RecomputeService(store, ERP_OWNS_NAME).recompute(EntityType.CUSTOMER)
    assert report.changed == 1  # c1 only: c3's name stays pinned
    assert await _name(store, ids["c3"]) == "Pinned"


async def test_an_empty_store_has_nothing_to_recompute(store: Store) -> None:
    report = await RecomputeService(store, shipped_rules()).recompute(EntityType.EMPLOYEE)
    assert report.recomputed == 0
