"""Gauges read from the store when Prometheus scrapes: queue sizes, the audit head and each
webhook subscriber's backlog."""

from __future__ import annotations

from mdm_hub.observability.metrics import (
    AUDIT_HEAD_SEQ,
    PENDING_REFERENCES,
    REJECT_QUEUE,
    REVIEW_QUEUE,
    UNMAPPED_CODES,
    WEBHOOK_BACKLOG,
    WEBHOOK_DEAD_LETTERS,
)
from mdm_hub.ports import Store

# A backlog is counted up to this many events: enough to alert on, cheap to read per scrape.
BACKLOG_COUNTED = 1000


async def refresh_store_gauges(store: Store) -> None:
    """Two count-only reads; a store that does not answer raises (StoreUnavailable), and the
    gauges keep their last values."""
    sizes = await store.queue_sizes()
    head = await store.audit_head()
    REVIEW_QUEUE.set(sizes.review)
    PENDING_REFERENCES.set(sizes.pending_references)
    REJECT_QUEUE.set(sizes.rejects)
    UNMAPPED_CODES.set(sizes.unmapped_codes)
    AUDIT_HEAD_SEQ.set(head[0] if head is not None else 0)
    await _refresh_webhooks(store)


async def _refresh_webhooks(store: Store) -> None:
    """Per subscriber, the events after its cursor and its dead letters; a deleted
    subscriber's series go."""
    webhooks = await store.list_webhooks()
    WEBHOOK_BACKLOG.clear()
    WEBHOOK_DEAD_LETTERS.clear()
    for webhook in webhooks:
        pending = await store.changes(webhook.cursor, BACKLOG_COUNTED)
        WEBHOOK_BACKLOG.labels(webhook=webhook.id).set(len(pending))
        dead = await store.dead_letters(webhook.id)
        WEBHOOK_DEAD_LETTERS.labels(webhook=webhook.id).set(len(dead))
