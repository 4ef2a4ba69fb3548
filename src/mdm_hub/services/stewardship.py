"""Steward operations on the crosswalk: merge golden records, unmerge source records out of
one, and decide the match candidates the matcher queued.

Each runs in one write transaction that first locks every golden record it touches and checks
the version the steward read (services/versions.py): a stale one raises VersionConflict and
writes nothing. Each needs a reason; the actor is recorded as `steward:<actor>` on the
memberships it moves and on the candidate it decides.

Merge: the oldest golden record survives unless the steward names one; the others keep their
IDs and resolve to it (MERGED_INTO). Refused: different entity types, a golden record with
itself, golden records a steward said are not a match (unless `override_not_a_match`: a
steward's explicit merge may overrule an earlier steward's separation, and says so), and a
merge that would close a hierarchy cycle.

Unmerge: the chosen members move to a new golden record, to a named live one, or back to a
golden record that was merged into this one (it is revived with its old ID and pins); both
sides are recomputed from their members, so the values are exactly as if the records had never
been merged. The moved and the remaining members are marked not-a-match, so the matcher never
links them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import StewardNote
from mdm_hub.domain.records import (
    CandidateDecision,
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    Membership,
    SourceKey,
    utc_now,
)
from mdm_hub.domain.relationships import HIERARCHY_OF, RelationshipType
from mdm_hub.errors import InvalidInput, NotFound, Problem, RelationshipCycle
from mdm_hub.ports import Clock, GoldenIdFactory, Store, StoreTransaction
from mdm_hub.services.ids import random_golden_id
from mdm_hub.services.relationships import hierarchy_lock
from mdm_hub.services.review import separate
from mdm_hub.services.survivorship import GoldenRecomputer, shipped_rules
from mdm_hub.services.versions import ExpectedVersion, ExpectedVersions
from mdm_hub.survivorship.rules import RuleSet

MAX_MERGE = 50  # golden records in one merge: more is a bulk job, not a steward's decision
MAX_UNMERGE = 1000  # source records moved by one unmerge


def steward_decided_by(actor: str) -> str:
    return f"steward:{actor}"


@dataclass(frozen=True)
class Unmerged:
    """Both sides of an unmerge, as they stand after it."""

    source: GoldenView
    target: GoldenView


@dataclass(frozen=True)
class Decided:
    """A decided match candidate and the golden record its source record now belongs to."""

    candidate: MatchCandidate
    golden: GoldenView


class StewardshipService:
    def __init__(
        self,
        store: Store,
        rules: RuleSet | None = None,
        clock: Clock = utc_now,
        new_golden_id: GoldenIdFactory = random_golden_id,
    ) -> None:
        self._store = store
        self._golden = GoldenRecomputer(rules if rules is not None else shipped_rules())
        self._clock = clock
        self._new_golden_id = new_golden_id

    async def merge(
        self,
        golden_ids: Sequence[str],
        survivor_id: str | None,
        expected: Sequence[ExpectedVersion],
        reason: str,
        actor: str,
        *,
        override_not_a_match: bool = False,
    ) -> GoldenView:
        """Merge golden records into one; returns the survivor."""
        note = StewardNote.parse(actor, reason)
        if len(set(golden_ids)) != len(golden_ids):
            raise InvalidInput([Problem("goldenIds", "a golden record cannot merge with itself")])
        if not 2 <= len(golden_ids) <= MAX_MERGE:
            raise InvalidInput([Problem("goldenIds", f"give 2 to {MAX_MERGE} golden IDs")])
        if survivor_id is not None and survivor_id not in golden_ids:
            raise InvalidInput([Problem("survivorId", "must be one of goldenIds")])
        versions = ExpectedVersions(expected)
        versions.require(golden_ids)
        now = self._clock()

        async def work(tx: StoreTransaction) -> str:
            return await self._merge(
                tx, golden_ids, survivor_id, versions, note, now, override_not_a_match
            )

        return await self._view(await self._store.write(work))

    async def unmerge(
        self,
        golden_id: str,
        sources: Sequence[SourceKey],
        target_id: str | None,
        expected: Sequence[ExpectedVersion],
        reason: str,
        actor: str,
    ) -> Unmerged:
        """Move `sources` out of `golden_id` into `target_id`, or a new golden record."""
        note = StewardNote.parse(actor, reason)
        if not 0 < len(sources) <= MAX_UNMERGE or len(set(sources)) != len(sources):
            raise InvalidInput(
                [Problem("sources", f"give 1 to {MAX_UNMERGE} distinct source records")]
            )
        if target_id == golden_id:
            raise InvalidInput([Problem("targetGoldenId", "must differ from goldenId")])
        versions = ExpectedVersions(expected)
        versions.require([golden_id])
        now = self._clock()

        async def work(tx: StoreTransaction) -> str:
            return await self._unmerge(tx, golden_id, sources, target_id, versions, note, now)

        target = await self._store.write(work)
        return Unmerged(await self._view(golden_id), await self._view(target))

    async def decide(
        self,
        candidate_id: str,
        status: CandidateStatus,
        golden_id: str | None,
        expected: Sequence[ExpectedVersion],
        reason: str,
        actor: str,
    ) -> Decided:
        """MATCHED merges the record's golden record into the chosen candidate golden record
        (`golden_id`, else the best scored); NOT_A_MATCH remembers that the record is none of
        them (or not `golden_id`), so the matcher never links them."""
        note = StewardNote.parse(actor, reason)
        if status is CandidateStatus.OPEN:
            raise InvalidInput([Problem("decision", "decide MATCH or NOT_A_MATCH")])
        candidate = await self._store.get_match_candidate(candidate_id)
        if candidate is None:
            raise NotFound(f"match candidate {candidate_id} does not exist")
        offered = [c.golden_id for c in sorted(candidate.candidates, key=lambda c: -c.score)]
        if golden_id is not None and golden_id not in offered:
            raise InvalidInput(
                [Problem("goldenId", f"{golden_id} is not a candidate of {candidate_id}")]
            )
        chosen = [golden_id] if golden_id is not None else offered[:1]
        versions = ExpectedVersions(expected)
        if status is CandidateStatus.MATCHED:
            if not chosen:
                raise InvalidInput([Problem("goldenId", f"{candidate_id} offers no golden")])
            versions.require([candidate.golden_id, *chosen])
        now = self._clock()

        async def work(tx: StoreTransaction) -> None:
            if status is CandidateStatus.MATCHED:
                ids = [candidate.golden_id, *chosen]
                await self._merge(tx, ids, chosen[0], versions, note, now, False)
            else:
                for other in chosen if golden_id is not None else offered:
                    versions.check(other, await separate(tx, candidate.source, other, now))
            decision = CandidateDecision(note.actor, note.reason, now)
            if not await tx.decide_match_candidate(candidate_id, status, decision):
                raise InvalidInput([Problem("id", f"{candidate_id} was already decided")])

        await self._store.write(work)
        decided = await self._store.get_match_candidate(candidate_id)
        if decided is None:  # pragma: no cover - candidates are never deleted
            raise NotFound(f"match candidate {candidate_id} does not exist")
        return Decided(decided, await self._view(candidate.golden_id))

    async def _merge(
        self,
        tx: StoreTransaction,
        golden_ids: Sequence[str],
        survivor_id: str | None,
        versions: ExpectedVersions,
        note: StewardNote,
        now: datetime,
        override_not_a_match: bool,
    ) -> str:
        views = await versions.lock(tx, golden_ids)
        if len({view.golden.id for view in views.values()}) != len(golden_ids):
            raise InvalidInput([Problem("goldenIds", "name one golden record only once")])
        types = sorted({view.golden.entity_type for view in views.values()})
        if len(types) > 1:
            raise InvalidInput(
                [Problem("goldenIds", f"cannot merge different entity types: {types}")]
            )
        if not override_not_a_match:
            await _refuse_separated(tx, list(views.values()))
        survivor = (
            survivor_id
            or min(views.values(), key=lambda v: (v.golden.created_at, v.golden.id)).golden.id
        )
        hierarchy = HIERARCHY_OF.get(EntityType(types[0]))
        if hierarchy is not None:
            await tx.lock_keys([hierarchy_lock(hierarchy)])
        for loser in sorted(set(golden_ids) - {survivor}):
            if hierarchy is not None:
                await _refuse_cycle(tx, loser, survivor, hierarchy)
            await tx.merge_golden(loser, survivor, now, steward_decided_by(note.actor))
            await tx.merge_relationships(loser, survivor)
        await self._golden.recompute(tx, survivor, now, only_if_changed=False)
        return survivor

    async def _unmerge(
        self,
        tx: StoreTransaction,
        golden_id: str,
        sources: Sequence[SourceKey],
        target_id: str | None,
        versions: ExpectedVersions,
        note: StewardNote,
        now: datetime,
    ) -> str:
        views = await versions.lock(tx, [golden_id, *([target_id] if target_id else [])])
        view = views[golden_id]
        members = {member.key for member in view.members}
        for index, key in enumerate(sources):
            if key not in members:
                raise InvalidInput(
                    [Problem(f"sources[{index}]", f"{key} is not a member of {golden_id}")]
                )
        if members == set(sources):
            raise InvalidInput(
                [Problem("sources", f"would move every member of {golden_id}: nothing to split")]
            )
        entity_type = view.golden.entity_type
        if target_id is None:
            target = self._new_golden_id(entity_type)
            await tx.create_golden(target, entity_type, now)
        else:
            target = await _named_target(tx, views[target_id], target_id, view, versions, now)
        for key in sources:
            await tx.set_membership(key, Membership(target, now, steward_decided_by(note.actor)))
        await tx.move_relationships(sources, golden_id)
        for moved in sources:
            for remaining in sorted(members - set(sources)):
                await tx.record_not_a_match(moved, remaining, now)
        for changed in sorted({golden_id, target}):
            await self._golden.recompute(tx, changed, now, only_if_changed=False)
        return target

    async def _view(self, golden_id: str) -> GoldenView:
        view = await self._store.get_golden(golden_id)
        if view is None:  # pragma: no cover - golden records are never deleted
            raise NotFound(f"golden record {golden_id} does not exist")
        return view


async def _named_target(
    tx: StoreTransaction,
    target: GoldenView,
    target_id: str,
    source: GoldenView,
    versions: ExpectedVersions,
    now: datetime,
) -> str:
    """A named target is either a live golden record of the same type (its version checked),
    or one that was merged into the source: that merge is undone and it answers again."""
    if target.merged_from is None:
        versions.require([target_id])
        if target.golden.entity_type is not source.golden.entity_type:
            raise InvalidInput(
                [Problem("targetGoldenId", f"{target_id} is a {target.golden.entity_type}")]
            )
        return target_id
    if target.golden.id != source.golden.id:
        raise InvalidInput(
            [
                Problem(
                    "targetGoldenId",
                    f"{target_id} was merged into {target.golden.id}, not {source.golden.id}",
                )
            ]
        )
    await tx.revive_golden(target_id, now)
    return target_id


async def _refuse_separated(tx: StoreTransaction, views: Sequence[GoldenView]) -> None:
    members = [member.key for view in views for member in view.members]
    if not members:
        return
    _, pairs = await tx.separations(members[0], [view.golden.id for view in views])
    if pairs:
        named = "; ".join(" and ".join(sorted(pair)) for pair in sorted(pairs, key=sorted))
        raise InvalidInput(
            [
                Problem(
                    "goldenIds",
                    f"a steward said these are not a match: {named} "
                    "(overrideNotAMatch: true merges them anyway)",
                )
            ]
        )


async def _refuse_cycle(
    tx: StoreTransaction, loser: str, survivor: str, hierarchy: RelationshipType
) -> None:
    """A direct edge between the two becomes a self-loop and is dropped; a longer path would
    become a loop through the survivor."""
    for start, end in ((loser, survivor), (survivor, loser)):
        path = await tx.hierarchy_path(start, end, hierarchy)
        if path is not None and len(path) > 2:
            loop = " → ".join([*path, start])
            raise RelationshipCycle(
                f"merge of {loser} into {survivor}",
                [Problem("goldenIds", f"would close a {hierarchy} cycle: {loop}")],
            )
