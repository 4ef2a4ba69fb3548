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
    """The event as stored; one edited outside the hub into something unreadable (a field
    that is not JSON, one missing) comes back marked `unreadable`, with what could be read,
    so verification reports it broken at its seq instead of failing."""
    try:
        return _decoded(row)
    except (ValueError, KeyError, TypeError) as error:
        return AuditEvent(
            seq=int(row["seq"]),
            at=str(row.get("at")),
            actor=str(row.get("actor")),
            role=str(row.get("role")),
            correlation_id=None,
            action=str(row.get("action")),
            subject_ids=(),
            before=None,
            after=None,
            reason=None,
            prev_hash=str(row.get("prevHash")),
            hash=str(row.get("hash")),
            unreadable=_why(error),
        )


def _decoded(row: Mapping[str, Any]) -> AuditEvent:
    subjects = row["subjectIds"]
    if isinstance(subjects, str):
        subjects = _json(row, "subjectIds")
    return AuditEvent(
        seq=int(row["seq"]),
        at=row["at"],
        actor=row["actor"],
        role=row["role"],
        correlation_id=row.get("correlationId"),
        action=row["action"],
        subject_ids=tuple(subjects),
        before=_json(row, "before"),
        after=_json(row, "after"),
        reason=row.get("reason"),
        prev_hash=row["prevHash"],
        hash=row["hash"],
    )


class _NotJson(ValueError):
    pass


def _json(row: Mapping[str, Any], name: str) -> Any:
    try:
        return _value(row.get(name))
    except (ValueError, TypeError) as error:
        raise _NotJson(f"{name} is not JSON ({error})") from error


def _why(error: Exception) -> str:
    if isinstance(error, _NotJson):
        return str(error)
    if isinstance(error, KeyError):
        return f"{error.args[0]} is missing"
    return f"{type(error).__name__}: {error}"
