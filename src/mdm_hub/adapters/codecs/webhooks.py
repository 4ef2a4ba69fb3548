"""Webhook subscribers and dead letters as both stores keep them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mdm_hub.adapters.codecs.values import as_datetime, dumps, optional_field
from mdm_hub.domain.webhooks import DeadLetter, Webhook


def _list(values: tuple[str, ...] | None) -> str | None:
    return dumps(list(values)) if values is not None else None


def _tuple(text: str | None) -> tuple[str, ...] | None:
    return tuple(json.loads(text)) if text is not None else None


def webhook_to_fields(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "secret": webhook.secret,
        "createdAt": webhook.created_at,
        "events": _list(webhook.events),
        "entityTypes": _list(webhook.entity_types),
        "systems": _list(webhook.systems),
        "cursor": webhook.cursor,
        "attempts": webhook.attempts,
    }


def webhook_from_fields(fields: Mapping[str, Any]) -> Webhook:
    return Webhook(
        id=fields["id"],
        url=fields["url"],
        secret=fields["secret"],
        created_at=as_datetime(fields["createdAt"]),
        events=_tuple(optional_field(fields, "events")),
        entity_types=_tuple(optional_field(fields, "entityTypes")),
        systems=_tuple(optional_field(fields, "systems")),
        cursor=int(fields["cursor"]),
        attempts=int(fields["attempts"]),
    )


def dead_letter_to_fields(letter: DeadLetter) -> dict[str, Any]:
    return {
        "webhookId": letter.webhook_id,
        "position": letter.position,
        "attempts": letter.attempts,
        "lastError": letter.last_error,
        "at": letter.at,
        "replay": letter.replay,
    }


def dead_letter_from_fields(fields: Mapping[str, Any]) -> DeadLetter:
    return DeadLetter(
        webhook_id=fields["webhookId"],
        position=int(fields["position"]),
        attempts=int(fields["attempts"]),
        last_error=fields["lastError"],
        at=as_datetime(fields["at"]),
        replay=bool(fields["replay"]),
    )
