"""Reads and writes inside one SQLite transaction (the embedded StoreTransaction)."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, cast

from mdm_hub.adapters.codecs.candidates import (
    explanation_to_json,
    match_candidate_from_fields,
    scored_goldens_to_json,
)
from mdm_hub.adapters.codecs.goldens import (
    golden_attributes_to_json,
    golden_from_fields,
    golden_names_in_order,
    merged_by,
    new_golden_fields,
)
from mdm_hub.adapters.codecs.overrides import override_event_from_fields, override_event_to_fields
from mdm_hub.adapters.codecs.sources import (
    members_from_rows,
    retirement_from_fields,
    stored_candidate_from_fields,
    stored_source_from_fields,
)
from mdm_hub.adapters.codecs.values import dumps, optional_json
from mdm_hub.adapters.embedded import audit
from mdm_hub.adapters.embedded.match_keys import key_hash, pack_hashes, stored_hashes
from mdm_hub.adapters.embedded.outbox import EmbeddedOutboxWrites
from mdm_hub.adapters.embedded.relationship_writes import EmbeddedRelationshipWrites
from mdm_hub.adapters.embedded.retirement_writes import EmbeddedRetirementWrites
from mdm_hub.adapters.embedded.sql import KEY_WHERE, KEYS_CTE, ids_param, key_params, keys_param
from mdm_hub.adapters.embedded.unmapped_codes import EmbeddedUnmappedCodeWrites
from mdm_hub.domain.audit import AuditEntry, AuditEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.overrides import OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateDecision,
    CandidateStatus,
    GoldenValues,
    GoldenView,
    MatchCandidate,
    Membership,
    ReferenceLookup,
    SourceKey,
    StoredCandidate,
    StoredSource,
)
from mdm_hub.errors import NotFound
from mdm_hub.matching.rarity import rank_hits

SOURCE_COLUMNS = (
    "system, entityType, sourceId, attributes, contentHash, version, observedAt, recordedAt, sent"
)
# A member's columns with its retirement (codecs.sources.members_from_rows tells live
# from retired).
MEMBER_COLUMNS = f"{SOURCE_COLUMNS}, retiredAt, retiredObservedAt, retiredReason"
_ANY_NOT_A_MATCH = "SELECT 1 FROM not_a_match LIMIT 1"
_ANY_OVERRIDE = "SELECT 1 FROM steward_override LIMIT 1"
_KEY_WHERE = "system = ? AND entityType = ? AND sourceId = ?"
# Keys arrive as a JSON array of [system, entityType, sourceId]; one indexed seek each.
_GOLDEN_IDS_OF = """
SELECT CAST(refs.key AS INTEGER) AS i, s.goldenId AS goldenId
FROM json_each(?) AS refs
JOIN source_record s ON s.system = refs.value ->> '$[0]'
  AND s.entityType = refs.value ->> '$[1]' AND s.sourceId = refs.value ->> '$[2]'
"""
_REFERRER_GOLDENS = """
SELECT DISTINCT CAST(t.key AS INTEGER) AS i, s.goldenId AS goldenId
FROM json_each(?) AS t
JOIN reference r ON r.targetSystem = t.value ->> '$[0]'
  AND r.targetEntityType = t.value ->> '$[1]' AND r.targetSourceId = t.value ->> '$[2]'
  AND r.attribute = ?
