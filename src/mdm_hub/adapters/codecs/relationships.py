"""How both stores map reference and relationship rows (camelCase fields) to domain values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

from mdm_hub.adapters.codecs.values import as_datetime, dumps
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.relationships import (
    AssertedReference,
    Assertion,
    LinkedReference,
    PendingReference,
    Relationship,
    RelationshipType,
)


def reference_key(source: SourceKey, attribute: str) -> str:
    """One reference's identity as text: unique, and the tie-breaker of pending listings."""
    return dumps([source.system, str(source.entity_type), source.source_id, attribute])


def reference_to_fields(ref: AssertedReference) -> dict[str, str]:
    return {
        "attribute": ref.attribute,
        "type": str(ref.relationship),
        "targetSystem": ref.target.system,
        "targetEntityType": str(ref.target.entity_type),
        "targetSourceId": ref.target.source_id,
    }


def _source(fields: Mapping[str, Any], prefix: str = "") -> SourceKey:
    if not prefix:
        return SourceKey(fields["system"], EntityType(fields["entityType"]), fields["sourceId"])
    return SourceKey(
        fields[f"{prefix}System"],
        EntityType(fields[f"{prefix}EntityType"]),
        fields[f"{prefix}SourceId"],
    )


def relationships_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Relationship]:
    """Rows of one assertion each, ordered by edge, grouped into one Relationship per edge."""
    edges = []
    for (from_id, type_, to_id), assertions in groupby(
        rows, key=lambda row: (row["fromId"], row["type"], row["toId"])
    ):
        provenance = tuple(
            Assertion(
                source=_source(row),
                attribute=row["attribute"],
                source_version=row["sourceVersion"],
                observed_at=as_datetime(row["observedAt"]),
                recorded_at=as_datetime(row["recordedAt"]),
            )
            for row in assertions
        )
        edges.append(Relationship(from_id, RelationshipType(type_), to_id, provenance))
    return edges


def pending_reference_from_fields(fields: Mapping[str, Any]) -> PendingReference:
    return PendingReference(
        referrer=_source(fields),
        referrer_golden_id=fields["goldenId"],
        reference=AssertedReference(
            fields["attribute"], RelationshipType(fields["type"]), _source(fields, "target")
        ),
        source_version=fields["sourceVersion"],
        recorded_at=as_datetime(fields["recordedAt"]),
    )


def linked_reference_from_fields(fields: Mapping[str, Any]) -> LinkedReference:
    return LinkedReference(
        referrer=_source(fields),
        referrer_golden_id=fields["goldenId"],
        attribute=fields["attribute"],
        relationship=RelationshipType(fields["type"]),
    )
