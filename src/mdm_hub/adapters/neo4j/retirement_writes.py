"""Retiring and reviving source records, and golden records' status, inside one Neo4j managed
transaction. A retired record's retirement is kept on its SourceRecord node; its MEMBER_OF
stays, so merges carry it along and lineage keeps it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.params import key_params
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.retirement import GoldenStatus, Retirement
from mdm_hub.errors import NotFound


class Neo4jRetirementWrites(ABC):
    """The retirement part of the Neo4j StoreTransaction."""

    @abstractmethod
    async def _rows(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def retire_source(self, key: SourceKey, retirement: Retirement) -> bool:
        rows = await self._rows(
            Query.RETIRE_SOURCE,
            **key_params(key),
            recordedAt=retirement.recorded_at,
            observedAt=retirement.observed_at,
            reason=retirement.reason,
        )
        return _changed(rows, key)

    async def revive_source(self, key: SourceKey) -> bool:
        return _changed(await self._rows(Query.REVIVE_SOURCE, **key_params(key)), key)

    async def set_golden_status(self, golden_id: str, status: GoldenStatus) -> None:
        rows = await self._rows(Query.SET_GOLDEN_STATUS, goldenId=golden_id, status=str(status))
        if not rows:
            raise NotFound(f"golden record {golden_id} does not exist")


def _changed(rows: list[dict[str, Any]], key: SourceKey) -> bool:
    if not rows:
        raise NotFound(f"source record {key} does not exist")
    changed: bool = rows[0]["changed"]
    return changed
