"""GraphQL types of relationships between golden records, and the walks along them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from mdm_hub.api.graphql.scalars import Direction, EntityType, RelationshipType
from mdm_hub.domain import relationships

if TYPE_CHECKING:
    from mdm_hub.api.graphql.types import GoldenRecord

# GoldenRecord's fields return these types, so they name it lazily to avoid an import cycle.
LazyGoldenRecord = Annotated["GoldenRecord", strawberry.lazy("mdm_hub.api.graphql.types")]


@strawberry.type(description="A source record's reference that asserts a relationship.")
class RelationshipAssertion:
    system: str
    entity_type: EntityType
    source_id: str
    attribute: str
    version: int = strawberry.field(description="The source version that first asserted it.")
    observed_at: datetime = strawberry.field(description="When the source system said so.")
    recorded_at: datetime = strawberry.field(description="When the hub recorded it.")

    @classmethod
    def of(cls, assertion: relationships.Assertion) -> RelationshipAssertion:
        return cls(
            system=assertion.source.system,
            entity_type=assertion.source.entity_type,
            source_id=assertion.source.source_id,
            attribute=assertion.attribute,
            version=assertion.source_version,
            observed_at=assertion.observed_at,
            recorded_at=assertion.recorded_at,
        )


@strawberry.type(description="An edge to another golden record, with who asserted it.")
class Relationship:
    type: RelationshipType
    direction: Direction
    golden: LazyGoldenRecord = strawberry.field(description="The golden record at the other end.")
    provenance: list[RelationshipAssertion]

    @classmethod
    def of(
        cls, edge: relationships.Relationship, direction: Direction, golden: GoldenRecord
    ) -> Relationship:
        return cls(
            type=edge.type,
            direction=direction,
            golden=golden,
            provenance=[RelationshipAssertion.of(a) for a in edge.provenance],
        )


@strawberry.type(description="A golden record reached along a hierarchy, and how far away.")
class HierarchyEntry:
    depth: int
    golden: LazyGoldenRecord
