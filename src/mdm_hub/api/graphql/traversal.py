"""Traversals behind GoldenRecord's relationship fields, through the per-request loaders.

They answer in domain values (edges, golden views); the GraphQL types wrap them.
"""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.api.graphql.loaders import EdgesOf, Loaders, WalkFrom
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.relationships import (
    HIERARCHY_OF,
    MAX_HIERARCHY_DEPTH,
    Direction,
    Relationship,
    RelationshipType,
    most_recently_asserted,
)
from mdm_hub.errors import InvalidInput, Problem


async def _views(loaders: Loaders, golden_ids: Sequence[str]) -> dict[str, GoldenView]:
    views = await loaders.goldens.load_many(list(golden_ids))
    return {view.golden.id: view for view in views if view is not None}


async def neighbours(
    loaders: Loaders,
    golden_id: str,
    relationship: RelationshipType | None,
    direction: Direction,
) -> list[tuple[Relationship, GoldenView]]:
    """Edges in one direction with the golden record at each one's other end."""
    edges = await loaders.edges.load(EdgesOf(golden_id, relationship, direction))
    views = await _views(loaders, [edge.other_end(golden_id) for edge in edges])
    return [
        (edge, views[edge.other_end(golden_id)])
        for edge in edges
        if edge.other_end(golden_id) in views
    ]


async def one_neighbour(
    loaders: Loaders, golden_id: str, relationship: RelationshipType
) -> GoldenView | None:
    """The record this one refers to by `relationship`; if members disagree, the most
    recently asserted."""
    found = dict(await neighbours(loaders, golden_id, relationship, Direction.OUT))
    chosen = most_recently_asserted(list(found))
    return found[chosen] if chosen else None


async def hierarchy(
    loaders: Loaders,
    golden_id: str,
    entity_type: EntityType,
    direction: Direction,
    max_depth: int,
) -> list[tuple[int, GoldenView]]:
    """Ancestors (OUT) or descendants (IN) along the entity type's hierarchy, nearest first."""
    if not 1 <= max_depth <= MAX_HIERARCHY_DEPTH:
        raise InvalidInput([Problem("maxDepth", f"must be 1 to {MAX_HIERARCHY_DEPTH}")])
    relationship = HIERARCHY_OF.get(entity_type)
    if relationship is None:
        return []
    steps = await loaders.walks.load(WalkFrom(golden_id, relationship, direction, max_depth))
    views = await _views(loaders, [step.golden_id for step in steps])
    return [(step.depth, views[step.golden_id]) for step in steps if step.golden_id in views]
