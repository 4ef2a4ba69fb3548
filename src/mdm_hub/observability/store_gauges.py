"""Gauges read from the store when Prometheus scrapes: queue sizes and the audit head."""

from __future__ import annotations

from mdm_hub.observability.metrics import (
    AUDIT_HEAD_SEQ,
    PENDING_REFERENCES,
    REJECT_QUEUE,
    REVIEW_QUEUE,
    UNMAPPED_CODES,
)
from mdm_hub.ports import Store


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
