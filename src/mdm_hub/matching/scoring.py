"""Fellegi-Sunter scoring of one record against many: per attribute a level, per level a
log2 Bayes factor (m/u), summed with the prior into a match weight and a probability.

One row per scored pair of fields and one column per candidate: one rapidfuzz `cdist` per
string comparator covers every comparison that uses it (crossed swap fields included). A
record has 1-5 candidates, so levels and swaps are worked out on plain lists, where numpy's
fixed cost per call on tiny arrays would dominate; the weights are still summed by numpy
(the same summation order, so the same floats). The attribute-by-attribute explanation is
built only for the pairs a decision keeps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray

from mdm_hub.matching.comparators import compare_grid, pair_scorer, with_nicknames
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import Comparator, Comparison, MatchRules

MISSING = "missing"
OTHERWISE = "otherwise"
# Levels below the first: they index the last two of `_Row.level_labels`.
_MISSING_LEVEL = -2
_OTHERWISE_LEVEL = -1
# The same, for readers of `ScoredPairs.levels`.
MISSING_LEVEL = _MISSING_LEVEL
OTHERWISE_LEVEL = _OTHERWISE_LEVEL

Floats = NDArray[np.float64]


class AttributeComparison(NamedTuple):
    """How one attribute compared: the standardised values, their similarity, the level
    it fell in and the weight that level adds (0 when either side is missing). A named tuple:
    every explanation holds one per attribute, and it is several times cheaper to make than a
    frozen dataclass."""

    name: str
    incoming: str
    candidate: str
    similarity: float | None
    level: str
    weight: float


@dataclass(frozen=True)
class _Row:
    """One comparison's explanation constants: its label, each level's label (by index from
    the highest, then "missing" and "otherwise" last, so that levels -2 and -1 index them)
    and, in a swap group, the group and the partner's label."""

    label: str
    level_labels: tuple[str, ...]
    swap_group: str | None
    partner: str | None


@dataclass(frozen=True)
class _Pair:
    """A scored pair of fields: comparison `row` against the candidate's `field`, with the
    row's levels from the highest down and its otherwise weight."""

    row: int
    field: str
    steps: tuple[tuple[int, float, float], ...]  # (level index, min, weight)
    otherwise: float
    nicknames: bool


@dataclass(frozen=True)
class _Grid:
    """The comparisons sharing a comparator. A string comparator scores each of them
    against every field in `fields` in one bulk call; `slots` says where each scored pair
    sits in that grid, as (pair index, comparison number in `comparisons`, field number).
    Pair scorers (dates, numbers, exact codes) score only the pairs in `slots`."""

    comparator: Comparator
    scorer: Callable[[str, str], float] | None  # None: a string comparator, scored in bulk
    comparisons: tuple[int, ...]
    fields: tuple[str, ...]
    slots: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class _Table:
    """A rule file's comparisons compiled once for scoring.

    `pairs` are the pairs of fields scored: every comparison against its own field, then
    each swap group's two comparisons crossed (against the partner's field)."""

    comparisons: tuple[Comparison, ...]
    labels: tuple[str, ...]
    rows: tuple[_Row, ...]
    swaps: tuple[tuple[int, int], ...]
    pairs: tuple[_Pair, ...]
    grids: tuple[_Grid, ...]
    compared: tuple[str, ...]
    prior: float
    required: tuple[int, ...] = ()  # rows of the comparisons marked `required`
    required_for_score: tuple[int, ...] = ()  # rows marked `required_for_score`
    # never_auto_link rules: (name, rows that must be at their top level, rows below all)
    guards: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = ()


_tables: WeakKeyDictionary[MatchRules, _Table] = WeakKeyDictionary()


