"""Audit and lineage queries for auditors: the chain's status, the ordered events of a golden
record (and of those merged into it), and the golden records a source record belonged to."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from mdm_hub.api.graphql.resolvers import AppInfo, _golden_id, _key
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain import audit
from mdm_hub.services.audit import MembershipStretch


@strawberry.type(description="Seqs missing from the audit chain (inclusive).")
class AuditGap:
    from_seq: int
    to_seq: int


@strawberry.type(description="An entry of the lineage index: an event's seq and a subject ID.")
class AuditIndexEntry:
    seq: int
    subject_id: str

    @classmethod
    def all(cls, entries: list[audit.IndexEntry]) -> list[AuditIndexEntry]:
        return [cls(seq=e.seq, subject_id=e.subject) for e in entries]


@strawberry.type(description="What walking the audit chain found.")
class AuditChainStatus:
    intact: bool
    events: int = strawberry.field(description="Events read.")
    head_seq: int = strawberry.field(
        description="The stored head's seq (the last event's when the head is missing): "
        "anchor it externally."
    )
    head_hash: str = strawberry.field(description="The stored head's hash.")
    head_missing: bool = strawberry.field(
        description="Events are stored but the head is not: writes are refused "
        "(AUDIT_HEAD_MISSING) until `mdm-hub verify-audit --repair-head`."
    )
    first_broken_seq: int | None = strawberry.field(
        description="The first event that does not verify: its hash, its link to the previous "
        "event, or the event itself (unreadable)."
    )
    first_broken_reason: str | None = strawberry.field(
        description="Why the first broken seq does not verify."
    )
    gaps: list[AuditGap]
    lineage_index_missing: list[AuditIndexEntry] = strawberry.field(
        description="Subjects events name that the lineage index lacks (lineage would miss "
        "those events); at most 100."
    )
    lineage_index_extra: list[AuditIndexEntry] = strawberry.field(
        description="Lineage index entries no event names; at most 100."
    )

    @classmethod
    def of(cls, status: audit.ChainStatus) -> AuditChainStatus:
        return cls(
            intact=status.intact,
            events=status.events,
            head_seq=status.head_seq,
            head_hash=status.head_hash,
            head_missing=status.head_missing,
            first_broken_seq=status.first_broken_seq,
            first_broken_reason=status.first_broken_reason,
            gaps=[AuditGap(from_seq=g.from_seq, to_seq=g.to_seq) for g in status.gaps],
            lineage_index_missing=AuditIndexEntry.all(status.index_missing),
            lineage_index_extra=AuditIndexEntry.all(status.index_extra),
        )


@strawberry.type(description="One event of the append-only, SHA-256 chained audit log.")
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="The event's seq, as an ID.")
    seq: int
    at: str = strawberry.field(description="When (ISO-8601, as hashed).")
    actor: str
    role: str
    correlation_id: str | None
    action: str
    subject_ids: list[str] = strawberry.field(
        description="Golden IDs, candidate IDs and source records (source:system/type/id)."
    )
    before: JSON | None
    after: JSON | None
    reason: str | None
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: audit.AuditEvent) -> AuditEvent:
        return cls(
            id=strawberry.ID(str(event.seq)),
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            role=event.role,
            correlation_id=event.correlation_id,
            action=event.action,
            subject_ids=list(event.subject_ids),
            before=event.before,
            after=event.after,
            reason=event.reason,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )


@strawberry.type(description="A golden record a source record belonged to, from when, and why.")
class SourceMembership:
    golden_id: strawberry.ID
    since: str
    event_id: strawberry.ID = strawberry.field(description="The event that put it there.")
    action: str
    retired_at: str | None = strawberry.field(
        description="When its system retired it, if it did during this stretch (it stayed a "
        "member, not a live one); a revival starts a new stretch."
    )

    @classmethod
    def of(cls, membership: MembershipStretch) -> SourceMembership:
        return cls(
            golden_id=strawberry.ID(membership.golden_id),
            since=membership.since,
            event_id=strawberry.ID(str(membership.event_seq)),
            action=membership.action,
            retired_at=membership.retired_at,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description=(
            "Walk the audit chain: intact, or the first broken seq and every gap. Publish "
            "headSeq and headHash outside the hub to anchor the chain."
        )
    )
    async def audit_chain_status(self, info: AppInfo) -> AuditChainStatus:
        return AuditChainStatus.of(await info.context.services.audit.chain_status())

    @strawberry.field(
        description=(
            "The ordered audit events of a golden record and of every golden record merged into it."
        )
    )
    async def lineage(self, info: AppInfo, golden_id: strawberry.ID) -> list[AuditEvent]:
        events = await info.context.services.audit.lineage(_golden_id(golden_id, "goldenId"))
        return [AuditEvent.of(event) for event in events]

    @strawberry.field(
        description="Every golden record this source record belonged to, and from when."
    )
    async def source_lineage(
        self, info: AppInfo, system: str, entity_type: EntityType, source_id: str
    ) -> list[SourceMembership]:
        key = _key(system, entity_type, source_id)
        found = await info.context.services.audit.source_lineage(key)
        return [SourceMembership.of(m) for m in found]

    @strawberry.field(description="The audit events naming this source record, in order.")
    async def source_events(
        self, info: AppInfo, system: str, entity_type: EntityType, source_id: str
    ) -> list[AuditEvent]:
        key = _key(system, entity_type, source_id)
        events = await info.context.services.audit.source_events(key)
        return [AuditEvent.of(event) for event in events]
