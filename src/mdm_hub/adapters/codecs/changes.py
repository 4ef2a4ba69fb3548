"""Change events (the outbox) as both stores keep them: flat fields, the change as JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from mdm_hub.adapters.codecs.values import as_datetime, dumps, kept_as_json, optional_field
from mdm_hub.domain.changes import ChangeEntry, ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey


def change_entry_to_fields(entry: ChangeEntry, golden_version: int | None) -> dict[str, Any]:
    """An entry as stored, before the store adds its position and entity type (and its golden
    version, when `golden_version` is None: the golden record's as the transaction ends)."""
    source = entry.source
    return {
        "kind": str(entry.kind),
        "goldenId": entry.golden_id,
        "goldenVersion": golden_version,
        "change": dumps(kept_as_json(dict(entry.change))),
        "system": source.system if source else None,
        "sourceEntityType": str(source.entity_type) if source else None,
        "sourceId": source.source_id if source else None,
        "actor": entry.context.actor,
        "correlationId": entry.context.correlation_id,
        "at": entry.at,
    }


def change_event_from_fields(fields: Mapping[str, Any]) -> ChangeEvent:
    system = optional_field(fields, "system")
    source = (
        SourceKey(system, EntityType(fields["sourceEntityType"]), fields["sourceId"])
        if system is not None
        else None
    )
    return ChangeEvent(
        position=int(fields["position"]),
        kind=fields["kind"],
        golden_id=fields["goldenId"],
        entity_type=fields["entityType"],
        golden_version=int(fields["goldenVersion"]),
        change=json.loads(fields["change"]),
        source=source,
        actor=fields["actor"],
        correlation_id=optional_field(fields, "correlationId"),
        at=as_datetime(fields["at"]).astimezone(UTC),
    )