def _table(rules: MatchRules) -> _Table:
    table = _tables.get(rules)
    if table is None:
        compiled = _compile(tuple(rules.rules.comparisons), prior_weight(rules))
        row = {label: index for index, label in enumerate(compiled.labels)}
        guards = tuple(
            (g.name, tuple(row[a] for a in g.agree), tuple(row[d] for d in g.disagree))
            for g in rules.rules.never_auto_link
        )
        table = _tables[rules] = replace(compiled, guards=guards)
    return table


def _compile(comparisons: tuple[Comparison, ...], prior: float) -> _Table:
    labels = tuple(c.label for c in comparisons)
    swaps = _swap_pairs(comparisons)
    fields = [(row, label) for row, label in enumerate(labels)]
    for first, second in swaps:
        fields += [(first, labels[second]), (second, labels[first])]
    partners = {labels[a]: labels[b] for pair in swaps for a, b in (pair, pair[::-1])}
    pairs = tuple(
        _Pair(
            row,
            field,
            tuple((i, level.min, level.weight) for i, level in enumerate(comparisons[row].levels)),
            comparisons[row].otherwise.weight,
            comparisons[row].nicknames,
        )
        for row, field in fields
    )
    grids = []
    for comparator in dict.fromkeys(c.comparator for c in comparisons):
        rows = tuple(r for r, c in enumerate(comparisons) if c.comparator is comparator)
        mine = [index for index, (row, _) in enumerate(fields) if row in rows]
        theirs = tuple(dict.fromkeys(fields[index][1] for index in mine))
        grids.append(
            _Grid(
                comparator,
                pair_scorer(comparator),
                rows,
                theirs,
                tuple(
                    (index, rows.index(fields[index][0]), theirs.index(fields[index][1]))
                    for index in mine
                ),
            )
        )
    return _Table(
        comparisons=comparisons,
        labels=labels,
        rows=tuple(
            _Row(
                c.label,
                (*(f">={level.min:g}" for level in c.levels), MISSING, OTHERWISE),
                c.swap_group,
                partners.get(c.label) if c.swap_group else None,
            )
            for c in comparisons
        ),
        swaps=swaps,
        pairs=pairs,
        grids=tuple(grids),
        compared=tuple(dict.fromkeys(field for _, field in fields)),
        prior=prior,
        required=tuple(row for row, c in enumerate(comparisons) if c.required),
        required_for_score=tuple(row for row, c in enumerate(comparisons) if c.required_for_score),
    )


def _swap_pairs(comparisons: Sequence[Comparison]) -> tuple[tuple[int, int], ...]:
    groups: dict[str, list[int]] = {}
    for index, comparison in enumerate(comparisons):
        if comparison.swap_group:
            groups.setdefault(comparison.swap_group, []).append(index)
    return tuple((pair[0], pair[1]) for pair in groups.values() if len(pair) == 2)


