"""The Neo4j outbox: change events buffered by the transaction and appended by its `finish`,
the transaction's last step, with its other held writes (flush_writes.cypher; the head's lock
is held only for the commit); read in position order, optionally only of some entity types or
of golden records some systems hold a member of."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from mdm_hub.adapters.codecs.changes import change_entry_to_fields, change_event_from_fields
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.times import time_texts
from mdm_hub.domain.changes import ChangeEntry, ChangeEvent, in_causal_order
from mdm_hub.domain.entity_types import EntityType


class Neo4jOutboxWrites(ABC):
    """Mixed into Neo4jTransaction: `append_changes` buffers, `finish` appends."""

    _changes: list[tuple[ChangeEntry, int | None]]
    # Versions this transaction wrote, by golden ID: an event carries the version its own
    # work left (a group commit's later work may move it again).
    _golden_versions: dict[str, int]

    @abstractmethod
    async def flush(self, changes: Sequence[dict[str, Any]] = ()) -> None: ...

    async def append_changes(self, changes: Sequence[ChangeEntry]) -> None:
        self._changes += [(e, self._golden_versions.get(e.golden_id)) for e in changes]

    async def finish(self) -> None:
        """The work is done and about to commit: send what is held, with the buffered
        events, in one statement."""
        rows = [
            time_texts(change_entry_to_fields(*item), ("at",))
            for item in in_causal_order(self._changes)
        ]
        self._changes = []
        await self.flush(rows)


class Neo4jChangeFeed(ABC):
    """The outbox, read and pruned (mixed into Neo4jStore)."""

    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def _write_one(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def changes(
        self,
        after: int,
        limit: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
    ) -> list[ChangeEvent]:
        rows = await self._read(
            Query.CHANGES,
            after=after,
            limit=limit,
            entityTypes=[str(t) for t in entity_types] if entity_types is not None else None,
            systems=list(systems) if systems is not None else None,
        )
        return [change_event_from_fields(row["change"]) for row in rows]

    async def last_change_position(self) -> int:
        rows = await self._read(Query.LAST_CHANGE_POSITION)
        return int(rows[0]["position"]) if rows else 0

    async def prune_changes(self, before: datetime) -> int:
        # As an offset, as events are written: Neo4j orders a zone-named time (pytz's UTC,
        # as the driver reads one back) apart from offset times.
        [row] = await self._write_one(Query.PRUNE_CHANGES, before=before.astimezone(UTC))
        pruned: int = row["pruned"]
        return pruned
