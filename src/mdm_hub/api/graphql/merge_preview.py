"""mergePreview: the values a merge would give its survivor, before the steward merges."""

from __future__ import annotations

import strawberry

from mdm_hub.api.graphql.resolvers import AppInfo, _golden_id
from mdm_hub.api.graphql.types import GoldenAttribute


@strawberry.type
class MergePreviewQuery:
    @strawberry.field(
        description=(
            "The survivor's values if these golden records were merged now (the oldest "
            "survives unless survivorId names one; the survivor's pins hold). Writes nothing."
        )
    )
    async def merge_preview(
        self,
        info: AppInfo,
        golden_ids: list[strawberry.ID],
        survivor_id: strawberry.ID | None = None,
    ) -> list[GoldenAttribute]:
        values = await info.context.services.merge_preview.preview(
            [_golden_id(g, f"goldenIds[{i}]") for i, g in enumerate(golden_ids)],
            _golden_id(survivor_id, "survivorId") if survivor_id is not None else None,
        )
        return [GoldenAttribute.of(value) for value in values.attributes]
