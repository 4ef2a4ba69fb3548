"""Scoring and decisions: weights, thresholds, deterministic rules, bridging, memory."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from itertools import permutations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.matching.decide import CandidateMember, MatchOutcome, decide, score_goldens
from mdm_hub.matching.prepare import PreparedRecord, prepare
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.matching.scoring import prior_weight, score_many
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.builders import ANN
from tests.support.paths import SHIPPED

RULES = load_match_rules(SHIPPED / "matching", shipped_systems())
EMPLOYEE = RULES[EntityType.EMPLOYEE]
CUSTOMER = RULES[EntityType.CUSTOMER]


def member(
    rules: MatchRules, attributes: dict[str, Any], golden: str, minute: int = 0, source: str = "1"
) -> CandidateMember:
    return CandidateMember(
        SourceKey("HRIS", rules.entity_type, source),
        golden,
        datetime(2026, 1, 1, 0, minute, tzinfo=UTC),
        prepare(rules, attributes, with_keys=False, system="HRIS"),
    )


def incoming(rules: MatchRules, attributes: dict[str, Any]) -> PreparedRecord:
    return prepare(rules, attributes, system="HRIS")


def test_weight_is_the_prior_plus_log2_m_over_u_of_each_level() -> None:
    pairs = score_many(EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, ANN, "g").prepared])
    expected = prior_weight(EMPLOYEE) + sum(
        math.log2(c.levels[0].m / c.levels[0].u)
        for c in EMPLOYEE.rules.comparisons
        if c.attributes[0] in ANN
    )
    assert pairs.weights[0] == pytest.approx(expected)
    assert pairs.probabilities[0] == pytest.approx(1 / (1 + 2**-expected))


def test_a_missing_value_on_either_side_weighs_nothing() -> None:
    without_city = {k: v for k, v in ANN.items() if k != "city"}
    pairs = score_many(
        EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, without_city, "g").prepared]
    )
    city = next(c for c in pairs.comparisons(0) if c.name == "city")
    assert (city.level, city.weight, city.similarity) == ("missing", 0.0, None)


def test_swapped_given_and_family_names_are_compared_crossed() -> None:
    swapped = {**ANN, "given_name": "Lee", "family_name": "Ann"}
    pairs = score_many(EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, swapped, "g").prepared])
    given = next(c for c in pairs.comparisons(0) if c.name == "given_name")
    assert given.level.endswith("(swapped)")
    assert given.candidate == "ann"
    assert given.weight > 0


def test_identical_person_links_automatically_with_explanation() -> None:
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, ANN, "emp_1")])
    assert decision.outcome is MatchOutcome.LINK
    assert decision.golden_id == "emp_1"
    assert decision.score is not None
    assert decision.score >= EMPLOYEE.rules.thresholds.auto_match
    assert decision.explanation is not None
    assert decision.explanation.rule == "matching/employee.yaml#probabilistic"


def test_nothing_in_common_is_new() -> None:
    other = {"given_name": "Zoe", "family_name": "Kim", "birth_date": "1999-01-02"}
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, other, "emp_1")])
    assert decision.outcome is MatchOutcome.NEW
    assert decision.score is not None
    assert decision.score < EMPLOYEE.rules.thresholds.review


def test_no_candidates_is_new_without_score() -> None:
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, ANN), [])
    assert (decision.outcome, decision.score, decision.explanation) == (
        MatchOutcome.NEW,
        None,
        None,
    )


def test_between_the_thresholds_goes_to_review() -> None:
    # Equal names, but a different region: evidence for and against.
    partial = {"given_name": "Ann", "family_name": "Lee", "region": "kent"}
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, partial), [member(EMPLOYEE, ANN, "emp_1")])
    assert decision.outcome is MatchOutcome.REVIEW
    assert decision.score is not None
    thresholds = EMPLOYEE.rules.thresholds
    assert thresholds.review <= decision.score < thresholds.auto_match
    assert [g.golden_id for g in decision.review] == ["emp_1"]


def test_equal_strong_identifier_is_a_match_whatever_else_differs() -> None:
    decision = decide(
        CUSTOMER,
        incoming(CUSTOMER, {"name": "Acme", "tax_id": "DE 123"}),
        [member(CUSTOMER, {"name": "Totally Different", "tax_id": "de123"}, "cus_1")],
    )
    assert (decision.outcome, decision.golden_id, decision.score) == (
        MatchOutcome.LINK,
        "cus_1",
        1.0,
    )
    assert decision.explanation is not None
    assert decision.explanation.strong_identifier == "tax_id"


def test_conflicting_strong_identifiers_never_auto_match() -> None:
    same = {"name": "Acme Analytics", "country": "DE", "city": "Berlin", "website": "acme.de"}
    decision = decide(
        CUSTOMER,
        incoming(CUSTOMER, {**same, "tax_id": "DE111"}),
        [member(CUSTOMER, {**same, "tax_id": "DE222"}, "cus_1")],
    )
    assert decision.outcome is MatchOutcome.REVIEW
    assert decision.review[0].explanation.conflicts == ("tax_id",)


def test_not_a_match_memory_blocks_the_auto_link() -> None:
    decision = decide(
        EMPLOYEE, incoming(EMPLOYEE, ANN), [member(EMPLOYEE, ANN, "emp_1")], blocked={"emp_1"}
    )
    assert decision.outcome is MatchOutcome.REVIEW


def test_a_bridging_record_links_the_oldest_and_merges_the_others() -> None:
    members = [member(EMPLOYEE, ANN, "emp_new", minute=5, source="1"),
               member(EMPLOYEE, ANN, "emp_old", minute=1, source="2")]  # fmt: skip
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, ANN), members)
    assert (decision.outcome, decision.golden_id, decision.merge) == (
        MatchOutcome.LINK,
        "emp_old",
        ("emp_new",),
    )


def test_goldens_a_steward_kept_apart_are_not_merged() -> None:
    members = [member(EMPLOYEE, ANN, "emp_new", minute=5, source="1"),
               member(EMPLOYEE, ANN, "emp_old", minute=1, source="2")]  # fmt: skip
    decision = decide(
        EMPLOYEE, incoming(EMPLOYEE, ANN), members, separated={frozenset({"emp_new", "emp_old"})}
    )
    assert (decision.golden_id, decision.merge) == ("emp_old", ())
    assert [g.golden_id for g in decision.review] == ["emp_new"]


def test_the_best_member_speaks_for_its_golden() -> None:
    weak = {"given_name": "Ann", "family_name": "Smith"}
    scored = score_goldens(
        EMPLOYEE,
        incoming(EMPLOYEE, ANN),
        [member(EMPLOYEE, weak, "emp_1", source="a"), member(EMPLOYEE, ANN, "emp_1", source="b")],
    )
    assert len(scored) == 1
    assert scored[0].explanation.member.source_id == "b"


NAMES = st.sampled_from(["ann", "anne", "bob", "robert", "lee", "leigh", "kim"])
PEOPLE = st.fixed_dictionaries(
    {"given_name": NAMES, "family_name": NAMES},
    optional={"birth_date": st.sampled_from(["1980-05-17", "1980-05-18", "1990-01-01"])},
)


@settings(max_examples=60, deadline=None)
@given(new=PEOPLE, existing=st.lists(PEOPLE, min_size=1, max_size=4))
def test_the_decision_does_not_depend_on_candidate_order(
    new: dict[str, Any], existing: list[dict[str, Any]]
) -> None:
    members = [
        member(EMPLOYEE, person, f"emp_{i}", minute=i, source=str(i))
        for i, person in enumerate(existing)
    ]
    record = incoming(EMPLOYEE, new)
    decisions = {
        (d.outcome, d.golden_id, d.merge, tuple(g.golden_id for g in d.review))
        for d in (decide(EMPLOYEE, record, list(order)) for order in permutations(members))
    }
    assert len(decisions) == 1


def test_goldens_with_different_tax_ids_are_never_merged_by_a_bridge() -> None:
    shared = {"name": "Acme Analytics", "country": "DE", "city": "Berlin", "website": "acme.de"}
    members = [
        member(CUSTOMER, {**shared, "tax_id": "DE111"}, "cus_a", minute=1, source="a"),
        member(CUSTOMER, {**shared, "tax_id": "DE222"}, "cus_b", minute=2, source="b"),
    ]
    decision = decide(CUSTOMER, incoming(CUSTOMER, shared), members)
    assert (decision.outcome, decision.golden_id, decision.merge) == (
        MatchOutcome.LINK,
        "cus_a",
        (),
    )
    assert [g.golden_id for g in decision.review] == ["cus_b"]


def test_empty_fields_are_not_a_better_pairing_than_a_real_disagreement() -> None:
    # Neither record has address_line2: crossing the lines would compare nothing and score 0,
    # hiding that the first lines disagree.
    here = {"given_name": "Anna", "family_name": "Berg", "address_line1": "1 Oak Street"}
    there = {**here, "address_line1": "77 Elm Road"}
    pairs = score_many(EMPLOYEE, incoming(EMPLOYEE, here), [member(EMPLOYEE, there, "g").prepared])
    line1 = next(c for c in pairs.comparisons(0) if c.name == "address_line1")
    assert line1.level == "otherwise"
    assert line1.weight < 0


def test_the_best_match_takes_the_record_when_goldens_cannot_merge() -> None:
    base = {"given_name": "Zickert", "postal_code": "4711", "city": "Leeds", "region": "wy"}
    older = {**base, "family_name": "Wanber", "employee_number": "E1", "birth_date": "1970-01-01"}
    newer = {**base, "family_name": "Ficklox", "employee_number": "E2", "birth_date": "1980-02-02"}
    copy_of_newer = {k: v for k, v in newer.items() if k != "employee_number"}
    members = [
        member(EMPLOYEE, older, "emp_old", minute=1, source="e1"),
        member(EMPLOYEE, newer, "emp_new", minute=2, source="e2"),
    ]
    decision = decide(EMPLOYEE, incoming(EMPLOYEE, copy_of_newer), members)
    assert decision.outcome is MatchOutcome.LINK
    assert decision.golden_id == "emp_new"


# DE136695976 passes the German VAT check digit; one digit keyed wrong fails it.
VALID_VAT, MISTYPED_VAT, OTHER_VALID_VAT = "DE136695976", "DE136695977", "DE129273398"
ACME = {"name": "Acme Analytics", "country": "DE", "city": "Berlin", "website": "acme.de"}


def test_a_mistyped_tax_id_is_a_typo_not_a_conflict() -> None:
    decision = decide(
        CUSTOMER,
        incoming(CUSTOMER, {**ACME, "tax_id": MISTYPED_VAT}),
        [member(CUSTOMER, {**ACME, "tax_id": VALID_VAT}, "cus_1")],
    )
    assert decision.outcome is MatchOutcome.LINK
    assert decision.explanation is not None
    assert decision.explanation.conflicts == ()
    assert decision.explanation.unverified == ("tax_id",)
    assert decision.explanation.strong_identifier is None  # the score decided, not the ID


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [(VALID_VAT, OTHER_VALID_VAT), ("DE111", "DE222")],
    ids=["both pass their check", "both fail it"],
)
def test_differing_tax_ids_that_are_alike_in_validity_still_conflict(
    mine: str, theirs: str
) -> None:
    decision = decide(
        CUSTOMER,
        incoming(CUSTOMER, {**ACME, "tax_id": mine}),
        [member(CUSTOMER, {**ACME, "tax_id": theirs}, "cus_1")],
    )
    assert decision.outcome is MatchOutcome.REVIEW
    assert decision.review[0].explanation.conflicts == ("tax_id",)
    assert decision.review[0].explanation.unverified == ()


def test_equal_tax_ids_link_even_when_both_fail_the_check() -> None:
    # The same value in two systems was copied from one source: still the same company.
    decision = decide(
        CUSTOMER,
        incoming(CUSTOMER, {"name": "Other name", "tax_id": MISTYPED_VAT}),
        [member(CUSTOMER, {**ACME, "tax_id": MISTYPED_VAT}, "cus_1")],
    )
    assert decision.outcome is MatchOutcome.LINK
    assert decision.explanation is not None
    assert decision.explanation.strong_identifier == "tax_id"


def test_scoring_many_candidates_at_once_equals_scoring_each_alone() -> None:
    people = [
        ANN,
        {**ANN, "given_name": "Lee", "family_name": "Ann"},
        {**ANN, "address_line1": "", "address_line2": ANN.get("address_line1", "x")},
        {"given_name": "Bob", "family_name": "Stone", "birth_date": "1971-02-03"},
        {k: v for k, v in ANN.items() if k != "city"},
    ]
    record = incoming(EMPLOYEE, {**ANN, "given_name": "Anne"})
    prepared = [member(EMPLOYEE, p, "g").prepared for p in people]
    together = score_many(EMPLOYEE, record, prepared)
    for index, candidate in enumerate(prepared):
        alone = score_many(EMPLOYEE, record, [candidate])
        assert together.weights[index] == pytest.approx(alone.weights[0])
        assert together.comparisons(index) == alone.comparisons(0)


def test_a_decision_explains_each_golden_it_keeps_as_scoring_the_goldens_does() -> None:
    # decide builds explanations only for the goldens it keeps: they must be the same.
    record = incoming(EMPLOYEE, ANN)
    people = [
        (ANN, "same"),
        ({**ANN, "given_name": "Lee", "family_name": "Ann"}, "swapped"),
        ({**ANN, "given_name": "Anne", "city": "", "phone": "999"}, "close"),
        ({"given_name": "Bob", "family_name": "Stone", "birth_date": "1971-02-03"}, "far"),
    ]
    for count in range(1, len(people) + 1):
        members = [member(EMPLOYEE, p, g, minute=i) for i, (p, g) in enumerate(people[:count])]
        scored = {g.golden_id: g for g in score_goldens(EMPLOYEE, record, members)}
        for separated in ((), [frozenset(("same", "swapped"))]):
            decision = decide(EMPLOYEE, record, members, separated=separated)
            if decision.golden_id is not None:
                assert decision.explanation == scored[decision.golden_id].explanation
            assert all(g == scored[g.golden_id] for g in decision.review)
    # A new golden is explained by its best candidate.
    far = [member(EMPLOYEE, people[-1][0], "far")]
    new = decide(EMPLOYEE, record, far)
    assert new.outcome is MatchOutcome.NEW
    assert new.explanation == score_goldens(EMPLOYEE, record, far)[0].explanation


def _scoped(system: str, attributes: dict[str, Any], golden: str = "", source: str = "1") -> Any:
    """An employee from `system`: a candidate member of `golden`, or incoming without one."""
    prepared = prepare(EMPLOYEE, attributes, with_keys=not golden, system=system)
    if not golden:
        return prepared
    return CandidateMember(
        SourceKey(system, EntityType.EMPLOYEE, source),
        golden,
        datetime(2026, 1, 1, tzinfo=UTC),
        prepared,
    )


def test_a_different_number_from_the_same_system_vetoes_an_otherwise_perfect_match() -> None:
    known = _scoped("workday", {**ANN, "employee_number": "E004711"}, "g")
    arriving = _scoped("workday", {**ANN, "employee_number": "E004712"})
    decision = decide(EMPLOYEE, arriving, [known])
    assert decision.outcome is not MatchOutcome.LINK
    assert decision.review[0].explanation.conflicts == ("employee_number@HRIS+PAYROLL",)


def test_different_numbers_in_the_hris_payroll_group_veto() -> None:
    known = _scoped("workday", {**ANN, "employee_number": "E004711"}, "g")
    arriving = _scoped("adp", {**ANN, "employee_number": "004712"})
    assert decide(EMPLOYEE, arriving, [known]).outcome is not MatchOutcome.LINK


def test_across_systems_a_number_in_another_format_is_evidence_not_a_conflict() -> None:
    known = _scoped("workday", {**ANN, "employee_number": "E004711"}, "g")
    names_only = {"given_name": "Ann", "family_name": "Lee", "city": "Leeds"}
    with_number = _scoped("concur", {**names_only, "employee_number": "4711"})
    without = _scoped("concur", names_only)
    [scored] = score_goldens(EMPLOYEE, with_number, [known])
    [unnumbered] = score_goldens(EMPLOYEE, without, [known])
    assert scored.score > unnumbered.score  # the equal normalised number counted for
    assert scored.explanation.conflicts == ()
    [use] = [u for u in scored.explanation.identifiers if u.name == "employee_number"]
    assert (use.scope, use.incoming_scope, use.candidate_scope, use.role) == (
        "system",
        "concur",
        "HRIS+PAYROLL",
        "EVIDENCE",
    )


def test_across_systems_a_different_number_counts_against_but_never_vetoes() -> None:
    known = _scoped("workday", {**ANN, "employee_number": "E004711"}, "g")
    decision = decide(EMPLOYEE, _scoped("concur", {**ANN, "employee_number": "99"}), [known])
    assert (decision.outcome, decision.golden_id) == (MatchOutcome.LINK, "g")


def test_a_required_agreement_vetoes_whatever_else_agrees() -> None:
    dimension = RULES[EntityType.ACCOUNTING_DIMENSION]
    centre = {"kind": "COST_CENTER", "code": "CC-120", "name": "Consulting North"}
    account = {**centre, "kind": "GL_ACCOUNT", "code": "120"}
    member_of = CandidateMember(
        SourceKey("workday", EntityType.ACCOUNTING_DIMENSION, "1"),
        "g",
        datetime(2026, 1, 1, tzinfo=UTC),
        prepare(dimension, centre, with_keys=False, system="workday"),
    )
    same = decide(
        dimension, prepare(dimension, {**centre, "code": "120"}, system="adp"), [member_of]
    )
    other = decide(dimension, prepare(dimension, account, system="adp"), [member_of])
    assert (same.outcome, same.golden_id) == (MatchOutcome.LINK, "g")
    assert other.outcome is not MatchOutcome.LINK
