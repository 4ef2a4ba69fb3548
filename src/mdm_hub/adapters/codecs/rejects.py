"""Rejected records (the reject queue) to and from the store's fields: kept as strict JSON
whatever a caller sent."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mdm_hub.adapters.codecs.values import (
    as_datetime,
    dumps,
    kept_as_json,
    optional_field,
)
from mdm_hub.domain.attributes import SYSTEM_CODE_MAX
from mdm_hub.domain.records import RejectedRecord
from mdm_hub.domain.text import printable
from mdm_hub.errors import Problem


def problems_to_json(problems: Sequence[Problem]) -> str:
    return dumps(kept_as_json([{"field": p.field, "reason": p.reason} for p in problems]))


def reject_from_fields(fields: Mapping[str, Any]) -> RejectedRecord:
    return RejectedRecord(
        received_at=as_datetime(fields["receivedAt"]),
        payload=json.loads(fields["payload"]),
        problems=tuple(Problem(p["field"], p["reason"]) for p in json.loads(fields["problems"])),
        correlation_id=optional_field(fields, "correlationId"),
    )


def payload_system(payload: Mapping[str, Any]) -> str:
    """The system a reject's payload names ("" when none): what the queue is filtered by."""
    system = payload.get("system") if isinstance(payload, Mapping) else None
    if not isinstance(system, str) or len(system) > SYSTEM_CODE_MAX:
        # Longer than any declared code can be: nothing to filter by, and too large to index.
        return ""
    # Escaped as the payload is (kept_as_json): a refused system may hold a lone surrogate.
    return printable(system)


def payload_to_json(payload: Mapping[str, Any]) -> str:
    # A reject's payload may hold anything a caller sent; never fail to keep it, and keep it
    # as JSON every client can read back (see kept_as_json).
    return json.dumps(
        kept_as_json(payload), sort_keys=True, default=repr, ensure_ascii=False, allow_nan=False
    )
