"""Audit events to and from the flat fields both stores keep (JSON values as text)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mdm_hub.domain.audit import AuditEvent, canonical


def _text(value: Any) -> str | None:
    return None if value is None else canonical(value)


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def audit_event_to_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": event.actor,
        "role": event.role,
        "correlationId": event.correlation_id,
        "action": event.action,
        "subjectIds": list(event.subject_ids),
        "before": event.before_json if event.before_json is not None else _text(event.before),
        "after": event.after_json if event.after_json is not None else _text(event.after),
        "reason": event.reason,
        "prevHash": event.prev_hash,
        "hash": event.hash,
    }


def audit_event_from_fields(row: Mapping[str, Any]) -> AuditEvent:
    subjects = row["subjectIds"]
    if isinstance(subjects, str):
        subjects = json.loads(subjects)
    return AuditEvent(
        seq=int(row["seq"]),
        at=row["at"],
        actor=row["actor"],
        role=row["role"],
        correlation_id=row.get("correlationId"),
        action=row["action"],
        subject_ids=tuple(subjects),
        before=_value(row.get("before")),
        after=_value(row.get("after")),
        reason=row.get("reason"),
        prev_hash=row["prevHash"],
        hash=row["hash"],
    )
