"""Change events: what downstream systems hear about a change to master data (the outbox).

A service records a `ChangeEntry` in the transaction that makes the change; the store gives it
its position (one sequence across the hub, in commit order), the golden record's entity type
and its version after the transaction, and keeps it as a `ChangeEvent` until retention prunes
it. Most entries are derived from the audit entries the services already build
(`changes_of`); attribute diffs come from survivorship and relationship changes from the
reference linker, where those changes are computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from mdm_hub.domain.audit import MEMBER_MOVES, Action, AuditContext, AuditEntry
from mdm_hub.domain.entity_types import entity_type_from_text
from mdm_hub.domain.records import AttributeValue, SourceKey

DEFAULT_RETENTION_DAYS = 30


class ChangeKind(StrEnum):
    # In the order one version's events are published (causes first, values last).
    GOLDEN_CREATED = "golden.created"
    GOLDEN_MERGED = "golden.merged"
    GOLDEN_UNMERGED = "golden.unmerged"
    MEMBER_LINKED = "member.linked"
    MEMBER_MOVED = "member.moved"
    MEMBER_RETIRED = "member.retired"
    OVERRIDE_SET = "override.set"
    OVERRIDE_CLEARED = "override.cleared"
    RELATIONSHIP_ADDED = "relationship.added"
    RELATIONSHIP_REMOVED = "relationship.removed"
    ATTRIBUTES_CHANGED = "golden.attributes_changed"


# Within one version of a golden record, events are kept in this order whoever recorded them
# first: a consumer hears of a golden record before its members, of a cause before its values.
_ORDER = {kind: rank for rank, kind in enumerate(ChangeKind)}


@dataclass(frozen=True)
class ChangeEntry:
    """A change to record; the store adds its position, entity type and golden version."""

    kind: ChangeKind
    golden_id: str
    change: Mapping[str, Any]
    at: datetime
    context: AuditContext
    source: SourceKey | None = None


@dataclass(frozen=True)
class ChangeEvent:
    """A stored change event, as the feed, webhooks and exports give it."""

    position: int
    kind: str
    golden_id: str
    entity_type: str
    golden_version: int
    change: Any
    source: SourceKey | None
    actor: str
    correlation_id: str | None
    at: datetime


def concerns(event: ChangeEvent, golden_id: str) -> bool:
    """Whether the event is about this golden record: its own, or its merge into another."""
    return event.golden_id == golden_id or merged_into(event, golden_id) is not None


def merged_into(event: ChangeEvent, golden_id: str) -> str | None:
    """The survivor this event merged `golden_id` into (None: it did not merge it away)."""
    if event.kind != ChangeKind.GOLDEN_MERGED or event.golden_id == golden_id:
        return None
    return event.golden_id if golden_id in event.change.get("mergedIds", ()) else None


def in_causal_order(
    entries: Iterable[tuple[ChangeEntry, int | None]],
) -> list[tuple[ChangeEntry, int | None]]:
    """One transaction's entries, each with the golden version it leaves (None: the version
    the transaction ends with), in the order they are published: by version, so a group
    commit's works stay in order per golden record, then by kind (stable)."""

    def order(item: tuple[ChangeEntry, int | None]) -> tuple[bool, int, int]:
        entry, version = item
        return (version is None, version or 0, _ORDER[entry.kind])

    return sorted(entries, key=order)


