"""How both stores write domain values as JSON text and read them back, in one place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideAction, OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateDecision,
    CandidateStatus,
    GoldenRecord,
    MatchCandidate,
    RejectedRecord,
    ScoredGolden,
    SourceKey,
    StoredCandidate,
    StoredSource,
    canonical_json,
)
from mdm_hub.errors import Problem


def dumps(value: object) -> str:
    return canonical_json(value)


def golden_attributes_to_json(attributes: Sequence[AttributeValue]) -> str:
    return dumps([_attribute_to_dict(a) for a in attributes])


def _attribute_to_dict(a: AttributeValue) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": a.name,
        "value": a.value,
        "rule": a.rule,
        "system": a.source.system,
        "entityType": str(a.source.entity_type),
        "sourceId": a.source.source_id,
        "version": a.source_version,
        "observedAt": a.observed_at.isoformat(),
    }
    # Only when present: most values have neither, and older rows were written without them.
    if a.reason is not None:
        item["reason"] = a.reason
    if a.parts:
        item["parts"] = [_attribute_to_dict(part) for part in a.parts]
    return item


def golden_attributes_from_json(text: str) -> tuple[AttributeValue, ...]:
    return tuple(_attribute_from_dict(item) for item in json.loads(text))


def _attribute_from_dict(item: Mapping[str, Any]) -> AttributeValue:
    return AttributeValue(
        name=item["name"],
        value=item["value"],
        rule=item["rule"],
        source=SourceKey(item["system"], EntityType(item["entityType"]), item["sourceId"]),
        source_version=item["version"],
        observed_at=datetime.fromisoformat(item["observedAt"]),
        reason=item.get("reason"),
        parts=tuple(_attribute_from_dict(part) for part in item.get("parts", ())),
    )


def golden_record(fields: Mapping[str, Any]) -> GoldenRecord:
    """A GoldenRecord from a row or node map with the store's camelCase property names."""
    return GoldenRecord(
        id=fields["id"],
        entity_type=EntityType(fields["entityType"]),
        version=fields["version"],
        created_at=as_datetime(fields["createdAt"]),
        updated_at=as_datetime(fields["updatedAt"]),
        attributes=golden_attributes_from_json(fields["attributes"]),
        rule_set_hash=_optional(fields, "ruleSetHash"),
    )


def override_event_params(event: OverrideEvent) -> dict[str, Any]:
    """An override event as store parameters; the value as JSON text (null for a clear)."""
    return {
        "revision": event.revision,
        "attribute": event.attribute,
        "action": str(event.action),
        "value": None if event.value is None else dumps(event.value),
        "actor": event.actor,
        "reason": event.reason,
        "at": event.at,
    }


def override_event(fields: Mapping[str, Any]) -> OverrideEvent:
    value = _optional(fields, "value")
    return OverrideEvent(
        revision=fields["revision"],
        attribute=fields["attribute"],
        action=OverrideAction(fields["action"]),
        value=None if value is None else json.loads(value),
        actor=fields["actor"],
        reason=fields["reason"],
        at=as_datetime(fields["at"]),
    )


def _optional(fields: Mapping[str, Any], name: str) -> Any:
    # sqlite3.Row answers `in` over values, not keys; Neo4j omits null properties.
    return fields[name] if name in fields.keys() else None  # noqa: SIM118


def stored_source(fields: Mapping[str, Any]) -> StoredSource:
    """A StoredSource from a row or node map with the store's camelCase property names."""
    return StoredSource(
        key=source_key(fields),
        attributes=json.loads(fields["attributes"]),
        content_hash=fields["contentHash"],
        version=fields["version"],
        observed_at=as_datetime(fields["observedAt"]),
        recorded_at=as_datetime(fields["recordedAt"]),
    )


def as_datetime(value: Any) -> datetime:
    """Neo4j returns its own DateTime, SQLite an ISO string; both become an aware datetime."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    native: datetime = value.to_native()
    return native


def problems_to_json(problems: Sequence[Problem]) -> str:
    return dumps([{"field": p.field, "reason": p.reason} for p in problems])


def reject_from_fields(fields: Mapping[str, Any]) -> RejectedRecord:
    return RejectedRecord(
        received_at=as_datetime(fields["receivedAt"]),
        payload=json.loads(fields["payload"]),
        problems=tuple(Problem(p["field"], p["reason"]) for p in json.loads(fields["problems"])),
        correlation_id=_optional(fields, "correlationId"),
    )


def payload_to_json(payload: Mapping[str, Any]) -> str:
    # A reject's payload may hold anything a caller sent; never fail to keep it.
    return json.dumps(payload, sort_keys=True, default=repr, ensure_ascii=False)


def source_key(fields: Mapping[str, Any]) -> SourceKey:
    return SourceKey(fields["system"], EntityType(fields["entityType"]), fields["sourceId"])


def stored_candidate(fields: Mapping[str, Any]) -> StoredCandidate:
    return StoredCandidate(
        key=source_key(fields),
        attributes_json=fields["attributes"],
        content_hash=fields["contentHash"],
        golden_id=fields["goldenId"],
        golden_created_at=as_datetime(fields["goldenCreatedAt"]),
        shared_keys=int(fields["shared"]),
        key_weight=int(fields["weight"]),
    )


def scored_goldens_to_json(candidates: Sequence[ScoredGolden]) -> str:
    return dumps(
        [
            {"goldenId": c.golden_id, "score": c.score, "explanation": c.explanation}
            for c in candidates
        ]
    )


def match_candidate(fields: Mapping[str, Any]) -> MatchCandidate:
    return MatchCandidate(
        id=fields["id"],
        source=source_key(fields),
        golden_id=fields["goldenId"],
        status=CandidateStatus(fields["status"]),
        created_at=as_datetime(fields["createdAt"]),
        candidates=tuple(
            ScoredGolden(c["goldenId"], c["score"], c["explanation"])
            for c in json.loads(fields["candidates"])
        ),
        decision=candidate_decision(fields),
    )


def candidate_decision(fields: Mapping[str, Any]) -> CandidateDecision | None:
    actor = _optional(fields, "decidedBy")
    if actor is None:
        return None
    return CandidateDecision(actor, fields["decisionReason"], as_datetime(fields["decidedAt"]))


def optional_json(text: str | None) -> Any:
    return json.loads(text) if text else None


def merged_by(loser_id: str) -> str:
    return f"merge:{loser_id}"
