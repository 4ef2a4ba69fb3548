"""Evidence from referrers, through the ingest service, on every store: two systems' copies of one
cost centre hold the same people (employees resolved through the crosswalk), so a cost centre an
ERP sends without a code links to the HRIS's by them, whichever arrives first; two cost centres
that share a name but not their people stay apart."""

from __future__ import annotations

from mdm_hub.domain.audit import Action
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome
from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService, RawRecord
from tests.support.services import ingest_service, review_service

PEOPLE = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edsger", "Dijkstra")]
ERP_STRATEGY = SourceKey("netsuite", EntityType.ACCOUNTING_DIMENSION, "department/6")
# The ERP's spelling: alike (the 0.9 level), not equal, so the people in it decide (an equal
# name of one kind with nothing against it links by itself).
ALIKE = "Strategy Consultng"
HRIS_STRATEGY = SourceKey("workday", EntityType.ACCOUNTING_DIMENSION, "CC-110")


def ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "sourceId": source_id}


def cost_centre(system: str, source_id: str, name: str, code: str | None = None) -> RawRecord:
    attributes = {"kind": "COST_CENTER", "name": name}
    if code is not None:
        attributes["code"] = code
    return RawRecord(system, "ACCOUNTING_DIMENSION", source_id, attributes)


def employee(system: str, number: int, person: tuple[str, str], centre: str) -> RawRecord:
    given, family = person
    return RawRecord(
        system,
        "EMPLOYEE",
        f"E{number:05d}",
        {
            "employee_number": f"E{number:05d}",
            "given_name": given,
            "family_name": family,
            "email": f"{given}.{family}@brightline.example".lower(),
            "cost_center": ref(system, centre),
        },
    )


def staff(system: str, centre: str, people: list[tuple[str, str]], first: int) -> list[RawRecord]:
    return [employee(system, first + n, person, centre) for n, person in enumerate(people)]


async def _golden(store: Store, key: SourceKey) -> str:
    [found] = await store.resolve_many([key])
    assert found is not None
    return found.golden_id


async def _hris_strategy(ingest: IngestService) -> None:
    await ingest.upsert(cost_centre("workday", "CC-110", "Strategy Consulting", code="CC-110"))
    await ingest.upsert_many(staff("workday", "CC-110", PEOPLE, 100))


async def test_a_cost_centre_without_a_code_links_by_the_people_in_it(store: Store) -> None:
    ingest = ingest_service(store)
    await _hris_strategy(ingest)
    await ingest.upsert_many(staff("netsuite", "department/6", PEOPLE, 100))

    erp = await ingest.upsert(cost_centre("netsuite", "department/6", ALIKE))

    assert erp.outcome is UpsertOutcome.LINKED
    assert erp.golden_id == await _golden(store, HRIS_STRATEGY)
    explained = await review_service(store).explain(ERP_STRATEGY, erp.golden_id)
    by_name = {c.name: c for c in explained.explanation.comparisons}
    assert by_name["employees_in_it"].level == ">=0.75"
    assert by_name["employees_in_it"].weight > 0


async def test_without_people_in_it_a_like_name_alone_does_not_link(store: Store) -> None:
    ingest = ingest_service(store)
    await _hris_strategy(ingest)

    erp = await ingest.upsert(cost_centre("netsuite", "department/6", ALIKE))

    assert erp.outcome is UpsertOutcome.CREATED
    explained = await review_service(store).explain(
        ERP_STRATEGY, await _golden(store, HRIS_STRATEGY)
    )
    by_name = {c.name: c for c in explained.explanation.comparisons}
    assert (by_name["employees_in_it"].level, by_name["employees_in_it"].weight) == (
        "missing",
        0.0,
    )


async def test_an_equal_name_of_one_kind_with_nothing_against_it_links(store: Store) -> None:
    ingest = ingest_service(store)
    await _hris_strategy(ingest)

    erp = await ingest.upsert(cost_centre("netsuite", "department/6", "Strategy Consulting"))

    assert erp.outcome is UpsertOutcome.LINKED
    assert erp.golden_id == await _golden(store, HRIS_STRATEGY)


async def test_the_cost_centre_arriving_before_its_people_links_once_they_join(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    await _hris_strategy(ingest)
    erp = await ingest.upsert(cost_centre("netsuite", "department/6", ALIKE))
    assert erp.golden_id != await _golden(store, HRIS_STRATEGY)

    # The ERP's employees link to the HRIS's people one by one: each shares the cost centre.
    await ingest.upsert_many(staff("netsuite", "department/6", PEOPLE, 100))

    survivor = await _golden(store, HRIS_STRATEGY)
    assert await _golden(store, ERP_STRATEGY) == survivor
    events = [e for e in await store.audit_events(0, 1000) if e.action == Action.REMATCH_MERGE]
    assert any(
        "department/6" in (e.reason or "") and "cost_center referrers" in (e.reason or "")
        for e in events
    )


async def test_two_cost_centres_sharing_a_name_but_not_their_people_stay_apart(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    hris = [*PEOPLE[:2], ("Barbara", "Liskov"), ("Donald", "Knuth")]
    erp = [*PEOPLE[2:], ("Frances", "Allen"), ("John", "Backus")]
    await ingest.upsert(cost_centre("workday", "CC-930", "IT", code="CC-930"))
    await ingest.upsert_many(staff("workday", "CC-930", hris, 200))
    await ingest.upsert_many(staff("workday", "CC-931", erp, 300))
    await ingest.upsert_many(staff("netsuite", "department/40", erp, 300))

    other = await ingest.upsert(cost_centre("netsuite", "department/40", "IT"))

    hris_it = await _golden(store, SourceKey("workday", EntityType.ACCOUNTING_DIMENSION, "CC-930"))
    assert other.golden_id != hris_it
    explained = await review_service(store).explain(
        SourceKey("netsuite", EntityType.ACCOUNTING_DIMENSION, "department/40"), hris_it
    )
    by_name = {c.name: c for c in explained.explanation.comparisons}
    assert by_name["employees_in_it"].level == "otherwise"
    assert by_name["employees_in_it"].weight < 0
