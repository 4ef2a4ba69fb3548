"""Reads and writes inside one SQLite transaction (the embedded StoreTransaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from mdm_hub.adapters.codec import dumps, golden_attributes_to_json, stored_source
from mdm_hub.adapters.embedded.relationship_writes import EmbeddedRelationshipWrites
from mdm_hub.adapters.embedded.sql import key_params
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import AttributeValue, Membership, SourceKey, StoredSource
from mdm_hub.errors import NotFound

SOURCE_COLUMNS = (
    "system, entityType, sourceId, attributes, contentHash, version, observedAt, recordedAt"
)
_KEY_WHERE = "system = ? AND entityType = ? AND sourceId = ?"


class EmbeddedTransaction(EmbeddedRelationshipWrites):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        row = self._db.execute(
            f"SELECT {SOURCE_COLUMNS}, goldenId, since, decidedBy, score "  # noqa: S608
            f"FROM source_record WHERE {_KEY_WHERE}",
            key_params(key),
        ).fetchone()
        if row is None:
            return None
        membership = Membership(
            row["goldenId"], datetime.fromisoformat(row["since"]), row["decidedBy"], row["score"]
        )
        return stored_source(row), membership

    async def lock_keys(self, keys: Sequence[str]) -> None:
        # The embedded store runs one write transaction at a time (BEGIN IMMEDIATE).
        return None

    async def goldens_with_keys(self, entity_type: EntityType, keys: Sequence[str]) -> list[str]:
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            "SELECT DISTINCT g.id, g.createdAt FROM match_key k "  # noqa: S608
            "JOIN source_record s ON s.pk = k.sourcePk JOIN golden g ON g.id = s.goldenId "
            f"WHERE k.key IN ({marks}) AND g.entityType = ? ORDER BY g.createdAt, g.id",
            (*keys, str(entity_type)),
        ).fetchall()
        return [row["id"] for row in rows]

    async def create_golden(self, golden_id: str, entity_type: EntityType, at: datetime) -> None:
        self._db.execute(
            "INSERT INTO golden (id, entityType, attributes, version, createdAt, updatedAt) "
            "VALUES (?, ?, '[]', 0, ?, ?)",
            (golden_id, str(entity_type), at.isoformat(), at.isoformat()),
        )

    async def put_source(self, record: StoredSource, strong_keys: Sequence[str]) -> None:
        values = (
            dumps(record.attributes),
            record.content_hash,
            record.version,
            record.observed_at.isoformat(),
            record.recorded_at.isoformat(),
        )
        self._db.execute(
            f"INSERT INTO source_record ({SOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (system, entityType, sourceId) DO UPDATE SET "
            "attributes = excluded.attributes, "
            "contentHash = excluded.contentHash, version = excluded.version, "
            "observedAt = excluded.observedAt, recordedAt = excluded.recordedAt",
            (*key_params(record.key), *values),
        )
        pk = self._source_pk(record.key)
        self._db.execute(
            "INSERT INTO source_version (sourcePk, attributes, contentHash, version, observedAt, "
            "recordedAt) VALUES (?, ?, ?, ?, ?, ?)",
            (pk, *values),
        )
        self._db.execute("DELETE FROM match_key WHERE sourcePk = ?", (pk,))
        self._db.executemany(
            "INSERT INTO match_key (key, sourcePk) VALUES (?, ?)", [(k, pk) for k in strong_keys]
        )

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        cursor = self._db.execute(
            f"UPDATE source_record SET goldenId = ?, since = ?, decidedBy = ?, score = ? "  # noqa: S608
            f"WHERE {_KEY_WHERE}",
            (
                membership.golden_id,
                membership.since.isoformat(),
                membership.decided_by,
                membership.score,
                *key_params(key),
            ),
        )
        if cursor.rowcount != 1:
            raise NotFound(f"source record {key} does not exist")

    async def members(self, golden_id: str) -> list[StoredSource]:
        rows = self._db.execute(
            f"SELECT {SOURCE_COLUMNS} FROM source_record WHERE goldenId = ? "  # noqa: S608
            "ORDER BY system, sourceId",
            (golden_id,),
        ).fetchall()
        return [stored_source(row) for row in rows]

    async def update_golden(
        self, golden_id: str, attributes: Sequence[AttributeValue], at: datetime
    ) -> int:
        row = self._db.execute(
            "UPDATE golden SET attributes = ?, version = version + 1, updatedAt = ? "
            "WHERE id = ? RETURNING version",
            (golden_attributes_to_json(attributes), at.isoformat(), golden_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"golden record {golden_id} does not exist")
        version: int = row["version"]
        return version

    def _source_pk(self, key: SourceKey) -> int:
        pk: int = self._db.execute(
            f"SELECT pk FROM source_record WHERE {_KEY_WHERE}",  # noqa: S608
            key_params(key),
        ).fetchone()["pk"]
        return pk
