"""Every comparator, in bulk: one value against many."""

from __future__ import annotations

import pytest

from mdm_hub.matching.comparators import (
    DATE_TYPO,
    DATE_WITHIN_MONTH,
    DATE_WITHIN_YEAR,
    compare,
    compatible_words,
    date_similarity,
    numeric_similarity,
)
from mdm_hub.matching.rules import Comparator


def test_string_comparators_score_in_bulk_between_0_and_1() -> None:
    others = ["martha", "marhta", "xyz", ""]
    jw = compare(Comparator.JARO_WINKLER, "martha", others)
    assert jw[0] == 1.0
    assert 0.95 < jw[1] < 1.0
    assert jw[2] == 0.0
    ratio = compare(Comparator.RATIO, "martha", others)
    assert ratio[0] == 1.0
    assert ratio[1] < jw[1]  # ratio punishes a transposition harder than Jaro-Winkler


def test_token_set_versus_token_sort() -> None:
    value = "acme analytics"
    assert compare(Comparator.TOKEN_SET_RATIO, value, ["analytics acme"])[0] == 1.0
    assert compare(Comparator.TOKEN_SORT_RATIO, value, ["analytics acme"])[0] == 1.0
    # A subset is a perfect token-set match but not a token-sort one: why names use sort.
    assert compare(Comparator.TOKEN_SET_RATIO, "acme", ["acme holdings"])[0] == 1.0
    assert compare(Comparator.TOKEN_SORT_RATIO, "acme", ["acme holdings"])[0] < 0.7


def test_exact() -> None:
    assert list(compare(Comparator.EXACT, "DE", ["DE", "de", "FR"])) == [1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("1980-05-17", 1.0),
        ("1980-05-18", DATE_TYPO),  # one digit
        ("1980-17-05", 0.0),  # not a date
        ("1980-06-17", DATE_TYPO),  # one digit, another month
        ("1980-05-30", DATE_WITHIN_MONTH),
        ("1980-09-30", DATE_WITHIN_YEAR),
        ("1975-01-01", 0.0),
    ],
)
def test_dates(other: str, expected: float) -> None:
    assert date_similarity("1980-05-17", other) == expected


def test_day_and_month_swapped_is_a_typo() -> None:
    assert date_similarity("1980-03-07", "1980-07-03") == DATE_TYPO


def test_numbers() -> None:
    assert numeric_similarity("100", "100.0") == 1.0
    assert numeric_similarity("100", "110") == pytest.approx(1 - 10 / 110)
    assert numeric_similarity("0", "0") == 1.0
    assert numeric_similarity("x", "1") == 0.0
    assert list(compare(Comparator.NUMERIC, "200", ["200", "100"])) == [1.0, 0.5]


def test_nicknames_count_as_equal_given_names() -> None:
    plain = compare(Comparator.JARO_WINKLER, "bob", ["robert", "rob"])
    with_nicknames = compare(Comparator.JARO_WINKLER, "bob", ["robert", "rob"], nicknames=True)
    assert plain[0] < 0.7
    assert with_nicknames[0] == 1.0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("bellows", "bellows holdings"),  # one name's words all in the other
        ("hooli edia", "hooli media"),  # a letter dropped
        ("stark boods", "stark foods"),  # a letter mistyped
        ("lucerne softwar", "lucerne sotware"),  # both mistyped differently
        ("stark pharm", "stark pharmaceuticals"),  # cut short
        ("dunder phara", "dunder pharmaceuticals"),  # cut short and mistyped
        ("northwind holdings", "holdings northwind"),  # reordered
    ],
)
def test_names_that_may_be_one_company_have_compatible_words(first: str, second: str) -> None:
    assert compatible_words(first, second) == 1.0
    assert compatible_words(second, first) == 1.0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("bellows holdings", "bellows financial services"),  # a holding and its subsidiary
        ("proseware media", "proseware software"),
        ("margie foods", "margie international retail holdings"),
    ],
)
def test_names_each_with_a_word_of_its_own_are_not_compatible(first: str, second: str) -> None:
    assert compatible_words(first, second) == 0.0
    assert compatible_words(second, first) == 0.0
