"""The embedded outbox: change events buffered by the transaction and inserted by its
`finish`, just before commit (SQLite has one writer, so positions follow commit order); read
in position order, optionally only of some entity types or of golden records some systems
hold a member of."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from mdm_hub.adapters.codecs.changes import change_entry_to_fields, change_event_from_fields
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.domain.changes import ChangeEntry, ChangeEvent, in_causal_order
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.moments import iso_text

T = TypeVar("T")

# The entity type, and the version unless the transaction saw it written, come from the golden
# record as the transaction leaves it.
_INSERT = """
INSERT INTO change_event (kind, goldenId, entityType, goldenVersion, change, system,
  sourceEntityType, sourceId, actor, correlationId, at)
SELECT :kind, g.id, g.entityType, coalesce(:goldenVersion, g.version), :change, :system,
  :sourceEntityType, :sourceId, :actor, :correlationId, :at
FROM golden g WHERE g.id = :goldenId
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

    async def append_changes(self, changes: Sequence[ChangeEntry]) -> None:
        self._changes += [(e, self._golden_versions.get(e.golden_id)) for e in changes]

    def flush_changes(self) -> None:
        if not self._changes:
            return
        rows = []
        for entry, version in in_causal_order(self._changes):
            row = change_entry_to_fields(entry, version)
            row["at"] = iso_text(entry.at)
            rows.append(row)
        self._db.executemany(_INSERT, rows)
        self._changes = []


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
