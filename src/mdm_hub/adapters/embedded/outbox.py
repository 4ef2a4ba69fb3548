"""The embedded outbox: change events buffered by the transaction and inserted by its
`finish`, just before commit (SQLite has one writer, so positions follow commit order); read
in position order, optionally only of some entity types or of golden records some systems
hold a member of."""

from __future__ import annotations

import math
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from mdm_hub.adapters.codecs.changes import change_event_from_fields
from mdm_hub.adapters.codecs.values import dumps, kept_as_json
from mdm_hub.domain.changes import ChangeEntry, ChangeEvent, in_causal_order
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.text import has_surrogate

T = TypeVar("T")

# The entity type, and the version unless the transaction saw it written, come from the golden
# record as the transaction leaves it.
_INSERT = """
INSERT INTO change_event (kind, goldenId, entityType, goldenVersion, change, system,
  sourceEntityType, sourceId, actor, correlationId, at)
SELECT ?, g.id, g.entityType, coalesce(?, g.version), ?, ?, ?, ?, ?, ?, ?
FROM golden g WHERE g.id = ?
"""
# An event of a golden record this transaction wrote, its version known: no read of the golden
# record (what the statement above would find is in hand; it is a third of the insert's cost).
_INSERT_KNOWN = """
INSERT INTO change_event (kind, goldenId, entityType, goldenVersion, change, system,
  sourceEntityType, sourceId, actor, correlationId, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_CHANGES = """
SELECT * FROM change_event c
WHERE c.position > :after
  AND (:types IS NULL OR c.entityType IN (SELECT value FROM json_each(:types)))
  AND (:systems IS NULL OR EXISTS (
    SELECT 1 FROM source_record s
    WHERE s.goldenId = c.goldenId AND s.system IN (SELECT value FROM json_each(:systems))))
ORDER BY c.position
LIMIT :limit
"""

_LAST_POSITION = """
SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_event'), 0)
"""


class EmbeddedOutboxWrites:
    """Mixed into EmbeddedTransaction: `append_changes` buffers, `flush_changes` inserts."""

    _db: sqlite3.Connection
    _changes: list[tuple[ChangeEntry, int | None]]
    # Versions this transaction wrote, by golden ID: an event carries the version its own
    # work left (a group commit's later work may move it again).
    _golden_versions: dict[str, int]
    # The entity type of each golden record this transaction created or updated.
    _golden_types: dict[str, str]

    async def append_changes(self, changes: Sequence[ChangeEntry]) -> None:
        self._changes += [(e, self._golden_versions.get(e.golden_id)) for e in changes]

    def flush_changes(self) -> None:
        if not self._changes:
            return
        types = self._golden_types
        # Consecutive events of the same statement go in one executemany: positions follow
        # the causal order whichever statement writes an event.
        runs: list[tuple[str, list[tuple[object, ...]]]] = []
        for entry, version in in_causal_order(self._changes):
            source = entry.source
            context = entry.context
            fields = (
                source.system if source else None,
                str(source.entity_type) if source else None,
                source.source_id if source else None,
                context.actor,
                context.correlation_id,
                iso_text(entry.at),
            )
            kind = str(entry.kind)
            change = _change_text(entry.change)
            entity_type = types.get(entry.golden_id)
            row: tuple[object, ...]
            if version is not None and entity_type is not None:
                statement = _INSERT_KNOWN
                row = (kind, entry.golden_id, entity_type, version, change, *fields)
            else:
                statement = _INSERT
                row = (kind, version, change, *fields, entry.golden_id)
            if runs and runs[-1][0] is statement:
                runs[-1][1].append(row)
            else:
                runs.append((statement, [row]))
        for statement, rows in runs:
            self._db.executemany(statement, rows)
        self._changes = []


def _change_text(change: Mapping[str, Any]) -> str:
    """`change_entry_to_fields`' text of a change body (kept_as_json, then dumps): a body of
    plain JSON values whose text holds no lone surrogate is written as it is."""
    if _plain(change):
        text = dumps(change)
        if not has_surrogate(text):
            return text
    return dumps(kept_as_json(dict(change)))


def _plain(value: object) -> bool:
    """Whether `value` is a JSON value kept_as_json leaves as it is (text aside, which the
    caller checks once): text keys, finite floats, no integer beyond 64 bits."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(cast(float, value))
    if kind is dict:
        return all(
            type(key) is str and _plain(item) for key, item in cast(dict[Any, Any], value).items()
        )
    if kind is list or kind is tuple:
        return all(_plain(item) for item in cast(list[Any], value))
    return False


class EmbeddedChangeFeed(ABC):
    """The outbox, read and pruned (mixed into EmbeddedStore)."""

    @abstractmethod
    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

    async def changes(
        self,
        after: int,
        limit: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
    ) -> list[ChangeEvent]:
        params = {
            "after": after,
            "limit": limit,
            "types": dumps([str(t) for t in entity_types]) if entity_types is not None else None,
            "systems": dumps(list(systems)) if systems is not None else None,
        }
        rows = await self._locked(lambda db: db.execute(_CHANGES, params).fetchall())
        return [change_event_from_fields(dict(row)) for row in rows]

    async def last_change_position(self) -> int:
        # AUTOINCREMENT keeps the highest position ever given in sqlite_sequence, pruned or not.
        def last(db: sqlite3.Connection) -> int:
            row = db.execute(_LAST_POSITION).fetchone()
            return int(row[0])

        return await self._locked(last)

    async def prune_changes(self, before: datetime) -> int:
        def prune(db: sqlite3.Connection) -> int:
            return db.execute("DELETE FROM change_event WHERE at < ?", (iso_text(before),)).rowcount

        return await self._locked(prune)
