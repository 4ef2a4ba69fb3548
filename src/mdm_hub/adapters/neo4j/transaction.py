"""Reads and writes inside one Neo4j managed transaction (the Neo4j StoreTransaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from mdm_hub.adapters.codec import as_datetime, dumps, golden_attributes_to_json, stored_source
from mdm_hub.adapters.neo4j.catalog import CypherCatalog, Query
from mdm_hub.adapters.neo4j.params import key_params
from mdm_hub.adapters.neo4j.relationship_writes import Neo4jRelationshipWrites
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import AttributeValue, Membership, SourceKey, StoredSource
from mdm_hub.errors import NotFound


class Neo4jTransaction(Neo4jRelationshipWrites):
    def __init__(self, tx: AsyncManagedTransaction, catalog: CypherCatalog) -> None:
        self._tx = tx
        self._q = catalog

    async def _rows(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        result = await self._tx.run(self._q[query], params)
        return [record.data() async for record in result]

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        rows = await self._rows(Query.GET_SOURCE, **key_params(key))
        if not rows:
            return None
        row = rows[0]
        membership = Membership(
            row["goldenId"], as_datetime(row["since"]), row["decidedBy"], row["score"]
        )
        return stored_source(row["source"]), membership

    async def lock_keys(self, keys: Sequence[str]) -> None:
        if keys:
            await self._rows(Query.LOCK_KEYS, keys=list(keys), now=datetime.now(UTC))

    async def goldens_with_keys(self, entity_type: EntityType, keys: Sequence[str]) -> list[str]:
        rows = await self._rows(
            Query.GOLDENS_WITH_KEYS, keys=list(keys), entityType=str(entity_type)
        )
        return [row["id"] for row in rows]

    async def create_golden(self, golden_id: str, entity_type: EntityType, at: datetime) -> None:
        await self._rows(Query.CREATE_GOLDEN, id=golden_id, entityType=str(entity_type), at=at)

    async def put_source(self, record: StoredSource, strong_keys: Sequence[str]) -> None:
        await self._rows(
            Query.PUT_SOURCE,
            **key_params(record.key),
            attributes=dumps(record.attributes),
            contentHash=record.content_hash,
            version=record.version,
            observedAt=record.observed_at,
            recordedAt=record.recorded_at,
            keys=list(strong_keys),
        )

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        rows = await self._rows(
            Query.SET_MEMBERSHIP,
            **key_params(key),
            goldenId=membership.golden_id,
            since=membership.since,
            decidedBy=membership.decided_by,
            score=membership.score,
        )
        if not rows or rows[0]["linked"] != 1:
            raise NotFound(f"source record {key} or golden record {membership.golden_id} missing")

    async def members(self, golden_id: str) -> list[StoredSource]:
        rows = await self._rows(Query.MEMBERS, goldenId=golden_id)
        return [stored_source(row["source"]) for row in rows]

    async def update_golden(
        self, golden_id: str, attributes: Sequence[AttributeValue], at: datetime
    ) -> int:
        rows = await self._rows(
            Query.UPDATE_GOLDEN,
            goldenId=golden_id,
            attributes=golden_attributes_to_json(attributes),
            at=at,
        )
        if not rows:
            raise NotFound(f"golden record {golden_id} does not exist")
        version: int = rows[0]["version"]
        return version
