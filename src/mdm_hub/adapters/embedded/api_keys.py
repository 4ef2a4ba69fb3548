"""API keys in the embedded store (mixed into EmbeddedStore)."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from mdm_hub.adapters.codecs.api_keys import api_key_from_fields, api_key_to_fields
from mdm_hub.domain.access import ApiKey
from mdm_hub.errors import StoreError

T = TypeVar("T")

_COLUMNS = (
    "prefix",
    "name",
    "role",
    "secretHash",
    "createdAt",
    "systems",
    "expiresAt",
    "revokedAt",
)
_INSERT = (
    f"INSERT INTO api_key ({', '.join(_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)})"
)


class EmbeddedApiKeys(ABC):
    @abstractmethod
    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the connection while no other request uses it."""

    @abstractmethod
    async def _reading(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """Run reads in one read transaction, beside the writer where the store can."""

    async def put_api_key(self, key: ApiKey) -> None:
        def insert(db: sqlite3.Connection) -> None:
            try:
                db.execute(_INSERT, api_key_to_fields(key))
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"API key prefix {key.prefix!r} is taken") from exc

        await self._locked(insert)

    async def get_api_key(self, prefix: str) -> ApiKey | None:
        # Every request authenticates: it must not queue behind a batch's group.
        row = await self._reading(
            lambda db: db.execute("SELECT * FROM api_key WHERE prefix = ?", (prefix,)).fetchone()
        )
        return api_key_from_fields(row) if row else None

    async def list_api_keys(self) -> list[ApiKey]:
        rows = await self._locked(
            lambda db: db.execute("SELECT * FROM api_key ORDER BY createdAt, prefix").fetchall()
        )
        return [api_key_from_fields(row) for row in rows]

    async def revoke_api_key(self, prefix: str, at: datetime) -> ApiKey | None:
        row = await self._locked(
            lambda db: db.execute(
                "UPDATE api_key SET revokedAt = coalesce(revokedAt, ?) WHERE prefix = ? "
                "RETURNING *",
                (at.isoformat(), prefix),
            ).fetchone()
        )
        return api_key_from_fields(row) if row else None