def attribute_changes(
    before: Sequence[AttributeValue], after: Sequence[AttributeValue]
) -> list[dict[str, Any]]:
    """The attributes whose value differs, with old and new (None when absent), by name."""
    old = {value.name: value.value for value in before}
    new = {value.name: value.value for value in after}
    return [
        {"attribute": name, "old": old.get(name), "new": new.get(name)}
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def changes_of(entries: Iterable[AuditEntry]) -> list[ChangeEntry]:
    """The change events the audit entries of one transaction stand for. Audit actions that
    change no master data (a candidate queued or decided, a not-a-match, a restamp) give none;
    attribute values are reported by survivorship, which computes them."""
    entries = list(entries)
    # A merge names golden records only; its cause is the record the transaction ingested.
    cause = next((s for s in map(_source_of, entries) if s is not None), None)
    found: list[ChangeEntry] = []
    for entry in entries:
        found += [
            change if change.source is not None else replace(change, source=cause)
            for change in _changes_of(entry)
        ]
    return found


def _changes_of(entry: AuditEntry) -> list[ChangeEntry]:
    action, before, after = entry.action, entry.before or {}, entry.after or {}

    def change(kind: ChangeKind, golden_id: str, body: Mapping[str, Any]) -> ChangeEntry:
        return ChangeEntry(kind, golden_id, body, entry.at, entry.context, _source_of(entry))

    if action == Action.INGEST_CREATED:
        golden_id = after["goldenId"]
        return [
            change(ChangeKind.GOLDEN_CREATED, golden_id, {"decidedBy": after["decidedBy"]}),
            change(ChangeKind.MEMBER_LINKED, golden_id, _linked(after)),
        ]
    if action == Action.INGEST_LINKED:
        return [change(ChangeKind.MEMBER_LINKED, after["goldenId"], _linked(after))]
    if action == Action.SOURCE_REVIVED:
        body = {"sourceVersion": after["sourceVersion"], "revived": True}
        return [change(ChangeKind.MEMBER_LINKED, after["goldenId"], body)]
    if action == Action.SOURCE_RETIRED:
        body = {"goldenStatus": after["goldenStatus"], "observedAt": after["observedAt"]}
        return [change(ChangeKind.MEMBER_RETIRED, after["goldenId"], body)]
    if action in (Action.MERGE, Action.BRIDGING_MERGE, Action.REMATCH_MERGE):
        body = {
            "survivorId": after["survivorId"],
            "mergedIds": list(after["mergedIds"]),
            "by": _MERGED_BY[action],
        }
        return [change(ChangeKind.GOLDEN_MERGED, after["survivorId"], body)]
    if action in MEMBER_MOVES:
        source_id, target_id = before["goldenId"], after["goldenId"]
        moved = list(after["sources"])
        unmerged = {"targetId": target_id, "sources": moved, "by": _MOVED_BY[action]}
        return [
            change(ChangeKind.GOLDEN_UNMERGED, source_id, unmerged),
            *(
                ChangeEntry(
                    ChangeKind.MEMBER_MOVED,
                    target_id,
                    {"fromGoldenId": source_id, "toGoldenId": target_id},
                    entry.at,
                    entry.context,
                    parse_source_subject(subject),
                )
                for subject in moved
            ),
        ]
    if action == Action.OVERRIDE:
        body = {"attribute": after["attribute"], "value": after["pinned"]}
        return [change(ChangeKind.OVERRIDE_SET, entry.subject_ids[0], body)]
    if action == Action.CLEAR_OVERRIDE:
        body = {"attribute": after["attribute"], "previous": before.get("pinned")}
        return [change(ChangeKind.OVERRIDE_CLEARED, entry.subject_ids[0], body)]
    return []


_MERGED_BY: dict[str, str] = {
    Action.MERGE: "steward",
    Action.BRIDGING_MERGE: "bridging",
    Action.REMATCH_MERGE: "rematch",
}
_MOVED_BY: dict[str, str] = {Action.UNMERGE: "steward", Action.REMATCH_SPLIT: "rematch"}
_SOURCE_PREFIX = "source:"


def _linked(after: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sourceVersion": after["sourceVersion"],
        "decidedBy": after.get("decidedBy"),
        "score": after.get("score"),
    }


def _source_of(entry: AuditEntry) -> SourceKey | None:
    for subject in entry.subject_ids:
        if subject.startswith(_SOURCE_PREFIX):
            return parse_source_subject(subject)
    return None


def parse_source_subject(subject: str) -> SourceKey:
    """The source key `audit.source_subject` named (`source:<system>/<type>/<id>`; the source
    ID is last, so a slash inside it is kept)."""
    system, entity_type, source_id = subject.removeprefix(_SOURCE_PREFIX).split("/", 2)
    return SourceKey(system, entity_type_from_text(entity_type), source_id)
