"""GraphQL types of retired source records: the retirement, and a retired crosswalk entry."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain import records, retirement


@strawberry.type(description="Its system deleted or archived a source record.")
class Retirement:
    recorded_at: datetime = strawberry.field(description="When the hub was told.")
    observed_at: datetime = strawberry.field(
        description="When the system retired it, as sent; else when the hub was told."
    )
    reason: str | None

    @classmethod
    def of(cls, retired: retirement.Retirement) -> Retirement:
        return cls(
            recorded_at=retired.recorded_at, observed_at=retired.observed_at, reason=retired.reason
        )


@strawberry.type(
    description=(
        "A member its system retired: kept for lineage, left out of the golden values (unless "
        "no member is live), no match candidate. Sending it again revives it."
    )
)
class RetiredCrosswalkEntry:
    system: str
    entity_type: EntityType
    source_id: str
    version: int
    attributes: JSON = strawberry.field(description="Its last version's attributes.")
    retirement: Retirement

    @classmethod
    def of(cls, member: records.RetiredMember) -> RetiredCrosswalkEntry:
        source = member.source
        return cls(
            system=source.key.system,
            entity_type=source.key.entity_type,
            source_id=source.key.source_id,
            version=source.version,
            attributes=JSON(source.attributes),
            retirement=Retirement.of(member.retirement),
        )
