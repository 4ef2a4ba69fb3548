"""Webhook subscribers, delivery cursors, leases and dead letters in Neo4j."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import Any

from neo4j.exceptions import ConstraintError

from mdm_hub.adapters.codecs.webhooks import (
    dead_letter_from_fields,
    dead_letter_to_fields,
    webhook_from_fields,
    webhook_to_fields,
)
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.errors import StoreError


class Neo4jWebhooks(ABC):
    """Mixed into Neo4jStore."""

    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def _write_one(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def put_webhook(self, webhook: Webhook) -> None:
        try:
            await self._write_one(Query.PUT_WEBHOOK, webhook=webhook_to_fields(webhook))
        except ConstraintError as exc:
            raise StoreError(f"webhook {webhook.id} exists already") from exc

    async def list_webhooks(self) -> list[Webhook]:
        rows = await self._read(Query.LIST_WEBHOOKS)
        return [webhook_from_fields(row["webhook"]) for row in rows]

    async def delete_webhook(self, webhook_id: str) -> bool:
        [row] = await self._write_one(Query.DELETE_WEBHOOK, id=webhook_id)
        return bool(row["deleted"])

    async def lease_webhook(
        self, webhook_id: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        # Offset times, as compared with the ones stored (not pytz zone-named ones).
        rows = await self._write_one(
            Query.LEASE_WEBHOOK,
            id=webhook_id,
            owner=owner,
            now=now.astimezone(UTC),
            until=until.astimezone(UTC),
        )
        return bool(rows)

    async def advance_webhook(
        self, webhook_id: str, owner: str, cursor: int, attempts: int
    ) -> bool:
        rows = await self._write_one(
            Query.ADVANCE_WEBHOOK, id=webhook_id, owner=owner, cursor=cursor, attempts=attempts
        )
        return bool(rows)

    async def put_dead_letter(self, letter: DeadLetter) -> None:
        await self._write_one(Query.PUT_DEAD_LETTER, letter=dead_letter_to_fields(letter))

    async def dead_letters(self, webhook_id: str) -> list[DeadLetter]:
        rows = await self._read(Query.DEAD_LETTERS, id=webhook_id)
        return [dead_letter_from_fields(row["letter"]) for row in rows]

    async def replay_dead_letters(self, webhook_id: str) -> int:
        [row] = await self._write_one(Query.REPLAY_DEAD_LETTERS, id=webhook_id)
        replayed: int = row["replayed"]
        return replayed

    async def drop_dead_letter(self, webhook_id: str, position: int) -> None:
        await self._write_one(Query.DROP_DEAD_LETTER, id=webhook_id, position=position)
