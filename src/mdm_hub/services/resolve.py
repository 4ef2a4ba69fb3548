"""Read use cases: resolve source IDs to golden records, read a golden record."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.domain.records import GoldenView, Resolution, SourceKey
from mdm_hub.errors import InvalidInput, Problem
from mdm_hub.ports import GoldenReads
from mdm_hub.services.resolution_cache import ResolutionCache

MAX_RESOLVE_BATCH = 1000


class ResolveService:
    def __init__(self, store: GoldenReads, cache: ResolutionCache | None = None) -> None:
        self._store = store
        # Where resolutions are read: the cache when there is one (it reads the store).
        self._reads: GoldenReads | ResolutionCache = cache if cache is not None else store
        self._cache = cache

    async def resolve(self, key: SourceKey) -> Resolution | None:
        [resolution] = await self._reads.resolve_many([key])
        return resolution

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        """Resolve up to MAX_RESOLVE_BATCH keys in one store round trip, in input order."""
        if len(keys) > MAX_RESOLVE_BATCH:
            raise InvalidInput(
                [Problem("refs", f"{len(keys)} refs given; at most {MAX_RESOLVE_BATCH} per call")]
            )
        if not keys:
            return []
        return await self._reads.resolve_many(keys)

    async def close(self) -> None:
        """Stop following the outbox for the cache (when the app stops)."""
        if self._cache is not None:
            await self._cache.close()

    async def golden_record(self, golden_id: str) -> GoldenView | None:
        return await self._store.get_golden(golden_id)
