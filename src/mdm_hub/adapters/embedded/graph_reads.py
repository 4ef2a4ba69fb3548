"""Reads of golden records, their relationships and pending references (SQLite)."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from mdm_hub.adapters.codecs.goldens import golden_from_fields
from mdm_hub.adapters.codecs.overrides import override_event_from_fields
from mdm_hub.adapters.codecs.relationships import (
    pending_reference_from_fields,
    relationships_from_rows,
)
from mdm_hub.adapters.codecs.sources import members_from_rows
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.adapters.cursors import after_position, golden_position, page_of, pending_position
from mdm_hub.adapters.embedded.sql import ids_param
from mdm_hub.adapters.embedded.transaction import MEMBER_COLUMNS, view_following_merges
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.paging import Page
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.relationships import (
    Direction,
    HierarchyStep,
    PendingReference,
    Relationship,
    RelationshipType,
)

T = TypeVar("T")

# Which end of an edge a lookup starts from, and which it moves to, per direction.
_ENDS = {Direction.OUT: ("fromId", "toId"), Direction.IN: ("toId", "fromId")}

_AFTER = "(:afterAt IS NULL OR {at} > :afterAt OR ({at} = :afterAt AND {key} > :afterKey))"

_RELATIONSHIPS = """
SELECT e.fromId, e.type, e.toId, s.system, s.entityType, s.sourceId, r.attribute,
       r.sourceVersion, r.observedAt, r.recordedAt
FROM relationship e
JOIN source_record s ON s.goldenId = e.fromId
JOIN reference r ON r.sourcePk = s.pk AND r.type = e.type
JOIN source_record t ON t.pk = r.targetPk AND t.goldenId = e.toId
WHERE e.{anchor} IN (SELECT value FROM json_each(:ids)) AND (:type IS NULL OR e.type = :type)
ORDER BY e.fromId, e.type, e.toId, s.system, s.sourceId, r.attribute
"""

# UNION drops repeated (anchor, golden, depth) rows; the depth bound ends every walk.
_WALK = """
WITH RECURSIVE walk(anchor, id, depth) AS (
  SELECT value, value, 0 FROM json_each(:ids)
  UNION
  SELECT walk.anchor, e.{next}, walk.depth + 1
  FROM walk JOIN relationship e ON e.{this} = walk.id AND e.type = :type
  WHERE walk.depth < :maxDepth
)
SELECT anchor AS anchorId, id AS goldenId, min(depth) AS depth FROM walk
WHERE id <> anchor GROUP BY anchor, id ORDER BY anchor, depth, id
"""

_PENDING = f"""
SELECT s.system, s.entityType, s.sourceId, s.goldenId, r.attribute, r.type, r.targetSystem,
       r.targetEntityType, r.targetSourceId, r.sourceVersion, r.recordedAt
FROM reference r JOIN source_record s ON s.pk = r.sourcePk
WHERE r.targetPk IS NULL AND {_AFTER.format(at="r.recordedAt", key="r.key")}
  AND (:system IS NULL OR s.system = :system OR r.targetSystem = :system)
ORDER BY r.recordedAt, r.key LIMIT :limit
"""  # noqa: S608 - constant fragments only

# The systems filter is the change feed's (outbox.py): a member, live or retired, from one.
_GOLDENS_OF_TYPE = f"""
SELECT * FROM golden g WHERE entityType = :entityType AND mergedInto IS NULL
  AND {_AFTER.format(at="createdAt", key="id")}
  AND (:updatedSince IS NULL OR updatedAt >= :updatedSince)
  AND (:systems IS NULL OR EXISTS (
    SELECT 1 FROM source_record s
    WHERE s.goldenId = g.id AND s.system IN (SELECT value FROM json_each(:systems))))
