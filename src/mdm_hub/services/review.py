"""The review side of matching: the stewards' queue, explanations, not-a-match memory."""

from __future__ import annotations

from datetime import datetime

from mdm_hub.domain.audit import SYSTEM, Action, AuditContext, AuditEntry, source_subject
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.paging import MAX_PAGE_SIZE, Page
from mdm_hub.domain.records import (
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    SourceKey,
    utc_now,
)
from mdm_hub.errors import InvalidInput, NotFound, Problem
from mdm_hub.matching.decide import GoldenScore
from mdm_hub.ports import Clock, Store, StoreTransaction
from mdm_hub.services.changes import record_change
from mdm_hub.services.matching import RecordMatcher


class ReviewService:
    def __init__(self, store: Store, matcher: RecordMatcher, clock: Clock = utc_now) -> None:
        self._store = store
        self._matcher = matcher
        self._clock = clock

    async def match_candidates(
        self,
        status: CandidateStatus | None,
        entity_type: EntityType | None,
        first: int,
        after: str | None,
    ) -> Page[MatchCandidate]:
        if not 0 < first <= MAX_PAGE_SIZE:
            raise InvalidInput([Problem("first", f"must be 1 to {MAX_PAGE_SIZE}")])
        if after is not None and await self._store.get_match_candidate(after) is None:
            raise InvalidInput([Problem("after", f"unknown cursor {after!r}")])
        # One more than asked tells whether another page follows; a candidate's ID is its cursor.
        found = await self._store.list_match_candidates(status, entity_type, first + 1, after)
        return Page(tuple((c.id, c) for c in found[:first]), len(found) > first)

    async def explain(self, source: SourceKey, golden_id: str) -> GoldenScore:
        """The source record compared with the golden record's other members."""
        [resolution] = await self._store.resolve_many([source])
        if resolution is None:
            raise NotFound(f"source record {source} does not exist")
        view = await self._store.get_golden(golden_id)
        if view is None:
            raise NotFound(f"golden record {golden_id} does not exist")
        if view.golden.entity_type is not source.entity_type:
            raise InvalidInput(
                [
                    Problem(
                        "goldenId",
                        f"{golden_id} is a {view.golden.entity_type}, not a {source.entity_type}",
                    )
                ]
            )
        versions = await self._store.source_versions(source)
        others = [m for m in view.members if m.key != source]
        attributes = versions[-1].attributes

        async def explain(tx: StoreTransaction) -> GoldenScore | None:
            return await self._matcher.explain(source, attributes, golden_id, others, tx)

        score = await self._store.write(explain)
        if score is None:
            raise InvalidInput(
                [Problem("goldenId", f"{golden_id} has no member other than {source} to compare")]
            )
        return score

    async def record_not_a_match(
        self, source: SourceKey, golden_id: str, audit: AuditContext = SYSTEM
    ) -> None:
        """Never link `source` and `golden_id` automatically again (pairs with every current
        member, so the memory survives later merges of either side)."""
        now = self._clock()

        async def work(tx: StoreTransaction) -> None:
            await separate(tx, source, golden_id, now)
            subjects = (golden_id, source_subject(source))
            await record_change(tx, [AuditEntry(now, audit, Action.NOT_A_MATCH, subjects)])

        await self._store.write(work)


async def separate(
    tx: StoreTransaction, source: SourceKey, golden_id: str, at: datetime
) -> GoldenView:
    """Record not-a-match between `source` and every member of `golden_id` (locked, so a
    concurrent merge cannot slip a member past); returns the golden record as locked."""
    view = await tx.golden_for_update(golden_id)
    if view is None:
        raise NotFound(f"golden record {golden_id} does not exist")
    for member in view.members:
        if member.key != source:
            await tx.record_not_a_match(source, member.key, at)
    return view
