"""The unmapped-codes queue: values systems sent that no code set mapping knows yet."""

from __future__ import annotations

from datetime import datetime

import strawberry

from mdm_hub.api.graphql.listing_types import Connection
from mdm_hub.api.graphql.resolvers import AppInfo
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain import reference
from mdm_hub.domain.attributes import SYSTEM_CODE_MAX
from mdm_hub.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from mdm_hub.errors import InvalidInput, Problem

# Code set names are at most this long (reference/model.py).
CODE_SET_MAX = 64


@strawberry.type(
    description="A value a system sent for a coded attribute that no mapping turns into a code "
    "yet: kept as sent, counted until a mapping covers it (then `mdm-hub recompute` drops it)."
)
class UnmappedCode:
    system: str
    entity_type: EntityType
    attribute: str
    code_set: str
    value: str = strawberry.field(description="As the system sent it, surrounding spaces trimmed.")
    count: int = strawberry.field(description="How many times it arrived.")
    first_seen: datetime
    last_seen: datetime

    @classmethod
    def of(cls, queued: reference.QueuedCode) -> UnmappedCode:
        code = queued.code
        return cls(
            system=code.system,
            entity_type=code.entity_type,
            attribute=code.attribute,
            code_set=code.code_set,
            value=code.value,
            count=queued.count,
            first_seen=queued.first_seen,
            last_seen=queued.last_seen,
        )


@strawberry.type
class ReferenceQuery:
    @strawberry.field(
        description="Unmapped codes, first seen first, by page; of one code set or one system."
    )
    async def unmapped_codes(
        self,
        info: AppInfo,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        code_set: str | None = None,
        system: str | None = None,
    ) -> Connection[UnmappedCode]:
        problems = []
        if not 0 < first <= MAX_PAGE_SIZE:
            problems.append(Problem("first", f"must be 1 to {MAX_PAGE_SIZE}"))
        if code_set is not None and not 0 < len(code_set) <= CODE_SET_MAX:
            problems.append(Problem("codeSet", f"must be 1 to {CODE_SET_MAX} characters"))
        if system is not None and not 0 < len(system) <= SYSTEM_CODE_MAX:
            problems.append(Problem("system", f"must be 1 to {SYSTEM_CODE_MAX} characters"))
        if problems:
            raise InvalidInput(problems)
        page = await info.context.services.store.unmapped_codes(first, after, code_set, system)
        return Connection.of(page, UnmappedCode.of)