ORDER BY createdAt, id LIMIT :limit
"""  # noqa: S608 - constant fragments only


def _after(cursor: str | None) -> dict[str, str | None]:
    at, key = after_position(cursor)
    return {"afterAt": at.isoformat() if at else None, "afterKey": key}


def _views(db: sqlite3.Connection, goldens: Sequence[Any]) -> list[GoldenView]:
    """Golden rows (sqlite3.Row, typed Any like fetchall's) with their members, in order."""
    members = db.execute(
        f"SELECT {MEMBER_COLUMNS}, goldenId FROM source_record "  # noqa: S608
        "WHERE goldenId IN (SELECT value FROM json_each(?)) ORDER BY system, sourceId",
        (ids_param([row["id"] for row in goldens]),),
    ).fetchall()
    by_golden: dict[str, list[Any]] = {}
    for member in members:
        by_golden.setdefault(member["goldenId"], []).append(member)
    history = db.execute(
        "SELECT * FROM steward_override WHERE goldenId IN (SELECT value FROM json_each(?)) "
        "ORDER BY goldenId, revision",
        (ids_param([row["id"] for row in goldens]),),
    ).fetchall()
    events: dict[str, list[Any]] = {}
    for event in history:
        events.setdefault(event["goldenId"], []).append(event)
    views = []
    for row in goldens:
        live, retired = members_from_rows(by_golden.get(row["id"], []))
        overrides = tuple(override_event_from_fields(e) for e in events.get(row["id"], []))
        views.append(GoldenView(golden_from_fields(row), live, overrides, retired=retired))
    return views


def goldens(db: sqlite3.Connection, golden_ids: Sequence[str]) -> list[GoldenView | None]:
    # In-process SQLite: a few indexed statements per ID cost less than one round trip.
    return [view_following_merges(db, golden_id) for golden_id in golden_ids]


def goldens_of_type(
    db: sqlite3.Connection,
    entity_type: EntityType,
    limit: int,
    after: str | None,
    updated_since: datetime | None = None,
    systems: Sequence[str] | None = None,
) -> list[GoldenView]:
    since = iso_text(updated_since.astimezone(UTC)) if updated_since is not None else None
    params = {
        "entityType": str(entity_type),
        "limit": limit,
        "updatedSince": since,
        "systems": dumps(list(systems)) if systems is not None else None,
    }
    rows = db.execute(_GOLDENS_OF_TYPE, {**params, **_after(after)}).fetchall()
    return _views(db, rows)


def relationships(
    db: sqlite3.Connection,
    golden_ids: Sequence[str],
    relationship: RelationshipType | None,
    direction: Direction,
) -> list[Relationship]:
    anchor, _ = _ENDS[direction]
    rows = db.execute(
        _RELATIONSHIPS.format(anchor=anchor),
        {"ids": ids_param(golden_ids), "type": str(relationship) if relationship else None},
    ).fetchall()
    return relationships_from_rows(rows)


def walk(
    db: sqlite3.Connection,
    golden_ids: Sequence[str],
    relationship: RelationshipType,
    direction: Direction,
    max_depth: int,
) -> list[HierarchyStep]:
    this, next_ = _ENDS[direction]
    rows = db.execute(
        _WALK.format(this=this, next=next_),
        {"ids": ids_param(golden_ids), "type": str(relationship), "maxDepth": max_depth},
    ).fetchall()
    return [HierarchyStep(row["anchorId"], row["goldenId"], row["depth"]) for row in rows]


def pending(
    db: sqlite3.Connection, limit: int, after: str | None, system: str | None
) -> list[PendingReference]:
    rows = db.execute(_PENDING, {"limit": limit, "system": system, **_after(after)}).fetchall()
    return [pending_reference_from_fields(row) for row in rows]


class EmbeddedGraphReads(ABC):
    """Reads of golden records, their relationships and pending references (mixed into
    EmbeddedStore)."""

    @abstractmethod
    async def _reading(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """Run reads in one read transaction, so together they see one state of the store."""

    async def get_goldens(self, golden_ids: Sequence[str]) -> list[GoldenView | None]:
        return await self._reading(lambda db: goldens(db, golden_ids))

    async def list_goldens(
        self,
        entity_type: EntityType,
        limit: int,
        after: str | None,
        updated_since: datetime | None = None,
        systems: Sequence[str] | None = None,
    ) -> Page[GoldenView]:
        views = await self._reading(
            lambda db: goldens_of_type(db, entity_type, limit + 1, after, updated_since, systems)
        )
        return page_of(views, limit, golden_position)

    async def relationships(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType | None,
        direction: Direction,
    ) -> list[Relationship]:
        return await self._reading(
            lambda db: relationships(db, golden_ids, relationship, direction)
        )

    async def walk(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType,
        direction: Direction,
        max_depth: int,
    ) -> list[HierarchyStep]:
        return await self._reading(
            lambda db: walk(db, golden_ids, relationship, direction, max_depth)
        )

    async def pending_references(
        self, limit: int, after: str | None, system: str | None = None
    ) -> Page[PendingReference]:
        found = await self._reading(lambda db: pending(db, limit + 1, after, system))
        return page_of(found, limit, pending_position)
