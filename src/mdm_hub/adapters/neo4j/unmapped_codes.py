"""The unmapped-codes queue in Neo4j: counted inside write transactions, listed by page."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mdm_hub.adapters.codecs.unmapped_codes import (
    queued_code_from_fields,
    queued_position,
    unmapped_codes_to_rows,
    unmapped_key,
    utc,
)
from mdm_hub.adapters.cursors import after_position, page_of
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.paging import Page
from mdm_hub.domain.reference import QueuedCode, UnmappedCode


class Neo4jUnmappedCodeWrites(ABC):
    """The queue's half of the Neo4j StoreTransaction."""

    @abstractmethod
    async def _rows(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def count_unmapped_codes(self, codes: Sequence[UnmappedCode], at: datetime) -> None:
        if codes:
            await self._rows(
                Query.COUNT_UNMAPPED_CODES, codes=unmapped_codes_to_rows(codes), at=utc(at)
            )

    async def drop_unmapped_codes(self, codes: Sequence[UnmappedCode]) -> int:
        if not codes:
            return 0
        keys = sorted({unmapped_key(code) for code in codes})
        [row] = await self._rows(Query.DROP_UNMAPPED_CODES, keys=keys)
        dropped: int = row["dropped"]
        return dropped


class Neo4jUnmappedCodeReads(ABC):
    """The queue's listing, on the Neo4j store."""

    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def unmapped_codes(
        self,
        first: int,
        after: str | None,
        code_set: str | None = None,
        system: str | None = None,
    ) -> Page[QueuedCode]:
        at, key = after_position(after)
        rows = await self._read(
            Query.UNMAPPED_CODES,
            codeSet=code_set,
            system=system,
            afterAt=at,
            afterKey=key,
            limit=first + 1,
        )
        return page_of(
            [queued_code_from_fields(row["code"]) for row in rows], first, queued_position
        )
