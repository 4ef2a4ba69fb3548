"""How both stores write domain values as JSON text and read them back, in one place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import (
    AttributeValue,
    GoldenRecord,
    RejectedRecord,
    SourceKey,
    StoredSource,
)
from mdm_hub.errors import Problem


def dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def golden_attributes_to_json(attributes: Sequence[AttributeValue]) -> str:
    return dumps(
        [
            {
                "name": a.name,
                "value": a.value,
                "rule": a.rule,
                "system": a.source.system,
                "entityType": str(a.source.entity_type),
                "sourceId": a.source.source_id,
                "version": a.source_version,
                "observedAt": a.observed_at.isoformat(),
            }
            for a in attributes
        ]
    )


def golden_attributes_from_json(text: str) -> tuple[AttributeValue, ...]:
    return tuple(
        AttributeValue(
            name=item["name"],
            value=item["value"],
            rule=item["rule"],
            source=SourceKey(item["system"], EntityType(item["entityType"]), item["sourceId"]),
            source_version=item["version"],
            observed_at=datetime.fromisoformat(item["observedAt"]),
        )
        for item in json.loads(text)
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
    )


def stored_source(fields: Mapping[str, Any]) -> StoredSource:
    """A StoredSource from a row or node map with the store's camelCase property names."""
    return StoredSource(
        key=SourceKey(fields["system"], EntityType(fields["entityType"]), fields["sourceId"]),
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
        # sqlite3.Row answers `in` over values, not keys; Neo4j omits null properties.
        correlation_id=fields["correlationId"] if "correlationId" in fields.keys() else None,  # noqa: SIM118
    )


def payload_to_json(payload: Mapping[str, Any]) -> str:
    # A reject's payload may hold anything a caller sent; never fail to keep it.
    return json.dumps(payload, sort_keys=True, default=repr, ensure_ascii=False)
