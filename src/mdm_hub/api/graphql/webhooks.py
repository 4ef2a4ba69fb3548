"""Webhook subscribers in GraphQL (admins): create, list with dead letters, delete, replay."""

from __future__ import annotations

from datetime import datetime

import strawberry

from mdm_hub.api.graphql.resolvers import AppInfo
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain import webhooks
from mdm_hub.services.change_feed import cursor_of


@strawberry.type(description="An event a subscriber did not take after every attempt.")
class WebhookDeadLetter:
    cursor: str = strawberry.field(description="The event's position in the change feed.")
    attempts: int
    last_error: str
    at: datetime
    replay_queued: bool

    @classmethod
    def of(cls, letter: webhooks.DeadLetter) -> WebhookDeadLetter:
        return cls(
            cursor=cursor_of(letter.position),
            attempts=letter.attempts,
            last_error=letter.last_error,
            at=letter.at,
            replay_queued=letter.replay,
        )


@strawberry.type(description="A subscriber to change events, posted to as signed JSON.")
class Webhook:
    id: strawberry.ID
    url: str
    events: list[str] | None = strawberry.field(description="Change kinds; null: every kind.")
    entity_types: list[str] | None
    systems: list[str] | None
    created_at: datetime
    cursor: str = strawberry.field(description="The last event delivered or dead-lettered.")
    failed_attempts: int = strawberry.field(
        description=(
            "Failed attempts at the event after the cursor, which the subscriber waits "
            "behind (0: it is keeping up)."
        )
    )
    dead_letters: list[WebhookDeadLetter]

    @classmethod
    def of(cls, hook: webhooks.Webhook, letters: list[webhooks.DeadLetter]) -> Webhook:
        return cls(
            id=strawberry.ID(hook.id),
            url=hook.url,
            events=list(hook.events) if hook.events is not None else None,
            entity_types=list(hook.entity_types) if hook.entity_types is not None else None,
            systems=list(hook.systems) if hook.systems is not None else None,
            created_at=hook.created_at,
            cursor=cursor_of(hook.cursor),
            failed_attempts=hook.attempts,
            dead_letters=[WebhookDeadLetter.of(letter) for letter in letters],
        )


@strawberry.type
class CreatedWebhook:
    webhook: Webhook
    secret: str = strawberry.field(
        description="Signs every delivery (X-MDM-Signature); shown only now: keep it."
    )


@strawberry.type
class WebhooksQuery:
    @strawberry.field(description="Every webhook subscriber with its dead letters (admins).")
    async def webhooks(self, info: AppInfo) -> list[Webhook]:
        service = info.context.services.webhooks
        return [Webhook.of(h, await service.dead_letters(h.id)) for h in await service.all()]


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description="Subscribe a URL to change events: only these kinds, entity types and "
        "systems when given (each: every one by default). Loopback and private addresses "
        "are refused unless MDM_WEBHOOK_ALLOW_PRIVATE=true."
    )
    async def create_webhook(
        self,
        info: AppInfo,
        url: str,
        events: list[str] | None = None,
        entity_types: list[EntityType] | None = None,
        systems: list[str] | None = None,
    ) -> CreatedWebhook:
        types = [str(t) for t in entity_types] if entity_types is not None else None
        hook = await info.context.services.webhooks.create(url, events, types, systems)
        return CreatedWebhook(webhook=Webhook.of(hook, []), secret=hook.secret)

    @strawberry.mutation(description="Stop posting to a subscriber; its dead letters go too.")
    async def delete_webhook(self, info: AppInfo, id: strawberry.ID) -> bool:
        await info.context.services.webhooks.delete(str(id))
        return True

    @strawberry.mutation(
        description="Deliver a subscriber's dead letters again; returns how many were queued."
    )
    async def replay_webhook_deliveries(self, info: AppInfo, id: strawberry.ID) -> int:
        return await info.context.services.webhooks.replay(str(id))
