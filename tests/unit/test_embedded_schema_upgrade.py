"""An embedded store file made before survivorship rules opens, gains the new column, and its
golden records read as never computed by a rule set (so `mdm-hub recompute` refreshes them)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.embedded.match_keys import key_hash
from mdm_hub.adapters.embedded.store import _RESOLVE_MANY
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import StoredCandidate, UpsertOutcome
from mdm_hub.domain.reference import UnmappedCode
from mdm_hub.domain.retirement import GoldenStatus
from mdm_hub.ports import StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import T0, golden_with, key, stored

# The golden table as the first release created it.
OLD_GOLDEN_TABLE = """
CREATE TABLE golden (
  id TEXT PRIMARY KEY, entityType TEXT NOT NULL, attributes TEXT NOT NULL,
  version INTEGER NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL
);
INSERT INTO golden VALUES ('cus_old', 'CUSTOMER', '[]', 1,
  '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
"""


async def test_an_old_file_opens_and_its_goldens_count_as_stale(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_GOLDEN_TABLE)
    store = EmbeddedStore(str(path))
    await store.open()
    await store.open()  # applying the upgrade twice is harmless
    try:
        view = await store.get_golden("cus_old")
        assert view is not None
        assert view.golden.rule_set_hash is None
        assert await store.count_goldens(EntityType.CUSTOMER, stale_for="any") == 1
    finally:
        await store.close()


# The match candidate table before stewards could decide candidates.
OLD_CANDIDATE_TABLE = """
CREATE TABLE match_candidate (
  id TEXT PRIMARY KEY, system TEXT NOT NULL, entityType TEXT NOT NULL, sourceId TEXT NOT NULL,
  goldenId TEXT NOT NULL, status TEXT NOT NULL, createdAt TEXT NOT NULL, candidates TEXT NOT NULL
);
INSERT INTO match_candidate VALUES ('mc_old', 'CRM', 'CUSTOMER', 'c1', 'cus_old', 'OPEN',
  '2026-01-01T00:00:00+00:00', '[]');
"""


async def test_an_old_candidate_table_gains_the_decision_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_GOLDEN_TABLE + OLD_CANDIDATE_TABLE)
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        candidate = await store.get_match_candidate("mc_old")
        assert candidate is not None
        assert candidate.decision is None
    finally:
        await store.close()


async def test_text_match_keys_of_an_old_file_are_moved_to_the_hashed_index(
    tmp_path: Path,
) -> None:
    # A file from before hashed keys: a record findable under its text match key.
    path = tmp_path / "old.db"
    store = EmbeddedStore(str(path))
    await store.open()
    await golden_with(store, "cus_old", stored(key("CRM", "c1"), {"name": "Acme"}))
    await store.close()
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE match_key (key TEXT NOT NULL, sourcePk INTEGER NOT NULL, "
            "PRIMARY KEY (key, sourcePk)) WITHOUT ROWID; DELETE FROM match_key_hash; "
            "INSERT INTO match_key SELECT 'B|CUSTOMER|name|acme', pk FROM source_record;"
        )
    store = EmbeddedStore(str(path))
    await store.open()
    await store.open()  # the move happens once
    try:

        async def find(tx: StoreTransaction) -> list[StoredCandidate]:
            return await tx.candidates(EntityType.CUSTOMER, ["B|CUSTOMER|name|acme"], 10, 5)

        [found] = await store.write(find)
        assert (found.key, found.golden_id) == (key("CRM", "c1"), "cus_old")
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "match_key" not in tables


async def test_a_record_listing_its_keys_as_text_drops_them_when_it_changes(
    tmp_path: Path,
) -> None:
    # Files from before packed key hashes list a record's own keys as a JSON array of texts;
    # a new version must still remove the keys it no longer has.
    path = tmp_path / "old.db"
    source = key("CRM", "c1")
    store = EmbeddedStore(str(path))
    await store.open()
    await golden_with(store, "cus_old", stored(source, {"name": "Acme"}))
    await store.close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO match_key_hash (keyHash, sourcePk) SELECT ?, pk FROM source_record",
            (key_hash("B|CUSTOMER|name|acme"),),
        )
        db.execute("UPDATE source_record SET matchKeys = ?", ('["B|CUSTOMER|name|acme"]',))
    store = EmbeddedStore(str(path))
    await store.open()
    try:

        async def change(tx: StoreTransaction) -> tuple[list[StoredCandidate], ...]:
            await tx.put_source(stored(source, {"name": "Acme Two"}, version=2), ["B|new"])
            old = await tx.candidates(EntityType.CUSTOMER, ["B|CUSTOMER|name|acme"], 10, 5)
            new = await tx.candidates(EntityType.CUSTOMER, ["B|new"], 10, 5)
            return old, new

        old, new = await store.write(change)
        assert old == []
        assert [c.key for c in new] == [source]
    finally:
        await store.close()


async def test_a_file_holding_every_version_in_source_version_reads_each_once(
    tmp_path: Path,
) -> None:
    """Files made before keep the current version in source_version too; history reads it
    once, and the next update adds the replaced version without a duplicate."""
    path = tmp_path / "old.db"
    store = EmbeddedStore(str(path))
    await store.open()
    crm = key("CRM", "c1")
    try:
        await store.write(lambda tx: tx.put_source(stored(crm, {"name": "Acme"}), []))
        with sqlite3.connect(path) as db:  # as older releases wrote every version
            db.execute(
                "INSERT INTO source_version (sourcePk, attributes, contentHash, version, "
                "observedAt, recordedAt) SELECT pk, attributes, contentHash, version, "
                "observedAt, recordedAt FROM source_record"
            )
        before = await store.source_versions(crm)
        v2 = stored(crm, {"name": "Acme Inc"}, version=2)
        await store.write(lambda tx: tx.put_source(v2, []))
        after = await store.source_versions(crm)
    finally:
        await store.close()
    assert [(v.version, v.attributes["name"]) for v in before] == [(1, "Acme")]
    assert [(v.version, v.attributes["name"]) for v in after] == [(1, "Acme"), (2, "Acme Inc")]


async def test_a_file_from_before_reference_data_gains_the_unmapped_codes_queue(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_GOLDEN_TABLE)
    code = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        await store.write(lambda tx: tx.count_unmapped_codes([code], T0))
        page = await store.unmapped_codes(10, None)
    finally:
        await store.close()
    assert [(queued.code, queued.count) for _, queued in page.items] == [(code, 1)]


# The golden and source record tables as the release before retirement created them, with a
# golden record and its one member.
PRE_RETIREMENT_TABLES = """
CREATE TABLE golden (
  id TEXT PRIMARY KEY, entityType TEXT NOT NULL, attributes TEXT NOT NULL,
  version INTEGER NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  mergedInto TEXT REFERENCES golden (id), ruleSetHash TEXT
);
CREATE TABLE source_record (
  pk INTEGER PRIMARY KEY, system TEXT NOT NULL, entityType TEXT NOT NULL,
  sourceId TEXT NOT NULL, attributes TEXT NOT NULL, contentHash TEXT NOT NULL,
  version INTEGER NOT NULL, observedAt TEXT NOT NULL, recordedAt TEXT NOT NULL,
  goldenId TEXT REFERENCES golden (id), since TEXT, decidedBy TEXT, score REAL,
  explanation TEXT, matchKeys TEXT NOT NULL DEFAULT '[]',
  UNIQUE (system, entityType, sourceId)
);
INSERT INTO golden VALUES ('cus_old', 'CUSTOMER', '[]', 1,
  '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', NULL, NULL);
INSERT INTO source_record (system, entityType, sourceId, attributes, contentHash, version,
  observedAt, recordedAt, goldenId, since, decidedBy) VALUES ('CRM', 'CUSTOMER', 'c1',
  '{"name":"Acme"}', 'x', 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00',
  'cus_old', '2026-01-01T00:00:00+00:00', 'test');
"""


async def test_a_file_from_before_retirement_gains_its_columns_and_can_retire(
    tmp_path: Path,
) -> None:
    """Its golden records read ACTIVE, and its records can be retired and revived."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(PRE_RETIREMENT_TABLES)
    store = EmbeddedStore(str(path))
    await store.open()
    await store.open()  # adding the columns twice is harmless
    try:
        view = await store.get_golden("cus_old")
        assert view is not None
        assert view.golden.status is GoldenStatus.ACTIVE
        ingest = IngestService(store, shipped_matcher(), rules=shipped_rules())
        retired = await ingest.retire(key("CRM", "c1"), "closed", None)
        assert retired.golden_status is GoldenStatus.RETIRED
        revived = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", {"name": "Acme"}))
        assert revived.outcome is UpsertOutcome.REVIVED
    finally:
        await store.close()


async def test_a_file_from_before_sent_values_gains_the_columns_and_keeps_reading(
    tmp_path: Path,
) -> None:
    """Records written before the hub kept what was sent read as sent canonical; their next
    version keeps what it was sent, and the replaced version stays as it was."""
    path = tmp_path / "old.db"
    crm = key("CRM", "c1")
    store = EmbeddedStore(str(path))
    await store.open()
    await golden_with(store, "cus_old", stored(crm, {"name": "Acme", "country": "US"}))
    await store.close()
    with sqlite3.connect(path) as db:  # as older releases made the tables
        db.execute("ALTER TABLE source_record DROP COLUMN sent")
        db.execute("ALTER TABLE source_version DROP COLUMN sent")
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        view = await store.get_golden("cus_old")
        assert view is not None
        assert [member.sent for member in view.members] == [{}]
        v2 = replace(
            stored(crm, {"name": "Acme", "country": "US"}, version=2), sent={"country": "USA"}
        )
        await store.write(lambda tx: tx.put_source(v2, []))
        versions = await store.source_versions(crm)
    finally:
        await store.close()
    assert [(v.version, v.sent) for v in versions] == [(1, {}), (2, {"country": "USA"})]


async def test_resolving_reads_indexes_only_also_in_a_file_from_before_them(
    tmp_path: Path,
) -> None:
    """A resolve reads each member's key and retirement from an index, not from the wide rows
    (attributes, comparison values); a file made with the index on goldenId alone gains it on
    opening, loses the old one, and answers as before."""
    path = tmp_path / "old.db"
    store = EmbeddedStore(str(path))
    await store.open()
    await golden_with(store, "cus_old", stored(key("CRM", "c1"), {"name": "Acme"}))
    await store.close()
    with sqlite3.connect(path) as db:  # the indexes as releases before made them
        db.executescript(
            "DROP INDEX source_record_members;"
            "CREATE INDEX source_record_golden ON source_record (goldenId);"
        )
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        [found] = await store.resolve_many([key("CRM", "c1")])
        assert found is not None
        assert (found.golden_id, list(found.crosswalk)) == ("cus_old", [key("CRM", "c1")])
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + _RESOLVE_MANY, ("[]",))]
        indexes = {row[1] for row in db.execute("PRAGMA index_list(source_record)")}
    assert any(step.startswith("SEARCH m USING COVERING INDEX") for step in plan), plan
    assert "source_record_golden" not in indexes
