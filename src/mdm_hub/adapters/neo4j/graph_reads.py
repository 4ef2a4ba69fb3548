"""Reads of golden records, their relationships and pending references (Neo4j)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mdm_hub.adapters.codecs.goldens import golden_from_fields
from mdm_hub.adapters.codecs.overrides import override_event_from_fields
from mdm_hub.adapters.codecs.relationships import (
    pending_reference_from_fields,
    relationships_from_rows,
)
from mdm_hub.adapters.codecs.sources import members_from_rows
from mdm_hub.adapters.cursors import after_position, golden_position, page_of, pending_position
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.relationship_writes import RELATIONSHIP_TYPES
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.paging import Page
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.relationships import (
    Direction,
    HierarchyStep,
    PendingReference,
    Relationship,
    RelationshipType,
)


def golden_view(row: Mapping[str, Any], with_values: bool = True) -> GoldenView:
    """A row with the golden node's map as `golden`, its members' maps as `members` (retired
    ones among them), its override events as `overrides`, and (for a merged-away ID)
    `mergedFrom`."""
    live, retired = members_from_rows(row["members"])
    return GoldenView(
        golden_from_fields(row["golden"], with_values),
        live,
        tuple(override_event_from_fields(event) for event in row.get("overrides", ())),
        row.get("mergedFrom"),
        retired,
    )


def _after(cursor: str | None) -> dict[str, Any]:
    at, key = after_position(cursor)
    return {"afterAt": at, "afterKey": key}


class Neo4jGraphReads(ABC):
    """The relationship and listing reads of the Neo4j store."""

    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def get_goldens(self, golden_ids: Sequence[str]) -> list[GoldenView | None]:
        rows = await self._read(Query.GET_GOLDENS, ids=list(golden_ids))
        found = {row["askedId"]: golden_view(row) for row in rows}
        return [found.get(golden_id) for golden_id in golden_ids]

    async def list_goldens(
        self,
        entity_type: EntityType,
        limit: int,
        after: str | None,
        updated_since: datetime | None = None,
        systems: Sequence[str] | None = None,
    ) -> Page[GoldenView]:
        rows = await self._read(
            Query.LIST_GOLDENS,
            entityType=str(entity_type),
            limit=limit + 1,
            # As an offset time, as stored (Neo4j orders zone-named times apart).
            updatedSince=updated_since.astimezone(UTC) if updated_since else None,
            systems=list(systems) if systems is not None else None,
            **_after(after),
        )
        return page_of([golden_view(row) for row in rows], limit, golden_position)

    async def relationships(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType | None,
        direction: Direction,
    ) -> list[Relationship]:
        rows = await self._read(
            Query.RELATIONSHIPS,
            goldenIds=list(golden_ids),
            types=[str(relationship)] if relationship else RELATIONSHIP_TYPES,
            outgoing=direction is Direction.OUT,
        )
        return relationships_from_rows(rows)

    async def walk(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType,
        direction: Direction,
        max_depth: int,
    ) -> list[HierarchyStep]:
        rows = await self._read(
            Query.WALK,
            goldenIds=list(golden_ids),
            type=str(relationship),
            outgoing=direction is Direction.OUT,
            maxDepth=max_depth,
        )
        return [HierarchyStep(row["anchorId"], row["goldenId"], row["depth"]) for row in rows]

    async def pending_references(
        self, limit: int, after: str | None, system: str | None = None
    ) -> Page[PendingReference]:
        rows = await self._read(
            Query.PENDING_REFERENCES, limit=limit + 1, system=system, **_after(after)
        )
        return page_of(
            [pending_reference_from_fields(row) for row in rows], limit, pending_position
        )
