"""API keys in Neo4j (mixed into Neo4jStore): one (:ApiKey) node per key, unique on prefix."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from neo4j.exceptions import ConstraintError

from mdm_hub.adapters.codecs.api_keys import api_key_from_fields, api_key_to_fields
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.access import ApiKey
from mdm_hub.errors import StoreError


class Neo4jApiKeys(ABC):
    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def _write_one(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Run one write query in its own (retried) transaction; return its rows."""

    async def put_api_key(self, key: ApiKey) -> None:
        try:
            await self._write_one(Query.PUT_API_KEY, key=api_key_to_fields(key))
        except ConstraintError as exc:
            raise StoreError(f"API key prefix {key.prefix!r} is taken") from exc

    async def get_api_key(self, prefix: str) -> ApiKey | None:
        rows = await self._read(Query.GET_API_KEY, prefix=prefix)
        return api_key_from_fields(rows[0]["key"]) if rows else None

    async def list_api_keys(self) -> list[ApiKey]:
        rows = await self._read(Query.LIST_API_KEYS)
        return [api_key_from_fields(row["key"]) for row in rows]

    async def revoke_api_key(self, prefix: str, at: datetime) -> ApiKey | None:
        rows = await self._write_one(Query.REVOKE_API_KEY, prefix=prefix, at=at.isoformat())
        return api_key_from_fields(rows[0]["key"]) if rows else None
