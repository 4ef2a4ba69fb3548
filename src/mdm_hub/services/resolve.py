"""Read use cases: resolve source IDs to golden records, read a golden record."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.domain.records import GoldenView, Resolution, SourceKey
from mdm_hub.errors import InvalidInput, Problem
from mdm_hub.ports import GoldenReads

MAX_RESOLVE_BATCH = 1000


class ResolveService:
    def __init__(self, store: GoldenReads) -> None:
        self._store = store

    async def resolve(self, key: SourceKey) -> Resolution | None:
        [resolution] = await self._store.resolve_many([key])
        return resolution

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        """Resolve up to MAX_RESOLVE_BATCH keys in one store round trip, in input order."""
        if len(keys) > MAX_RESOLVE_BATCH:
            raise InvalidInput(
                [Problem("refs", f"{len(keys)} refs given; at most {MAX_RESOLVE_BATCH} per call")]
            )
        if not keys:
            return []
        return await self._store.resolve_many(keys)

    async def golden_record(self, golden_id: str) -> GoldenView | None:
        return await self._store.get_golden(golden_id)
