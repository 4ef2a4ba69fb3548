"""Similarity of one standardised value against many, in bulk: each returns floats in [0, 1].

String comparators run through rapidfuzz's `cdist` (C++, one call for every comparison that
uses the comparator) rather than a Python loop over pairs; dates and numbers are few per
record and simple.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from mdm_hub.matching.rules import Comparator
from mdm_hub.matching.standardise import same_given_name

Similarities = NDArray[np.float64]

# Date similarity levels: a one-digit typo or a day/month swap is almost surely the same date.
DATE_TYPO = 0.9
DATE_WITHIN_MONTH = 0.7
DATE_WITHIN_YEAR = 0.4


_PairScorer = Callable[[str, str], float]


@dataclass(frozen=True)
class _Bulk:
    """A rapidfuzz scorer run through `cdist` (C++, many pairs per call), scaled to [0, 1]."""

    scorer: Callable[..., float]
    scale: float

    def grid(self, values: Sequence[str], others: Sequence[str]) -> Similarities:
        scores = process.cdist(values, others, scorer=self.scorer, processor=None, dtype=np.float64)
        scores = np.asarray(scores, dtype=np.float64)
        # Dividing by 1.0 changes nothing: skip the extra array.
        return scores if self.scale == 1.0 else scores / self.scale


def _exact_pair(a: str, b: str) -> float:
    return 1.0 if a == b else 0.0


# Joins the golden IDs of a record's referrers in a prepared value (sorted, distinct).
REFERRER_SEPARATOR = " "


def referrers_similarity(a: str, b: str) -> float:
    """How far two records' referrers are the same golden records: those shared over one more
    than the smaller set. The one added is shrinkage: one shared referrer of one (an employee
    whose systems disagree on their cost centre) says 0.5, not certainty; ten of ten 0.91."""
    first, second = set(a.split(REFERRER_SEPARATOR)), set(b.split(REFERRER_SEPARATOR))
    return len(first & second) / (min(len(first), len(second)) + 1)


# Two words are alike when most of their letters agree (Indel similarity: "boods"/"foods"
# 0.8, "softwar"/"sotware" 0.86; different words such as "holdings"/"services" stay under
# 0.5), or when the shorter one (3 letters or more) agrees so with the start of the longer:
# a word cut short, mistyped or not ("pharm", "phara" for "pharmaceuticals").
LIKE_WORDS = 75.0
SHORTEST_CUT = 3


def _like_words(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if fuzz.ratio(short, long) >= LIKE_WORDS:
        return True
    return len(short) >= SHORTEST_CUT and fuzz.ratio(short, long[: len(short)]) >= LIKE_WORDS


def compatible_words(a: str, b: str) -> float:
    """0 when each name has a word, not in the other, that has no like word among the other's
    own words (each side says something the other contradicts); else 1. One name's words
    all found in the other ("Bellows", "Bellows Holdings") is compatible."""
    first, second = a.split(), b.split()
    shared = set(first) & set(second)
    own_first = [word for word in first if word not in shared]
    own_second = [word for word in second if word not in shared]

    def unmatched(words: list[str], others: list[str]) -> bool:
        return any(not any(_like_words(w, o) for o in others) for w in words)

    conflict = unmatched(own_first, own_second) and unmatched(own_second, own_first)
    return 0.0 if conflict else 1.0


def date_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    try:
        first, second = date.fromisoformat(a), date.fromisoformat(b)
    except ValueError:
        return 0.0
    if Levenshtein.distance(a, b) == 1 or (first.year, first.month, first.day) == (
        second.year,
        second.day,
        second.month,
    ):
        return DATE_TYPO
    days = abs((first - second).days)
    if days <= 31:
        return DATE_WITHIN_MONTH
    return DATE_WITHIN_YEAR if days <= 366 else 0.0


# Mailbox similarity below 1: one mailbox name at two domains (a person's second domain),
# two names at two domains (a personal address, or another person), two names at one domain.
MAILBOX_SAME_NAME = 0.75
MAILBOX_OTHER_DOMAIN = 0.5


def mailbox_similarity(a: str, b: str) -> float:
    """1 for one address; 0.75 for one mailbox name at two domains; 0.5 for two names at two
    domains; 0 for two mailboxes at one domain (standardised values: lower case, trimmed)."""
    if a == b:
        return 1.0
    name_a, _, domain_a = a.rpartition("@")
    name_b, _, domain_b = b.rpartition("@")
    if domain_a == domain_b:
        return 0.0
    return MAILBOX_SAME_NAME if name_a == name_b else MAILBOX_OTHER_DOMAIN


def numeric_similarity(a: str, b: str) -> float:
    """1 minus the relative difference: 100 vs 110 is 0.909."""
    try:
        x, y = float(a), float(b)
    except ValueError:
        return 0.0
    largest = max(abs(x), abs(y))
    return 1.0 if largest == 0 else max(0.0, 1.0 - abs(x - y) / largest)


COMPARATORS: dict[Comparator, _Bulk | _PairScorer] = {
    Comparator.JARO_WINKLER: _Bulk(JaroWinkler.normalized_similarity, 1.0),
    Comparator.TOKEN_SET_RATIO: _Bulk(fuzz.token_set_ratio, 100.0),
    Comparator.TOKEN_SORT_RATIO: _Bulk(fuzz.token_sort_ratio, 100.0),
    Comparator.RATIO: _Bulk(fuzz.ratio, 100.0),
    Comparator.WRATIO: _Bulk(fuzz.WRatio, 100.0),
    Comparator.COMPATIBLE_WORDS: compatible_words,
    Comparator.EXACT: _exact_pair,
    Comparator.MAILBOX: mailbox_similarity,
    # Compared once resolved to golden IDs: equal or not.
    Comparator.REFERENCE: _exact_pair,
    Comparator.REFERRERS: referrers_similarity,
    Comparator.DATE: date_similarity,
    Comparator.NUMERIC: numeric_similarity,
}


def pair_scorer(comparator: Comparator) -> _PairScorer | None:
    """The comparator's one-pair scorer, or None for a string comparator (scored in bulk)."""
    scorer = COMPARATORS[comparator]
    return None if isinstance(scorer, _Bulk) else scorer


def compare_grid(
    comparator: Comparator, values: Sequence[str], fields: Sequence[Sequence[str]]
) -> Similarities:
    """Every value against every field's values (all fields the same length n): an array
    of shape (len(values), len(fields), n). String comparators make one `cdist` call."""
    count = len(fields[0]) if fields else 0
    flat = [other for field in fields for other in field]
    scorer = COMPARATORS[comparator]
    if isinstance(scorer, _Bulk):
        scores = scorer.grid(values, flat)
    else:
        # Dates, numbers and exact codes are few per record and cheap: a plain loop.
        scores = np.array([[scorer(value, other) for other in flat] for value in values])
    return scores.reshape(len(values), len(fields), count)


_Scores = TypeVar("_Scores", Similarities, list[float])


def with_nicknames(value: str, similarities: _Scores, others: Sequence[str]) -> _Scores:
    """Given names: a nickname of the same name (Bob, Robert) counts as equal."""
    for index, other in enumerate(others):
        if similarities[index] < 1.0 and other and same_given_name(value, other):
            similarities[index] = 1.0
    return similarities


def compare(
    comparator: Comparator, value: str, others: Sequence[str], nicknames: bool = False
) -> Similarities:
    """One value against many."""
    similarities = compare_grid(comparator, [value], [others])[0, 0]
    return with_nicknames(value, similarities, others) if nicknames else similarities
