"""What golden record search covers, the same on every store: a steward's pins in force (set,
cleared, merged away and back), source IDs and the searched attributes of source records
and nothing else; a store made before that is indexed when opened; the index hands the
service at most the pool and limit it asks for."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import LiteralString, cast

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.search import SEARCHED_ATTRIBUTES, SearchText
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.search import SearchService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_rules
from tests.support.paths import SHIPPED
from tests.support.services import ingest_service

PINNED = "Zorblax Holdings"
SCHEMA_SQL = SHIPPED.parent / "adapters" / "embedded" / "schema.sql"
OLD_NEO4J = Path(__file__).parents[1] / "support" / "search_before_golden_search.cypher"
INDEX_NAMES = Path(__file__).parents[1] / "support" / "index_names.cypher"


async def _customer(store: Store, source_id: str, attributes: dict[str, object]) -> str:
    result = await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", source_id, attributes))
    return result.golden_id


async def _found(store: Store, text: str) -> list[str]:
    page = await SearchService(store).search(EntityType.CUSTOMER, text, 10, None)
    return [view.golden.id for _, view in page.items]


async def _version(store: Store, golden_id: str) -> int:
    view = await store.get_golden(golden_id)
    assert view is not None
    return view.golden.version


async def _pin(store: Store, golden_id: str, attribute: str, value: str) -> None:
    await OverrideService(store, shipped_rules()).override_attribute(
        golden_id, attribute, value, await _version(store, golden_id), "registry says", "jane"
    )


async def test_a_pinned_name_is_found_until_the_pin_is_cleared(store: Store) -> None:
    golden = await _customer(store, "c-1", {"name": "Initech Limited"})
    await _pin(store, golden, "name", PINNED)
    assert await _found(store, PINNED) == [golden]
    assert await _found(store, "Zorblx Holdings") == [golden]  # fuzzily, like any name
    await OverrideService(store, shipped_rules()).clear_override(
        golden, "name", await _version(store, golden), "registry was wrong", "jane"
    )
    assert await _found(store, PINNED) == []
    assert await _found(store, "Initech Limited") == [golden]


async def test_a_second_pin_keeps_the_first_searchable(store: Store) -> None:
    golden = await _customer(store, "c-1", {"name": "Initech Limited"})
    await _pin(store, golden, "name", PINNED)
    await _pin(store, golden, "tax_id", "GB999000111")
    assert await _found(store, PINNED) == [golden]
    assert await _found(store, "GB999000111") == [golden]


async def test_a_pin_of_an_unsearched_attribute_is_not_indexed(store: Store) -> None:
    golden = await _customer(store, "c-1", {"name": "Initech Limited", "city": "Austin"})
    await _pin(store, golden, "city", "Quuxborough")
    assert await _found(store, "Quuxborough") == []


async def test_a_merged_away_pin_is_not_found_until_the_merge_is_undone(store: Store) -> None:
    survivor = await _customer(store, "c-1", {"name": "Acme Corporation"})
    other = await _customer(store, "c-2", {"name": "Initech Limited"})
    await _pin(store, other, "name", PINNED)
    merges = MergeService(store, shipped_rules())
    versions = [
        ExpectedVersion(survivor, await _version(store, survivor)),
        ExpectedVersion(other, await _version(store, other)),
    ]
    await merges.merge([survivor, other], survivor, versions, "same firm", "jane")
    assert await _found(store, PINNED) == []  # the survivor has no such value
    back = [ExpectedVersion(survivor, await _version(store, survivor))]
    key = SourceKey("CRM", EntityType.CUSTOMER, "c-2")
    await merges.unmerge(survivor, [key], other, back, "not the same", "jane")
    assert await _found(store, PINNED) == [other]  # revived with its pins


async def test_only_source_ids_and_the_searched_attributes_are_indexed(store: Store) -> None:
    # The stores once differed: Neo4j indexed every value, the embedded store these.
    await _customer(store, "c-1", {"name": "Initech Limited", "city": "Quuxborough"})
    found = await store.search_goldens(
        EntityType.CUSTOMER, SearchText.parse("Quuxborough"), 500, 100
    )
    assert found == []
    legal = await _customer(store, "c-2", {"legal_name": "Vandelay Industries GmbH"})
    assert await _found(store, "Vandelay Industries") == [legal]


async def test_the_index_proposes_at_most_its_pool_and_limit(store: Store) -> None:
    for n in range(8):
        await _customer(store, f"c-{n}", {"name": f"Acme Widgets {n}"})
    text = SearchText.parse("Acme Widgets")
    assert len(await store.search_goldens(EntityType.CUSTOMER, text, 500, 100)) == 8
    assert len(await store.search_goldens(EntityType.CUSTOMER, text, 3, 100)) <= 3
    assert len(await store.search_goldens(EntityType.CUSTOMER, text, 500, 2)) == 2


def test_the_embedded_views_index_the_searched_attributes() -> None:
    schema = SCHEMA_SQL.read_text()
    for view in ("source_search_row", "pin_search_row"):
        start = schema.index(f"CREATE VIEW IF NOT EXISTS {view}")
        body = schema[start : schema.index(";", start)]
        named = [a for a in SEARCHED_ATTRIBUTES if f"'$.{a}'" in body or f"'{a}'" in body]
        assert named == list(SEARCHED_ATTRIBUTES), view


async def test_an_embedded_file_made_before_pin_search_is_indexed_on_open(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "old.db")
    store = EmbeddedStore(path)
    await store.open()
    golden = await _customer(store, "c-1", {"name": "Initech Limited"})
    await _pin(store, golden, "name", PINNED)
    await store.close()
    with sqlite3.connect(path) as db:  # as a file made before pins were searchable
        db.executescript(
            "DROP TRIGGER pin_search_override; DROP VIEW pin_search_row; DROP TABLE pin_search;"
        )
    reopened = EmbeddedStore(path)
    await reopened.open()
    try:
        assert await _found(reopened, PINNED) == [golden]
    finally:
        await reopened.close()


async def test_a_neo4j_store_made_before_golden_search_is_indexed_on_open(
    neo4j_store: Neo4jStore,
) -> None:
    golden = await _customer(neo4j_store, "c-1", {"name": "Initech Limited", "city": "Austin"})
    await _pin(neo4j_store, golden, "name", PINNED)
    try:
        for statement in OLD_NEO4J.read_text().split(";\n"):
            if statement.strip():
                await neo4j_store.driver.execute_query(cast(LiteralString, statement))
        assert await _indexes(neo4j_store) >= {"source_record_search"}
    finally:
        await neo4j_store.open()  # applies the schema and upgrades the data
    assert await _found(neo4j_store, PINNED) == [golden]
    assert await _found(neo4j_store, "Initech Limited") == [golden]
    assert await _found(neo4j_store, "Austin") == []  # no longer every value
    indexes = await _indexes(neo4j_store)
    assert "golden_search" in indexes
    assert "source_record_search" not in indexes


async def _indexes(store: Neo4jStore) -> set[str]:
    records, _, _ = await store.driver.execute_query(cast(LiteralString, INDEX_NAMES.read_text()))
    return {record["name"] for record in records}
