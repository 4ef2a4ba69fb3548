"""Webhook subscribers and what the dispatcher keeps of its deliveries (pure data).

A subscriber receives every change event it selects (kinds, entity types, systems; all when
none are given), one at a time in position order, so in order per golden record. Its cursor is
the last position delivered (or dead-lettered); the dispatcher advances it only after the
subscriber answered 2xx, so a delivery cut short is made again: at least once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from mdm_hub.domain.changes import ChangeEvent

SIGNATURE_HEADER = "X-MDM-Signature"
TIMESTAMP_HEADER = "X-MDM-Timestamp"
DELIVERY_HEADER = "X-MDM-Delivery-Id"
SIGNATURE_SCHEME = "v1"


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    secret: str
    created_at: datetime
    events: tuple[str, ...] | None = None  # change kinds; None: every kind
    entity_types: tuple[str, ...] | None = None
    systems: tuple[str, ...] | None = None
    cursor: int = 0  # the last position delivered or dead-lettered
    attempts: int = 0  # failed attempts at the event after the cursor

    def selects(self, event: ChangeEvent) -> bool:
        """Entity types and systems are filtered by the feed; the kinds here."""
        return self.events is None or event.kind in self.events


@dataclass(frozen=True)
class DeadLetter:
    """An event a subscriber did not take after every attempt; replay queues it again."""

    webhook_id: str
    position: int
    attempts: int
    last_error: str
    at: datetime
    replay: bool = False


def delivery_id(webhook_id: str, position: int) -> str:
    """The same for every attempt at one event, so a consumer can drop repeats."""
    return f"{webhook_id}-{position}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, keyed by the subscriber's secret, of
    `<timestamp>.<body>` (docs/change-events.md shows a consumer's check)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_SCHEME}={mac.hexdigest()}"
