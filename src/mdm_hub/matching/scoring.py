"""Fellegi-Sunter scoring of one record against many: per attribute a level, per level a
log2 Bayes factor (m/u), summed with the prior into a match weight and a probability."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mdm_hub.matching.comparators import compare
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import Comparison, MatchRules

MISSING = "missing"
OTHERWISE = "otherwise"


@dataclass(frozen=True)
class AttributeComparison:
    """How one attribute compared: the standardised values, their similarity, the level
    it fell in and the weight that level adds (0 when either side is missing)."""

    name: str
    incoming: str
    candidate: str
    similarity: float | None
    level: str
    weight: float


@dataclass(frozen=True)
class PairScore:
    probability: float
    weight: float
    comparisons: tuple[AttributeComparison, ...]


def prior_weight(rules: MatchRules) -> float:
    prior = rules.rules.prior
    return math.log2(prior / (1 - prior))


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -1000 else 0.0


def score_many(
    rules: MatchRules, incoming: PreparedRecord, candidates: Sequence[PreparedRecord]
) -> list[PairScore]:
    """Score `incoming` against every candidate; one bulk comparison per attribute."""
    if not candidates:
        return []
    comparisons = rules.rules.comparisons
    per_attribute = [_compare_attribute(c, incoming, candidates) for c in comparisons]
    for first, second in _swap_pairs(comparisons):
        _take_crossed_where_better(comparisons, per_attribute, first, second, incoming, candidates)
    base = prior_weight(rules)
    scores = []
    for index in range(len(candidates)):
        row = tuple(column[index] for column in per_attribute)
        weight = base + sum(c.weight for c in row)
        scores.append(PairScore(probability(weight), weight, row))
    return scores


def _swap_pairs(comparisons: Sequence[Comparison]) -> list[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for index, comparison in enumerate(comparisons):
        if comparison.swap_group:
            groups.setdefault(comparison.swap_group, []).append(index)
    return [(pair[0], pair[1]) for pair in groups.values() if len(pair) == 2]


def _take_crossed_where_better(
    comparisons: Sequence[Comparison],
    columns: list[list[AttributeComparison]],
    first: int,
    second: int,
    incoming: PreparedRecord,
    candidates: Sequence[PreparedRecord],
) -> None:
    """Compare each side's value with the candidate's other field; keep the crossed pair
    for a candidate when it weighs more than the straight one."""
    a, b = comparisons[first], comparisons[second]
    crossed_a = _compare_attribute(a, incoming, candidates, other_label=b.label)
    crossed_b = _compare_attribute(b, incoming, candidates, other_label=a.label)
    for index in range(len(candidates)):
        straight = columns[first][index].weight + columns[second][index].weight
        if crossed_a[index].weight + crossed_b[index].weight > straight:
            columns[first][index] = _swapped(crossed_a[index])
            columns[second][index] = _swapped(crossed_b[index])


def _swapped(comparison: AttributeComparison) -> AttributeComparison:
    return AttributeComparison(
        comparison.name,
        comparison.incoming,
        comparison.candidate,
        comparison.similarity,
        f"{comparison.level} (swapped)",
        comparison.weight,
    )


def _compare_attribute(
    comparison: Comparison,
    incoming: PreparedRecord,
    candidates: Sequence[PreparedRecord],
    other_label: str | None = None,
) -> list[AttributeComparison]:
    label = comparison.label
    value = incoming.values.get(label, "")
    others = [candidate.values.get(other_label or label, "") for candidate in candidates]
    if not value:
        return [AttributeComparison(label, value, other, None, MISSING, 0.0) for other in others]
    similarities = compare(comparison.comparator, value, others, comparison.nicknames)
    levels = np.full(len(others), -1, dtype=np.int64)
    for index in range(len(comparison.levels) - 1, -1, -1):
        levels[similarities >= comparison.levels[index].min] = index
    return [
        _attribute(comparison, value, other, float(similarity), int(level))
        for other, similarity, level in zip(others, similarities, levels, strict=True)
    ]


def _attribute(
    comparison: Comparison, value: str, other: str, similarity: float, level: int
) -> AttributeComparison:
    label = comparison.label
    if not other:
        return AttributeComparison(label, value, other, None, MISSING, 0.0)
    if level < 0:
        return AttributeComparison(
            label, value, other, similarity, OTHERWISE, comparison.otherwise.weight
        )
    chosen = comparison.levels[level]
    return AttributeComparison(label, value, other, similarity, f">={chosen.min:g}", chosen.weight)
