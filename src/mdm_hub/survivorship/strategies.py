"""One function per strategy: from the ranked candidates for one attribute, the winners.

Candidates arrive ranked best first (see ranking.py). Every choice below keeps the first of
equals (`min`/`max` return the first extreme they meet), so a tie between values is always
settled by the ranking, never by arrival order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from mdm_hub.domain.attributes import AttributeKind
from mdm_hub.domain.records import StoredSource, canonical_json
from mdm_hub.survivorship.rules import Decision, Strategy

# A member's value for the attribute being decided: (value, member). A plain tuple: the engine
# makes one per member and attribute of every golden record, and a tuple is the cheapest.
Candidate = tuple[Any, StoredSource]


Choose = Callable[[Sequence[Candidate], Decision], list[Candidate]]


def _source_priority(ranked: Sequence[Candidate], decision: Decision) -> list[Candidate]:
    # The best-ranked holder from the first listed system (or kind of system) that has one;
    # without one, the best-ranked holder of any system (unless only listed systems count).
    for group in decision.priority:
        for candidate in ranked:
            if candidate[1].key.system in group:
                return [candidate]
    return [ranked[0]] if ranked and not decision.rule.only_listed else []


def _most_recent(ranked: Sequence[Candidate], *_: object) -> list[Candidate]:
    return [max(ranked, key=lambda c: c[1].observed_at)]


def _most_frequent(ranked: Sequence[Candidate], *_: object) -> list[Candidate]:
    counts = Counter(canonical_json(value) for value, _ in ranked)
    return [max(ranked, key=lambda c: counts[canonical_json(c[0])])]


def _longest(ranked: Sequence[Candidate], *_: object) -> list[Candidate]:
    return [max(ranked, key=lambda c: len(c[0]))]


def _order(kind: AttributeKind) -> Callable[[Candidate], Any]:
    # Numbers may be stored as JSON text ("12.50"); ISO dates already sort as text.
    if kind is AttributeKind.NUMBER:
        return lambda c: Decimal(str(c[0]))
    return lambda c: c[0]


def _max(ranked: Sequence[Candidate], decision: Decision) -> list[Candidate]:
    return [max(ranked, key=_order(decision.kind))]


def _min(ranked: Sequence[Candidate], decision: Decision) -> list[Candidate]:
    return [min(ranked, key=_order(decision.kind))]


def _union(ranked: Sequence[Candidate], *_: object) -> list[Candidate]:
    # Each distinct value once, credited to the best-ranked member that holds it.
    first_holder: dict[str, Candidate] = {}
    for candidate in ranked:
        first_holder.setdefault(canonical_json(candidate[0]), candidate)
    return [first_holder[text] for text in sorted(first_holder)]


def _first_non_null(ranked: Sequence[Candidate], *_: object) -> list[Candidate]:
    return [ranked[0]]


CHOOSERS: Mapping[Strategy, Choose] = {
    Strategy.SOURCE_PRIORITY: _source_priority,
    Strategy.MOST_RECENT: _most_recent,
    Strategy.MOST_FREQUENT: _most_frequent,
    Strategy.LONGEST: _longest,
    Strategy.MAX: _max,
    Strategy.MIN: _min,
    Strategy.UNION: _union,
    Strategy.FIRST_NON_NULL: _first_non_null,
}
