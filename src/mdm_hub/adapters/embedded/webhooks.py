"""Webhook subscribers, delivery cursors, leases and dead letters in the embedded store."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from mdm_hub.adapters.codecs.webhooks import (
    dead_letter_from_fields,
    dead_letter_to_fields,
    webhook_from_fields,
    webhook_to_fields,
)
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.errors import StoreError

T = TypeVar("T")

_LEASE = """
UPDATE webhook SET leaseOwner = :owner, leaseUntil = :until
WHERE id = :id AND (leaseOwner IS NULL OR leaseOwner = :owner OR leaseUntil <= :now)
"""


class EmbeddedWebhooks(ABC):
    """Mixed into EmbeddedStore."""

    @abstractmethod
    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

    async def put_webhook(self, webhook: Webhook) -> None:
        fields = webhook_to_fields(webhook)
        fields["createdAt"] = iso_text(webhook.created_at)

        def put(db: sqlite3.Connection) -> None:
            try:
                db.execute(
                    "INSERT INTO webhook (id, url, secret, createdAt, events, entityTypes, "
                    "systems, cursor, attempts) VALUES (:id, :url, :secret, :createdAt, "
                    ":events, :entityTypes, :systems, :cursor, :attempts)",
                    fields,
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"webhook {webhook.id} exists already") from exc

        await self._locked(put)

    async def list_webhooks(self) -> list[Webhook]:
        rows = await self._locked(
            lambda db: db.execute("SELECT * FROM webhook ORDER BY createdAt, id").fetchall()
        )
        return [webhook_from_fields(row) for row in rows]

    async def delete_webhook(self, webhook_id: str) -> bool:
        def delete(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM webhook_dead_letter WHERE webhookId = ?", (webhook_id,))
            return db.execute("DELETE FROM webhook WHERE id = ?", (webhook_id,)).rowcount > 0

        return await self._locked(delete)

    async def lease_webhook(
        self, webhook_id: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        params = {"id": webhook_id, "owner": owner, "now": iso_text(now), "until": iso_text(until)}
        return await self._locked(lambda db: db.execute(_LEASE, params).rowcount > 0)

    async def advance_webhook(
        self, webhook_id: str, owner: str, cursor: int, attempts: int
    ) -> bool:
        return await self._locked(
            lambda db: (
                db.execute(
                    "UPDATE webhook SET cursor = ?, attempts = ? WHERE id = ? AND leaseOwner = ?",
                    (cursor, attempts, webhook_id, owner),
                ).rowcount
                > 0
            )
        )

    async def put_dead_letter(self, letter: DeadLetter) -> None:
        fields = dead_letter_to_fields(letter)
        fields["at"] = iso_text(letter.at)
        await self._locked(
            lambda db: db.execute(
                "INSERT INTO webhook_dead_letter (webhookId, position, attempts, lastError, at, "
                "replay) VALUES (:webhookId, :position, :attempts, :lastError, :at, :replay) "
                "ON CONFLICT (webhookId, position) DO UPDATE SET attempts = excluded.attempts, "
                "lastError = excluded.lastError, at = excluded.at, replay = excluded.replay",
                fields,
            )
        )

    async def dead_letters(self, webhook_id: str) -> list[DeadLetter]:
        rows = await self._locked(
            lambda db: db.execute(
                "SELECT * FROM webhook_dead_letter WHERE webhookId = ? ORDER BY position",
                (webhook_id,),
            ).fetchall()
        )
        return [dead_letter_from_fields(row) for row in rows]

    async def replay_dead_letters(self, webhook_id: str) -> int:
        return await self._locked(
            lambda db: (
                db.execute(
                    "UPDATE webhook_dead_letter SET replay = 1 WHERE webhookId = ? AND replay = 0",
                    (webhook_id,),
                ).rowcount
            )
        )

    async def drop_dead_letter(self, webhook_id: str, position: int) -> None:
        await self._locked(
            lambda db: db.execute(
                "DELETE FROM webhook_dead_letter WHERE webhookId = ? AND position = ?",
                (webhook_id, position),
            )
        )
