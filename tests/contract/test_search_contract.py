"""searchGoldenRecords' service on every store: a misspelt name, a tax ID, an e-mail, an
employee number and a source system ID each find their golden record; the entity type, a
merge, a new version and paging are honoured; bad text is refused by field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import InvalidInput
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.search import SearchService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.support.services import ingest_service

CUSTOMERS = [
    ("CRM", "CRM-7781", {"name": "Acme Corporation", "tax_id": "DE811907980"}),
    ("ERP", "E-20", {"name": "Globex Industries", "email": "ap@globex.example"}),
    ("CRM", "CRM-7790", {"name": "Initech Limited", "city": "Austin"}),
]


async def _load(store: Store) -> dict[str, str]:
    """Golden IDs by source ID."""
    ingest = ingest_service(store)
    ids = {}
    for system, source_id, attributes in CUSTOMERS:
        result = await ingest.upsert(RawRecord(system, "CUSTOMER", source_id, attributes))
        ids[source_id] = result.golden_id
    employee = {"given_name": "Ann", "family_name": "Lee", "employee_number": "E10042"}
    result = await ingest.upsert(RawRecord("HRIS", "EMPLOYEE", "h-1", employee))
    ids["h-1"] = result.golden_id
    return ids


async def _found(store: Store, entity_type: EntityType, text: str) -> list[str]:
    page = await SearchService(store).search(entity_type, text, 10, None)
    return [view.golden.id for _, view in page.items]


@pytest.mark.parametrize(
    ("text", "source_id"),
    [
        ("Acme Corportion", "CRM-7781"),  # misspelt
        ("acme", "CRM-7781"),
        ("Globx Industries", "E-20"),
        ("DE811907980", "CRM-7781"),  # tax ID
        ("ap@globex.example", "E-20"),  # e-mail
        ("CRM-7790", "CRM-7790"),  # source system ID
    ],
)
async def test_a_customer_is_found_first_by_what_a_steward_knows(
    store: Store, text: str, source_id: str
) -> None:
    ids = await _load(store)
    found = await _found(store, EntityType.CUSTOMER, text)
    assert found[:1] == [ids[source_id]]


async def test_an_employee_by_number_and_only_employees(store: Store) -> None:
    ids = await _load(store)
    assert await _found(store, EntityType.EMPLOYEE, "E10042") == [ids["h-1"]]
    assert await _found(store, EntityType.EMPLOYEE, "Acme Corporation") == []


async def test_nothing_alike_finds_nothing(store: Store) -> None:
    await _load(store)
    assert await _found(store, EntityType.CUSTOMER, "Zyxwvut Quorbl") == []


async def test_a_merged_pair_is_found_once_as_its_survivor(store: Store) -> None:
    ids = await _load(store)
    ingest = ingest_service(store)
    other = await ingest.upsert(
        RawRecord("PSA", "CUSTOMER", "p-1", {"name": "Acme Trading Berlin", "city": "Berlin"})
    )
    survivor = ids["CRM-7781"]
    assert other.golden_id != survivor
    versions = [ExpectedVersion(survivor, 1), ExpectedVersion(other.golden_id, 1)]
    await MergeService(store, shipped_rules()).merge(
        [survivor, other.golden_id], survivor, versions, "same firm", "jane"
    )
    assert await _found(store, EntityType.CUSTOMER, "Acme Trading Berlin") == [survivor]


async def test_a_new_version_is_found_by_its_new_values_only(store: Store) -> None:
    ids = await _load(store)
    renamed = {"name": "Umbrella Holdings", "city": "Austin"}
    await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "CRM-7790", renamed))
    assert await _found(store, EntityType.CUSTOMER, "Umbrella Holdings") == [ids["CRM-7790"]]
    assert ids["CRM-7790"] not in await _found(store, EntityType.CUSTOMER, "Initech Limited")


async def test_a_record_sent_twice_in_one_batch_is_found_by_its_last_values(
    store: Store,
) -> None:
    # One transaction writes both versions (the embedded store indexes it as it ends).
    first = RawRecord("CRM", "CUSTOMER", "c-1", {"name": "Initech Limited"})
    second = RawRecord("CRM", "CUSTOMER", "c-1", {"name": "Umbrella Holdings"})
    _, updated = await ingest_service(store).upsert_many([first, second])
    assert not isinstance(updated, Exception)
    assert await _found(store, EntityType.CUSTOMER, "Umbrella Holdings") == [updated.golden_id]
    assert await _found(store, EntityType.CUSTOMER, "Initech Limited") == []


async def test_pages_follow_on_without_repeats(store: Store) -> None:
    await _load(store)
    service = SearchService(store)
    first = await service.search(EntityType.CUSTOMER, "CRM", 1, None)
    assert first.has_next
    [(cursor, top)] = first.items
    second = await service.search(EntityType.CUSTOMER, "CRM", 1, cursor)
    assert [v.golden.id for _, v in second.items] != [top.golden.id]


@pytest.mark.parametrize(
    ("text", "first", "after", "field"),
    [
        ("ab", 10, None, "text"),
        ("x" * 201, 10, None, "text"),
        ("Acme", 0, None, "first"),
        ("Acme", 51, None, "first"),
        ("Acme", 10, "nope", "after"),
    ],
)
async def test_bad_input_is_refused_by_field(
    store: Store, text: str, first: int, after: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await SearchService(store).search(EntityType.CUSTOMER, text, first, after)
    assert [p.field for p in refused.value.problems] == [field]


async def test_an_embedded_file_made_before_the_index_is_indexed_on_open(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    store = EmbeddedStore(path)
    await store.open()
    ids = await _load(store)
    await store.close()
    with sqlite3.connect(path) as db:  # as a file made before search existed
        db.executescript("DROP TRIGGER source_search_delete; DROP TABLE source_search;")
    reopened = EmbeddedStore(path)
    await reopened.open()
    try:
        assert await _found(reopened, EntityType.CUSTOMER, "Acme Corportion") == [ids["CRM-7781"]]
    finally:
        await reopened.close()


async def test_a_short_name_finds_its_record_alone(store: Store) -> None:
    # Neither an attribute's name ("name" is two edits from "acme") nor a short source ID
    # sharing a letter ("E-20") makes another record a match.
    ids = await _load(store)
    assert await _found(store, EntityType.CUSTOMER, "Acme") == [ids["CRM-7781"]]