class ScoredPairs:
    """The incoming record scored against every candidate. Per comparison row, per
    candidate: the similarity, level (index from the highest, -1 otherwise, -2 missing) and
    weight, as plain lists: with 1-5 candidates, numpy's per-call cost outweighs its loops."""

    def __init__(
        self,
        table: _Table,
        incoming: PreparedRecord,
        candidates: Sequence[PreparedRecord],
        similarity: list[list[float]],
        level: list[list[int]],
        weight: list[list[float]],
        swapped: dict[str, list[bool]],
        adjusted: Mapping[int, float] | None = None,
    ) -> None:
        self._table = table
        self._adjusted = adjusted or {}
        self._incoming = incoming
        self._candidates = candidates
        self._similarity = similarity
        self._level = level
        self._weight = weight
        self._swapped = swapped
        # Summed by numpy over a (comparisons, candidates) array, as always: the same
        # summation order, so the same floats to the last bit.
        self.weights: Floats = table.prior + np.array(weight, dtype=np.float64).sum(axis=0)
        self.probabilities: Floats = 1.0 / (1.0 + np.exp2(-self.weights))

    def __len__(self) -> int:
        return len(self._candidates)

    @property
    def _adjusted_labels(self) -> dict[str, float]:
        return {self._table.labels[row]: bits for row, bits in self._adjusted.items()}

    def levels(self, index: int) -> tuple[int, ...]:
        """One pair's level per comparison, as an index into that comparison's `levels`
        (the highest first); -1 when it fell through to `otherwise`, -2 when a value is
        missing. Rule fitting counts these."""
        return tuple(row[index] for row in self._level)

    def unmet(self, index: int, identified: bool = False) -> tuple[str, ...]:
        """The `required` comparisons candidate `index` disagrees on (both values present,
        below every level): such a pair never links automatically. Unless the pair is
        `identified` (an equal strong identifier), `required_for_score` ones count too."""
        rows = self._table.required
        if not identified:
            rows = (*rows, *self._table.required_for_score)
        level = self._level
        unmet = [self._table.labels[row] for row in rows if level[row][index] == _OTHERWISE_LEVEL]
        if not identified:
            unmet += [
                name
                for name, agree, disagree in self._table.guards
                if all(level[row][index] == 0 for row in agree)
                and all(level[row][index] == _OTHERWISE_LEVEL for row in disagree)
            ]
        return tuple(unmet)

    def comparisons(self, index: int) -> tuple[AttributeComparison, ...]:
        """The explanation of one pair, attribute by attribute."""
        mine = self._incoming.values
        theirs = self._candidates[index].values
        swapped = self._swapped
        out = []
        for spec, levels, similarities, weights in zip(
            self._table.rows, self._level, self._similarity, self._weight, strict=True
        ):
            level = levels[index]
            label = spec.level_labels[level]
            other_label = spec.label
            group = spec.swap_group
            if group and group in swapped and swapped[group][index]:
                other_label = spec.partner or other_label
                label += " (swapped)"
            elif level == 0 and spec.label in self._adjusted_labels:
                bits = self._adjusted_labels[spec.label]
                if mine.get(spec.label, "") == theirs.get(spec.label, ""):
                    label += f" (common value {bits:+.2f})"
            out.append(
                AttributeComparison(
                    spec.label,
                    mine.get(spec.label, ""),
                    theirs.get(other_label, ""),
                    None if level == _MISSING_LEVEL else similarities[index],
                    label,
                    weights[index],
                )
            )
        return tuple(out)


def prior_weight(rules: MatchRules) -> float:
    prior = rules.rules.prior
    return math.log2(prior / (1 - prior))


def score_many(
    rules: MatchRules,
    incoming: PreparedRecord,
    candidates: Sequence[PreparedRecord],
    term_adjustments: Mapping[str, float] | None = None,
) -> ScoredPairs:
    """Score `incoming` against every candidate, all comparisons at once. `term_adjustments`
    (comparison label: bits, at most 0) is added where a candidate agrees exactly with the
    incoming value of a `term_frequency` comparison: a common value weighs less."""
    table = _table(rules)
    count = len(candidates)
    mine = [incoming.values.get(label, "") for label in table.labels]
    theirs = {label: [c.values.get(label, "") for c in candidates] for label in table.compared}
    # One row per scored pair of fields: each comparison straight, then each swap group's
    # two comparisons crossed (against the partner's field).
    similarity = _similarities(table, mine, theirs, count)
    level, weight = _levels(table, similarity, mine, theirs)
    adjusted = _adjust_terms(table, level, weight, mine, theirs, term_adjustments or {})
    swapped: dict[str, list[bool]] = {}
    straight_rows = len(table.labels)
    for index, (first, second) in enumerate(table.swaps):
        a, b = straight_rows + 2 * index, straight_rows + 2 * index + 1
        better = []
        for c in range(count):
            # Crossed only where it weighs more AND compares no fewer values: two "missing"
            # (0) must not beat one real disagreement (negative) just because the fields are
            # empty. (Level -2 is exactly "missing".)
            crossed = weight[a][c] + weight[b][c] > weight[first][c] + weight[second][c] and (
                (level[a][c] == _MISSING_LEVEL) + (level[b][c] == _MISSING_LEVEL)
                <= (level[first][c] == _MISSING_LEVEL) + (level[second][c] == _MISSING_LEVEL)
            )
            better.append(crossed)
            if crossed:
                similarity[first][c], similarity[second][c] = similarity[a][c], similarity[b][c]
                level[first][c], level[second][c] = level[a][c], level[b][c]
                weight[first][c], weight[second][c] = weight[a][c], weight[b][c]
        swapped[table.comparisons[first].swap_group or ""] = better
    return ScoredPairs(
        table,
        incoming,
        candidates,
        similarity[:straight_rows],
        level[:straight_rows],
        weight[:straight_rows],
        swapped,
        adjusted,
    )


