"""The decision for one incoming record: link it, send it to review, or start a new golden.

Deterministic rules come first: an equal strong identifier is a match, and a conflicting one
(both present, different) never auto-matches. Every golden record with a member scoring at or
above `auto_match` is linked; when there are several, the incoming record bridges them and
they merge into the best-scoring one (ties: the oldest). That makes the result the connected
components of the pairs above the threshold, whatever order records arrive in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NamedTuple

from mdm_hub.domain.records import SourceKey
from mdm_hub.matching.displacement import Displaced
from mdm_hub.matching.prepare import SCOPE_SEPARATOR, PreparedRecord
from mdm_hub.matching.rules import IdentifierScope, MatchRules
from mdm_hub.matching.scoring import AttributeComparison, ScoredPairs, score_many

STRONG_SCORE = 1.0


class MatchOutcome(StrEnum):
    LINK = "LINK"
    REVIEW = "REVIEW"
    NEW = "NEW"


class CandidateMember(NamedTuple):
    """A source record found by candidate retrieval, with the golden record it belongs to."""

    key: SourceKey
    golden_id: str
    golden_created_at: datetime
    prepared: PreparedRecord


class IdentifierRole(StrEnum):
    """What a strong identifier did in one comparison."""

    STRONG = "STRONG"  # compared as an identifier: equal links, different vetoes
    EVIDENCE = "EVIDENCE"  # system-scoped, from different scopes: only its comparison counted
    ABSENT = "ABSENT"  # missing on either side


class IdentifierUse(NamedTuple):
    """One strong identifier of the rule file in one comparison: its scope (`global` or
    `system`), where each side's value is strong (a system-scoped one: the system or its
    sharing group) and the role it played."""

    name: str
    scope: str
    incoming_scope: str | None
    candidate_scope: str | None
    role: IdentifierRole


class MatchExplanation(NamedTuple):
    """Why a record matched a golden record (or did not): the rule, the total score, and
    the comparison with the golden's best-matching member, attribute by attribute."""

    rule: str
    score: float
    weight: float
    member: SourceKey
    strong_identifier: str | None
    conflicts: tuple[str, ...]
    comparisons: tuple[AttributeComparison, ...]
    # Strong identifiers that differ where one value fails its check (a mistyped tax ID):
    # likely a typo, so not a conflict; the score decided.
    unverified: tuple[str, ...] = ()
    identifiers: tuple[IdentifierUse, ...] = ()


class GoldenScore(NamedTuple):
    golden_id: str
    golden_created_at: datetime
    score: float
    explanation: MatchExplanation
    auto: bool


class MatchDecision(NamedTuple):
    outcome: MatchOutcome
    golden_id: str | None = None
    merge: tuple[str, ...] = ()
    score: float | None = None
    explanation: MatchExplanation | None = None
    review: tuple[GoldenScore, ...] = ()
    # Members of `golden_id` that name the record as their parent and leave it as the record
    # joins (matching/displacement.py).
    displaced: tuple[Displaced, ...] = ()


def rule_name(rules: MatchRules) -> str:
    return _rule_name(rules.source)


@cache  # every decision names its rule file: parse the path once
def _rule_name(source: str) -> str:
    return f"matching/{Path(source).name}"


class _Ranked(NamedTuple):
    """A candidate golden's best member, before its explanation is built."""

    golden_id: str
    golden_created_at: datetime
    score: float
    auto: bool
    member: int  # index of the best member in `members`
    strong: bool
    conflicts: tuple[str, ...]


def score_goldens(
    rules: MatchRules,
    incoming: PreparedRecord,
    members: Sequence[CandidateMember],
    blocked: Collection[str] = (),
    excluded: Mapping[str, str] = {},
    terms: Mapping[str, float] | None = None,
) -> list[GoldenScore]:
    """Each candidate golden's best member comparison, best first. `blocked` goldens (a
    steward said not-a-match) may score but are never auto-linked; `excluded` ones (golden
    ID: why) are things the record cannot be, such as its own parent."""
    if not members:
        return []
    pairs, ranked = _rank(rules, incoming, members, blocked, excluded, terms)
    return [_golden_score(rules, incoming, members, pairs, golden) for golden in ranked]


