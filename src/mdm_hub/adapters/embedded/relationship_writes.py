"""References and the edges derived from them, inside one SQLite transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from mdm_hub.adapters.codecs.relationships import (
    linked_reference_from_fields,
    reference_key,
    reference_to_fields,
)
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.adapters.embedded.sql import KEY_WHERE, KEYS_CTE, ids_param, key_params, keys_param
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.records import SourceKey, StoredSource
from mdm_hub.domain.relationships import LinkedReference, ReferenceChanges, RelationshipType
from mdm_hub.errors import NotFound

_INSERT_REFERENCE = """
INSERT INTO reference (key, sourcePk, attribute, type, targetSystem, targetEntityType,
  targetSourceId, targetPk, sourceVersion, observedAt, recordedAt)
VALUES (:key, :sourcePk, :attribute, :type, :targetSystem, :targetEntityType,
  :targetSourceId, :targetPk, :sourceVersion, :observedAt, :recordedAt)
"""

_ANY_AWAITED = "SELECT 1 FROM reference WHERE targetPk IS NULL LIMIT 1"
_AWAITING = "targetPk IS NULL AND targetSystem = ? AND targetEntityType = ? AND targetSourceId = ?"

_DERIVE_EDGES = """
INSERT INTO relationship (fromId, type, toId)
SELECT DISTINCT s.goldenId, r.type, t.goldenId
FROM source_record s
JOIN reference r ON r.sourcePk = s.pk
JOIN source_record t ON t.pk = r.targetPk
WHERE s.goldenId IN (SELECT value FROM json_each(?)) AND t.goldenId <> s.goldenId
"""

# Simple paths only (no golden twice), so the walk ends even if a merge left a loop behind.
_PATH = """
WITH RECURSIVE chain(id, path) AS (
  SELECT :fromId, json_array(:fromId)
  UNION ALL
  SELECT e.toId, json_insert(chain.path, '$[#]', e.toId)
  FROM chain JOIN relationship e ON e.fromId = chain.id AND e.type = :type
  WHERE chain.id <> :toId
    AND NOT EXISTS (SELECT 1 FROM json_each(chain.path) WHERE value = e.toId)
)
SELECT path FROM chain WHERE id = :toId ORDER BY json_array_length(path) LIMIT 1
"""

_MERGE_EDGES = """
INSERT OR IGNORE INTO relationship (fromId, type, toId)
SELECT :survivor, type, toId FROM relationship WHERE fromId = :loser AND toId <> :survivor
UNION ALL
SELECT fromId, type, :survivor FROM relationship WHERE toId = :loser AND fromId <> :survivor
"""

_DEPENDENT_GOLDENS = f"""
WITH {KEYS_CTE}
SELECT s.goldenId AS id FROM keys
JOIN source_record s ON {KEY_WHERE.format(alias="s")}
UNION
SELECT referrer.goldenId FROM keys
JOIN source_record t ON {KEY_WHERE.format(alias="t")}
JOIN reference r ON r.targetPk = t.pk
JOIN source_record referrer ON referrer.pk = r.sourcePk
"""  # noqa: S608 - constant fragments only


class EmbeddedRelationshipWrites:
    """The relationship half of the embedded StoreTransaction."""

    _db: sqlite3.Connection
    # Source records this transaction has read or written, by key: their pk (a pk never
    # changes and source records are never deleted) and stored key hashes; None for a key
    # found to have no record yet.
    _sources: dict[SourceKey, tuple[int, bytes | str] | None]
    # What this transaction has found (or made) true of a whole table, by its `SELECT 1 ...
    # LIMIT 1` query. Most stores have no awaited reference and no not-a-match most of the
    # time, and then no arriving record needs a lookup of its own.
    _has_rows: dict[str, bool]

    def _any_row(self, query: str) -> bool:
        """Whether `query` finds a row, asked once per transaction; a write that adds such a
        row says so with `_row_added`."""
        found = self._has_rows.get(query)
        if found is None:
            found = self._has_rows[query] = self._db.execute(query).fetchone() is not None
        return found

    def _row_added(self, query: str) -> None:
        self._has_rows[query] = True

    def _source_row(self, key: SourceKey) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT pk, goldenId FROM source_record "
            "WHERE system = ? AND entityType = ? AND sourceId = ?",
            key_params(key),
        ).fetchone()
        return row

    def _known_pk(self, key: SourceKey) -> int:
        known = self._sources.get(key)
        if known is not None:
            return known[0]
        row = self._source_row(key)
        if row is None:
            raise NotFound(f"source record {key} does not exist")
        pk: int = row["pk"]
        return pk

    async def put_references(
        self, record: StoredSource, changes: ReferenceChanges
    ) -> list[str | None]:
        pk = self._known_pk(record.key)
        self._db.execute(
            "DELETE FROM reference WHERE sourcePk = ? "
            "AND attribute IN (SELECT value FROM json_each(?))",
            (pk, dumps(changes.replaced_attributes)),
        )
        targets: list[str | None] = []
        for ref in changes.asserted:
            target = self._source_row(ref.target)
            self._db.execute(
                _INSERT_REFERENCE,
                {
                    **reference_to_fields(ref),
                    "key": reference_key(record.key, ref.attribute),
                    "sourcePk": pk,
                    "targetPk": target["pk"] if target else None,
                    "sourceVersion": record.version,
                    "observedAt": iso_text(record.observed_at),
                    "recordedAt": iso_text(record.recorded_at),
                },
            )
            targets.append(target["goldenId"] if target else None)
            if target is None:
                self._row_added(_ANY_AWAITED)
        return targets

    async def link_pending(self, target: SourceKey) -> list[LinkedReference]:
        pk = self._known_pk(target)
        linked = await self.awaiting(target)
        if not linked:  # most records arrive awaited by nobody: one indexed read
            return []
        self._db.execute(
            f"UPDATE reference SET targetPk = ? WHERE {_AWAITING}",  # noqa: S608
            (pk, *key_params(target)),
        )
        return linked

    async def awaiting(self, target: SourceKey) -> list[LinkedReference]:
        if not self._any_row(_ANY_AWAITED):
            return []
        rows = self._db.execute(
            "SELECT s.system, s.entityType, s.sourceId, s.goldenId, r.attribute, r.type "  # noqa: S608
            f"FROM reference r JOIN source_record s ON s.pk = r.sourcePk WHERE {_AWAITING} "
            "ORDER BY r.key",
            key_params(target),
        ).fetchall()
        return [linked_reference_from_fields(row) for row in rows]

    async def sync_relationships(self, golden_ids: Sequence[str]) -> None:
        ids = ids_param(golden_ids)
        self._db.execute(
            "DELETE FROM relationship WHERE fromId IN (SELECT value FROM json_each(?))", (ids,)
        )
        self._db.execute(_DERIVE_EDGES, (ids,))

    async def hierarchy_path(
        self, from_id: str, to_id: str, relationship: RelationshipType
    ) -> list[str] | None:
        row = self._db.execute(
            _PATH, {"fromId": from_id, "toId": to_id, "type": str(relationship)}
        ).fetchone()
        if row is None:
            return None
        path: list[str] = json.loads(row["path"])
        return path

    async def merge_relationships(self, loser_id: str, survivor_id: str) -> None:
        for golden_id in (loser_id, survivor_id):
            found = self._db.execute("SELECT 1 FROM golden WHERE id = ?", (golden_id,))
            if found.fetchone() is None:
                raise NotFound(f"golden record {golden_id} does not exist")
        self._db.execute(_MERGE_EDGES, {"loser": loser_id, "survivor": survivor_id})
        self._db.execute(
            "DELETE FROM relationship WHERE fromId = :loser OR toId = :loser", {"loser": loser_id}
        )

    async def move_relationships(self, moved: Sequence[SourceKey], from_golden_id: str) -> None:
        rows = self._db.execute(_DEPENDENT_GOLDENS, (keys_param(moved),)).fetchall()
        await self.sync_relationships([from_golden_id, *(row["id"] for row in rows)])
