"""Matching a record again when one of its references resolves.

A record may arrive before what it refers to (the PSA's project before the ERP's customer), and
then its graph evidence is missing: it may start a golden record of its own that the same rules
would have linked had the systems arrived the other way round. When the target arrives and the
parked reference links, the referring record is matched again by the same rules, inside the same
transaction: linked (its golden record merges into the one it matches, audited as a merge),
queued for review, or left as it is. So the arrival order of systems does not decide the outcome.

A record may also arrive after its subsidiary, which linked meanwhile into the golden record of
another system's copy of the parent. Where the record matches that golden record better than
the subsidiary did (matching/displacement.py), it joins it, and the subsidiary moves out to a
new golden record of its own in the same transaction (audited `golden.rematch_split`) and is
matched again by the same rules, once: linked (its new golden record merges into the one it
matches), queued for review, or left as it is. Its parent's golden record is not among its
choices (a thing is not its own parent), and nothing it does displaces anything further.

The same holds for evidence from referrers (the employees in a cost centre): when a record joins
a golden record whose other members refer, by the same attribute, to records of another golden
record than its own reference does (the HRIS and the ERP place one person in their own copies of
one cost centre), the record it refers to is matched again: the two copies now share a referrer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from mdm_hub.domain.audit import Action, AuditContext, AuditEntry, source_subject
from mdm_hub.domain.records import (
    CandidateStatus,
    IncomingRecord,
    MatchCandidate,
    Membership,
    ScoredGolden,
    SourceKey,
)
from mdm_hub.domain.relationships import LinkedReference, asserted_references
from mdm_hub.matching.decide import MatchDecision, MatchOutcome
from mdm_hub.matching.explain import explanation_to_dict
from mdm_hub.ports import GoldenIdFactory, StoreTransaction
from mdm_hub.services.crosswalk_edits import move_members, split_off
from mdm_hub.services.matching import RecordMatcher

# Recompute a golden record in the transaction; the key is the ingested record that caused it.
Recompute = Callable[[StoreTransaction, str, datetime, AuditContext, SourceKey], Awaitable[None]]


class Rematcher:
    def __init__(
        self,
        matcher: RecordMatcher,
        recompute: Recompute,
        new_candidate_id: Callable[[], str],
        new_golden_id: GoldenIdFactory,
    ) -> None:
        self._matcher = matcher
        self._recompute = recompute
        self._new_candidate_id = new_candidate_id
        self._new_golden_id = new_golden_id

    async def after_links(
        self,
        tx: StoreTransaction,
        linked: Sequence[LinkedReference],
        cause: SourceKey,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
        displaced: Collection[SourceKey] = (),
    ) -> None:
        """Match again every record whose parked reference just linked (by the arrival of
        `cause`), where its rules weigh that reference (other references cannot change a
        decision); not the `displaced` ones: `after_displacing` matches those again."""
        attributes: dict[SourceKey, list[str]] = {}
        for link in linked:
            if link.referrer not in displaced:
                attributes.setdefault(link.referrer, []).append(link.attribute)
        for referrer, names in attributes.items():
            if self._matcher.compares_references(referrer.entity_type):
                reason = f"once its {', '.join(sorted(names))} resolved"
                await self._rematch(tx, referrer, reason, cause, now, context, entries)

    async def displace(
        self,
        tx: StoreTransaction,
        key: SourceKey,
        decision: MatchDecision,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
    ) -> list[SourceKey]:
        """Move each member `decision` displaces out of the golden record it links `key` to,
        each into a new golden record of its own, audited; returns them. Once `key` has
        joined, `after_displacing` matches them again."""
        golden_id = decision.golden_id
        assert golden_id is not None  # only a LINK displaces
        rule = _rule(decision)
        moved = []
        for displaced in decision.displaced:
            target = await split_off(
                tx, golden_id, key.entity_type, self._new_golden_id, now, context
            )
            # No score: it is alone there, until matched again.
            decided_by = f"displaced_by:{source_subject(key)}"
            await move_members(tx, [displaced.key], golden_id, Membership(target, now, decided_by))
            await self._recompute(tx, target, now, context, key)
            moved_subject = [source_subject(displaced.key)]
            entries.append(
                AuditEntry(
                    now,
                    context,
                    Action.REMATCH_SPLIT,
                    (golden_id, target, *moved_subject, source_subject(key)),
                    {"goldenId": golden_id, "sources": moved_subject, "score": displaced.score},
                    {
                        "goldenId": target,
                        "sources": moved_subject,
                        "displacedBy": source_subject(key),
                        "score": decision.score,
                        "rule": rule,
                    },
                    f"{key} matches it ({_score_text(decision.score)}) better than "
                    f"{displaced.key} ({_score_text(displaced.score)}), which names {key} as "
                    "its parent",
                )
            )
            moved.append(displaced.key)
        return moved

    async def after_displacing(
        self,
        tx: StoreTransaction,
        moved: Sequence[SourceKey],
        by: SourceKey,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
    ) -> None:
        """Match again each record `by` displaced, once `by` has joined (its golden record is
        then the record's parent's, never a choice): by the same rules, displacing nothing."""
        for key in moved:
            reason = f"once {by} displaced it"
            await self._rematch(tx, key, reason, by, now, context, entries, displace=False)

    async def after_join(
        self,
        tx: StoreTransaction,
        key: SourceKey,
        attributes: Mapping[str, Any],
        golden_id: str,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
        displace: bool = True,
    ) -> None:
        """`key` joined `golden_id`: match again what it refers to, by each attribute some
        referrers comparison weighs, where another member refers to another golden record
        (with `displace`, as `RecordMatcher.match` takes it)."""
        weighed = self._matcher.referred_by(key.entity_type)
        if not weighed:
            return
        mine = {
            ref.attribute: ref.target for ref in asserted_references(key.entity_type, attributes)
        }
        wanted = {attribute for _, attribute in weighed if attribute in mine}
        if not wanted:
            return
        others = [
            ref
            for member in await tx.members(golden_id)
            if member.key != key
            for ref in asserted_references(key.entity_type, member.attributes)
            if ref.attribute in wanted and ref.target != mine[ref.attribute]
        ]
        if not others:
            return
        targets = [mine[attribute] for attribute in sorted(wanted)]
        goldens = dict(
            zip(
                [*targets, *(r.target for r in others)],
                await tx.golden_ids_of([*targets, *(r.target for r in others)]),
                strict=True,
            )
        )
        for attribute in sorted(wanted):
            target = mine[attribute]
            own = goldens.get(target)
            elsewhere = {goldens.get(r.target) for r in others if r.attribute == attribute} - {
                None,
                own,
            }
            if own is not None and elsewhere:
                reason = f"once {key} shared its {attribute} referrers"
                await self._rematch(tx, target, reason, key, now, context, entries, displace)

    async def _rematch(
        self,
        tx: StoreTransaction,
        key: SourceKey,
        reason: str,
        cause: SourceKey,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
        displace: bool = True,
    ) -> None:
        found = await tx.get_source(key)
        if found is None:
            return
        stored, membership = found
        if membership.retired is not None:
            return  # a retired record is matched again when it is sent again
        record = IncomingRecord(key, stored.attributes, stored.content_hash, stored.observed_at)
        own = membership.golden_id
        decision = await self._matcher.match(
            tx, record, self._matcher.prepare(record), own_golden=own, displace=displace
        )
        if decision.outcome is MatchOutcome.LINK and decision.golden_id is not None:
            await self._merge(
                tx, key, own, decision, reason, cause, now, context, entries, displace
            )
        elif decision.outcome is MatchOutcome.REVIEW:
            if await _already_asked(tx, key, decision):
                return  # a second reference resolving asks the stewards nothing new
            candidate_id = self._new_candidate_id()
            entries.append(
                await queue_for_review(tx, candidate_id, key, own, decision, now, context)
            )

    async def _merge(
        self,
        tx: StoreTransaction,
        key: SourceKey,
        own: str,
        decision: MatchDecision,
        reason: str,
        cause: SourceKey,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
        displace: bool,
    ) -> None:
        survivor = decision.golden_id
        assert survivor is not None  # a LINK names its golden record
        losers = [own, *(g for g in decision.merge if g != own)]
        _, separated = await tx.separations(key, [survivor, *losers])
        if any(frozenset((own, other)) in separated for other in (survivor, *decision.merge)):
            return  # a steward kept the record's golden record apart from that one
        moved = await self.displace(tx, key, decision, now, context, entries)
        for loser in losers:
            await tx.merge_golden(loser, survivor, now)
            await tx.merge_relationships(loser, survivor)
        await self._recompute(tx, survivor, now, context, cause)
        entries.append(
            AuditEntry(
                now,
                context,
                Action.REMATCH_MERGE,
                (survivor, *losers),
                {"goldenIds": [survivor, *losers]},
                {"survivorId": survivor, "mergedIds": losers, "rule": _rule(decision)},
                f"{key} matches it {reason}",
            )
        )
        # The record's golden record now holds the merged members too: what they refer to
        # may share referrers now.
        found = await tx.get_source(key)
        if found is not None:
            await self.after_join(
                tx, key, found[0].attributes, survivor, now, context, entries, displace
            )
        await self.after_displacing(tx, moved, key, now, context, entries)


async def _already_asked(tx: StoreTransaction, key: SourceKey, decision: MatchDecision) -> bool:
    """Whether an open candidate of `key` already offers every golden record the decision
    would put to the stewards."""
    offered = {g.golden_id for g in decision.review}
    return any(
        offered <= {c.golden_id for c in candidate.candidates}
        for candidate in await tx.open_candidates_for([key])
    )


def _rule(decision: MatchDecision) -> str | None:
    return decision.explanation.rule if decision.explanation else None


def _score_text(score: float | None) -> str:
    return "no score" if score is None else f"score {score:.4f}"


async def queue_for_review(
    tx: StoreTransaction,
    candidate_id: str,
    key: SourceKey,
    golden_id: str,
    decision: MatchDecision,
    now: datetime,
    context: AuditContext,
) -> AuditEntry:
    """Queue `key` (a member of `golden_id`) for the stewards with the goldens it may be."""
    await tx.add_match_candidate(
        MatchCandidate(
            id=candidate_id,
            source=key,
            golden_id=golden_id,
            status=CandidateStatus.OPEN,
            created_at=now,
            candidates=tuple(
                ScoredGolden(g.golden_id, g.score, explanation_to_dict(g.explanation))
                for g in decision.review
            ),
        )
    )
    return AuditEntry(
        now,
        context,
        Action.CANDIDATE_OPENED,
        (candidate_id, golden_id, source_subject(key)),
        after={"candidates": [g.golden_id for g in decision.review]},
    )
