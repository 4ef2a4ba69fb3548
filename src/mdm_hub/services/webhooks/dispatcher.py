"""The webhook dispatcher: delivers change events to each subscriber, at least once and in
position order (so in order per golden record), signed.

One task per subscriber, so a slow or failing subscriber holds up only itself; ingestion never
waits for it (it only appends to the outbox). A subscriber is served by whoever holds its lease
in the store, so several dispatchers (several serve processes, or `mdm-hub dispatch`) are safe:
one delivers, the others wait for the lease. The cursor moves only after a 2xx answer, so a
dispatcher killed mid-delivery delivers that event again once the lease passes on. A failing
delivery is retried with exponential backoff and jitter, capped, and the subscriber waits
behind it (in order); after `max_attempts` the event goes to the subscriber's dead letters and
the next one is delivered. The defaults keep retrying for over a day, so a subscriber that is
down for hours gets everything when it is back; only an event it keeps refusing (a poison
event) ends in the dead letters. Replay sends a dead letter again, a few times at most.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import utc_now
from mdm_hub.domain.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeadLetter,
    Webhook,
    delivery_id,
    signature,
)
from mdm_hub.errors import InvalidInput, StoreUnavailable
from mdm_hub.ports import ChangeFeed, Clock, WebhookSender, WebhookStore
from mdm_hub.services.change_feed import cursor_of
from mdm_hub.services.webhooks.addresses import check_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    # Then the event is dead-lettered. With the delays below, 600 attempts span 24.7 to 49
    # hours: an outage of a day costs a subscriber nothing; a poison event holds it up as long.
    max_attempts: int = 600
    base_delay_seconds: float = 1.0  # the first retry's delay; doubled each time after
    max_delay_seconds: float = 300.0
    # A replayed dead letter gets this many attempts, not max_attempts: an admin's replay
    # of an event still refused must not hold the subscriber up for another day.
    replay_attempts: int = 3
    lease_seconds: float = 30.0  # how long another dispatcher waits for a silent one
    poll_seconds: float = 1.0  # how often an idle subscriber looks for new events
    batch: int = 100

    def backoff(self, failures: int) -> float:
        """Exponential, capped, with jitter (half fixed, half random), so subscribers that
        fail together do not retry together."""
        ceiling = self._ceiling(failures)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not secrets

    def shortest_retry_span(self) -> float:
        """Seconds an event is retried at least (every jitter at its lowest) before it is
        dead-lettered: how long a subscriber may be down and lose nothing."""
        return sum(self._ceiling(failures) / 2 for failures in range(1, self.max_attempts))

    def _ceiling(self, failures: int) -> float:
        # The exponent is bounded so a large failure count cannot overflow a float.
        doubled = self.base_delay_seconds * 2.0 ** min(failures - 1, 64)
        return min(self.max_delay_seconds, doubled)


class DispatcherStore(ChangeFeed, WebhookStore, Protocol):
    """What the dispatcher reads and writes."""


def delivery_body(webhook: Webhook, event: ChangeEvent) -> bytes:
    payload: dict[str, Any] = {
        "deliveryId": delivery_id(webhook.id, event.position),
        "webhookId": webhook.id,
        "event": {
            "cursor": cursor_of(event.position),
            "kind": event.kind,
            "goldenId": event.golden_id,
            "entityType": event.entity_type,
            "goldenVersion": event.golden_version,
            "change": event.change,
            "source": {
                "system": event.source.system,
                "entityType": str(event.source.entity_type),
                "sourceId": event.source.source_id,
            }
            if event.source
            else None,
            "actor": event.actor,
            "correlationId": event.correlation_id,
            "at": event.at.isoformat(),
        },
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class _LeaseLost(Exception):
    """Another dispatcher serves this subscriber now."""


class Dispatcher:
    def __init__(
        self,
        store: DispatcherStore,
        sender: WebhookSender,
        *,
        allow_private: bool,
        policy: DeliveryPolicy | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._sender = sender
        self._allow_private = allow_private
        self._policy = policy or DeliveryPolicy()
        self._clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def run(self) -> None:
        """Serve every subscriber until cancelled: new ones are picked up, deleted ones
        dropped, each within a poll."""
        log.info(
            "webhooks: an event is retried for at least %.1f hours before its dead letter",
            self._policy.shortest_retry_span() / 3600,
        )
        try:
            while True:
                try:
                    current = {webhook.id for webhook in await self._store.list_webhooks()}
                except StoreUnavailable as exc:
                    # The store is away (a restart, an outage): ask again next round; the
                    # deliveries not made are still in the outbox, past each cursor.
                    log.warning("webhooks: store unavailable, retrying: %s", exc)
                    await asyncio.sleep(self._policy.poll_seconds)
                    continue
                for webhook_id in current - self._tasks.keys():
                    self._tasks[webhook_id] = asyncio.create_task(self._serve(webhook_id))
                for webhook_id in set(self._tasks) - current:
                    self._tasks.pop(webhook_id).cancel()
                for webhook_id, task in list(self._tasks.items()):
                    if task.done():  # a task that failed is started again on the next round
                        del self._tasks[webhook_id]
                        if not task.cancelled() and task.exception() is not None:
                            log.error("webhook %s: %s", webhook_id, task.exception())
                await asyncio.sleep(self._policy.poll_seconds)
        finally:
            for task in self._tasks.values():
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            self._tasks.clear()

    async def _serve(self, webhook_id: str) -> None:
        while True:
            try:
                webhook = await self._leased(webhook_id)
                if webhook is None:
                    await asyncio.sleep(self._policy.poll_seconds)
                    continue
                busy = await self._replay(webhook)
                busy = await self._deliver_new(webhook) or busy
            except (_LeaseLost, StoreUnavailable):
                busy = False  # taken over, or the store is away: try again after a poll
            if not busy:
                await asyncio.sleep(self._policy.poll_seconds)

    async def _leased(self, webhook_id: str) -> Webhook | None:
        """The subscriber as stored, if this dispatcher holds (or now takes) its lease."""
        if not await self._renew(webhook_id):
            return None
        found = [w for w in await self._store.list_webhooks() if w.id == webhook_id]
        return found[0] if found else None

    async def _renew(self, webhook_id: str) -> bool:
        now = self._clock()
        until = now + timedelta(seconds=self._policy.lease_seconds)
        return await self._store.lease_webhook(webhook_id, self.owner, now, until)

    async def _deliver_new(self, webhook: Webhook) -> bool:
        """Deliver the events after the cursor, one batch; True if there were any."""
        events = await self._store.changes(
            webhook.cursor,
            self._policy.batch,
            [EntityType(t) for t in webhook.entity_types] if webhook.entity_types else None,
            list(webhook.systems) if webhook.systems else None,
        )
        attempts = webhook.attempts
        for event in events:
            if not await self._renew(webhook.id):
                raise _LeaseLost
            if webhook.selects(event):
                limit = self._policy.max_attempts
                error = await self._attempts(webhook, event, attempts, limit, advance=True)
                if error is not None:
                    await self._store.put_dead_letter(
                        DeadLetter(webhook.id, event.position, limit, error, self._clock())
                    )
                    log.warning("webhook %s: event %d dead-lettered", webhook.id, event.position)
            attempts = 0
            if not await self._store.advance_webhook(webhook.id, self.owner, event.position, 0):
                raise _LeaseLost
        return bool(events)

    async def _replay(self, webhook: Webhook) -> bool:
        """Deliver the dead letters queued for replay; True if there were any."""
        letters = [d for d in await self._store.dead_letters(webhook.id) if d.replay]
        for letter in letters:
            found = await self._store.changes(letter.position - 1, 1)
            if not found or found[0].position != letter.position:
                await self._store.drop_dead_letter(webhook.id, letter.position)  # pruned
                continue
            limit = self._policy.replay_attempts
            error = await self._attempts(webhook, found[0], 0, limit, advance=False)
            if error is None:
                await self._store.drop_dead_letter(webhook.id, letter.position)
            else:
                attempts = letter.attempts + limit
                again = DeadLetter(webhook.id, letter.position, attempts, error, self._clock())
                await self._store.put_dead_letter(again)
        return bool(letters)

    async def _attempts(
        self, webhook: Webhook, event: ChangeEvent, failed: int, limit: int, *, advance: bool
    ) -> str | None:
        """Post `event` until it is taken (None) or `limit` attempts failed (the last error).
        `failed` attempts were made before (by a dispatcher that stopped); with `advance`,
        each failure is recorded on the subscriber, so a restart counts on."""
        body = delivery_body(webhook, event)
        while True:
            error = await self._post(webhook, event, body)
            if error is None:
                return None
            failed += 1
            log.info(
                "webhook %s: event %d attempt %d: %s", webhook.id, event.position, failed, error
            )
            if failed >= limit:
                return error
            if advance and not await self._store.advance_webhook(
                webhook.id, self.owner, event.position - 1, failed
            ):
                raise _LeaseLost
            await self._wait(webhook.id, self._policy.backoff(failed))

    async def _post(self, webhook: Webhook, event: ChangeEvent, body: bytes) -> str | None:
        try:
            await check_url(webhook.url, self._allow_private)
        except InvalidInput as exc:
            return str(exc)
        timestamp = str(int(self._clock().timestamp()))
        headers = {
            "Content-Type": "application/json",
            DELIVERY_HEADER: delivery_id(webhook.id, event.position),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(webhook.secret, timestamp, body),
        }
        return await self._sender.post(webhook.url, body, headers)

    async def _wait(self, webhook_id: str, seconds: float) -> None:
        """Sleep, renewing the lease often enough that no one else takes it meanwhile."""
        step = self._policy.lease_seconds / 3
        while seconds > 0:
            await asyncio.sleep(min(step, seconds))
            seconds -= step
            if not await self._renew(webhook_id):
                raise _LeaseLost
