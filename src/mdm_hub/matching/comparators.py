"""Similarity of one standardised value against many, in bulk: each returns floats in [0, 1].

String comparators run through rapidfuzz's `cdist` (C++, one call per attribute per record)
rather than a Python loop over pairs; dates and numbers are few per record and simple.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

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


def _bulk(
    scorer: Callable[..., float], scale: float
) -> Callable[[str, Sequence[str]], Similarities]:
    def compare(value: str, others: Sequence[str]) -> Similarities:
        scores = process.cdist(
            [value], list(others), scorer=scorer, processor=None, dtype=np.float64
        )
        return np.asarray(scores[0], dtype=np.float64) / scale

    return compare


def _exact(value: str, others: Sequence[str]) -> Similarities:
    return np.fromiter(
        (1.0 if value == other else 0.0 for other in others), np.float64, len(others)
    )


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


def _dates(value: str, others: Sequence[str]) -> Similarities:
    return np.fromiter((date_similarity(value, o) for o in others), np.float64, len(others))


def numeric_similarity(a: str, b: str) -> float:
    """1 minus the relative difference: 100 vs 110 is 0.909."""
    try:
        x, y = float(a), float(b)
    except ValueError:
        return 0.0
    largest = max(abs(x), abs(y))
    return 1.0 if largest == 0 else max(0.0, 1.0 - abs(x - y) / largest)


def _numbers(value: str, others: Sequence[str]) -> Similarities:
    return np.fromiter((numeric_similarity(value, o) for o in others), np.float64, len(others))


COMPARATORS: dict[Comparator, Callable[[str, Sequence[str]], Similarities]] = {
    Comparator.JARO_WINKLER: _bulk(JaroWinkler.normalized_similarity, 1.0),
    Comparator.TOKEN_SET_RATIO: _bulk(fuzz.token_set_ratio, 100.0),
    Comparator.TOKEN_SORT_RATIO: _bulk(fuzz.token_sort_ratio, 100.0),
    Comparator.RATIO: _bulk(fuzz.ratio, 100.0),
    Comparator.EXACT: _exact,
    Comparator.DATE: _dates,
    Comparator.NUMERIC: _numbers,
}


def compare(
    comparator: Comparator, value: str, others: Sequence[str], nicknames: bool = False
) -> Similarities:
    similarities = COMPARATORS[comparator](value, others)
    if nicknames:
        for index, other in enumerate(others):
            if similarities[index] < 1.0 and other and same_given_name(value, other):
                similarities[index] = 1.0
    return similarities
