"""Identifier codes normalised across systems: one form for every way systems write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdm_hub.matching.identifiers import identifier_standardiser, normalise_identifier

PREFIXES = ("EMP", "PRJ", "CC", "E")


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["E004711", "004711", "4711", "emp-4711", " e 4711 "], "4711"),
        (["CC-120", "CC120", "120", "cc.0120"], "120"),
        (["PRJ-20417", "20417", "PRJ20417", "prj 020417"], "20417"),
    ],
)
def test_every_form_of_one_code_normalises_alike(forms: list[str], expected: str) -> None:
    assert {normalise_identifier(f, PREFIXES) for f in forms} == {expected}


def test_a_prefix_is_dropped_only_before_digits_and_only_if_declared() -> None:
    assert normalise_identifier("EMEA", PREFIXES) == "EMEA"
    assert normalise_identifier("X-0042", PREFIXES) == "X0042"
    assert normalise_identifier("0000", PREFIXES) == "0"


def test_the_standardiser_drops_the_longest_declared_prefix() -> None:
    standardise = identifier_standardiser(["e", "EMP"])
    assert standardise("EMP-0047") == "47"


@given(st.text(max_size=20), st.lists(st.sampled_from((*PREFIXES, "P", "PR", "0A")), max_size=4))
def test_normalising_twice_is_normalising_once(value: str, prefixes: list[str]) -> None:
    standardise = identifier_standardiser(prefixes)
    once = standardise(value)
    assert standardise(once) == once