JOIN source_record s ON s.pk = r.sourcePk
WHERE s.entityType = ? AND s.retiredAt IS NULL AND s.goldenId IS NOT NULL
"""
# The records of one type whose reference attribute points at a member of the golden record
# the target belongs to (a reference key), at most LIMIT: read on the crosswalk's indexes
# (the target's key, source_record_members, reference_target), stopping at the limit.
_REFERRED_BY_GOLDEN = """
SELECT s.pk FROM source_record t
JOIN source_record m ON m.goldenId = t.goldenId
JOIN reference r ON r.targetPk = m.pk AND r.attribute = ?
JOIN source_record s ON s.pk = r.sourcePk AND s.entityType = ? AND s.retiredAt IS NULL
WHERE t.system = ? AND t.entityType = ? AND t.sourceId = ?
LIMIT ?
"""
# The search index rows of the records a transaction wrote, in one statement each for new
# and for changed records (schema.sql says why not by trigger). Replacing costs FTS5 a read
# and two deletes a row, so records new in the transaction are plainly inserted.
_INDEX_FOR_SEARCH = """
INSERT {how} INTO source_search (rowid, entityType, body)
SELECT pk, entityType, body FROM source_search_row WHERE pk IN (SELECT value FROM json_each(?))
"""
_INDEX_NEW = _INDEX_FOR_SEARCH.format(how="")
_INDEX_CHANGED = _INDEX_FOR_SEARCH.format(how="OR REPLACE")
_COUNT_TERM = (
    "INSERT INTO term_count (term, count) VALUES (?, ?) "
    "ON CONFLICT (term) DO UPDATE SET count = count + excluded.count"
)
_UPSERT = (
    "ON CONFLICT (system, entityType, sourceId) DO UPDATE SET "
    "attributes = excluded.attributes, "
    "contentHash = excluded.contentHash, version = excluded.version, "
    "observedAt = excluded.observedAt, recordedAt = excluded.recordedAt, "
    "matchKeys = excluded.matchKeys, sent = excluded.sent, matchValues = excluded.matchValues"
)
_UPSERT_SOURCE = (
    f"INSERT INTO source_record ({SOURCE_COLUMNS}, matchValues, matchKeys) "  # noqa: S608
    f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) {_UPSERT} RETURNING pk"
)
_KEEP_REPLACED_VERSION = (
    "INSERT OR IGNORE INTO source_version (sourcePk, attributes, contentHash, version, "
    "observedAt, recordedAt, sent) SELECT pk, attributes, contentHash, version, observedAt, "
    "recordedAt, sent FROM source_record WHERE pk = ?"
)
_INSERT_MEMBER = (
    f"INSERT INTO source_record ({SOURCE_COLUMNS}, matchValues, matchKeys, "  # noqa: S608
    "goldenId, since, decidedBy, score, explanation) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_MEMBER = (
    f"INSERT INTO source_record ({SOURCE_COLUMNS}, matchValues, matchKeys, "  # noqa: S608
    "goldenId, since, decidedBy, score, explanation) "
    f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) {_UPSERT}, "
    "goldenId = excluded.goldenId, since = excluded.since, decidedBy = excluded.decidedBy, "
    "score = excluded.score, explanation = excluded.explanation RETURNING pk"
)


def _membership_values(membership: Membership) -> tuple[object, ...]:
    return (
        membership.golden_id,
        iso_text(membership.since),
        membership.decided_by,
        membership.score,
        explanation_to_json(membership.explanation),
    )


@cache
def _hits_query(key_count: int) -> str:
    """A LIMITed lookup per key on the key index alone (the (key, sourcePk) primary key hands
    back the oldest records first, cheaply), as (key position, sourcePk) rows: the rows read
    stay bounded however many look-alikes a key gathered. Built from a fixed fragment and
    key positions only."""
    return " UNION ALL ".join(
        f"SELECT {position}, sourcePk FROM "  # noqa: S608
        "(SELECT sourcePk FROM match_key_hash WHERE keyHash = ? LIMIT ?)"
        for position in range(key_count)
    )


@cache
def _ranked_rows_query(count: int) -> str:
    """The ranked records' rows, with their golden records' creation times."""
    return (
        "SELECT s.pk, s.system, s.entityType, s.sourceId, s.attributes, s.contentHash, "  # noqa: S608
        "s.matchValues, s.goldenId, g.createdAt AS goldenCreatedAt FROM source_record s "
        "JOIN golden g ON g.id = s.goldenId "
        f"WHERE s.pk IN ({', '.join('?' * count)}) AND s.entityType = ? "
        # Retirement removes a record's keys from the index; files whose records predate the
        # per-record key list may still hold some, so retired records are left out here too.
        "AND s.retiredAt IS NULL"
    )


class _WrittenValues:
    """Golden values this process wrote, by their stored text (the most recent first out of
    the bound): a golden record read for update whose text is one of them is not decoded.
    Keyed by the text itself, so a value can never be stale: the text is what was stored, and
    decoding it gives values equal to these (values, sources, versions and moments alike)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[str, tuple[AttributeValue, ...]] = OrderedDict()

    def get(self, text: str) -> tuple[AttributeValue, ...] | None:
        return self._values.get(text)

    def put(self, text: str, values: tuple[AttributeValue, ...]) -> None:
        self._values[text] = values
        self._values.move_to_end(text)
        if len(self._values) > self._size:
            self._values.popitem(last=False)


