"""Steward mutations: merge, unmerge and decideMatchCandidate, with their input and result
types. Each takes the versions the steward read (a stale one fails with VERSION_CONFLICT and
the current version in the error's extensions) and a reason; the actor comes from the
request context."""

from __future__ import annotations

from enum import Enum

import strawberry

from mdm_hub.api.graphql.resolvers import AppInfo, _golden_id, _keys
from mdm_hub.api.graphql.types import GoldenRecord, MatchCandidate, SourceRefInput
from mdm_hub.domain.records import CandidateStatus
from mdm_hub.services.versions import ExpectedVersion


@strawberry.input(description="The version of a golden record as the caller last read it.")
class GoldenVersionInput:
    golden_id: strawberry.ID
    version: int


@strawberry.enum(description="A steward's decision on a match candidate.")
class MatchDecision(Enum):
    MATCH = "MATCH"
    NOT_A_MATCH = "NOT_A_MATCH"


_STATUS = {
    MatchDecision.MATCH: CandidateStatus.MATCHED,
    MatchDecision.NOT_A_MATCH: CandidateStatus.NOT_A_MATCH,
}


@strawberry.type(description="Both sides of an unmerge, as they stand after it.")
class UnmergeResult:
    source: GoldenRecord = strawberry.field(description="The golden record split.")
    target: GoldenRecord = strawberry.field(description="Where the chosen records went.")


@strawberry.type
class CandidateDecisionResult:
    candidate: MatchCandidate
    golden: GoldenRecord = strawberry.field(
        description="The golden record the candidate's source record belongs to now."
    )


def _expected(versions: list[GoldenVersionInput]) -> list[ExpectedVersion]:
    return [
        ExpectedVersion(_golden_id(v.golden_id, f"expectedVersions[{i}].goldenId"), v.version)
        for i, v in enumerate(versions)
    ]


@strawberry.type
class StewardshipMutation:
    @strawberry.mutation(
        description=(
            "Merge golden records into one. The oldest survives unless survivorId names one; "
            "the others keep their IDs and resolve to it (goldenRecord reports mergedFrom). "
            "Members and relationships move; survivorship is recomputed. Golden records a "
            "steward said are not a match are refused unless overrideNotAMatch is true."
        )
    )
    async def merge(
        self,
        info: AppInfo,
        golden_ids: list[strawberry.ID],
        expected_versions: list[GoldenVersionInput],
        reason: str,
        survivor_id: strawberry.ID | None = None,
        override_not_a_match: bool = False,
    ) -> GoldenRecord:
        view = await info.context.services.merges.merge(
            [_golden_id(g, f"goldenIds[{i}]") for i, g in enumerate(golden_ids)],
            _golden_id(survivor_id, "survivorId") if survivor_id is not None else None,
            _expected(expected_versions),
            reason,
            info.context.actor,
            override_not_a_match=override_not_a_match,
            audit=info.context.audit,
        )
        return GoldenRecord.of(view)

    @strawberry.mutation(
        description=(
            "Move source records out of a golden record: to a new one, to targetGoldenId, or "
            "back to a golden record that was merged into this one (it answers again with its "
            "old ID). Both sides are recomputed; the moved and the remaining records are "
            "marked not-a-match so the matcher never links them again."
        )
    )
    async def unmerge(
        self,
        info: AppInfo,
        golden_id: strawberry.ID,
        sources: list[SourceRefInput],
        expected_versions: list[GoldenVersionInput],
        reason: str,
        target_golden_id: strawberry.ID | None = None,
    ) -> UnmergeResult:
        keys = _keys(sources, "sources")
        target = (
            _golden_id(target_golden_id, "targetGoldenId") if target_golden_id is not None else None
        )
        result = await info.context.services.merges.unmerge(
            _golden_id(golden_id, "goldenId"),
            keys,
            target,
            _expected(expected_versions),
            reason,
            info.context.actor,
            audit=info.context.audit,
        )
        return UnmergeResult(
            source=GoldenRecord.of(result.source), target=GoldenRecord.of(result.target)
        )

    @strawberry.mutation(
        description=(
            "Decide a match candidate. MATCH merges the record's golden record into goldenId "
            "(default: the best scored candidate); NOT_A_MATCH is remembered by the matcher "
            "(against goldenId, or every candidate)."
        )
    )
    async def decide_match_candidate(
        self,
        info: AppInfo,
        id: strawberry.ID,
        decision: MatchDecision,
        reason: str,
        expected_versions: list[GoldenVersionInput] | None = None,
        golden_id: strawberry.ID | None = None,
    ) -> CandidateDecisionResult:
        result = await info.context.services.merges.decide(
            _golden_id(id, "id"),
            _STATUS[decision],
            _golden_id(golden_id, "goldenId") if golden_id is not None else None,
            _expected(expected_versions or []),
            reason,
            info.context.actor,
            audit=info.context.audit,
        )
        return CandidateDecisionResult(
            candidate=MatchCandidate.of(result.candidate), golden=GoldenRecord.of(result.golden)
        )
