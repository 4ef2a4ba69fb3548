"""What a record is stored and found under: strong and blocking keys."""

from __future__ import annotations

import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import ReferenceLookup, SourceKey
from mdm_hub.matching.prepare import BLOCKING_PREFIX, STRONG_PREFIX, prepare
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.paths import SHIPPED

RULES = load_match_rules(SHIPPED / "matching", shipped_systems())


def test_strong_keys_standardise_the_identifier() -> None:
    a = prepare(RULES[EntityType.CUSTOMER], {"tax_id": "DE 123.456", "country": "DE"})
    b = prepare(RULES[EntityType.CUSTOMER], {"tax_id": "123456", "country": "Germany"})
    assert a.strong_keys == b.strong_keys == ("S|CUSTOMER|tax_id|123456",)


def test_employee_has_email_and_number_scoped_to_its_sharing_group_as_strong_keys() -> None:
    record = prepare(
        RULES[EntityType.EMPLOYEE],
        {"email": " Ann@Firm.COM ", "employee_number": "e-007"},
        system="workday",
    )
    assert record.strong_keys == (
        "S|EMPLOYEE|email|ann@firm.com",
        "S|EMPLOYEE|employee_number@HRIS+PAYROLL|7",
    )


def test_a_system_scoped_number_is_found_across_systems_by_its_normalised_form() -> None:
    rules = RULES[EntityType.EMPLOYEE]
    forms = {"workday": "E004711", "adp": "004711", "concur": "4711"}
    keys = [prepare(rules, {"employee_number": v}, system=s).keys for s, v in forms.items()]
    shared = set(keys[0]).intersection(*keys[1:])
    assert shared == {"B|EMPLOYEE|employee_number_normalised|4711"}
    # The expense tool's number is strong only within the expense tool.
    assert "S|EMPLOYEE|employee_number@concur|4711" in keys[2]


def test_a_key_with_a_missing_part_is_not_made() -> None:
    dimension = RULES[EntityType.ACCOUNTING_DIMENSION]
    assert prepare(dimension, {"code": "4100"}, system="workday").strong_keys == ()
    record = prepare(dimension, {"kind": "COST_CENTER", "code": "CC-4100"}, system="workday")
    assert record.strong_keys == ("S|ACCOUNTING_DIMENSION|kind_code@workday|COSTCENTER\x1f4100",)


def test_unordered_blocking_keys_survive_swapped_names() -> None:
    rules = RULES[EntityType.EMPLOYEE]
    straight = prepare(rules, {"given_name": "Ann", "family_name": "Lee"})
    swapped = prepare(rules, {"given_name": "Lee", "family_name": "Ann"})
    either = [k for k in straight.keys if "|names_either_order|" in k]
    assert either
    assert set(either) <= set(swapped.keys)


def test_keys_are_scoped_by_entity_type_and_kind() -> None:
    project = prepare(RULES[EntityType.PROJECT], {"code": "X-1", "name": "Audit"})
    rate_card = prepare(RULES[EntityType.RATE_CARD], {"code": "X-1", "name": "Audit"})
    assert not set(project.keys) & set(rate_card.keys)
    assert all(k.startswith((STRONG_PREFIX, BLOCKING_PREFIX)) for k in project.keys)


def test_candidates_are_prepared_without_keys() -> None:
    assert prepare(RULES[EntityType.PROJECT], {"code": "X-1"}, with_keys=False).keys == ()


def test_a_comparison_over_several_attributes_joins_the_present_ones() -> None:
    document = yaml.safe_load((SHIPPED / "matching" / "employee.yaml").read_text())
    by_attribute = {c["attributes"][0]: c for c in document["comparisons"]}
    by_attribute["given_name"].update(
        attributes=["given_name", "middle_name", "family_name"], nicknames=False, swap_group=None
    )
    by_attribute["family_name"]["swap_group"] = None  # its partner is gone
    rules = MatchRules.parse(document, "employee.yaml", systems=shipped_systems())
    record = prepare(rules, {"given_name": "Ann", "family_name": "Lee", "city": "Oslo"})
    assert record.values["given_name+middle_name+family_name"] == "ann lee"
    assert record.values["city"] == "oslo"
    assert "given_name+middle_name+family_name" in record.values


def test_a_reference_key_is_a_lookup_of_the_referenced_record_never_a_stored_key() -> None:
    rules = RULES[EntityType.PROJECT]  # blocks on `same_customer`, a reference key
    customer = {"system": "netsuite", "sourceId": "1808"}
    prepared = prepare(rules, {"name": "Close", "customer": customer}, system="netsuite")
    assert prepared.referenced == (
        ReferenceLookup("customer", SourceKey("netsuite", EntityType.CUSTOMER, "1808")),
    )
    assert not any("same_customer" in key for key in prepared.keys)
    assert prepare(rules, {"name": "Close"}, system="netsuite").referenced == ()
    assert prepare(rules, {"name": "Close", "customer": customer}, with_keys=False).referenced == ()


def test_a_code_leading_the_name_is_the_code_of_a_record_without_one() -> None:
    rules = RULES[EntityType.ACCOUNTING_DIMENSION]
    erp = prepare(rules, {"kind": "COST_CENTER", "name": "940 Marketing"}, system="netsuite")
    hris = prepare(
        rules, {"kind": "COST_CENTER", "code": "CC-940", "name": "Marketing"}, system="workday"
    )
    assert erp.values["code"] == hris.values["code"] == "940"
    assert erp.values["name"] == hris.values["name"] == "marketing"
    assert {k for k in erp.keys if "B|" in k and "kind_code" in k} == {
        k for k in hris.keys if "B|" in k and "kind_code" in k
    }
    # A sent code wins; a name that is only a number, or leads with a word, keeps its code.
    sent = prepare(rules, {"kind": "COST_CENTER", "code": "CC-1", "name": "940 Marketing"})
    assert sent.values["code"] == "1"
    for name in ("940", "Marketing 940", "Tier 2 Support"):
        assert prepare(rules, {"kind": "COST_CENTER", "name": name}).values["code"] == ""


def test_a_name_is_compared_by_what_it_adds_to_its_role_currency_and_referenced_id() -> None:
    rules = RULES[EntityType.RATE_CARD]
    grid = prepare(rules, {"name": "Standard Rates 2024 - Analyst (USD)", "role": "Analyst",
                           "currency": "USD"})  # fmt: skip
    assert grid.values["name"] == "standard rates 2024"
    project = {"system": "psa", "sourceId": "PRJ-20098"}
    phase = prepare(rules, {"name": "Analyst - PRJ-20098 Phase 2 (USD)", "role": "Analyst",
                            "currency": "USD", "project": project})  # fmt: skip
    assert phase.values["name"] == "phase 2"
    # Nothing else left: the name stays whole, so two such names still compare.
    bare = prepare(rules, {"name": "Analyst - PRJ-20098 (USD)", "role": "Analyst",
                           "currency": "USD", "project": project})  # fmt: skip
    assert bare.values["name"] == "analyst prj 20098 usd"
