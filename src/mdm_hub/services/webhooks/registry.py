"""Registering webhook subscribers (admins): checked input, a secret made once and shown once,
and replay of dead letters."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from mdm_hub.domain.changes import ChangeKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import utc_now
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.errors import InvalidInput, NotFound, Problem
from mdm_hub.ports import Clock, WebhookStore
from mdm_hub.services.webhooks.addresses import check_url

KINDS = frozenset(str(kind) for kind in ChangeKind)


def _selection(
    values: Sequence[str] | None, field: str, known: frozenset[str] | None
) -> tuple[str, ...] | None:
    """None (every one) for no list; else the distinct values, each checked."""
    if values is None:
        return None
    if not values:
        raise InvalidInput([Problem(field, "give at least one, or leave it out for all")])
    for index, value in enumerate(values):
        if not value.strip():
            raise InvalidInput([Problem(f"{field}[{index}]", "must not be blank")])
        if known is not None and value not in known:
            raise InvalidInput(
                [Problem(f"{field}[{index}]", f"{value[:80]!r} is not one of {sorted(known)}")]
            )
    return tuple(sorted(set(values)))


class WebhookService:
    def __init__(self, store: WebhookStore, allow_private: bool, clock: Clock = utc_now) -> None:
        self._store = store
        self._allow_private = allow_private
        self._clock = clock

    async def create(
        self,
        url: str,
        events: Sequence[str] | None = None,
        entity_types: Sequence[str] | None = None,
        systems: Sequence[str] | None = None,
    ) -> Webhook:
        """A new subscriber of the events it selects (all by default), from the oldest event
        the feed still keeps. Its secret is in the answer and nowhere else shown."""
        await check_url(url, self._allow_private)
        webhook = Webhook(
            id=f"wh_{secrets.token_hex(8)}",
            url=url,
            secret=f"whsec_{secrets.token_urlsafe(32)}",
            created_at=self._clock(),
            events=_selection(events, "events", KINDS),
            entity_types=_selection(
                entity_types, "entityTypes", frozenset(str(t) for t in EntityType)
            ),
            systems=_selection(systems, "systems", None),
        )
        await self._store.put_webhook(webhook)
        return webhook

    async def all(self) -> list[Webhook]:
        return await self._store.list_webhooks()

    async def delete(self, webhook_id: str) -> None:
        if not await self._store.delete_webhook(webhook_id):
            raise NotFound(f"webhook {webhook_id} does not exist")

    async def dead_letters(self, webhook_id: str) -> list[DeadLetter]:
        return await self._store.dead_letters(webhook_id)

    async def replay(self, webhook_id: str) -> int:
        """Queue the subscriber's dead letters for delivery again; how many were queued."""
        if webhook_id not in {w.id for w in await self._store.list_webhooks()}:
            raise NotFound(f"webhook {webhook_id} does not exist")
        return await self._store.replay_dead_letters(webhook_id)
