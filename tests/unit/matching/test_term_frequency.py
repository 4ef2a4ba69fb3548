"""Term-frequency adjustment: an exact agreement on a common value weighs less, from the hub's
own counts, trusted once enough records hold a value and smoothed towards the rule's u."""

from __future__ import annotations

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.rules import load_match_rules
from mdm_hub.matching.term_frequency import adjustments, count_changes, term_keys
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.paths import SHIPPED

EMPLOYEE = load_match_rules(SHIPPED / "matching", shipped_systems())[EntityType.EMPLOYEE]
JAMES = prepare(EMPLOYEE, {"given_name": "James", "family_name": "Wilson"})


def _counts(given: int, family: int, total: int) -> dict[str, int]:
    keys = term_keys(EMPLOYEE, JAMES)
    (given_key, given_total), (family_key, family_total) = keys["given_name"], keys["family_name"]
    return {given_key: given, family_key: family, given_total: total, family_total: total}


def _top_weight(label: str) -> float:
    [comparison] = [c for c in EMPLOYEE.rules.comparisons if c.label == label]
    return comparison.levels[0].weight


def test_a_value_only_the_candidate_holds_moves_nothing() -> None:
    assert adjustments(EMPLOYEE, JAMES, _counts(1, 1, 5000)) == {}


def test_below_the_trusted_count_of_records_nothing_is_adjusted() -> None:
    assert adjustments(EMPLOYEE, JAMES, _counts(999, 999, 999)) == {}


def test_counts_weigh_more_as_the_hub_grows() -> None:
    # The same share of Jameses, among 1,000 and among 100,000 records.
    fewer = adjustments(EMPLOYEE, JAMES, _counts(11, 11, 1001))
    more = adjustments(EMPLOYEE, JAMES, _counts(1001, 1001, 100001))
    assert more["given_name"] < fewer["given_name"] < 0


def test_a_common_value_weighs_less_and_never_below_nothing() -> None:
    common = adjustments(EMPLOYEE, JAMES, _counts(300, 300, 5000))
    rarer = adjustments(EMPLOYEE, JAMES, _counts(60, 60, 5000))
    assert common["given_name"] < rarer["given_name"] < 0
    everyone = adjustments(EMPLOYEE, JAMES, _counts(5000, 5000, 5000))
    assert everyone["given_name"] == -_top_weight("given_name")


def test_a_rare_value_keeps_the_levels_weight() -> None:
    assert adjustments(EMPLOYEE, JAMES, _counts(1, 1, 5000)) == {}


def test_counts_move_with_a_record_that_arrives_changes_and_leaves() -> None:
    arrived = count_changes(EMPLOYEE, None, JAMES)
    assert sorted(arrived.values()) == [1, 1, 1, 1]
    renamed = prepare(EMPLOYEE, {"given_name": "Jim", "family_name": "Wilson"})
    changed = count_changes(EMPLOYEE, JAMES, renamed)
    # The family name and both totals are unchanged: only the given name moves.
    assert sorted(changed.values()) == [-1, 1]
    assert count_changes(EMPLOYEE, JAMES, None) == {k: -d for k, d in arrived.items()}