# A linked record's golden record was most often written a little earlier (by this process:
# the embedded store has one writer): ~2 KiB a golden record, 8 MiB at most.
_WRITTEN = _WrittenValues(4096)


# A merged-away ID answers with the end of its MERGED_INTO chain, however long.
SURVIVOR = """
WITH RECURSIVE chain(id, depth) AS (
  SELECT ?, 0
  UNION ALL
  SELECT g.mergedInto, chain.depth + 1 FROM golden g JOIN chain ON g.id = chain.id
  WHERE g.mergedInto IS NOT NULL AND chain.depth < 10000
)
SELECT g.id FROM chain JOIN golden g ON g.id = chain.id ORDER BY chain.depth DESC LIMIT 1
"""


def read_golden_view(db: sqlite3.Connection, golden_id: str) -> GoldenView | None:
    """A golden record with its members and override history, read on `db` as it stands."""
    row = db.execute("SELECT * FROM golden WHERE id = ?", (golden_id,)).fetchone()
    return _view_of(db, row) if row is not None else None


def _view_of(
    db: sqlite3.Connection,
    row: Any,
    with_values: bool = True,
    overrides: bool = True,
    written: _WrittenValues | None = None,
) -> GoldenView:
    """The view of golden `row`; without `overrides` (the caller knows the store holds none)
    its override history is not read; `written` may know its values from their text."""
    golden_id = row["id"]
    members = db.execute(
        f"SELECT {MEMBER_COLUMNS} FROM source_record "  # noqa: S608
        "WHERE goldenId = ? ORDER BY system, sourceId",
        (golden_id,),
    ).fetchall()
    history = (
        db.execute(
            "SELECT * FROM steward_override WHERE goldenId = ? ORDER BY revision", (golden_id,)
        ).fetchall()
        if overrides
        else []
    )
    live, retired = members_from_rows(members)
    known = written.get(row["attributes"]) if written is not None and with_values else None
    golden = (
        golden_from_fields(row, with_values)
        if known is None
        else replace(golden_from_fields(row, with_values=False), attributes=known)
    )
    return GoldenView(
        golden,
        live,
        tuple(override_event_from_fields(event) for event in history),
        retired=retired,
    )


def view_following_merges(
    db: sqlite3.Connection,
    golden_id: str,
    with_values: bool = True,
    overrides: bool = True,
    written: _WrittenValues | None = None,
) -> GoldenView | None:
    """The golden record an ID stands for: itself, or the survivor it was merged into (with
    `merged_from` naming the ID asked for). Without `overrides`, the store holds none;
    `written` may know the values of the record asked for from their text."""
    row = db.execute("SELECT * FROM golden WHERE id = ?", (golden_id,)).fetchone()
    if row is None:
        return None
    if row["mergedInto"] is None:  # the usual case: no chain to walk
        return _view_of(db, row, with_values, overrides, written)
    survivor = db.execute(SURVIVOR, (golden_id,)).fetchone()
    view = read_golden_view(db, survivor["id"])
    if view is None or survivor["id"] == golden_id:
        return view
    return replace(view, merged_from=golden_id)