def _adjust_terms(
    table: _Table,
    level: list[list[int]],
    weight: list[list[float]],
    mine: list[str],
    theirs: dict[str, list[str]],
    adjustments: Mapping[str, float],
) -> dict[int, float]:
    """Add each term adjustment to the straight pairs that agree exactly on the value; the
    rows adjusted, with their adjustment, for the explanation."""
    adjusted: dict[int, float] = {}
    for row, label in enumerate(table.labels):
        bits = adjustments.get(label)
        if not bits or not mine[row]:
            continue
        value = mine[row]
        for c, other in enumerate(theirs[label]):
            if level[row][c] == 0 and other == value:
                weight[row][c] += bits
                adjusted[row] = bits
    return adjusted


def _similarities(
    table: _Table, mine: list[str], theirs: dict[str, list[str]], count: int
) -> list[list[float]]:
    """Row p: the similarity of scored pair p for each candidate."""
    similarity: list[list[float]] = [[] for _ in table.pairs]
    if not count:
        return similarity
    for grid in table.grids:
        if grid.scorer is None:
            # One bulk call for every pair of the comparator, then plain lists.
            scores: list[list[list[float]]] = compare_grid(
                grid.comparator,
                [mine[row] for row in grid.comparisons],
                [theirs[field] for field in grid.fields],
            ).tolist()
            for pair, member, field in grid.slots:
                similarity[pair] = scores[member][field]
        else:
            # Only the pairs scored, and only where both values are present: a missing
            # value's similarity is never read (its level is "missing").
            scorer = grid.scorer
            for pair, member, field in grid.slots:
                value = mine[grid.comparisons[member]]
                similarity[pair] = [
                    scorer(value, other) if value and other else 0.0
                    for other in theirs[grid.fields[field]]
                ]
    for index, scored in enumerate(table.pairs):
        if scored.nicknames:
            with_nicknames(mine[scored.row], similarity[index], theirs[scored.field])
    return similarity


def _levels(
    table: _Table, similarity: list[list[float]], mine: list[str], theirs: dict[str, list[str]]
) -> tuple[list[list[int]], list[list[float]]]:
    """Per scored pair, per candidate: the level (index from the highest, -1 otherwise, -2
    missing: only then) and its weight."""
    level: list[list[int]] = []
    weight: list[list[float]] = []
    for pair, similarities in zip(table.pairs, similarity, strict=True):
        others = theirs[pair.field]
        if not mine[pair.row]:
            level.append([_MISSING_LEVEL] * len(others))
            weight.append([0.0] * len(others))
            continue
        levels: list[int] = []
        weights: list[float] = []
        for value, other in zip(similarities, others, strict=True):
            if not other:
                levels.append(_MISSING_LEVEL)
                weights.append(0.0)
                continue
            # Levels descend (the rules check it): the first minimum reached is the level.
            found, gained = _OTHERWISE_LEVEL, pair.otherwise
            for index, minimum, weighs in pair.steps:
                if value >= minimum:
                    found, gained = index, weighs
                    break
            levels.append(found)
            weights.append(gained)
        level.append(levels)
        weight.append(weights)
    return level, weight
