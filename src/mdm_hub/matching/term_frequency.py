"""Term-frequency adjustment: an exact agreement on a common value weighs less.

Equal given names say little when the name is "James" and much when it is "Ebba". A comparison
marked `term_frequency: true` has its top level's weight adjusted, as Splink does, by how often
the incoming value occurs among the hub's records: the hub keeps a count per (entity type,
comparison, standardised value) and per (entity type, comparison), up to date as records arrive
and change. The frequency is smoothed towards the level's own u with `PSEUDO_COUNT` imaginary
records, not counting the agreeing candidate itself: in a young hub (few counts) a value's
share moves the weight less than the same share among thousands, a value held by one record
moves nothing, and a value's own frequency takes over as records accumulate. The
counts are trusted once `term_frequency_after` records (default 1,000) hold a value. The
adjustment only ever lowers the weight (never below 0): the level's u, the frequency of an
average value, stays the ceiling of how much an agreement may say.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple
from weakref import WeakKeyDictionary

from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import Level, MatchRules

PSEUDO_COUNT = 100
# Separates entity type, comparison and value in a term key; no standardised value holds it.
_SEPARATOR = "\x1f"


class _TermComparison(NamedTuple):
    """A term-frequency comparison as every record needs it, worked out once per rule set."""

    label: str
    # The count key of all its values; a value's own key is this followed by the value.
    total_key: str
    top: Level


_TERMS: WeakKeyDictionary[MatchRules, tuple[_TermComparison, ...]] = WeakKeyDictionary()


def _term_comparisons(rules: MatchRules) -> tuple[_TermComparison, ...]:
    found = _TERMS.get(rules)
    if found is None:
        prefix = f"{rules.entity_type}{_SEPARATOR}"
        found = _TERMS[rules] = tuple(
            _TermComparison(c.label, f"{prefix}{c.label}{_SEPARATOR}", c.levels[0])
            for c in rules.rules.comparisons
            if c.term_frequency
        )
    return found


def term_labels(rules: MatchRules) -> tuple[str, ...]:
    return tuple(c.label for c in _term_comparisons(rules))


def term_keys(rules: MatchRules, record: PreparedRecord) -> dict[str, tuple[str, str]]:
    """Per term-frequency comparison the record has a value for: (the value's count key, the
    comparison's total key)."""
    values = record.values
    return {
        label: (f"{total_key}{value}", total_key)
        for label, total_key, _ in _term_comparisons(rules)
        if (value := values.get(label, ""))
    }


def count_changes(
    rules: MatchRules, before: PreparedRecord | None, after: PreparedRecord | None
) -> dict[str, int]:
    """How a record's arrival (`before` None), change or departure moves the counts."""
    changes: Counter[str] = Counter()
    for record, step in ((before, -1), (after, 1)):
        if record is None:
            continue
        for value_key, total_key in term_keys(rules, record).values():
            changes[value_key] += step
            changes[total_key] += step
    return {key: delta for key, delta in changes.items() if delta}


def adjustments(
    rules: MatchRules,
    record: PreparedRecord,
    counts: Mapping[str, int],
    keys: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, float]:
    """Per term-frequency comparison, the bits (at most 0) an exact agreement on the record's
    value gains, from `counts` (the hub's counts of the term keys; `keys`: the record's
    term_keys, when the caller has them already)."""
    if keys is None:
        keys = term_keys(rules, record)
    tops = {c.label: c.top for c in _term_comparisons(rules)}
    found: dict[str, float] = {}
    trusted_after = rules.rules.term_frequency_after
    for label, (value_key, total_key) in keys.items():
        if counts.get(total_key, 0) < trusted_after:
            continue  # too few values yet to tell a common one from a rare one
        top = tops[label]
        # The agreeing candidate holds the value too: the evidence that it is common comes
        # from the other records (a hub holding one Ann knows nothing about Anns yet).
        others = max(counts.get(value_key, 0) - 1, 0)
        total = max(counts.get(total_key, 0) - 1, 0)
        share = (others + PSEUDO_COUNT * top.u) / (total + PSEUDO_COUNT)
        bits = math.log2(top.u / share)
        if bits < 0:
            found[label] = max(bits, -top.weight)
    return found
