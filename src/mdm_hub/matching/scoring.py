"""Fellegi-Sunter scoring of one record against many: per attribute a level, per level a
log2 Bayes factor (m/u), summed with the prior into a match weight and a probability.

Everything is computed as arrays (one row per comparison, one column per candidate); the
attribute-by-attribute explanation is built only for the pairs a decision keeps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mdm_hub.matching.comparators import compare
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import Comparison, MatchRules

MISSING = "missing"
OTHERWISE = "otherwise"
_MISSING_LEVEL = -2
_OTHERWISE_LEVEL = -1


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
class _Column:
    """One comparison against every candidate."""

    similarity: NDArray[np.float64]
    level: NDArray[np.int64]
    weight: NDArray[np.float64]


class ScoredPairs:
    """The incoming record scored against every candidate."""

    def __init__(
        self,
        rules: MatchRules,
        incoming: PreparedRecord,
        candidates: Sequence[PreparedRecord],
        columns: list[_Column],
        swapped: dict[str, NDArray[np.bool_]],
    ) -> None:
        self._rules = rules
        self._incoming = incoming
        self._candidates = candidates
        self._columns = columns
        self._swapped = swapped
        stacked = np.vstack([c.weight for c in columns]) if columns else np.zeros((0, 0))
        self.weights: NDArray[np.float64] = prior_weight(rules) + stacked.sum(axis=0)
        self.probabilities: NDArray[np.float64] = 1.0 / (1.0 + np.exp2(-self.weights))

    def __len__(self) -> int:
        return len(self._candidates)

    def comparisons(self, index: int) -> tuple[AttributeComparison, ...]:
        """The explanation of one pair, attribute by attribute."""
        out = []
        comparisons = self._rules.rules.comparisons
        partners = _partners(comparisons)
        for comparison, column in zip(comparisons, self._columns, strict=True):
            level = int(column.level[index])
            similarity = float(column.similarity[index])
            label = _level_label(comparison, level)
            other_label = comparison.label
            group = comparison.swap_group
            if group and group in self._swapped and self._swapped[group][index]:
                other_label = partners[comparison.label]
                label += " (swapped)"
            out.append(
                AttributeComparison(
                    name=comparison.label,
                    incoming=self._incoming.values.get(comparison.label, ""),
                    candidate=self._candidates[index].values.get(other_label, ""),
                    similarity=None if level == _MISSING_LEVEL else similarity,
                    level=label,
                    weight=float(column.weight[index]),
                )
            )
        return tuple(out)


def prior_weight(rules: MatchRules) -> float:
    prior = rules.rules.prior
    return math.log2(prior / (1 - prior))


def score_many(
    rules: MatchRules, incoming: PreparedRecord, candidates: Sequence[PreparedRecord]
) -> ScoredPairs:
    """Score `incoming` against every candidate; one bulk comparison per attribute."""
    comparisons = rules.rules.comparisons
    columns = [_column(c, incoming, candidates, c.label) for c in comparisons]
    swapped: dict[str, NDArray[np.bool_]] = {}
    if candidates:
        for first, second in _swap_pairs(comparisons):
            group = comparisons[first].swap_group or ""
            swapped[group] = _take_crossed_where_better(
                comparisons, columns, first, second, incoming, candidates
            )
    return ScoredPairs(rules, incoming, candidates, columns, swapped)


@dataclass(frozen=True)
class _Levels:
    """A comparison's levels as arrays: ascending minimums and the weight for each count of
    minimums reached (0 reached is "otherwise")."""

    mins: NDArray[np.float64]
    weights: NDArray[np.float64]
    count: int


_compiled: dict[int, _Levels] = {}


def _levels(comparison: Comparison) -> _Levels:
    compiled = _compiled.get(id(comparison))
    if compiled is None:
        ascending = list(reversed(comparison.levels))
        compiled = _Levels(
            np.array([level.min for level in ascending]),
            np.array([comparison.otherwise.weight] + [level.weight for level in ascending]),
            len(ascending),
        )
        _compiled[id(comparison)] = compiled
    return compiled


def _column(
    comparison: Comparison,
    incoming: PreparedRecord,
    candidates: Sequence[PreparedRecord],
    other_label: str,
) -> _Column:
    """`incoming`'s value for `comparison` against each candidate's `other_label` value."""
    count = len(candidates)
    value = incoming.values.get(comparison.label, "")
    if not value or not count:
        return _Column(np.zeros(count), np.full(count, _MISSING_LEVEL), np.zeros(count))
    others = [candidate.values.get(other_label, "") for candidate in candidates]
    similarity = compare(comparison.comparator, value, others, comparison.nicknames)
    levels = _levels(comparison)
    reached = np.searchsorted(levels.mins, similarity, side="right")
    weight = levels.weights[reached]
    # Level indexes count from the highest level (0) down; -1 is "otherwise".
    level = np.where(reached > 0, levels.count - reached, _OTHERWISE_LEVEL)
    missing = np.array([not other for other in others], dtype=np.bool_)
    if missing.any():
        level[missing] = _MISSING_LEVEL
        weight[missing] = 0.0
    return _Column(similarity, level, weight)


def _swap_pairs(comparisons: Sequence[Comparison]) -> list[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for index, comparison in enumerate(comparisons):
        if comparison.swap_group:
            groups.setdefault(comparison.swap_group, []).append(index)
    return [(pair[0], pair[1]) for pair in groups.values() if len(pair) == 2]


def _take_crossed_where_better(
    comparisons: Sequence[Comparison],
    columns: list[_Column],
    first: int,
    second: int,
    incoming: PreparedRecord,
    candidates: Sequence[PreparedRecord],
) -> NDArray[np.bool_]:
    """Compare each side's value with the candidate's other field; keep the crossed pair
    for a candidate when it weighs more than the straight one."""
    a, b = comparisons[first], comparisons[second]
    crossed_a = _column(a, incoming, candidates, b.label)
    crossed_b = _column(b, incoming, candidates, a.label)
    # Crossed only where it weighs more AND compares no fewer values: two "missing" (0) must
    # not beat one real disagreement (negative) just because the fields are empty.
    straight_missing = (columns[first].level == _MISSING_LEVEL).astype(np.int64) + (
        columns[second].level == _MISSING_LEVEL
    )
    crossed_missing = (crossed_a.level == _MISSING_LEVEL).astype(np.int64) + (
        crossed_b.level == _MISSING_LEVEL
    )
    heavier = (crossed_a.weight + crossed_b.weight) > (
        columns[first].weight + columns[second].weight
    )
    better: NDArray[np.bool_] = heavier & (crossed_missing <= straight_missing)
    if better.any():
        columns[first] = _merge(columns[first], crossed_a, better)
        columns[second] = _merge(columns[second], crossed_b, better)
    return better


def _merge(straight: _Column, crossed: _Column, better: NDArray[np.bool_]) -> _Column:
    return _Column(
        np.where(better, crossed.similarity, straight.similarity),
        np.where(better, crossed.level, straight.level),
        np.where(better, crossed.weight, straight.weight),
    )


def _partners(comparisons: Sequence[Comparison]) -> dict[str, str]:
    partners = {}
    for first, second in _swap_pairs(comparisons):
        a, b = comparisons[first].label, comparisons[second].label
        partners[a], partners[b] = b, a
    return partners


def _level_label(comparison: Comparison, level: int) -> str:
    if level == _MISSING_LEVEL:
        return MISSING
    if level == _OTHERWISE_LEVEL:
        return OTHERWISE
    return f">={comparison.levels[level].min:g}"
