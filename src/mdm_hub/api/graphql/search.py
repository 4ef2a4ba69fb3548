"""searchGoldenRecords: find golden records by a name (fuzzily), a tax ID, an e-mail, an
employee number or any source system ID."""

from __future__ import annotations

import strawberry

from mdm_hub.api.graphql.listing_types import Connection
from mdm_hub.api.graphql.resolvers import AppInfo
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.api.graphql.types import GoldenRecord
from mdm_hub.services.search import MAX_PAGE


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description=(
            "Golden records of one entity type matching `text` (3 to 200 characters): a name, "
            "even misspelt, a tax ID, an e-mail, an employee number or a source system ID, in "
            "any member's values. Best match first; pages of at most "
            f"{MAX_PAGE}, through the best 100 matches."
        )
    )
    async def search_golden_records(
        self,
        info: AppInfo,
        entity_type: EntityType,
        text: str,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[GoldenRecord]:
        page = await info.context.services.search.search(entity_type, text, first, after)
        return Connection.of(page, GoldenRecord.of)
