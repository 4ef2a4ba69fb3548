"""Rule-file pieces of graph-aware matching: reference comparisons, name words with
abbreviations as data, amounts, mailboxes that never veto, and required evidence that an equal
identifier overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import AbbreviationsFileError, ConfigurationError
from mdm_hub.matching import abbreviations as abbreviation_tables
from mdm_hub.matching.comparators import mailbox_similarity
from mdm_hub.matching.decide import CandidateMember, MatchOutcome, decide
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.references import named_key, reference_slots, with_goldens
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.matching.standardise import number, words
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.paths import SHIPPED

RULES = load_match_rules(SHIPPED / "matching", shipped_systems())
PROJECT = RULES[EntityType.PROJECT]
CUSTOMER = RULES[EntityType.CUSTOMER]
EMPLOYEE = RULES[EntityType.EMPLOYEE]


def _rule_file(comparison: dict[str, Any]) -> dict[str, Any]:
    return {
        "entity_type": "PROJECT",
        "prior": 0.001,
        "thresholds": {"auto_match": 0.99, "review": 0.5},
        "blocking": [{"name": "n", "parts": [{"attribute": "name"}]}],
        "comparisons": [comparison],
    }


def test_a_reference_comparison_must_name_a_reference_attribute() -> None:
    bad = {
        "attributes": ["name"],
        "comparator": "reference",
        "levels": [{"min": 1.0, "m": 0.9, "u": 0.05}],
        "otherwise": {"m": 0.1, "u": 0.95},
    }
    with pytest.raises(ConfigurationError, match=r"comparisons\[0\].*reference attribute"):
        MatchRules.parse(_rule_file(bad), "project.yaml")


def test_a_reference_comparison_has_one_level_at_1() -> None:
    bad = {
        "attributes": ["customer"],
        "comparator": "reference",
        "levels": [{"min": 0.9, "m": 0.9, "u": 0.05}],
        "otherwise": {"m": 0.1, "u": 0.95},
    }
    with pytest.raises(ConfigurationError, match=r"levels: a reference agrees or not"):
        MatchRules.parse(_rule_file(bad), "project.yaml")


def test_a_prepared_reference_names_its_record_until_resolved() -> None:
    prepared = prepare(PROJECT, {"customer": {"system": "psa", "sourceId": "C-7"}})
    [slot] = [s for s in reference_slots(PROJECT) if s.attribute == "customer"]
    key = named_key(prepared.values[slot.label], slot.target_type)
    assert key == SourceKey("psa", EntityType.CUSTOMER, "C-7")
    resolved = with_goldens(prepared, reference_slots(PROJECT), {key: "cus_1"})
    assert resolved.values[slot.label] == "cus_1"
    # A reference nobody can resolve yet is missing, not a disagreement.
    assert with_goldens(prepared, reference_slots(PROJECT), {}).values[slot.label] == ""


def _member(rules: MatchRules, attributes: dict[str, Any], golden_id: str) -> CandidateMember:
    prepared = prepare(rules, attributes, with_keys=False, system="psa")
    return CandidateMember(
        SourceKey("psa", rules.entity_type, golden_id), golden_id, datetime.now(UTC), prepared
    )


def test_the_same_golden_customer_is_evidence_for_and_another_against() -> None:
    base = {"name": "Close & Consolidation", "start_date": "2022-12-18",
            "end_date": "2024-03-30", "currency": "GBP", "billing_method": "FIXED_FEE"}  # fmt: skip
    slots = reference_slots(PROJECT)
    mine = prepare(PROJECT, {**base, "customer": {"system": "netsuite", "sourceId": "1808"}})
    theirs = _member(PROJECT, {**base, "customer": {"system": "psa", "sourceId": "NW01"}}, "prj_1")
    ns, psa = (
        SourceKey("netsuite", EntityType.CUSTOMER, "1808"),
        SourceKey("psa", EntityType.CUSTOMER, "NW01"),
    )
    same = {ns: "cus_1", psa: "cus_1"}
    other = {ns: "cus_1", psa: "cus_2"}

    def score(goldens: dict[SourceKey, str]) -> float:
        incoming = with_goldens(mine, slots, goldens)
        member = theirs._replace(prepared=with_goldens(theirs.prepared, slots, goldens))
        decision = decide(PROJECT, incoming, [member])
        assert decision.score is not None
        return decision.score

    assert score(same) > score({}) > score(other)


RATE_CARD = RULES[EntityType.RATE_CARD]


def test_two_cards_of_two_projects_of_one_system_never_link_unless_one_golden_project() -> None:
    card = {"name": "Analyst - PRJ-20098 (USD)", "role": "Analyst", "currency": "USD",
            "rate": "135.00", "unit": "HOUR", "effective_from": "2024-01-01"}  # fmt: skip
    slots = reference_slots(RATE_CARD)
    mine = prepare(RATE_CARD, {**card, "project": {"system": "psa", "sourceId": "PRJ-20098"}})
    other = {"project": {"system": "psa", "sourceId": "PRJ-20845"}}
    theirs = _member(RATE_CARD, {**card, "name": "Analyst - PRJ-20845 (USD)", **other}, "rtc_1")
    first, second, erp = (
        SourceKey("psa", EntityType.PROJECT, "PRJ-20098"),
        SourceKey("psa", EntityType.PROJECT, "PRJ-20845"),
        SourceKey("netsuite", EntityType.PROJECT, "20845"),
    )

    def decision(goldens: dict[SourceKey, str], member: CandidateMember = theirs) -> Any:
        incoming = with_goldens(mine, slots, goldens)
        resolved = member._replace(prepared=with_goldens(member.prepared, slots, goldens))
        return decide(RATE_CARD, incoming, [resolved])

    # One system's two project IDs that are two golden projects, or not stored yet: two cards.
    for goldens in ({first: "prj_1", second: "prj_2"}, {}):
        found = decision(goldens)
        assert found.outcome is MatchOutcome.REVIEW
        assert "project" in found.review[0].explanation.conflicts
    # The system's two IDs once known to be one project (a duplicate it holds): one card.
    assert decision({first: "prj_1", second: "prj_1"}).outcome is MatchOutcome.LINK
    # From another system a different golden project is evidence against, not a veto.
    across = _member(RATE_CARD, {**card, "project": {"system": "netsuite", "sourceId": "20845"}},
                     "rtc_2")  # fmt: skip
    found = decision({first: "prj_1", erp: "prj_2"}, across)
    assert "project" not in (found.explanation or found.review[0].explanation).conflicts


def test_cards_of_one_rate_grid_are_told_apart_by_role_and_year_not_linked_by_the_name() -> None:
    """A grid's names differ only by role and year: "Standard Rates 2024 - Consultant (USD)"
    holds every word of "... - Senior Consultant (USD)" but one. The name is compared without
    the card's role and currency, so another role or year of the grid is a new card (not a
    review item), and the same card from a system that words it its own way still links."""
    card = {"name": "Standard Rates 2024 - Consultant (USD)", "role": "Consultant",
            "currency": "USD", "rate": "195.00", "unit": "HOUR",
            "effective_from": "2024-01-01"}  # fmt: skip
    consultant = _member(RATE_CARD, card, "rtc_1")

    def outcome(attributes: dict[str, Any]) -> MatchOutcome:
        return decide(RATE_CARD, prepare(RATE_CARD, attributes), [consultant]).outcome

    senior = {**card, "name": "Standard Rates 2024 - Senior Consultant (USD)",
              "role": "Senior Consultant", "rate": "240.00"}  # fmt: skip
    next_year = {**card, "name": "Standard Rates 2025 - Consultant (USD)", "rate": "205.00",
                 "effective_from": "2025-01-01"}  # fmt: skip
    assert outcome(senior) is MatchOutcome.NEW
    assert outcome(next_year) is MatchOutcome.NEW
    assert outcome({**card, "name": "Consultant - Std Rates 2024"}) is MatchOutcome.LINK


def test_vetoes_within_system_is_for_reference_comparisons_only() -> None:
    bad = {
        "attributes": ["name"],
        "comparator": "exact",
        "vetoes_within_system": True,
        "levels": [{"min": 1.0, "m": 0.9, "u": 0.05}],
        "otherwise": {"m": 0.1, "u": 0.95},
    }
    with pytest.raises(ConfigurationError, match=r"vetoes_within_system"):
        MatchRules.parse(_rule_file(bad), "project.yaml")


def test_a_golden_the_record_cannot_be_is_neither_linked_nor_reviewed() -> None:
    attributes = {"name": "Northwind", "city": "New York", "postal_code": "10086",
                  "address_line1": "317 Market Street", "country": "US"}  # fmt: skip
    incoming = prepare(CUSTOMER, attributes)
    member = _member(CUSTOMER, attributes, "cus_parent")
    assert decide(CUSTOMER, incoming, [member]).outcome is MatchOutcome.LINK
    decision = decide(CUSTOMER, incoming, [member], excluded={"cus_parent": "parent"})
    assert (decision.outcome, decision.review) == (MatchOutcome.NEW, ())
    assert decision.explanation is not None
    assert "parent" in decision.explanation.conflicts


def test_names_that_disagree_entirely_never_link_on_score_but_an_equal_tax_id_does() -> None:
    shared = {"city": "Lyon", "postal_code": "69006", "country": "FR",
              "address_line1": "275 Boulevard Haussmann", "phone": "+33 3 31 47 45 45"}  # fmt: skip
    holding = _member(CUSTOMER, {**shared, "name": "Proseware Holdings"}, "cus_1")
    subsidiary = prepare(CUSTOMER, {**shared, "name": "Proseware Software"})
    decision = decide(CUSTOMER, subsidiary, [holding])
    assert decision.outcome is MatchOutcome.REVIEW
    tax = "FR 740 856 30101"
    renamed = _member(CUSTOMER, {**shared, "name": "Proseware Holdings", "tax_id": tax}, "cus_1")
    same = prepare(CUSTOMER, {**shared, "name": "Proseware Software", "tax_id": tax})
    assert decide(CUSTOMER, same, [renamed]).outcome is MatchOutcome.LINK


def test_a_holding_and_its_subsidiary_sharing_first_word_address_and_postcode_never_link() -> None:
    # The parent's CRM copy against the subsidiary's ERP copy: the rare first word, the
    # street, postcode and city all agree; only the words after the first tell them apart.
    shared = {"city": "Lyon", "postal_code": "69006", "country": "FR",
              "address_line1": "275 Boulevard Haussmann"}  # fmt: skip
    subsidiary = _member(CUSTOMER, {**shared, "name": "Bellows Fin Svcs SAS"}, "cus_1")
    holding = prepare(CUSTOMER, {**shared, "name": "Bellows Holdings SAS"})
    assert decide(CUSTOMER, holding, [subsidiary]).outcome is MatchOutcome.REVIEW
    # The same holding written short in another system still links on that evidence.
    short = prepare(CUSTOMER, {**shared, "name": "Bellows"})
    parent = _member(CUSTOMER, {**shared, "name": "Bellows Holdings SAS"}, "cus_2")
    assert decide(CUSTOMER, short, [parent]).outcome is MatchOutcome.LINK


def test_a_different_mailbox_is_no_veto_but_an_equal_one_links() -> None:
    person = {"given_name": "Matthew", "family_name": "Allen", "hire_date": "2014-01-01",
              "employee_number": "9314"}  # fmt: skip
    hris = _member(EMPLOYEE, {**person, "email": "matthew.allen@brightline.com"}, "emp_1")
    psa = prepare(EMPLOYEE, {**person, "email": "matthew.allen@brightlinecg.com"}, system="psa")
    decision = decide(EMPLOYEE, psa, [hris])
    assert decision.explanation is not None
    assert "email" not in decision.explanation.conflicts


def test_a_second_mailbox_at_one_domain_counts_against_more_than_another_domain() -> None:
    assert mailbox_similarity("a.b@firm.com", "a.b@firm.com") == 1.0
    assert mailbox_similarity("a.b@firm.com", "a.b@firmcg.com") == 0.75
    assert mailbox_similarity("a.b@firm.com", "ab1970@mail.com") == 0.5
    assert mailbox_similarity("a.b2@firm.com", "a.b@firm.com") == 0.0
    # Two people of one name under one manager, hired a year apart: the firm issued the
    # second a "2" mailbox. The same pair with a personal address links on the rest.
    person = {"given_name": "Benjamin", "family_name": "Martin", "status": "ACTIVE",
              "manager": {"system": "psa", "sourceId": "RES-00291"}}  # fmt: skip
    slots = reference_slots(EMPLOYEE)
    goldens = {SourceKey("psa", EntityType.EMPLOYEE, "RES-00291"): "emp_manager"}

    def decision(mine: str, theirs: str) -> MatchOutcome:
        incoming = prepare(
            EMPLOYEE, {**person, "email": mine, "hire_date": "2020-09-27"}, system="psa"
        )
        member = _member(EMPLOYEE, {**person, "email": theirs, "hire_date": "2021-07-10"}, "emp_1")
        resolved = member._replace(prepared=with_goldens(member.prepared, slots, goldens))
        return decide(EMPLOYEE, with_goldens(incoming, slots, goldens), [resolved]).outcome

    other = "benjamin.martin@brightline.com"
    assert decision("benjamin.martin2@brightline.com", other) is MatchOutcome.REVIEW
    assert decision("ben.martin@gmail.com", other) is MatchOutcome.LINK


def test_words_expand_abbreviations_from_data_and_split_letters_from_digits() -> None:
    assert words("Sr. Consultant - Std Rates 2024") == "senior consultant standard rates 2024"
    assert words("Close & Consolidation - Ph2") == words("Close and Consolidation Phase 2")


def test_amounts_compare_as_numbers() -> None:
    assert number("150.00") == number("150") == "150"
    assert number("1e999") == number("n/a") == ""


def test_a_broken_abbreviations_file_names_itself_and_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "abbreviations.yaml"
    path.write_text("company: {}\nwords: {sr: [senior]}\n", encoding="utf-8")
    monkeypatch.setenv(abbreviation_tables.ABBREVIATIONS_FILE_SETTING, str(path))
    abbreviation_tables.abbreviations.cache_clear()
    try:
        with pytest.raises(AbbreviationsFileError, match=r"words\.sr"):
            abbreviation_tables.abbreviations()
    finally:
        abbreviation_tables.abbreviations.cache_clear()


def _with_guard(disagree: list[str]) -> MatchRules:
    document = EMPLOYEE.rules.model_dump(mode="json", exclude_defaults=False)
    document["never_auto_link"] = [
        {
            "name": "same_name_other_birth_date",
            "agree": ["given_name", "family_name"],
            "disagree": disagree,
        }
    ]
    return MatchRules.parse(document, "employee.yaml", systems=shipped_systems())


def test_equal_names_with_birth_dates_that_disagree_never_link_on_score() -> None:
    rules = _with_guard(["birth_date"])
    home = {
        "given_name": "James",
        "family_name": "Wilson",
        "postal_code": "60263",
        "address_line1": "337 Fifth Avenue",
        "city": "Evanston",
        "hire_date": "2014-06-21",
    }
    theirs = _member(rules, {**home, "birth_date": "1982-05-05"}, "emp_1")
    same_day = prepare(rules, {**home, "birth_date": "1982-05-05"}, system="psa")
    assert decide(rules, same_day, [theirs]).outcome is MatchOutcome.LINK
    other = prepare(rules, {**home, "birth_date": "1968-10-13"}, system="psa")
    decision = decide(rules, other, [theirs])
    assert decision.outcome is MatchOutcome.REVIEW
    assert "same_name_other_birth_date" in decision.review[0].explanation.conflicts


def test_a_guard_naming_an_unknown_comparison_stops_the_rules_loading() -> None:
    with pytest.raises(ConfigurationError, match=r"never_auto_link\[0\].*'birthday'"):
        _with_guard(["birthday"])


DIMENSION = RULES[EntityType.ACCOUNTING_DIMENSION]


def test_a_name_is_compared_without_its_own_code_and_its_parents_name() -> None:
    erp = prepare(
        DIMENSION,
        {"kind": "COST_CENTER", "code": "CC210", "name": "210 Data and Analytics"},
    )
    payroll = prepare(
        DIMENSION, {"kind": "COST_CENTER", "code": "000210", "name": "DATA & ANALYTICS"}
    )
    assert erp.values["name"] == payroll.values["name"] == "data analytics"
    account = prepare(
        DIMENSION,
        {"kind": "GL_ACCOUNT", "code": "2110", "name": "Accrued Payroll : Payroll Taxes Payable"},
    )
    assert account.values["name"] == "payroll taxes payable"


def test_a_name_that_is_only_its_code_stays_whole() -> None:
    only = prepare(DIMENSION, {"kind": "COST_CENTER", "code": "120", "name": "120"})
    assert only.values["name"] == "120"
