"""The referrers comparator as data: which referring attribute it reads is checked on load, and
its similarity says how far two records' referrers are the same golden records, shrunk towards
none when few are known."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.errors import ConfigurationError
from mdm_hub.matching.comparators import referrers_similarity
from mdm_hub.matching.rules import MatchRules

LEVELS = {
    "levels": [{"min": 0.75, "m": 0.6, "u": 0.0002}],
    "otherwise": {"m": 0.4, "u": 0.9998},
}


def _rule_file(comparison: dict[str, Any]) -> dict[str, Any]:
    return {
        "entity_type": "ACCOUNTING_DIMENSION",
        "prior": 0.001,
        "thresholds": {"auto_match": 0.99, "review": 0.5},
        "blocking": [{"name": "n", "parts": [{"attribute": "name"}]}],
        "comparisons": [comparison],
    }


def test_a_referrers_comparison_loads_with_a_reference_that_points_at_the_type() -> None:
    ok = {"attributes": ["cost_center"], "comparator": "referrers", "referrer_type": "EMPLOYEE"}
    rules = MatchRules.parse(_rule_file({**ok, **LEVELS}), "accounting_dimension.yaml")
    assert rules.rules.comparisons[0].label == "cost_center"


def test_a_referrers_comparison_needs_the_referring_type() -> None:
    bad = {"attributes": ["cost_center"], "comparator": "referrers", **LEVELS}
    with pytest.raises(ConfigurationError, match=r"comparisons\[0\].*referrer_type.*referring"):
        MatchRules.parse(_rule_file(bad), "accounting_dimension.yaml")


def test_a_referrers_attribute_must_point_at_the_type_matched() -> None:
    # An employee's manager points at an employee, not at a dimension.
    bad = {"attributes": ["manager"], "comparator": "referrers", "referrer_type": "EMPLOYEE"}
    with pytest.raises(ConfigurationError, match=r"cost_center, legal_entity"):
        MatchRules.parse(_rule_file({**bad, **LEVELS}), "accounting_dimension.yaml")


def test_referrer_type_belongs_to_the_referrers_comparator_only() -> None:
    bad = {"attributes": ["name"], "comparator": "exact", "referrer_type": "EMPLOYEE"}
    with pytest.raises(ConfigurationError, match=r"referrer_type: applies to the referrers"):
        MatchRules.parse(
            _rule_file(
                {
                    **bad,
                    "levels": [{"min": 1.0, "m": 0.9, "u": 0.1}],
                    **{"otherwise": {"m": 0.1, "u": 0.9}},
                }
            ),
            "accounting_dimension.yaml",
        )


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("g1", "g1", 0.5),  # one shared of one: little said
        ("g1 g2 g3", "g1 g2 g3 g4", 0.75),  # all of the smaller set, three known
        ("g1 g2 g3 g4 g5 g6 g7 g8 g9 g10", "g1 g2 g3 g4 g5 g6 g7 g8 g9 g10", 10 / 11),
        ("g1 g2", "g3 g4", 0.0),  # nobody in common
    ],
)
def test_referrers_similarity_grows_with_what_is_shared(
    mine: str, theirs: str, expected: float
) -> None:
    assert referrers_similarity(mine, theirs) == pytest.approx(expected)
