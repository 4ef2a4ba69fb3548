"""Fellegi-Sunter scoring of one record against many: per attribute a level, per level a
log2 Bayes factor (m/u), summed with the prior into a match weight and a probability.

Everything is computed as arrays, one row per comparison and one column per candidate: one
rapidfuzz `cdist` per string comparator covers every comparison that uses it (crossed swap
fields included), and the levels of all comparisons are found in one step. The
attribute-by-attribute explanation is built only for the pairs a decision keeps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray

from mdm_hub.matching.comparators import compare_grid, with_nicknames
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import Comparator, Comparison, MatchRules

MISSING = "missing"
OTHERWISE = "otherwise"
_MISSING_LEVEL = -2
_OTHERWISE_LEVEL = -1

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


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
class _Table:
    """A rule file's comparisons compiled once for bulk scoring.

    `pairs` are the pairs of fields scored, as (comparison row, candidate field): every
    comparison against its own field, then each swap group's two comparisons crossed. Row p
    of `pair_mins` holds pair p's level minimums ascending (padded with +inf, never
    reached); `pair_weights[p, j]` is its weight once j minimums are reached (0: otherwise);
    `pair_counts[p]` how many levels it has."""

    comparisons: tuple[Comparison, ...]
    labels: tuple[str, ...]
    swaps: tuple[tuple[int, int], ...]
    pairs: tuple[tuple[int, str], ...]
    pair_mins: Floats
    pair_weights: Floats
    pair_counts: Ints
    grids: tuple[_Grid, ...]
    compared: tuple[str, ...]
    nickname_pairs: tuple[int, ...]
    partners: dict[str, str]  # each swap-group field's partner, both ways


@dataclass(frozen=True)
class _Grid:
    """The comparisons sharing a comparator: one bulk call scores each of them against every
    field in `fields`; scored pair `pairs[i]` is comparison `members[i]` against field
    `fields[field_of[i]]`."""

    comparator: Comparator
    comparisons: tuple[int, ...]
    fields: tuple[str, ...]
    pairs: NDArray[np.intp]
    members: NDArray[np.intp]
    field_of: NDArray[np.intp]


_tables: WeakKeyDictionary[MatchRules, _Table] = WeakKeyDictionary()


def _table(rules: MatchRules) -> _Table:
    table = _tables.get(rules)
    if table is None:
        table = _tables[rules] = _compile(tuple(rules.rules.comparisons))
    return table


def _compile(comparisons: tuple[Comparison, ...]) -> _Table:
    labels = tuple(c.label for c in comparisons)
    swaps = _swap_pairs(comparisons)
    pairs = [(row, label) for row, label in enumerate(labels)]
    for first, second in swaps:
        pairs += [(first, labels[second]), (second, labels[first])]
    widest = max((len(c.levels) for c in comparisons), default=0)
    mins = np.full((len(pairs), widest), np.inf)
    weights = np.zeros((len(pairs), widest + 1))
    for index, (row, _) in enumerate(pairs):
        ascending = list(reversed(comparisons[row].levels))
        mins[index, : len(ascending)] = [level.min for level in ascending]
        weights[index, : len(ascending) + 1] = [comparisons[row].otherwise.weight] + [
            level.weight for level in ascending
        ]
    grids = []
    for comparator in dict.fromkeys(c.comparator for c in comparisons):
        rows = tuple(r for r, c in enumerate(comparisons) if c.comparator is comparator)
        mine = [index for index, (row, _) in enumerate(pairs) if row in rows]
        fields = tuple(dict.fromkeys(pairs[index][1] for index in mine))
        grids.append(
            _Grid(
                comparator,
                rows,
                fields,
                np.array(mine, dtype=np.intp),
                np.array([rows.index(pairs[index][0]) for index in mine], dtype=np.intp),
                np.array([fields.index(pairs[index][1]) for index in mine], dtype=np.intp),
            )
        )
    return _Table(
        comparisons=comparisons,
        labels=labels,
        swaps=swaps,
        pairs=tuple(pairs),
        pair_mins=mins,
        pair_weights=weights,
        pair_counts=np.array([len(comparisons[row].levels) for row, _ in pairs], dtype=np.int64),
        grids=tuple(grids),
        compared=tuple(dict.fromkeys(label for _, label in pairs)),
        nickname_pairs=tuple(i for i, (row, _) in enumerate(pairs) if comparisons[row].nicknames),
        partners={labels[a]: labels[b] for pair in swaps for a, b in (pair, pair[::-1])},
    )


def _swap_pairs(comparisons: Sequence[Comparison]) -> tuple[tuple[int, int], ...]:
    groups: dict[str, list[int]] = {}
    for index, comparison in enumerate(comparisons):
        if comparison.swap_group:
            groups.setdefault(comparison.swap_group, []).append(index)
    return tuple((pair[0], pair[1]) for pair in groups.values() if len(pair) == 2)


class ScoredPairs:
    """The incoming record scored against every candidate."""

    def __init__(
        self,
        rules: MatchRules,
        incoming: PreparedRecord,
        candidates: Sequence[PreparedRecord],
        similarity: Floats,
        level: Ints,
        weight: Floats,
        swapped: dict[str, Bools],
    ) -> None:
        self._table = _table(rules)
        self._incoming = incoming
        self._candidates = candidates
        self._similarity = similarity
        self._level = level
        self._weight = weight
        self._swapped = swapped
        self.weights: Floats = prior_weight(rules) + weight.sum(axis=0)
        self.probabilities: Floats = 1.0 / (1.0 + np.exp2(-self.weights))

    def __len__(self) -> int:
        return len(self._candidates)

    def comparisons(self, index: int) -> tuple[AttributeComparison, ...]:
        """The explanation of one pair, attribute by attribute."""
        table = self._table
        out = []
        for row, comparison in enumerate(table.comparisons):
            level = int(self._level[row, index])
            label = _level_label(comparison, level)
            other_label = comparison.label
            group = comparison.swap_group
            if group and group in self._swapped and self._swapped[group][index]:
                other_label = table.partners[comparison.label]
                label += " (swapped)"
            out.append(
                AttributeComparison(
                    name=comparison.label,
                    incoming=self._incoming.values.get(comparison.label, ""),
                    candidate=self._candidates[index].values.get(other_label, ""),
                    similarity=None
                    if level == _MISSING_LEVEL
                    else float(self._similarity[row, index]),
                    level=label,
                    weight=float(self._weight[row, index]),
                )
            )
        return tuple(out)


def prior_weight(rules: MatchRules) -> float:
    prior = rules.rules.prior
    return math.log2(prior / (1 - prior))


def score_many(
    rules: MatchRules, incoming: PreparedRecord, candidates: Sequence[PreparedRecord]
) -> ScoredPairs:
    """Score `incoming` against every candidate, all comparisons at once."""
    table = _table(rules)
    count = len(candidates)
    mine = [incoming.values.get(label, "") for label in table.labels]
    theirs = {label: [c.values.get(label, "") for c in candidates] for label in table.compared}
    # One row per scored pair of fields: each comparison straight, then each swap group's
    # two comparisons crossed (against the partner's field).
    similarity = _similarities(table, mine, theirs, count)
    missing = np.array([not mine[row] for row, _ in table.pairs])[:, None] | np.array(
        [[not value for value in theirs[label]] for _, label in table.pairs], dtype=np.bool_
    ).reshape(len(table.pairs), count)
    level, weight = _levels(table, similarity, missing)
    swapped: dict[str, Bools] = {}
    for index, (first, second) in enumerate(table.swaps):
        straight = [first, second]
        crossed = slice(len(table.labels) + 2 * index, len(table.labels) + 2 * index + 2)
        # Crossed only where it weighs more AND compares no fewer values: two "missing" (0)
        # must not beat one real disagreement (negative) just because the fields are empty.
        better = (weight[crossed].sum(axis=0) > weight[straight].sum(axis=0)) & (
            missing[crossed].sum(axis=0) <= missing[straight].sum(axis=0)
        )
        if better.any():
            for values in (similarity, level, weight):
                values[straight] = np.where(better, values[crossed], values[straight])
        swapped[table.comparisons[first].swap_group or ""] = better
    straight_rows = slice(0, len(table.labels))
    return ScoredPairs(
        rules,
        incoming,
        candidates,
        similarity[straight_rows],
        level[straight_rows],
        weight[straight_rows],
        swapped,
    )


def _similarities(
    table: _Table, mine: list[str], theirs: dict[str, list[str]], count: int
) -> Floats:
    """Row p: the similarity of scored pair p for each candidate."""
    similarity = np.zeros((len(table.pairs), count))
    if not count:
        return similarity
    for grid in table.grids:
        scores = compare_grid(
            grid.comparator,
            [mine[row] for row in grid.comparisons],
            [theirs[field] for field in grid.fields],
        )
        similarity[grid.pairs] = scores[grid.members, grid.field_of]
    for index in table.nickname_pairs:
        row, field = table.pairs[index]
        with_nicknames(mine[row], similarity[index], theirs[field])
    return similarity


def _levels(table: _Table, similarity: Floats, missing: Bools) -> tuple[Ints, Floats]:
    """Each scored pair's level (index from the highest, -1 otherwise, -2 missing) and
    weight."""
    reached = (similarity[:, :, None] >= table.pair_mins[:, None, :]).sum(axis=2)
    weight = np.take_along_axis(table.pair_weights, reached, axis=1)
    level = np.where(reached > 0, table.pair_counts[:, None] - reached, _OTHERWISE_LEVEL)
    level[missing] = _MISSING_LEVEL
    weight[missing] = 0.0
    return level, weight


def _level_label(comparison: Comparison, level: int) -> str:
    if level == _MISSING_LEVEL:
        return MISSING
    if level == _OTHERWISE_LEVEL:
        return OTHERWISE
    return f">={comparison.levels[level].min:g}"
