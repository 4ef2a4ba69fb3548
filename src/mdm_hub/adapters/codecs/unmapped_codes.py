"""How both stores keep the unmapped-codes queue: one row (node) per code, keyed by its five
parts as one text, with camelCase fields."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mdm_hub.adapters.codecs.values import as_datetime, dumps
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import QueuedCode, UnmappedCode


def unmapped_key(code: UnmappedCode) -> str:
    """A code's identity as text: unique, and the tie-breaker of the queue's listing."""
    return dumps([code.system, str(code.entity_type), code.attribute, code.code_set, code.value])


def unmapped_codes_to_rows(codes: Sequence[UnmappedCode]) -> list[dict[str, Any]]:
    """One row per distinct code with how often it came, in key order (one lock order for
    concurrent writers)."""
    rows = [
        {
            "key": unmapped_key(code),
            "system": code.system,
            "entityType": str(code.entity_type),
            "attribute": code.attribute,
            "codeSet": code.code_set,
            "value": code.value,
            "count": count,
        }
        for code, count in Counter(codes).items()
    ]
    return sorted(rows, key=lambda row: row["key"])


def utc(moment: datetime) -> datetime:
    """Moments kept in UTC, so their text sorts in time order."""
    return moment.astimezone(UTC)


def queued_code_from_fields(fields: Mapping[str, Any]) -> QueuedCode:
    code = UnmappedCode(
        fields["system"],
        EntityType(fields["entityType"]),
        fields["attribute"],
        fields["codeSet"],
        fields["value"],
    )
    return QueuedCode(
        code,
        int(fields["count"]),
        as_datetime(fields["firstSeen"]),
        as_datetime(fields["lastSeen"]),
    )


def queued_position(queued: QueuedCode) -> tuple[datetime, str]:
    """The queue is listed first seen first; the code's key breaks ties."""
    return queued.first_seen, unmapped_key(queued.code)
