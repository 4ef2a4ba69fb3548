"""Fit a rule file's m and u to a firm's own records, as Splink does.

u (P(level | non-match)) is counted over random pairs of records: nearly every random pair is
a non-match. m (P(level | match)) is estimated by expectation-maximisation over the candidate
pairs (records sharing a key the matcher looks records up by), with u held fixed at the
random-pair estimate and the share of matches among candidates (lambda) estimated alongside.

Levels come from the matcher's own code (`prepare`, then `score_many`): a fitted level means
exactly what the matcher computes, swapped fields included.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mdm_hub.domain.records import SourceKey
from mdm_hub.matching.prepare import PreparedRecord, prepare
from mdm_hub.matching.references import with_goldens_all
from mdm_hub.matching.rules import Comparison, MatchRules
from mdm_hub.matching.scoring import MISSING_LEVEL, OTHERWISE_LEVEL, score_many

# A pattern holds, per comparison, the bucket its pair fell in: the level's index (highest
# first), then len(levels) for `otherwise`; MISSING where either value is absent (no evidence).
MISSING = -1
Pattern = tuple[int, ...]

# Rule files need 0 < m, u < 1; a bucket never seen is "rarer than the sample can tell".
FLOOR = 1e-6
RANDOM_BATCH = 100  # random partners scored per call: one bulk comparison each
MAX_ITERATIONS = 100
# A reference key's holders, apart from stored keys (`S|`, `B|`): attribute and golden ID.
_REFERENCE_KEY = "R|"
TOLERANCE = 1e-5


@dataclass(frozen=True)
class EmResult:
    """Per comparison, the fitted m of each bucket (levels, then otherwise); the share of
    matches among the pairs; how many iterations ran and whether the change fell below the
    tolerance."""

    m: tuple[tuple[float, ...], ...]
    matches_share: float
    iterations: int
    converged: bool


@dataclass(frozen=True)
class BucketFit:
    """One level (or `otherwise`) of a comparison: its m and u now and as fitted."""

    label: str
    m: float
    u: float
    fitted_m: float
    fitted_u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)

    @property
    def fitted_weight(self) -> float:
        return math.log2(self.fitted_m / self.fitted_u)


@dataclass(frozen=True)
class RulesFit:
    """The outcome of fitting one rule file to a set of records."""

    comparisons: tuple[tuple[str, tuple[BucketFit, ...]], ...]
    prior: float
    fitted_prior: float
    records: int
    random_pairs: int
    candidate_pairs: int
    em: EmResult


def buckets(comparison: Comparison) -> int:
    return len(comparison.levels) + 1


def bucket_labels(comparison: Comparison) -> tuple[str, ...]:
    return (*(f">={level.min:g}" for level in comparison.levels), "otherwise")


def current_m(comparison: Comparison) -> tuple[float, ...]:
    return (*(level.m for level in comparison.levels), comparison.otherwise.m)


def current_u(comparison: Comparison) -> tuple[float, ...]:
    return (*(level.u for level in comparison.levels), comparison.otherwise.u)


def patterns(
    rules: MatchRules, record: PreparedRecord, others: Sequence[PreparedRecord]
) -> list[Pattern]:
    """The pattern of `record` against each of `others`, as the matcher scores them."""
    if not others:
        return []
    scored = score_many(rules, record, others)
    sizes = [len(c.levels) for c in rules.rules.comparisons]
    return [_pattern(scored.levels(index), sizes) for index in range(len(others))]


def _pattern(levels: tuple[int, ...], sizes: list[int]) -> Pattern:
    return tuple(
        MISSING if level == MISSING_LEVEL else size if level == OTHERWISE_LEVEL else level
        for level, size in zip(levels, sizes, strict=True)
    )


def random_pair_patterns(
    rules: MatchRules, records: Sequence[PreparedRecord], sample: int, seed: int
) -> Counter[Pattern]:
    """Patterns of `sample` random pairs of distinct records (seeded: the same seed, the same
    pairs)."""
    count = len(records)
    if count < 2:
        return Counter()
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    found: Counter[Pattern] = Counter()
    drawn = 0
    while drawn < sample:
        first = rng.randrange(count)
        size = min(RANDOM_BATCH, sample - drawn)
        # A partner from the other count - 1 records: never the record itself.
        partners = [(first + 1 + rng.randrange(count - 1)) % count for _ in range(size)]
        found.update(patterns(rules, records[first], [records[p] for p in partners]))
        drawn += size
    return found


def estimate_u(rules: MatchRules, found: Counter[Pattern]) -> tuple[tuple[float, ...], ...]:
    """Per comparison, the share of each bucket among the pairs where both values are
    present. A bucket never seen gets half of one pair's share (rarer than the sample can
    tell, but not impossible), so every u is a valid probability. A comparison never present
    on both sides keeps the rule's u: the data says nothing about it."""
    fitted = []
    for index, comparison in enumerate(rules.rules.comparisons):
        counts = [0] * buckets(comparison)
        for pattern, times in found.items():
            if pattern[index] != MISSING:
                counts[pattern[index]] += times
        fitted.append(_shares([float(c) for c in counts], sum(counts), current_u(comparison)))
    return tuple(fitted)


def _shares(counts: Sequence[float], total: float, unknown: Sequence[float]) -> tuple[float, ...]:
    """Counts as shares; `unknown` where there is nothing to count."""
    if total <= 0:
        return tuple(unknown)
    unseen = 0.5 / total
    raw = [max(c / total, unseen, FLOOR) for c in counts]
    scale = sum(raw)
    return tuple(min(max(r / scale, FLOOR), 1 - FLOOR) for r in raw)