def _rank(
    rules: MatchRules,
    incoming: PreparedRecord,
    members: Sequence[CandidateMember],
    blocked: Collection[str],
    excluded: Mapping[str, str],
    terms: Mapping[str, float] | None = None,
) -> tuple[ScoredPairs, list[_Ranked]]:
    """Each candidate golden's best member and score, best first, without explanations:
    a decision explains only the goldens it keeps."""
    pairs = score_many(rules, incoming, [m.prepared for m in members], terms)
    probabilities: list[float] = pairs.probabilities.tolist()
    auto_threshold = rules.rules.thresholds.auto_match
    within_system = rules.vetoes_within_system
    best: dict[str, tuple[tuple[bool, float, str, str], int, bool]] = {}
    conflicted: dict[str, set[str]] = {}
    for index, member in enumerate(members):
        # Without strong identifiers on the incoming record nothing can be equal, differ
        # or conflict: skip the set work.
        if incoming.strong:
            conflicts = _conflicts(incoming, member.prepared, rules.never_conflicting)
            strong = _equal_strong(incoming, member.prepared)
        else:
            conflicts, strong = set(), False
        unmet = pairs.unmet(index, identified=strong and not conflicts)
        if unmet:  # a required agreement failed: as good as a conflicting identifier
            conflicts = conflicts | set(unmet)
        if within_system and incoming.named:
            conflicts = conflicts | _within_system(incoming, member.prepared, within_system)
        if member.golden_id in excluded:
            conflicts = conflicts | {excluded[member.golden_id]}
        if conflicts:
            conflicted.setdefault(member.golden_id, set()).update(conflicts)
        strong = strong and not conflicts
        score = STRONG_SCORE if strong else probabilities[index]
        auto = strong or (score >= auto_threshold and not conflicts)
        rank = (auto, score, member.key.system, member.key.source_id)
        current = best.get(member.golden_id)
        if current is None or rank > current[0]:
            best[member.golden_id] = (rank, index, strong)
    ranked = []
    for golden_id, ((auto, score, _, _), index, strong) in best.items():
        golden_conflicts = tuple(sorted(conflicted.get(golden_id, ())))
        ranked.append(
            _Ranked(
                golden_id,
                members[index].golden_created_at,
                score,
                auto and not golden_conflicts and golden_id not in blocked,
                index,
                strong,
                golden_conflicts,
            )
        )
    ranked.sort(key=lambda g: (-g.score, g.golden_created_at, g.golden_id))
    return pairs, ranked


def _golden_score(
    rules: MatchRules,
    incoming: PreparedRecord,
    members: Sequence[CandidateMember],
    pairs: ScoredPairs,
    golden: _Ranked,
) -> GoldenScore:
    member = members[golden.member]
    strong = golden.strong
    explanation = MatchExplanation(
        rule=f"{rule_name(rules)}#{'strong_identifier' if strong else 'probabilistic'}",
        score=golden.score,
        weight=float(pairs.weights[golden.member]),
        member=member.key,
        strong_identifier=_first_equal_strong(incoming, member.prepared) if strong else None,
        conflicts=golden.conflicts,
        comparisons=pairs.comparisons(golden.member),
        unverified=tuple(sorted(_typos(incoming, member.prepared))) if incoming.strong else (),
        identifiers=identifier_uses(rules, incoming, member.prepared),
    )
    return GoldenScore(
        golden.golden_id, golden.golden_created_at, golden.score, explanation, golden.auto
    )


def decide(
    rules: MatchRules,
    incoming: PreparedRecord,
    members: Sequence[CandidateMember],
    blocked: Collection[str] = (),
    separated: Collection[frozenset[str]] = (),
    excluded: Mapping[str, str] = {},
    held: Mapping[str, Mapping[str, set[str]]] | None = None,
    terms: Mapping[str, float] | None = None,
) -> MatchDecision:
    """`separated` holds pairs of candidate goldens a steward kept apart: never merged.
    `excluded` goldens (golden ID: why) are things the record cannot be (its own parent):
    never linked, never offered for review. `held`: per golden, per strong identifier, the
    values all its members hold (`strong_values`); without it, the retrieved members'.
    `terms`: term-frequency adjustments of the incoming values (`term_adjustments`)."""
    if not members:
        return MatchDecision(MatchOutcome.NEW)
    pairs, ranked = _rank(rules, incoming, members, blocked, excluded, terms)

    def scored(golden: _Ranked) -> GoldenScore:
        return _golden_score(rules, incoming, members, pairs, golden)

    # The best-scoring golden takes the record (ties: the oldest); other goldens above the
    # threshold merge into it unless they must stay apart. `ranked` is in that order already.
    auto = [g for g in ranked if g.auto]
    review_floor = rules.rules.thresholds.review
    if auto:
        target = auto[0]
        merge: list[str] = []
        kept_apart: list[GoldenScore] = []
        strong = _strong_values(members, rules.never_conflicting)
        if held is not None:
            strong.update({golden: dict(values) for golden, values in held.items()})
        for other in auto[1:]:
            joined = (target.golden_id, *merge)
            if any(frozenset((other.golden_id, g)) in separated for g in joined) or any(
                _strong_conflict(strong, other.golden_id, g) for g in joined
            ):
                kept_apart.append(scored(other))
            else:
                merge.append(other.golden_id)
        return MatchDecision(
            MatchOutcome.LINK,
            target.golden_id,
            tuple(merge),
            target.score,
            scored(target).explanation,
            tuple(kept_apart),
        )
    review = tuple(
        scored(g) for g in ranked if g.score >= review_floor and g.golden_id not in excluded
    )
    if review:
        return MatchDecision(MatchOutcome.REVIEW, score=review[0].score, review=review)
    best = scored(ranked[0])
    return MatchDecision(MatchOutcome.NEW, score=best.score, explanation=best.explanation)


