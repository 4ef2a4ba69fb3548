"""retireSourceRecord: an integration says its system deleted or archived a record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from mdm_hub.api.auth.scopes import require_systems
from mdm_hub.api.graphql.resolvers import AppInfo, _key
from mdm_hub.api.graphql.retirement_types import Retirement
from mdm_hub.api.graphql.scalars import EntityType, GoldenStatus, RetireOutcome
from mdm_hub.api.graphql.types import SourceRef
from mdm_hub.services.retirement import RetireResult as ServiceRetireResult


@strawberry.type(description="What retiring a source record did.")
class RetireResult:
    source: SourceRef
    golden_id: strawberry.ID = strawberry.field(
        description="The golden record it stays a member of (for lineage), not a live one."
    )
    outcome: RetireOutcome = strawberry.field(
        description="RETIRED now, or ALREADY_RETIRED (nothing written; `retirement` is the "
        "earlier one)."
    )
    golden_status: GoldenStatus = strawberry.field(
        description="RETIRED when no live member is left; the ID still resolves."
    )
    retirement: Retirement

    @classmethod
    def of(cls, result: ServiceRetireResult) -> RetireResult:
        return cls(
            source=SourceRef.of(result.key),
            golden_id=strawberry.ID(result.golden_id),
            outcome=result.outcome,
            golden_status=result.golden_status,
            retirement=Retirement.of(result.retirement),
        )


@strawberry.type
class RetirementMutation:
    @strawberry.mutation(
        description=(
            "Its system deleted or archived a source record: it leaves its golden record's "
            "live members (the golden values are recomputed without it) and matching, and "
            "stays in the crosswalk for lineage. Idempotent. Sending the record again revives "
            "it (upsert outcome REVIVED). Unknown record: NOT_FOUND."
        )
    )
    async def retire_source_record(
        self,
        info: AppInfo,
        system: str,
        entity_type: EntityType,
        source_id: str,
        reason: str | None = None,
        observed_at: Annotated[
            datetime | None,
            strawberry.argument(
                description="When the system retired it; defaults to when the hub is told."
            ),
        ] = None,
    ) -> RetireResult:
        require_systems(info.context.principal, "retireSourceRecord", [system])
        key = _key(system, entity_type, source_id)
        result = await info.context.services.ingest.retire(
            key,
            reason,
            observed_at,
            correlation_id=info.context.correlation_id,
            audit=info.context.audit,
        )
        return RetireResult.of(result)
