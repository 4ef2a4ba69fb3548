"""The change feed in GraphQL: `changes(after, first, entityTypes, systems)`, for integrations
and auditors (docs/change-events.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from mdm_hub.api.graphql.listing_types import Connection
from mdm_hub.api.graphql.resolvers import AppInfo
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.api.graphql.types import SourceRef
from mdm_hub.domain.changes import ChangeEvent as DomainChangeEvent
from mdm_hub.services.change_feed import ChangeFeedService, cursor_of

DEFAULT_CHANGES_PAGE = 100


@strawberry.type(
    name="Change", description="A change to master data, as published to downstream systems."
)
class ChangeEvent:
    cursor: str = strawberry.field(description="Resume the feed after this event.")
    kind: str = strawberry.field(
        description="golden.created, golden.attributes_changed, golden.merged, "
        "golden.unmerged, member.linked, member.moved, member.retired, relationship.added, "
        "relationship.removed, override.set or override.cleared."
    )
    golden_id: strawberry.ID
    entity_type: EntityType
    golden_version: int = strawberry.field(description="The golden record's version after it.")
    change: JSON = strawberry.field(description="What changed (by kind; see the docs).")
    source: SourceRef | None = strawberry.field(description="The source record that caused it.")
    actor: str
    correlation_id: str | None
    at: datetime

    @classmethod
    def of(cls, event: DomainChangeEvent) -> ChangeEvent:
        return cls(
            cursor=cursor_of(event.position),
            kind=event.kind,
            golden_id=strawberry.ID(event.golden_id),
            entity_type=EntityType(event.entity_type),
            golden_version=event.golden_version,
            change=event.change,
            source=SourceRef.of(event.source) if event.source else None,
            actor=event.actor,
            correlation_id=event.correlation_id,
            at=event.at,
        )


@strawberry.type
class ChangesQuery:
    @strawberry.field(
        description=(
            "Change events in the order they were committed, after `after` (a cursor; none: "
            "from the oldest kept). Only of these entity types, and only of golden records "
            "holding a member from these systems, when given; a key limited to some systems "
            "sees only theirs. Keep pageInfo.endCursor and pass it back to resume."
        )
    )
    async def changes(
        self,
        info: AppInfo,
        after: str | None = None,
        first: int = DEFAULT_CHANGES_PAGE,
        entity_types: list[EntityType] | None = None,
        systems: list[str] | None = None,
    ) -> Connection[ChangeEvent]:
        principal = info.context.principal
        page = await ChangeFeedService(info.context.services.store).page(
            after,
            first,
            entity_types,
            systems,
            principal.systems if principal is not None else None,
        )
        return Connection.of(page, ChangeEvent.of)
