"""Survivorship over code sets: members' coded values count as the current mappings read them,
and the hash a golden record carries moves when those mappings change."""

from __future__ import annotations

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.wiring import shipped_rules
from tests.support.builders import key, stored
from tests.support.reference import code_set, code_sets, shipped_with_mapping

ADP = key("adp", "e-1", EntityType.EMPLOYEE)
WORKDAY = key("workday", "w-1", EntityType.EMPLOYEE)


def test_a_coded_value_is_chosen_as_its_code_with_the_member_as_provenance() -> None:
    golden = GoldenRecomputer(shipped_rules(), shipped_code_sets())
    member = stored(ADP, {"status": " L ", "job_title": "Analyst"}, version=3)

    [job_title, status] = golden.compute(EntityType.EMPLOYEE, [member]).attributes

    assert (status.name, status.value, status.source, status.source_version) == (
        "status",
        "LEAVE",
        ADP,
        3,
    )
    assert job_title.value == "Analyst"  # not a coded attribute: untouched


def test_members_spelling_one_code_differently_agree_on_it() -> None:
    golden = GoldenRecomputer(shipped_rules(), shipped_code_sets())
    members = [stored(ADP, {"status": "T"}, minute=1), stored(WORKDAY, {"status": "terminated"})]
    values = golden.compute(EntityType.EMPLOYEE, members).attributes
    assert [(v.name, v.value) for v in values] == [("status", "TERMINATED")]


def test_an_unmapped_value_survives_as_sent_until_a_mapping_covers_it() -> None:
    member = stored(ADP, {"status": "Sabbatical"})
    before = GoldenRecomputer(shipped_rules(), shipped_code_sets())
    mapped = shipped_with_mapping("employment_status", "adp", {"Sabbatical": "LEAVE"})
    after = GoldenRecomputer(shipped_rules(), mapped)

    assert before.compute(EntityType.EMPLOYEE, [member]).attributes[0].value == "Sabbatical"
    assert after.compute(EntityType.EMPLOYEE, [member]).attributes[0].value == "LEAVE"
    assert after.hash_for(EntityType.EMPLOYEE) != before.hash_for(EntityType.EMPLOYEE)
    # Only the employee code set changed: other entity types' goldens are not stale.
    assert after.hash_for(EntityType.CUSTOMER) == before.hash_for(EntityType.CUSTOMER)


def test_the_golden_hash_folds_in_the_code_sets_of_its_type_only() -> None:
    rules = shipped_rules()
    status_only = code_sets(
        code_set(
            code_set="employment_status",
            version=1,
            applies_to=[{"entity_type": "EMPLOYEE", "attribute": "status"}],
            codes=["ACTIVE"],
        )
    )
    golden = GoldenRecomputer(rules, status_only)
    assert golden.hash_for(EntityType.EMPLOYEE) != rules.for_type(EntityType.EMPLOYEE).hash
    assert golden.hash_for(EntityType.RATE_CARD) == rules.for_type(EntityType.RATE_CARD).hash
    computed = golden.compute(EntityType.EMPLOYEE, [stored(ADP, {"status": "active"})])
    assert computed.rule_set_hash == golden.hash_for(EntityType.EMPLOYEE)


def test_without_code_sets_values_and_hash_are_the_rules_alone() -> None:
    golden = GoldenRecomputer(shipped_rules())
    computed = golden.compute(EntityType.EMPLOYEE, [stored(ADP, {"status": "A"})])
    assert computed.attributes[0].value == "A"
    assert computed.rule_set_hash == shipped_rules().for_type(EntityType.EMPLOYEE).hash
