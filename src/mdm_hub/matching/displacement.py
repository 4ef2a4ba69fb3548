"""Which of two records a golden record keeps: a subsidiary linked into it, or its parent.

A subsidiary may arrive before its parent and link into the golden record of another system's
copy of the parent (close names, one address, one switchboard phone). When the parent arrives,
that golden record is left out for it: a member names the parent as its own parent, and a
thing is never its own parent. Left at that, the arrival order decides the outcome. So the
evidence is compared instead: the parent's match score against the golden record (its
members other than those subsidiaries) and the stored evidence that holds each subsidiary
there. The parent takes the golden record only when its score is higher than each of those,
and only when the matcher placed each subsidiary: a membership a steward decided is never
moved. The subsidiaries then leave and are matched again by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from mdm_hub.domain.records import Membership, SourceKey, placed_by_steward


class Displaced(NamedTuple):
    """A member that leaves a golden record for the record it names as its parent, with the
    score that held it there (`held_by`; None: nothing compared it with the others)."""

    key: SourceKey
    score: float | None


class Member(NamedTuple):
    """A live member of a golden record and its membership."""

    key: SourceKey
    membership: Membership


def held_by(child: Member, others: Sequence[Member]) -> float | None:
    """The strongest stored evidence that holds `child` in its golden record: its own
    membership score, and the score of each other member's membership decided by comparing
    that member with it (a record that started the golden record has no score of its own;
    the records that linked to it on its likeness hold it there). None: there is none."""
    scores = [child.membership.score]
    scores += [o.membership.score for o in others if _compared_with(o.membership, child.key)]
    found = [score for score in scores if score is not None]
    return max(found) if found else None


def displaced_by(
    score: float | None, children: Sequence[Member], others: Sequence[Member]
) -> tuple[Displaced, ...]:
    """The members that leave when a record scoring `score` against their golden record (the
    golden record without them) takes it: every one of `children` (the members that name the
    record as their parent; `others` are the rest), or none. None leave unless the matcher
    placed each one and the record's score is higher than what holds each one there
    (`held_by`)."""
    if score is None or not children:
        return ()
    if any(placed_by_steward(child.membership) for child in children):
        return ()
    displaced = []
    for child in children:
        held = held_by(child, [*others, *(c for c in children if c is not child)])
        if held is not None and not score > held:
            return ()
        displaced.append(Displaced(child.key, held))
    return tuple(displaced)


def _compared_with(membership: Membership, key: SourceKey) -> bool:
    """Whether this membership was decided by comparison with `key` (its explanation's
    best-matching member)."""
    explanation: Mapping[str, Any] = membership.explanation or {}
    member = explanation.get("member")
    return isinstance(member, Mapping) and (
        member.get("system"),
        member.get("entityType"),
        member.get("sourceId"),
    ) == (key.system, str(key.entity_type), key.source_id)
