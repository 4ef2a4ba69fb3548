"""Open match candidates a steward's direct merge or unmerge has answered, closed with it.

A candidate asks "is this source record the same as one of these golden records?". A merge
that joins its record with one of them answers yes (MATCHED); an unmerge that moves its record
out of one of them answers no (NOT_A_MATCH), or yes for the golden record it was moved into.
Each is closed in the same transaction, by the same steward, with the action's reason, and
audited like a decision."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from mdm_hub.domain.audit import Action, AuditContext, AuditEntry, source_subject
from mdm_hub.domain.overrides import StewardNote
from mdm_hub.domain.records import CandidateDecision, CandidateStatus, SourceKey
from mdm_hub.ports import StoreTransaction


async def settle_candidates(
    tx: StoreTransaction,
    sources: Sequence[SourceKey],
    *,
    joined: Collection[str],
    parted: Collection[str] = (),
    note: StewardNote,
    at: datetime,
    context: AuditContext,
    by: str,
) -> list[AuditEntry]:
    """Close the open candidates of `sources` that offered a golden record now `joined` with
    their record (MATCHED) or `parted` from it (NOT_A_MATCH); their audit entries. `by` names
    the action ("merge", "unmerge")."""
    entries: list[AuditEntry] = []
    reason = f"settled by {by}: {note.reason}"
    for candidate in await tx.open_candidates_for(sources):
        offered = {c.golden_id for c in candidate.candidates}
        if offered & set(joined):
            status, answered = CandidateStatus.MATCHED, sorted(offered & set(joined))
        elif offered & set(parted):
            status, answered = CandidateStatus.NOT_A_MATCH, sorted(offered & set(parted))
        else:
            continue
        decision = CandidateDecision(note.actor, reason, at)
        if not await tx.decide_match_candidate(candidate.id, status, decision):
            continue
        subjects = (candidate.id, candidate.golden_id, source_subject(candidate.source))
        entries.append(
            AuditEntry(
                at,
                context,
                Action.CANDIDATE_DECIDED,
                (*subjects, *answered),
                {"status": str(CandidateStatus.OPEN)},
                {"status": str(status), "goldenIds": answered, "settledBy": by},
                reason,
            )
        )
    return entries