def strong_values(
    rules: MatchRules, members: Sequence[CandidateMember]
) -> dict[str, dict[str, set[str]]]:
    """Per golden, per strong identifier that can conflict, the values `members` hold."""
    return _strong_values(members, rules.never_conflicting)


def _strong_values(
    members: Sequence[CandidateMember], never: frozenset[str]
) -> dict[str, dict[str, set[str]]]:
    """Per golden, per strong identifier that can conflict, the values its retrieved
    members hold."""
    values: dict[str, dict[str, set[str]]] = {}
    for member in members:
        held = values.setdefault(member.golden_id, {})
        for name, value in member.prepared.strong.items():
            if name not in never:
                held.setdefault(name, set()).add(value)
    return values


def _strong_conflict(values: dict[str, dict[str, set[str]]], first: str, second: str) -> bool:
    """Two goldens whose members hold different values of one strong identifier (two tax
    IDs) are two things, however well a third record matches both: never merge them."""
    a, b = values.get(first, {}), values.get(second, {})
    return any(name in b and not a[name] & b[name] for name in a)


def _differing(incoming: PreparedRecord, member: PreparedRecord) -> set[str]:
    return {
        name
        for name, value in incoming.strong.items()
        if name in member.strong and member.strong[name] != value
    }


def _typos(incoming: PreparedRecord, member: PreparedRecord) -> set[str]:
    """Differing identifiers where exactly one value fails its check: the valid one is
    most likely right and the other mistyped, which is no evidence of another entity."""
    once = incoming.unverified ^ member.unverified
    return {name for name in _differing(incoming, member) if name in once}


def _conflicts(
    incoming: PreparedRecord, member: PreparedRecord, never: frozenset[str] = frozenset()
) -> set[str]:
    """Differing identifiers that say "another entity": both valid, or both failing (and
    not declared `differing_vetoes: false`)."""
    return _differing(incoming, member) - _typos(incoming, member) - never


def _within_system(
    incoming: PreparedRecord, member: PreparedRecord, labels: Sequence[str]
) -> set[str]:
    """`vetoes_within_system` references that name two records of one system, not known to
    be one golden record (different ones, or one not stored yet): in that system's own IDs,
    two different things."""
    found = set()
    for label in labels:
        mine, theirs = incoming.named.get(label), member.named.get(label)
        if mine is None or theirs is None or mine == theirs or mine.system != theirs.system:
            continue
        golden = incoming.values[label]
        if not golden or golden != member.values[label]:
            found.add(label)
    return found


def _equal_strong(incoming: PreparedRecord, member: PreparedRecord) -> bool:
    return any(member.strong.get(name) == value for name, value in incoming.strong.items())


def _first_equal_strong(incoming: PreparedRecord, member: PreparedRecord) -> str | None:
    equal = sorted(n for n, v in incoming.strong.items() if member.strong.get(n) == v)
    return equal[0] if equal else None


def identifier_uses(
    rules: MatchRules, incoming: PreparedRecord, member: PreparedRecord
) -> tuple[IdentifierUse, ...]:
    """How each of the rule file's strong identifiers took part in this comparison."""
    uses = []
    for rule in rules.rules.strong_identifiers:
        if rule.scope is IdentifierScope.GLOBAL:
            present = rule.name in incoming.strong and rule.name in member.strong
            role = IdentifierRole.STRONG if present else IdentifierRole.ABSENT
            uses.append(IdentifierUse(rule.name, rule.scope.value, None, None, role))
            continue
        mine, theirs = _scope_held(incoming, rule.name), _scope_held(member, rule.name)
        if mine is None or theirs is None:
            role = IdentifierRole.ABSENT
        else:
            role = IdentifierRole.STRONG if mine == theirs else IdentifierRole.EVIDENCE
        uses.append(IdentifierUse(rule.name, rule.scope.value, mine, theirs, role))
    return tuple(uses)


def _scope_held(record: PreparedRecord, name: str) -> str | None:
    """The scope of a system-scoped identifier's value on `record` (None: it has none)."""
    prefix = f"{name}{SCOPE_SEPARATOR}"
    for held in record.strong:
        if held.startswith(prefix):
            return held[len(prefix) :]
    return None
