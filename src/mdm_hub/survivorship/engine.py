"""Compute golden attributes, with provenance, from member source records.

The rule used until per-entity rule files exist is `most_recent`: for each attribute, the value
from the member observed most recently that has one. Ties break on system, then source ID, so
the result never depends on the order in which members arrived.
"""

from __future__ import annotations

from collections.abc import Iterable

from mdm_hub.domain.records import AttributeValue, StoredSource

MOST_RECENT = "most_recent"


def compute_golden_attributes(members: Iterable[StoredSource]) -> tuple[AttributeValue, ...]:
    chosen: dict[str, AttributeValue] = {}
    # Oldest first, so each newer member overwrites: the last writer is the most recent.
    ordered = sorted(
        members,
        key=lambda m: (m.observed_at, m.key.system, m.key.source_id),
    )
    for member in ordered:
        for name, value in member.attributes.items():
            chosen[name] = AttributeValue(
                name=name,
                value=value,
                rule=MOST_RECENT,
                source=member.key,
                source_version=member.version,
                observed_at=member.observed_at,
            )
    return tuple(chosen[name] for name in sorted(chosen))
