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

from mdm_hub.domain.audit import Action, AuditContext, AuditEntry, source_subject
from mdm_hub.domain.overrides import StewardNote
from mdm_hub.domain.records import (
    CandidateDecision,
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    SourceKey,
    utc_now,
)
from mdm_hub.errors import InvalidInput, NotFound, Problem
from mdm_hub.ports import Clock, GoldenIdFactory, Store, StoreTransaction
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.candidate_settlement import settle_candidates
from mdm_hub.services.changes import record_change
from mdm_hub.services.crosswalk_edits import CrosswalkEditor
from mdm_hub.services.ids import random_golden_id
from mdm_hub.services.ingest import merge_entry
from mdm_hub.services.review import separate
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.services.versions import ExpectedVersion, ExpectedVersions
from mdm_hub.survivorship.rules import RuleSet

MAX_MERGE = 50  # golden records in one merge: more is a bulk job, not a steward's decision
MAX_UNMERGE = 1000  # source records moved by one unmerge


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


class MergeService:
    def __init__(
        self,
        store: Store,
        rules: RuleSet,
        clock: Clock = utc_now,
        new_golden_id: GoldenIdFactory = random_golden_id,
        codes: CodeSets | None = None,
    ) -> None:
        self._store = store
        golden = GoldenRecomputer(rules, codes)
        self._edits = CrosswalkEditor(golden, new_golden_id)
        self._clock = clock

    async def merge(
        self,
        golden_ids: Sequence[str],
        survivor_id: str | None,
        expected: Sequence[ExpectedVersion],
        reason: str,
        actor: str,
        *,
        override_not_a_match: bool = False,
        audit: AuditContext | None = None,
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

        context = audit or AuditContext(actor=note.actor)

        async def work(tx: StoreTransaction) -> str:
            survivor = await self._edits.merge(
                tx, golden_ids, survivor_id, versions, note, now, override_not_a_match, context
            )
            losers = sorted(set(golden_ids) - {survivor})
            merged = await tx.golden_for_update(survivor)
            members = [member.key for member in merged.members] if merged else []
            settled = await settle_candidates(
                tx, members, joined=golden_ids, note=note, at=now, context=context, by="merge"
            )
            await record_change(
                tx,
                [merge_entry(Action.MERGE, survivor, losers, now, context, note.reason), *settled],
            )
            return survivor

        return await self._view(await self._store.write(work))

    async def unmerge(
        self,
        golden_id: str,
        sources: Sequence[SourceKey],
        target_id: str | None,
        expected: Sequence[ExpectedVersion],
        reason: str,
        actor: str,
        *,
        audit: AuditContext | None = None,
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

        context = audit or AuditContext(actor=note.actor)

        async def work(tx: StoreTransaction) -> str:
            target = await self._edits.unmerge(
                tx, golden_id, sources, target_id, versions, note, now, context
            )
            moved = [source_subject(key) for key in sources]
            entry = AuditEntry(
                now,
                context,
                Action.UNMERGE,
                (golden_id, target, *moved),
                {"goldenId": golden_id, "sources": moved},
                {"goldenId": target, "sources": moved},
                note.reason,
            )
            settled = await settle_candidates(
                tx,
                sources,
                joined=[target_id] if target_id else [],
                parted=[golden_id],
                note=note,
                at=now,
                context=context,
                by="unmerge",
            )
            await record_change(tx, [entry, *settled])
            return target

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
        *,
        audit: AuditContext | None = None,
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
        context = audit or AuditContext(actor=note.actor)

        async def work(tx: StoreTransaction) -> None:
            entries: list[AuditEntry] = []
            if status is CandidateStatus.MATCHED:
                ids = [candidate.golden_id, *chosen]
                await self._edits.merge(tx, ids, chosen[0], versions, note, now, False, context)
                losers = [candidate.golden_id]
                entries.append(merge_entry(Action.MERGE, chosen[0], losers, now, context, reason))
            else:
                for other in chosen if golden_id is not None else offered:
                    versions.check(other, await separate(tx, candidate.source, other, now))
            decision = CandidateDecision(note.actor, note.reason, now)
            if not await tx.decide_match_candidate(candidate_id, status, decision):
                raise InvalidInput([Problem("id", f"{candidate_id} was already decided")])
            subjects = (candidate_id, candidate.golden_id, source_subject(candidate.source))
            entries.append(
                AuditEntry(
                    now,
                    context,
                    Action.CANDIDATE_DECIDED,
                    (*subjects, *(chosen if golden_id is not None else offered)),
                    {"status": str(CandidateStatus.OPEN)},
                    {"status": str(status), "goldenIds": chosen or offered},
                    note.reason,
                )
            )
            await record_change(tx, entries)

        await self._store.write(work)
        decided = await self._store.get_match_candidate(candidate_id)
        if decided is None:  # pragma: no cover - candidates are never deleted
            raise NotFound(f"match candidate {candidate_id} does not exist")
        return Decided(decided, await self._view(candidate.golden_id))

    async def _view(self, golden_id: str) -> GoldenView:
        view = await self._store.get_golden(golden_id)
        if view is None:  # pragma: no cover - golden records are never deleted
            raise NotFound(f"golden record {golden_id} does not exist")
        return view