def candidate_pairs(
    records: Sequence[PreparedRecord],
    per_key_limit: int,
    goldens: Mapping[SourceKey, str | None] | None = None,
) -> set[tuple[int, int]]:
    """Pairs of records (by index, lower first) sharing a key the matcher looks records up
    by: a stored key, or a reference key whose target belongs to the same golden record
    (`goldens`: the golden record of each record a reference names; without it reference
    keys find nothing, as in a store holding none of their targets). A key held by more
    than `per_key_limit` records is skipped: the matcher reads only that many records per
    key, so such a key is no evidence of a candidate."""
    holders: defaultdict[str, list[int]] = defaultdict(list)
    resolved = goldens or {}
    for index, record in enumerate(records):
        for key in record.keys:
            holders[key].append(index)
        for lookup in record.referenced:
            if golden := resolved.get(lookup.target):
                holders[f"{_REFERENCE_KEY}{lookup.attribute}\x1f{golden}"].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in holders.values():
        if 1 < len(members) <= per_key_limit:
            pairs.update(
                (a, b) for position, a in enumerate(members) for b in members[position + 1 :]
            )
    return pairs


def candidate_pair_patterns(
    rules: MatchRules, records: Sequence[PreparedRecord], pairs: set[tuple[int, int]]
) -> Counter[Pattern]:
    partners: defaultdict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        partners[a].append(b)
    found: Counter[Pattern] = Counter()
    for first, others in partners.items():
        found.update(patterns(rules, records[first], [records[o] for o in others]))
    return found


def expectation_maximisation(
    found: Counter[Pattern],
    start_m: Sequence[Sequence[float]],
    u: Sequence[Sequence[float]],
    start_share: float,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> EmResult:
    """Fit m and the share of matches to the pairs' patterns with u fixed (Fellegi-Sunter with
    conditionally independent comparisons; a missing comparison is no evidence either way).
    Stops when no m and not the share moves by more than `tolerance`, or after
    `max_iterations`."""
    m = [list(row) for row in start_m]
    share = min(max(start_share, FLOOR), 1 - FLOOR)
    items = list(found.items())
    iterations, converged = 0, False
    while iterations < max_iterations and not converged:
        iterations += 1
        # E: each pattern's probability of being a match, given m, u and the share.
        matched = [[0.0] * len(row) for row in m]
        expected = 0.0
        total = 0
        for pattern, times in items:
            odds = share / (1 - share)
            for index, bucket in enumerate(pattern):
                if bucket != MISSING:
                    odds *= m[index][bucket] / u[index][bucket]
            probability = 1.0 if math.isinf(odds) else odds / (1 + odds)
            expected += probability * times
            total += times
            for index, bucket in enumerate(pattern):
                if bucket != MISSING:
                    matched[index][bucket] += probability * times
        # M: m from the expected matches in each bucket; the share from their total.
        new_m = [list(_shares(row, sum(row), old)) for row, old in zip(matched, m, strict=True)]
        new_share = min(max(expected / total, FLOOR), 1 - FLOOR) if total else share
        change = max(
            [abs(new_share - share)]
            + [
                abs(a - b)
                for old, new in zip(m, new_m, strict=True)
                for a, b in zip(old, new, strict=True)
            ]
        )
        m, share = new_m, new_share
        converged = change < tolerance
    return EmResult(tuple(tuple(row) for row in m), share, iterations, converged)


def fit_rules(
    rules: MatchRules,
    attributes: Sequence[Mapping[str, object]],
    sample: int,
    seed: int,
    max_iterations: int = MAX_ITERATIONS,
    goldens: Mapping[SourceKey, str | None] | None = None,
) -> RulesFit:
    """Fit `rules` to the records: u over `sample` random pairs, then m by EM over candidate
    pairs, starting from the rule's m. The fitted prior (the chance that two random records
    match, which the matcher's score starts from) is the expected matches among candidates
    over all pairs: blocking is assumed to retrieve nearly every true match. `goldens`
    resolves references (graph evidence) as the matcher does."""
    prepared = with_goldens_all(rules, [prepare(rules, record) for record in attributes], goldens)
    comparisons = rules.rules.comparisons
    u = estimate_u(rules, random_pair_patterns(rules, prepared, sample, seed))
    pairs = candidate_pairs(prepared, rules.rules.candidates.per_key_limit, goldens)
    found = candidate_pair_patterns(rules, prepared, pairs)
    all_pairs = len(prepared) * (len(prepared) - 1) / 2
    # The rule's prior, as a share of the candidate pairs, is where the share starts.
    start = rules.rules.prior * all_pairs / len(pairs) if pairs else 0.5
    em = expectation_maximisation(
        found,
        [current_m(c) for c in comparisons],
        u,
        start_share=min(max(start, 0.01), 0.99),
        max_iterations=max_iterations,
    )
    fitted_prior = em.matches_share * len(pairs) / all_pairs if all_pairs else rules.rules.prior
    return RulesFit(
        comparisons=tuple(
            (
                comparison.label,
                tuple(
                    BucketFit(label, m, u_now, fm, fu)
                    for label, m, u_now, fm, fu in zip(
                        bucket_labels(comparison),
                        current_m(comparison),
                        current_u(comparison),
                        em.m[index],
                        u[index],
                        strict=True,
                    )
                ),
            )
            for index, comparison in enumerate(comparisons)
        ),
        prior=rules.rules.prior,
        fitted_prior=min(max(fitted_prior, FLOOR), 1 - FLOOR),
        records=len(prepared),
        random_pairs=sample if len(prepared) > 1 else 0,
        candidate_pairs=len(pairs),
        em=em,
    )
