"""Source records, their crosswalk keys and retirements, and match candidates' stored records,
from the store's fields."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from mdm_hub.adapters.codecs.values import (
    as_datetime,
    optional_field,
)
from mdm_hub.domain.entity_types import entity_type_from_text
from mdm_hub.domain.records import (
    RetiredMember,
    SourceKey,
    StoredCandidate,
    StoredSource,
)
from mdm_hub.domain.retirement import Retirement


def stored_source_from_fields(fields: Mapping[str, Any]) -> StoredSource:
    """A StoredSource from a row or node map with the store's camelCase property names."""
    # Positional: read for every member of every golden record ingest touches.
    sent = _sent(fields)
    return StoredSource(
        source_key_from_fields(fields),
        json.loads(fields["attributes"]),
        fields["contentHash"],
        fields["version"],
        as_datetime(fields["observedAt"]),
        as_datetime(fields["recordedAt"]),
        None,
        json.loads(sent) if sent else {},
    )


def retirement_from_fields(fields: Mapping[str, Any]) -> Retirement | None:
    """The retirement a source row or node map carries (retiredAt, retiredObservedAt,
    retiredReason), or None while the record is live."""
    try:
        recorded = fields["retiredAt"]
    except (KeyError, IndexError):  # a Neo4j map omits null properties; a row raises IndexError
        return None
    if recorded is None:
        return None
    return Retirement(
        as_datetime(recorded),
        as_datetime(fields["retiredObservedAt"]),
        optional_field(fields, "retiredReason"),
    )


def members_from_rows(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[tuple[StoredSource, ...], tuple[RetiredMember, ...]]:
    """Member rows (with their retirement fields) as live members and retired ones."""
    live: list[StoredSource] = []
    retired: list[RetiredMember] = []
    for row in rows:
        gone = retirement_from_fields(row)
        if gone is None:
            live.append(stored_source_from_fields(row))
        else:
            retired.append(RetiredMember(stored_source_from_fields(row), gone))
    return tuple(live), tuple(retired)


def _sent(fields: Mapping[str, Any]) -> str | None:
    # The embedded store always has the column (null: nothing converted); Neo4j leaves the
    # property out. Not _optional: a sqlite3.Row lists its keys on every call.
    try:
        sent: str | None = fields["sent"]
    except (KeyError, IndexError):
        return None
    return sent


def source_key_from_fields(fields: Mapping[str, Any]) -> SourceKey:
    return SourceKey(
        fields["system"], entity_type_from_text(fields["entityType"]), fields["sourceId"]
    )


def stored_candidate_from_fields(
    fields: Mapping[str, Any], shared_keys: int, key_weight: int
) -> StoredCandidate:
    return StoredCandidate(
        key=source_key_from_fields(fields),
        attributes_json=fields["attributes"],
        content_hash=fields["contentHash"],
        golden_id=fields["goldenId"],
        golden_created_at=as_datetime(fields["goldenCreatedAt"]),
        shared_keys=shared_keys,
        key_weight=key_weight,
        match_values=fields["matchValues"],
    )
