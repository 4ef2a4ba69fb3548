"""References and the edges derived from them, inside one Neo4j managed transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from mdm_hub.adapters.codecs.relationships import (
    linked_reference_from_fields,
    reference_key,
    reference_to_fields,
)
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.params import key_params
from mdm_hub.domain.records import SourceKey, StoredSource
from mdm_hub.domain.relationships import (
    LinkedReference,
    ReferenceChanges,
    RelationshipType,
)
from mdm_hub.errors import NotFound

RELATIONSHIP_TYPES = [str(t) for t in RelationshipType]


class Neo4jRelationshipWrites(ABC):
    """The relationship half of the Neo4j StoreTransaction."""

    @abstractmethod
    async def _rows(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def put_references(
        self, record: StoredSource, changes: ReferenceChanges
    ) -> list[str | None]:
        rows = await self._rows(
            Query.PUT_REFERENCES,
            **key_params(record.key),
            replaced=changes.replaced_attributes,
            asserted=[
                {**reference_to_fields(ref), "key": reference_key(record.key, ref.attribute)}
                for ref in changes.asserted
            ],
            version=record.version,
            observedAt=record.observed_at,
            recordedAt=record.recorded_at,
        )
        if not rows:
            raise NotFound(f"source record {record.key} does not exist")
        targets: dict[str, str | None] = dict(rows[0]["targets"])
        return [targets[reference_key(record.key, ref.attribute)] for ref in changes.asserted]

    async def link_pending(self, target: SourceKey) -> list[LinkedReference]:
        rows = await self._rows(Query.LINK_PENDING, **key_params(target))
        if not rows:
            raise NotFound(f"source record {target} does not exist")
        return [linked_reference_from_fields(fields) for fields in rows[0]["linked"]]

    async def awaiting(self, target: SourceKey) -> list[LinkedReference]:
        rows = await self._rows(Query.AWAITING, **key_params(target))
        return [linked_reference_from_fields(fields) for fields in rows]

    async def sync_relationships(self, golden_ids: Sequence[str]) -> None:
        await self._rows(
            Query.SYNC_RELATIONSHIPS, goldenIds=list(golden_ids), types=RELATIONSHIP_TYPES
        )

    async def hierarchy_path(
        self, from_id: str, to_id: str, relationship: RelationshipType
    ) -> list[str] | None:
        rows = await self._rows(
            Query.HIERARCHY_PATH, fromId=from_id, toId=to_id, type=str(relationship)
        )
        if not rows:
            return None
        path: list[str] = rows[0]["path"]
        return path

    async def merge_relationships(self, loser_id: str, survivor_id: str) -> None:
        rows = await self._rows(
            Query.MERGE_RELATIONSHIPS,
            loserId=loser_id,
            survivorId=survivor_id,
            types=RELATIONSHIP_TYPES,
        )
        if rows[0]["found"] != 1:
            raise NotFound(f"golden record {loser_id} or {survivor_id} does not exist")

    async def move_relationships(self, moved: Sequence[SourceKey], from_golden_id: str) -> None:
        rows = await self._rows(Query.DEPENDENT_GOLDENS, keys=[key_params(k) for k in moved])
        await self.sync_relationships([from_golden_id, *(row["id"] for row in rows)])
