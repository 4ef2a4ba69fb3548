"""Keeps the relationships between golden records in step with one upserted source record.

Ingest calls `ReferenceLinker.after_write` inside the upsert's transaction, once the record's
new version and membership are written. It stores what the record's references now assert
(parking those whose target is unknown), links references that were parked for this record,
re-derives the touched golden records' edges, and refuses the whole upsert when a new edge
would close a loop in a hierarchy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mdm_hub.domain.audit import SYSTEM, AuditContext
from mdm_hub.domain.changes import ChangeEntry, ChangeKind
from mdm_hub.domain.records import SourceKey, StoredSource
from mdm_hub.domain.relationships import (
    REFERENCEABLE,
    AssertedReference,
    LinkedReference,
    RelationshipType,
    asserted_references,
    is_hierarchy,
    reference_changes,
)
from mdm_hub.errors import Problem, RelationshipCycle
from mdm_hub.ports import StoreTransaction


def hierarchy_lock(relationship: RelationshipType) -> str:
    # Two concurrent writers could each add half of a loop that neither sees alone.
    return f"HIERARCHY|{relationship}"


@dataclass(frozen=True)
class _NewEdge:
    """A hierarchy edge this upsert adds, and how to tell the caller where it came from."""

    from_id: str
    relationship: RelationshipType
    to_id: str
    field: str
    origin: str


class ReferenceLinker:
    async def after_write(
        self,
        tx: StoreTransaction,
        record: StoredSource,
        golden_id: str,
        previous: StoredSource | None,
        context: AuditContext = SYSTEM,
    ) -> list[LinkedReference]:
        """`record` is the version just written to `golden_id`; `previous` the one it replaced
        (None for a new source record). Returns the parked references it resolved. Edges it
        adds or removes are recorded as change events by `context`."""
        entity_type = record.key.entity_type
        before = asserted_references(entity_type, previous.attributes) if previous else ()
        changes = reference_changes(before, asserted_references(entity_type, record.attributes))
        arrived = previous is None and entity_type in REFERENCEABLE
        if not changes and not arrived:
            return []
        targets = await tx.put_references(record, changes) if changes else []
        linked = await tx.link_pending(record.key) if arrived else []
        touched = {link.referrer_golden_id for link in linked}
        if changes:
            touched.add(golden_id)
        if touched:
            await tx.sync_relationships(sorted(touched))
        new_edges = [
            *_asserted_edges(golden_id, changes.asserted, targets),
            *_linked_edges(golden_id, linked),
        ]
        if new_edges:
            await _refuse_cycles(tx, record.key, new_edges)
        replaced = set(changes.replaced_attributes)
        gone = [ref for ref in before if ref.attribute in replaced]
        gone_targets = await tx.golden_ids_of([ref.target for ref in gone]) if gone else []
        edits = [
            *(
                _edge_change(ChangeKind.RELATIONSHIP_REMOVED, golden_id, ref, target)
                for ref, target in zip(gone, gone_targets, strict=True)
            ),
            *(
                _edge_change(ChangeKind.RELATIONSHIP_ADDED, golden_id, ref, target)
                for ref, target in zip(changes.asserted, targets, strict=True)
            ),
        ]
        entries = [
            ChangeEntry(kind, from_id, body, record.recorded_at, context, record.key)
            for kind, from_id, body in edits
            if body is not None
        ]
        entries += [
            ChangeEntry(
                ChangeKind.RELATIONSHIP_ADDED,
                link.referrer_golden_id,
                _edge(link.relationship, link.referrer_golden_id, golden_id, link.attribute),
                record.recorded_at,
                context,
                link.referrer,
            )
            for link in linked
            if link.referrer_golden_id != golden_id
        ]
        if entries:
            await tx.append_changes(entries)
        return linked


def _edge(
    relationship: RelationshipType, from_id: str, to_id: str, attribute: str
) -> dict[str, str]:
    return {"type": str(relationship), "fromId": from_id, "toId": to_id, "attribute": attribute}


def _edge_change(
    kind: ChangeKind, from_id: str, ref: AssertedReference, target: str | None
) -> tuple[ChangeKind, str, dict[str, str] | None]:
    """A reference's edge as a change; none while its target is unknown, or for a reference
    within one golden record (no edge joins a golden record to itself)."""
    if target is None or target == from_id:
        return kind, from_id, None
    return kind, from_id, _edge(ref.relationship, from_id, target, ref.attribute)


def _asserted_edges(
    golden_id: str, asserted: Sequence[AssertedReference], targets: Sequence[str | None]
) -> list[_NewEdge]:
    return [
        _NewEdge(
            golden_id,
            ref.relationship,
            target,
            f"attributes.{ref.attribute}",
            f"{ref.attribute} {ref.target}",
        )
        for ref, target in zip(asserted, targets, strict=True)
        if target is not None and is_hierarchy(ref.relationship)
    ]


def _linked_edges(golden_id: str, linked: Sequence[LinkedReference]) -> list[_NewEdge]:
    return [
        _NewEdge(
            link.referrer_golden_id,
            link.relationship,
            golden_id,
            "",
            f"{link.referrer} {link.attribute}, parked until this record arrived,",
        )
        for link in linked
        if is_hierarchy(link.relationship)
    ]


async def _refuse_cycles(tx: StoreTransaction, key: SourceKey, edges: Sequence[_NewEdge]) -> None:
    """Every new edge is written by now, so a loop through two of them is visible too. The
    first edge found on a loop is named (the record's own references come first): the other
    new edges on that loop would only repeat it."""
    await tx.lock_keys(sorted({hierarchy_lock(edge.relationship) for edge in edges}))
    for edge in edges:
        if edge.from_id == edge.to_id:
            back: list[str] | None = [edge.to_id]
        else:
            back = await tx.hierarchy_path(edge.to_id, edge.from_id, edge.relationship)
        if back is not None:
            loop = " → ".join([edge.from_id, *back])
            reason = f"{edge.origin} would close a {edge.relationship} cycle: {loop}"
            raise RelationshipCycle(key.label(), [Problem(edge.field, reason)])
