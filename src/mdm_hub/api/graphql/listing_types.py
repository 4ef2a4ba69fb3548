"""Relay-style connections for listings, and the pending references they list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

import strawberry

from mdm_hub.api.graphql.scalars import RelationshipType
from mdm_hub.api.graphql.types import SourceRef
from mdm_hub.domain import relationships
from mdm_hub.domain.paging import Page

T = TypeVar("T")
ItemT = TypeVar("ItemT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[ItemT], node: Callable[[ItemT], T]) -> Connection[T]:
        edges = [Edge(cursor=cursor, node=node(item)) for cursor, item in page.items]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
        )


@strawberry.type(
    description="A reference to a record the hub has not seen yet, parked until it arrives."
)
class PendingReference:
    referrer: SourceRef = strawberry.field(description="The source record that refers.")
    referrer_golden_id: strawberry.ID
    attribute: str
    relationship_type: RelationshipType = strawberry.field(
        description="The relationship it becomes when its target arrives."
    )
    target: SourceRef = strawberry.field(description="The record it waits for.")
    source_version: int
    since: datetime = strawberry.field(description="When the hub parked it.")
    age_seconds: int = strawberry.field(description="How long it has waited so far.")

    @classmethod
    def of(cls, pending: relationships.PendingReference, now: datetime) -> PendingReference:
        return cls(
            referrer=SourceRef.of(pending.referrer),
            referrer_golden_id=strawberry.ID(pending.referrer_golden_id),
            attribute=pending.reference.attribute,
            relationship_type=pending.reference.relationship,
            target=SourceRef.of(pending.reference.target),
            source_version=pending.source_version,
            since=pending.recorded_at,
            age_seconds=max(0, int((now - pending.recorded_at).total_seconds())),
        )