class EmbeddedTransaction(
    EmbeddedRelationshipWrites,
    EmbeddedUnmappedCodeWrites,
    EmbeddedRetirementWrites,
    EmbeddedOutboxWrites,
):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        # The audit chain head as this transaction left it: read once, written once by
        # `finish` (a group commit appends many records' events in one transaction).
        self._audit_head: tuple[int, str] | None = None
        # Events sealed (their seq and hash fixed) and stored by `finish`, all at once: no
        # read inside a transaction looks at the log.
        self._sealed: list[AuditEvent] = []
        self._sources = {}
        self._has_rows = {}
        self._changes = []
        self._golden_versions = {}
        self._golden_types = {}
        # Source records whose attributes this transaction wrote, by pk: whether the record
        # is new in it (never indexed yet). `finish` indexes them.
        self._unindexed: dict[int, bool] = {}
        # Term count changes not written yet, by term: `finish` writes each term once for the
        # transaction (a group's records move the same per-comparison totals), and reads add
        # them. Every term touched is written, a net zero too, as per-record writes left it.
        self._term_deltas: dict[str, int] = {}
        # Term counts as stored, by term, once read: nothing writes them before `finish`, so
        # a read stays true for the transaction (every record reads its comparisons' totals).
        self._term_stored: dict[str, int] = {}

    async def append_audit(self, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
        events = audit.seal(self._db, entries, self._audit_head)
        if events:
            self._audit_head = (events[-1].seq, events[-1].hash)
            self._sealed += events
        return events

    def finish(self) -> None:
        """The work is done and about to commit: store what must be stored once."""
        if self._unindexed:
            self._index_for_search()
        if self._term_deltas:
            self._db.executemany(_COUNT_TERM, sorted(self._term_deltas.items()))
            self._term_deltas = {}
            self._term_stored = {}
        self.flush_changes()
        if self._sealed:
            audit.insert(self._db, self._sealed)
            self._sealed = []
        if self._audit_head is not None:
            audit.write_head(self._db, self._audit_head)

    def _index_for_search(self) -> None:
        new = [pk for pk, is_new in self._unindexed.items() if is_new]
        changed = [pk for pk, is_new in self._unindexed.items() if not is_new]
        if new:
            self._db.execute(_INDEX_NEW, (dumps(new),))
        if changed:
            self._db.execute(_INDEX_CHANGED, (dumps(changed),))
        self._unindexed = {}

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        row = self._db.execute(
            f"SELECT {MEMBER_COLUMNS}, pk, matchKeys, goldenId, since, decidedBy, score, "  # noqa: S608
            f"explanation FROM source_record WHERE {_KEY_WHERE}",
            key_params(key),
        ).fetchone()
        if row is None:
            self._sources[key] = None
            return None
        self._sources[key] = (row["pk"], row["matchKeys"])
        membership = Membership(
            row["goldenId"],
            datetime.fromisoformat(row["since"]),
            row["decidedBy"],
            row["score"],
            optional_json(row["explanation"]),
            retirement_from_fields(row),
        )
        return stored_source_from_fields(row), membership

    async def lock_keys(self, keys: Sequence[str]) -> None:
        # The embedded store runs one write transaction at a time (BEGIN IMMEDIATE).
        return None

    async def candidates(
        self,
        entity_type: EntityType,
        keys: Sequence[str],
        per_key_limit: int,
        top_k: int,
        references: Sequence[ReferenceLookup] = (),
    ) -> list[StoredCandidate]:
        distinct = list(dict.fromkeys(keys))  # a key repeated is still one key shared
        lookups = list(dict.fromkeys(references)) if references else []
        if not distinct and not lookups:
            return []
        # Ranking a few dozen hits in Python costs less than grouping them in SQL.
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: dozens of rows, read once
        hits = (
            cursor.execute(
                _hits_query(len(distinct)),
                [v for key in distinct for v in (key_hash(key), per_key_limit)],
            ).fetchall()
            if distinct
            else []
        )
        # A reference key is one more key, after the others: its records are read through
        # the crosswalk (the target's golden record, its members, what refers to them).
        for position, lookup in enumerate(lookups, start=len(distinct)):
            target = lookup.target
            params = (
                lookup.attribute,
                str(entity_type),
                target.system,
                str(target.entity_type),
                target.source_id,
                per_key_limit,
            )
            hits.extend((position, pk) for (pk,) in cursor.execute(_REFERRED_BY_GOLDEN, params))
        ranked = rank_hits(hits, per_key_limit, top_k)
        if not ranked:
            return []
        rows = self._db.execute(
            _ranked_rows_query(len(ranked)), (*[hit.record for hit in ranked], str(entity_type))
        ).fetchall()
        by_pk = {row["pk"]: row for row in rows}
        return [
            stored_candidate_from_fields(by_pk[hit.record], hit.shared_keys, hit.key_weight)
            for hit in ranked
            if hit.record in by_pk  # another entity type's record, dropped
        ]

    async def separations(
        self, key: SourceKey, golden_ids: Sequence[str]
    ) -> tuple[set[str], set[frozenset[str]]]:
        if not self._any_row(_ANY_NOT_A_MATCH):  # stewards have kept no records apart
            return set(), set()
        ids = dumps(list(golden_ids))
        blocked = self._db.execute(
            "SELECT DISTINCT o.goldenId FROM source_record s "
            "JOIN not_a_match n ON s.pk IN (n.aPk, n.bPk) "
            "JOIN source_record o ON o.pk = (CASE WHEN n.aPk = s.pk THEN n.bPk ELSE n.aPk END) "
            "WHERE s.system = ? AND s.entityType = ? AND s.sourceId = ?",
            key_params(key),
        ).fetchall()
        pairs = self._db.execute(
            "SELECT DISTINCT a.goldenId AS x, b.goldenId AS y FROM not_a_match n "
            "JOIN source_record a ON a.pk = n.aPk JOIN source_record b ON b.pk = n.bPk "
            "WHERE a.goldenId IN (SELECT value FROM json_each(?)) "
            "AND b.goldenId IN (SELECT value FROM json_each(?))",
            (ids, ids),
        ).fetchall()
        return {row[0] for row in blocked}, {frozenset((row["x"], row["y"])) for row in pairs}

    async def record_not_a_match(self, key: SourceKey, other: SourceKey, at: datetime) -> None:
        self._row_added(_ANY_NOT_A_MATCH)
        first, second = sorted((self._known_pk(key), self._known_pk(other)))
        self._db.execute(
            "INSERT OR IGNORE INTO not_a_match (aPk, bPk, decidedAt) VALUES (?, ?, ?)",
            (first, second, iso_text(at)),
        )

    async def merge_golden(
        self, loser_id: str, survivor_id: str, at: datetime, decided_by: str | None = None
    ) -> None:
        updated = self._db.execute(
            "UPDATE golden SET mergedInto = ?, updatedAt = ? WHERE id = ? AND mergedInto IS NULL",
            (survivor_id, iso_text(at), loser_id),
        )
        if updated.rowcount != 1:
            raise NotFound(f"golden record {loser_id} does not exist or was already merged")
        self._db.execute(
            "UPDATE source_record SET goldenId = ?, since = ?, decidedBy = ? WHERE goldenId = ?",
            (survivor_id, iso_text(at), decided_by or merged_by(loser_id), loser_id),
        )

    async def revive_golden(self, golden_id: str, at: datetime) -> None:
        updated = self._db.execute(
            "UPDATE golden SET mergedInto = NULL, updatedAt = ? "
            "WHERE id = ? AND mergedInto IS NOT NULL",
            (iso_text(at), golden_id),
        )
        if updated.rowcount != 1:
            raise NotFound(f"golden record {golden_id} does not exist or was not merged away")

    async def decide_match_candidate(
        self, candidate_id: str, status: CandidateStatus, decision: CandidateDecision
    ) -> bool:
        updated = self._db.execute(
            "UPDATE match_candidate SET status = ?, decidedBy = ?, decisionReason = ?, "
            "decidedAt = ? WHERE id = ? AND status = ?",
            (
                str(status),
                decision.actor,
                decision.reason,
                iso_text(decision.at),
                candidate_id,
                str(CandidateStatus.OPEN),
            ),
        )
        if updated.rowcount == 1:
            return True
        found = self._db.execute("SELECT 1 FROM match_candidate WHERE id = ?", (candidate_id,))
        if found.fetchone() is None:
            raise NotFound(f"match candidate {candidate_id} does not exist")
        return False

    async def open_candidates_for(self, keys: Sequence[SourceKey]) -> list[MatchCandidate]:
        rows = self._db.execute(
            f"WITH {KEYS_CTE} SELECT c.* FROM keys JOIN match_candidate c "  # noqa: S608
            f"ON {KEY_WHERE.format(alias='c')} WHERE c.status = ? ORDER BY c.createdAt, c.id",
            (keys_param(keys), str(CandidateStatus.OPEN)),
        ).fetchall()
        return [match_candidate_from_fields(row) for row in rows]

    async def add_match_candidate(self, candidate: MatchCandidate) -> None:
        self._db.execute(
            "INSERT INTO match_candidate (id, system, entityType, sourceId, goldenId, status, "
            "createdAt, candidates) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                candidate.id,
                *key_params(candidate.source),
                candidate.golden_id,
                str(candidate.status),
                iso_text(candidate.created_at),
                scored_goldens_to_json(candidate.candidates),
            ),
        )

    async def create_golden(
        self,
        golden_id: str,
        entity_type: EntityType,
        at: datetime,
        first: GoldenValues | None = None,
    ) -> None:
        fields = new_golden_fields(first)
        self._db.execute(
            "INSERT INTO golden (id, entityType, attributes, ruleSetHash, version, createdAt, "
            "updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (golden_id, str(entity_type), *fields, iso_text(at), iso_text(at)),
        )
        if first is not None:
            _WRITTEN.put(fields[0], first.attributes)
        self._golden_versions[golden_id] = 0 if first is None else 1
        self._golden_types[golden_id] = str(entity_type)

    async def put_source(
        self,
        record: StoredSource,
        strong_keys: Sequence[str],
        membership: Membership | None = None,
    ) -> None:
        values = (
            record.attributes_json or dumps(record.attributes),
            record.content_hash,
            record.version,
            iso_text(record.observed_at),
            iso_text(record.recorded_at),
            dumps(record.sent) if record.sent else None,
            record.match_values,
        )
        known = self._known_source(record.key)
        old = stored_hashes(known[1]) if known is not None else set()
        if known is not None:
            # The version about to be replaced joins the history; the current one is the
            # source_record row itself (files from before hold it in both: OR IGNORE).
            self._db.execute(_KEEP_REPLACED_VERSION, (known[0],))
        hashes = {key_hash(key) for key in strong_keys}
        packed = pack_hashes(hashes)
        if known is None and membership is not None:
            # A new record (the usual upsert): a plain insert, its pk the new rowid.
            inserted = self._db.execute(
                _INSERT_MEMBER,
                (*key_params(record.key), *values, packed, *_membership_values(membership)),
            )
            pk = cast(int, inserted.lastrowid)  # set by every successful INSERT
        elif membership is None:
            pk = self._db.execute(
                _UPSERT_SOURCE, (*key_params(record.key), *values, packed)
            ).fetchone()["pk"]
        else:
            # The record and its membership in one statement, not an insert and an update.
            pk = self._db.execute(
                _UPSERT_MEMBER,
                (*key_params(record.key), *values, packed, *_membership_values(membership)),
            ).fetchone()["pk"]
        self._sources[record.key] = (pk, packed)
        # New unless it was there before this transaction (written earlier in it: still new).
        self._unindexed[pk] = self._unindexed.get(pk, known is None)
        if old:
            self._db.executemany(
                "DELETE FROM match_key_hash WHERE keyHash = ? AND sourcePk = ?",
                [(h, pk) for h in old.difference(hashes)],
            )
        self._db.executemany(
            "INSERT OR IGNORE INTO match_key_hash (keyHash, sourcePk) VALUES (?, ?)",
            [(h, pk) for h in sorted(hashes.difference(old))],
        )

    def _known_source(self, key: SourceKey) -> tuple[int, bytes | str] | None:
        """The pk and stored key hashes of `key`'s record (None: there is none yet), before
        it is written."""
        if key in self._sources:
            return self._sources[key]
        row = self._db.execute(
            f"SELECT pk, matchKeys FROM source_record WHERE {_KEY_WHERE}",  # noqa: S608
            key_params(key),
        ).fetchone()
        return (row["pk"], row["matchKeys"]) if row is not None else None

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        cursor = self._db.execute(
            "UPDATE source_record SET goldenId = ?, since = ?, decidedBy = ?, score = ?, "  # noqa: S608
            f"explanation = ? WHERE {_KEY_WHERE}",
            (*_membership_values(membership), *key_params(key)),
        )
        if cursor.rowcount != 1:
            raise NotFound(f"source record {key} does not exist")

    async def members(self, golden_id: str) -> list[StoredSource]:
        rows = self._db.execute(
            f"SELECT {SOURCE_COLUMNS} FROM source_record WHERE goldenId = ? "  # noqa: S608
            "AND retiredAt IS NULL ORDER BY system, sourceId",
            (golden_id,),
        ).fetchall()
        return [stored_source_from_fields(row) for row in rows]

    async def term_counts(self, keys: Sequence[str]) -> list[int]:
        stored = self._term_stored
        missing = [key for key in dict.fromkeys(keys) if key not in stored]
        if missing:
            rows = self._db.execute(
                "SELECT term, count FROM term_count WHERE term IN "  # noqa: S608 - placeholders only
                f"({', '.join('?' * len(missing))})",
                missing,
            ).fetchall()
            found = {row[0]: int(row[1]) for row in rows}
            for key in missing:
                stored[key] = found.get(key, 0)
        pending = self._term_deltas
        return [stored[key] + pending.get(key, 0) for key in keys]

    async def count_terms(self, changes: Mapping[str, int]) -> None:
        pending = self._term_deltas
        for term, delta in changes.items():
            pending[term] = pending.get(term, 0) + delta

    async def golden_ids_of(self, keys: Sequence[SourceKey]) -> list[str | None]:
        if not keys:
            return []
        rows = self._db.execute(_GOLDEN_IDS_OF, (keys_param(keys),)).fetchall()
        found = {int(row["i"]): row["goldenId"] for row in rows}
        return [found.get(index) for index in range(len(keys))]

    async def golden_names(self, golden_ids: Sequence[str]) -> list[str | None]:
        if not golden_ids:
            return []
        rows = self._db.execute(
            "SELECT id, entityType, attributes FROM golden WHERE id IN "
            "(SELECT value FROM json_each(?))",
            (ids_param(golden_ids),),
        )
        return golden_names_in_order(rows, golden_ids)

    async def referrer_goldens(
        self, targets: Sequence[SourceKey], referrer_type: EntityType, attribute: str
    ) -> list[list[str]]:
        found: list[list[str]] = [[] for _ in targets]
        if targets:
            params = (keys_param(targets), attribute, referrer_type.value)
            for row in self._db.execute(_REFERRER_GOLDENS, params):
                found[int(row["i"])].append(row["goldenId"])
        return found

    async def golden_for_update(
        self, golden_id: str, *, with_values: bool = True
    ) -> GoldenView | None:
        # The transaction began IMMEDIATE: it already holds the one write lock. Until stewards
        # pin a value, no golden record has an override history to read.
        overrides = self._any_row(_ANY_OVERRIDE)
        return view_following_merges(self._db, golden_id, with_values, overrides, _WRITTEN)

    async def add_override_event(self, golden_id: str, event: OverrideEvent) -> None:
        if self._db.execute("SELECT 1 FROM golden WHERE id = ?", (golden_id,)).fetchone() is None:
            raise NotFound(f"golden record {golden_id} does not exist")
        self._row_added(_ANY_OVERRIDE)
        self._db.execute(
            "INSERT INTO steward_override "
            "(goldenId, revision, attribute, action, value, actor, reason, at) VALUES "
            "(:goldenId, :revision, :attribute, :action, :value, :actor, :reason, :at)",
            {**override_event_to_fields(event), "goldenId": golden_id, "at": iso_text(event.at)},
        )

    async def update_golden(
        self,
        golden_id: str,
        attributes: Sequence[AttributeValue],
        at: datetime,
        rule_set_hash: str,
    ) -> int:
        text = golden_attributes_to_json(attributes)
        row = self._db.execute(
            "UPDATE golden SET attributes = ?, ruleSetHash = ?, version = version + 1, "
            "updatedAt = ? WHERE id = ? RETURNING version, entityType",
            (text, rule_set_hash, iso_text(at), golden_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"golden record {golden_id} does not exist")
        _WRITTEN.put(text, tuple(attributes))
        version: int = row["version"]
        self._golden_versions[golden_id] = version
        self._golden_types[golden_id] = row["entityType"]
        return version
