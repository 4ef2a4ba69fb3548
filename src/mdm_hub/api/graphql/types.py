"""GraphQL object and input types, and their mapping from domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import get_object_definition

from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.flat_inputs import build_flat
from mdm_hub.api.graphql.list_pages import AFTER_DESCRIPTION, FIRST_DESCRIPTION, page_of
from mdm_hub.api.graphql.observed_time import ObservedAt
from mdm_hub.api.graphql.relationship_types import HierarchyEntry, Relationship
from mdm_hub.api.graphql.retirement_types import RetiredCrosswalkEntry
from mdm_hub.api.graphql.scalars import (
    CandidateStatus,
    Direction,
    EntityType,
    GoldenStatus,
    OverrideAction,
    RelationshipType,
    UpsertOutcome,
)
from mdm_hub.api.graphql.traversal import hierarchy, neighbours, one_neighbour
from mdm_hub.domain import records
from mdm_hub.domain.overrides import OverrideEvent
from mdm_hub.domain.paging import DEFAULT_PAGE_SIZE
from mdm_hub.domain.relationships import DEFAULT_HIERARCHY_DEPTH, MAX_HIERARCHY_DEPTH

# The page arguments of a golden record's relationship lists.
First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]


@strawberry.input(description="A source record as one system holds it.")
class SourceRecordInput:
    system: str
    entity_type: EntityType
    source_id: str
    attributes: JSON
    observed_at: ObservedAt | None = strawberry.field(
        default=None,
        description="When the source system last changed the record; defaults to ingest time.",
    )


@strawberry.input
class SourceRefInput:
    system: str
    entity_type: EntityType
    source_id: str


build_flat(SourceRecordInput, SourceRefInput)  # thousands per request: one call each


@strawberry.type
class SourceRef:
    system: str
    entity_type: EntityType
    source_id: str

    @classmethod
    def of(cls, key: records.SourceKey) -> SourceRef:
        return cls(system=key.system, entity_type=key.entity_type, source_id=key.source_id)


def _as_refs(keys: Sequence[records.SourceKey]) -> list[SourceRef]:
    """The keys themselves as SourceRefs: a SourceKey holds SourceRef's fields under the same
    names, and Strawberry reads them by attribute. A 1,000-ref `resolveMany` builds ~2,500
    objects fewer."""
    return cast("list[SourceRef]", list(keys))


# `_as_refs` stands only while SourceRef's fields are a SourceKey's.
if not {f.python_name for f in get_object_definition(SourceRef, strict=True).fields} <= set(
    records.SourceKey._fields
):
    raise TypeError("SourceRef has a field SourceKey lacks: _as_refs must build SourceRefs")


@strawberry.type
class UpsertResult:
    golden_id: strawberry.ID
    outcome: UpsertOutcome
    source_version: int
    score: float | None = strawberry.field(
        description="Match probability of the decision (1.0 for an equal strong identifier)."
    )
    match_candidate_id: strawberry.ID | None = strawberry.field(
        description="Set when the record was queued for steward review."
    )

    @classmethod
    def of(cls, result: records.UpsertResult) -> UpsertResult:
        return cls(
            golden_id=strawberry.ID(result.golden_id),
            outcome=result.outcome,
            source_version=result.source_version,
            score=result.score,
            match_candidate_id=(
                strawberry.ID(result.match_candidate_id) if result.match_candidate_id else None
            ),
        )


@strawberry.type
class Resolution:
    golden_id: strawberry.ID
    entity_type: EntityType
    status: GoldenStatus
    crosswalk: list[SourceRef] = strawberry.field(description="The live members.")
    retired_crosswalk: list[SourceRef] = strawberry.field(
        description="Members their systems retired (deleted or archived), kept for lineage."
    )
    asked: strawberry.Private[records.SourceKey | None] = None

    @strawberry.field(
        description=(
            "The audit event that decided this source record's current membership (its "
            "ingest link, a merge or an unmerge): stamp it on the journal line you post. Read "
            "from the audit log only when selected."
        )
    )
    async def decision_event_id(self, info: Info[Context, None]) -> strawberry.ID | None:
        if self.asked is None:
            return None
        event = await info.context.services.audit.decision_event(self.asked)
        return strawberry.ID(str(event.seq)) if event is not None else None

    @classmethod
    def of(
        cls, resolution: records.Resolution, asked: records.SourceKey | None = None
    ) -> Resolution:
        return cls(
            golden_id=strawberry.ID(resolution.golden_id),
            entity_type=resolution.entity_type,
            status=resolution.status,
            crosswalk=_as_refs(resolution.crosswalk),
            retired_crosswalk=_as_refs(resolution.retired),
            asked=asked,
        )


# What each member version sent for the values the hub converted, by (source, version).
SentValues = dict[tuple[records.SourceKey, int], dict[str, Any]]


def sent_values(members: Sequence[records.StoredSource]) -> SentValues:
    return {(m.key, m.version): m.sent for m in members if m.sent}


@strawberry.type(
    description=(
        "Which source record version supplied a golden value. For a steward's pin (rule "
        "STEWARD): system STEWARD, sourceId the actor, version the override revision, "
        "observedAt when it was pinned."
    )
)
class AttributeSource:
    system: str
    source_id: str
    version: int
    observed_at: datetime


@strawberry.type(description="A golden value, the rule that chose it and where it came from.")
class GoldenAttribute:
    name: str
    value: JSON
    rule: str = strawberry.field(
        description="The strategy that chose the value (e.g. source_priority), or STEWARD."
    )
    source: AttributeSource
    reason: str | None = strawberry.field(
        description="The steward's reason, for rule STEWARD; null otherwise."
    )
    parts: list[GoldenAttribute] = strawberry.field(
        description="For rule union: each element of the list with its own source; else empty."
    )
    sent_value: JSON | None = strawberry.field(
        description=(
            "The value exactly as the source system sent it, when the hub converted it (USA "
            "for US, 31 Jan 2024 for 2024-01-31); null when it was sent as it is."
        )
    )

    @classmethod
    def of(cls, value: records.AttributeValue, sent: SentValues | None = None) -> GoldenAttribute:
        """`sent`: what each member version sent, by (source, version), for `sentValue`."""
        supplier = sent.get((value.source, value.source_version)) if sent else None
        return cls(
            name=value.name,
            value=value.value,
            rule=value.rule,
            source=AttributeSource(
                system=value.source.system,
                source_id=value.source.source_id,
                version=value.source_version,
                observed_at=value.observed_at,
            ),
            reason=value.reason,
            parts=[GoldenAttribute.of(part, sent) for part in value.parts],
            # A union's list is no one member's value: its parts carry theirs.
            sent_value=supplier.get(value.name) if supplier and not value.parts else None,
        )


@strawberry.type(description="One steward action on a golden attribute: a pin or a clear.")
class StewardOverride:
    revision: int
    attribute: str
    action: OverrideAction
    value: JSON | None = strawberry.field(description="The pinned value; null for CLEAR.")
    actor: str = strawberry.field(description="Who the request said it was (X-Actor header).")
    reason: str
    at: datetime

    @classmethod
    def of(cls, event: OverrideEvent) -> StewardOverride:
        return cls(
            revision=event.revision,
            attribute=event.attribute,
            action=event.action,
            value=event.value,
            actor=event.actor,
            reason=event.reason,
            at=event.at,
        )


@strawberry.type(description="A live member of a golden record: a source record, current version.")
class CrosswalkEntry:
    system: str
    entity_type: EntityType
    source_id: str
    version: int
    attributes: JSON
    observed_at: datetime
    recorded_at: datetime
    sent: JSON | None = strawberry.field(
        description=(
            "For each attribute the hub converted, the value exactly as sent (an empty value "
            "sent is absent from attributes); null when every value was sent as it is."
        )
    )

    @classmethod
    def of(cls, source: records.StoredSource) -> CrosswalkEntry:
        return cls(
            system=source.key.system,
            entity_type=source.key.entity_type,
            source_id=source.key.source_id,
            version=source.version,
            attributes=JSON(source.attributes),
            observed_at=source.observed_at,
            recorded_at=source.recorded_at,
            sent=JSON(source.sent) if source.sent else None,
        )


@strawberry.type
class GoldenRecord:
    id: strawberry.ID
    entity_type: EntityType
    version: int
    created_at: datetime
    updated_at: datetime
    attributes: list[GoldenAttribute]
    attributes_json: JSON = strawberry.field(description="The golden values alone, by name.")
    status: GoldenStatus
    crosswalk: list[CrosswalkEntry] = strawberry.field(description="The live members.")
    retired_crosswalk: list[RetiredCrosswalkEntry] = strawberry.field(
        description="Members their systems retired, with when and why; kept for lineage."
    )
    merged_from: strawberry.ID | None = strawberry.field(
        description="The ID asked for, when it was merged away into this golden record."
    )
    rule_set_hash: str | None = strawberry.field(
        description=(
            "Hash of the survivorship rules that computed the values; one that differs from "
            "`mdm-hub rules` marks a golden record that `mdm-hub recompute` will refresh."
        )
    )
    override_history: list[StewardOverride] = strawberry.field(
        description="Every steward pin and clear on this golden record, oldest first."
    )

    @classmethod
    def of(cls, view: records.GoldenView) -> GoldenRecord:
        golden = view.golden
        sent = sent_values(view.members)
        return cls(
            id=strawberry.ID(golden.id),
            entity_type=golden.entity_type,
            version=golden.version,
            created_at=golden.created_at,
            updated_at=golden.updated_at,
            attributes=[GoldenAttribute.of(value, sent) for value in golden.attributes],
            attributes_json=JSON(golden.values()),
            status=golden.status,
            crosswalk=[CrosswalkEntry.of(member) for member in view.members],
            retired_crosswalk=[RetiredCrosswalkEntry.of(member) for member in view.retired],
            merged_from=strawberry.ID(view.merged_from) if view.merged_from else None,
            rule_set_hash=golden.rule_set_hash,
            override_history=[StewardOverride.of(event) for event in view.override_history],
        )

    # Relationships. Each resolves through the request's DataLoaders, so a list of records
    # asking for their neighbours costs one store call per field, not one per record.

    @strawberry.field(
        description=(
            "Edges between this golden record and others, each with who asserted it. OUT: "
            "records this one refers to; IN: records that refer to it. No type: every type."
        )
    )
    async def related(
        self,
        info: Info[Context, None],
        type: RelationshipType | None = None,
        direction: Direction = Direction.OUT,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> list[Relationship]:
        found = await neighbours(info.context.loaders, self.id, type, direction)
        paged = page_of(found, lambda item: item[1].golden.id, first, after)
        return [Relationship.of(edge, direction, GoldenRecord.of(view)) for edge, view in paged]

    @strawberry.field(description="A project's customer (FOR_CUSTOMER).")
    async def customer(self, info: Info[Context, None]) -> GoldenRecord | None:
        return await self._one(info, RelationshipType.FOR_CUSTOMER)

    @strawberry.field(description="A customer's projects (FOR_CUSTOMER, IN).")
    async def projects(
        self, info: Info[Context, None], first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> list[GoldenRecord]:
        return await self._many(info, RelationshipType.FOR_CUSTOMER, first, after)

    @strawberry.field(description="An employee's manager (REPORTS_TO).")
    async def manager(self, info: Info[Context, None]) -> GoldenRecord | None:
        return await self._one(info, RelationshipType.REPORTS_TO)

    @strawberry.field(description="An employee's direct reports (REPORTS_TO, IN).")
    async def reports(
        self, info: Info[Context, None], first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> list[GoldenRecord]:
        return await self._many(info, RelationshipType.REPORTS_TO, first, after)

    @strawberry.field(description="A customer's or accounting dimension's parent (CHILD_OF).")
    async def parent(self, info: Info[Context, None]) -> GoldenRecord | None:
        return await self._one(info, RelationshipType.CHILD_OF)

    @strawberry.field(description="A customer's or accounting dimension's children (CHILD_OF, IN).")
    async def children(
        self, info: Info[Context, None], first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> list[GoldenRecord]:
        return await self._many(info, RelationshipType.CHILD_OF, first, after)

    @strawberry.field(
        description=(
            "Up the hierarchy (parents of customers and dimensions, managers of employees), "
            f"nearest first, at most maxDepth steps ({MAX_HIERARCHY_DEPTH} at most)."
        )
    )
    async def ancestors(
        self, info: Info[Context, None], max_depth: int = DEFAULT_HIERARCHY_DEPTH
    ) -> list[HierarchyEntry]:
        return await self._walk(info, Direction.OUT, max_depth)

    @strawberry.field(
        description=(
            "Down the hierarchy (children, or everyone reporting up to an employee), nearest "
            f"first, at most maxDepth steps ({MAX_HIERARCHY_DEPTH} at most)."
        )
    )
    async def descendants(
        self, info: Info[Context, None], max_depth: int = DEFAULT_HIERARCHY_DEPTH
    ) -> list[HierarchyEntry]:
        return await self._walk(info, Direction.IN, max_depth)

    async def _one(
        self, info: Info[Context, None], relationship: RelationshipType
    ) -> GoldenRecord | None:
        view = await one_neighbour(info.context.loaders, self.id, relationship)
        return GoldenRecord.of(view) if view else None

    async def _many(
        self,
        info: Info[Context, None],
        relationship: RelationshipType,
        first: int,
        after: str | None,
    ) -> list[GoldenRecord]:
        found = await neighbours(info.context.loaders, self.id, relationship, Direction.IN)
        views = page_of([view for _, view in found], lambda view: view.golden.id, first, after)
        return [GoldenRecord.of(view) for view in views]

    async def _walk(
        self, info: Info[Context, None], direction: Direction, max_depth: int
    ) -> list[HierarchyEntry]:
        found = await hierarchy(
            info.context.loaders, self.id, self.entity_type, direction, max_depth
        )
        return [HierarchyEntry(depth=depth, golden=GoldenRecord.of(view)) for depth, view in found]


@strawberry.type
class InputProblem:
    field: str
    reason: str


@strawberry.type(description="Input that failed validation, kept with its reasons.")
class RejectedRecord:
    received_at: datetime
    payload: JSON
    problems: list[InputProblem]
    correlation_id: str | None

    @classmethod
    def of(cls, reject: records.RejectedRecord) -> RejectedRecord:
        return cls(
            received_at=reject.received_at,
            payload=JSON(reject.payload),
            problems=[InputProblem(field=p.field, reason=p.reason) for p in reject.problems],
            correlation_id=reject.correlation_id,
        )


@strawberry.type(description="One attribute as the matcher compared it.")
class AttributeComparison:
    attribute: str
    incoming: str = strawberry.field(description="The incoming record's standardised value.")
    candidate: str = strawberry.field(description="The candidate member's standardised value.")
    similarity: float | None
    level: str = strawberry.field(description="The level it fell in, 'otherwise' or 'missing'.")
    weight: float = strawberry.field(description="log2 Bayes factor this level adds.")


@strawberry.type(description="One strong identifier of the match rules in one comparison.")
class IdentifierUse:
    name: str
    scope: str = strawberry.field(
        description="'global' (one meaning everywhere) or 'system' (within its system or "
        "the systems sharing its numbering)."
    )
    incoming_scope: str | None = strawberry.field(
        description="A system-scoped identifier: the system or sharing group of the incoming "
        "record's value (null: global, or no value)."
    )
    candidate_scope: str | None = strawberry.field(
        description="The same for the candidate member's value."
    )
    acted_as: str = strawberry.field(
        description="STRONG (equal links, different vetoes), EVIDENCE (different scopes: only "
        "its comparison's weight counted) or ABSENT (missing on either side)."
    )


@strawberry.type(description="Why a record matched a golden record, or did not.")
class MatchExplanation:
    rule: str
    score: float
    weight: float
    member: SourceRef = strawberry.field(description="The golden's best-matching member.")
    strong_identifier: str | None
    conflicts: list[str] = strawberry.field(description="Strong identifiers that differ.")
    unverified_identifiers: list[str] = strawberry.field(
        description="Strong identifiers that differ where one value fails its check (a "
        "mistyped tax ID): taken for a typo rather than a conflict, so the score decided."
    )
    comparisons: list[AttributeComparison]
    identifiers: list[IdentifierUse] = strawberry.field(
        description="Each strong identifier's scope and whether it acted as an identifier "
        "or as evidence."
    )

    @classmethod
    def of(cls, data: dict[str, Any]) -> MatchExplanation:
        member = data["member"]
        return cls(
            rule=data["rule"],
            score=data["score"],
            weight=data["weight"],
            member=SourceRef(
                system=member["system"],
                entity_type=EntityType(member["entityType"]),
                source_id=member["sourceId"],
            ),
            strong_identifier=data["strongIdentifier"],
            conflicts=list(data["conflicts"]),
            # Explanations stored before the check existed have no such list.
            unverified_identifiers=list(data.get("unverifiedIdentifiers", [])),
            comparisons=[AttributeComparison(**c) for c in data["comparisons"]],
            # Explanations stored before identifier scopes have no such list.
            identifiers=[
                IdentifierUse(
                    name=i["name"],
                    scope=i["scope"],
                    incoming_scope=i["incomingScope"],
                    candidate_scope=i["candidateScope"],
                    acted_as=i["actedAs"],
                )
                for i in data.get("identifiers", [])
            ],
        )


@strawberry.type
class CandidateGolden:
    golden_id: strawberry.ID
    score: float
    explanation: MatchExplanation


@strawberry.type(description="A record the matcher was unsure about, queued for stewards.")
class MatchCandidate:
    id: strawberry.ID
    source: SourceRef
    golden_id: strawberry.ID = strawberry.field(description="The golden record it started.")
    status: CandidateStatus
    created_at: datetime
    candidates: list[CandidateGolden]
    decided_by: str | None = strawberry.field(
        description="Who decided it (X-Actor header); null while OPEN."
    )
    decision_reason: str | None
    decided_at: datetime | None

    @classmethod
    def of(cls, candidate: records.MatchCandidate) -> MatchCandidate:
        decision = candidate.decision
        return cls(
            decided_by=decision.actor if decision else None,
            decision_reason=decision.reason if decision else None,
            decided_at=decision.at if decision else None,
            id=strawberry.ID(candidate.id),
            source=SourceRef.of(candidate.source),
            golden_id=strawberry.ID(candidate.golden_id),
            status=candidate.status,
            created_at=candidate.created_at,
            candidates=[
                CandidateGolden(
                    golden_id=strawberry.ID(c.golden_id),
                    score=c.score,
                    explanation=MatchExplanation.of(c.explanation),
                )
                for c in candidate.candidates
            ],
        )
