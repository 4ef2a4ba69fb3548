"""Looking a system's spelling up in a code set: the system's own mapping, then its kind's, then
`any`, then the codes themselves; in any case, surrounding spaces ignored; unknown spellings
queued or refused as the code set says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mdm_hub.domain.attributes import BillingMethod, DimensionKind, RateUnit
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.reference.code_sets import CodeLookup
from mdm_hub.reference.model import UnmappedPolicy
from tests.support.builders import key, stored
from tests.support.reference import code_set, code_sets, shipped_document

STATUS = code_set(
    code_set="employment_status",
    version=1,
    applies_to=[{"entity_type": "EMPLOYEE", "attribute": "status"}],
    codes=["ACTIVE", "LEAVE", "TERMINATED"],
    unmapped="queue",
    mappings={
        "adp": {"A": "ACTIVE", "X": "TERMINATED"},
        "PAYROLL": {"X": "LEAVE", "Gone": "TERMINATED"},
        "any": {"X": "ACTIVE", "Gone": "LEAVE", "On Leave": "LEAVE"},
    },
)
KIND = code_set(
    code_set="dimension_kind",
    version=1,
    applies_to=[{"entity_type": "ACCOUNTING_DIMENSION", "attribute": "kind"}],
    codes=[str(kind) for kind in DimensionKind],
    unmapped="refuse",
    mappings={"sap": {"Kostenstelle": "COST_CENTER"}, "any": {"CC": "COST_CENTER"}},
)
CODES = code_sets(STATUS, KIND)


@pytest.mark.parametrize(
    ("system", "value", "expected"),
    [
        ("adp", "X", "TERMINATED"),  # the system's own mapping first
        ("gusto", "X", "LEAVE"),  # another payroll system: its kind's mapping
        ("adp", "Gone", "TERMINATED"),  # adp has no own `Gone`: its kind's
        ("workday", "X", "ACTIVE"),  # an HRIS: only `any` knows X
        ("workday", "Gone", "LEAVE"),
        ("PAYROLL", "X", "LEAVE"),  # the generic system named like its kind
        ("undeclared", "X", "ACTIVE"),  # an unknown system still gets `any`
    ],
)
def test_the_most_specific_mapping_wins(system: str, value: str, expected: str) -> None:
    assert CODES.lookup("employment_status", system, value) == CodeLookup(expected, None)


@pytest.mark.parametrize("value", ["a", " A ", "A\t", "\u00a0a"])
def test_spellings_match_in_any_case_with_spaces_trimmed(value: str) -> None:
    assert CODES.lookup("employment_status", "adp", value).value == "ACTIVE"


def test_on_leave_matches_however_it_is_cased() -> None:
    assert CODES.lookup("employment_status", "workday", "  on LEAVE ").value == "LEAVE"


@pytest.mark.parametrize("value", ["ACTIVE", "active", " Terminated "])
def test_a_canonical_code_in_any_case_maps_to_itself(value: str) -> None:
    assert CODES.lookup("employment_status", "bamboohr", value).value == value.strip().upper()


def test_queue_keeps_an_unknown_value_as_sent_but_trimmed() -> None:
    assert CODES.lookup("employment_status", "adp", "  Sabbatical ") == CodeLookup(
        "Sabbatical", None, unmapped=True
    )


def test_refuse_names_the_codes_and_what_this_system_may_send() -> None:
    found = CODES.lookup("dimension_kind", "sap", "Profit Center")
    assert (found.value, found.unmapped) == (None, False)
    assert found.problem is not None
    assert "'Profit Center' is not a dimension_kind code" in found.problem
    assert "COST_CENTER, GL_ACCOUNT, LEGAL_ENTITY" in found.problem
    assert "spellings mapped for sap: CC, Kostenstelle" in found.problem


def test_refuse_does_not_list_another_systems_spellings() -> None:
    problem = CODES.lookup("dimension_kind", "netsuite", "Profit Center").problem
    assert problem is not None
    assert "CC" in problem
    assert "Kostenstelle" not in problem


def test_an_unknown_code_set_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        CODES.lookup("colour", "adp", "red")


def test_code_set_names_the_set_governing_an_attribute() -> None:
    assert CODES.code_set(EntityType.EMPLOYEE, "status") == "employment_status"
    assert CODES.code_set(EntityType.ACCOUNTING_DIMENSION, "kind") == "dimension_kind"
    assert CODES.code_set(EntityType.EMPLOYEE, "job_title") is None
    assert CODES.code_set(EntityType.CUSTOMER, "status") is None


def test_the_hash_moves_with_any_change_and_per_type_only_with_that_types_sets() -> None:
    changed = code_set(**{**STATUS.file.model_dump(mode="json"), "version": 2})
    after = code_sets(changed, KIND)
    assert after.hash != CODES.hash
    assert after.hash_for(EntityType.EMPLOYEE) != CODES.hash_for(EntityType.EMPLOYEE)
    assert after.hash_for(EntityType.ACCOUNTING_DIMENSION) == CODES.hash_for(
        EntityType.ACCOUNTING_DIMENSION
    )
    assert CODES.hash_for(EntityType.PROJECT) is None
    assert after.versions == {"dimension_kind": 1, "employment_status": 2}


def test_members_are_read_through_the_current_mappings() -> None:
    raw = stored(key("adp", "e1", EntityType.EMPLOYEE), {"status": "Sabbatical", "job_title": "A"})
    canonical = stored(key("workday", "w1", EntityType.EMPLOYEE), {"status": "ACTIVE"})
    mapped = stored(key("adp", "e2", EntityType.EMPLOYEE), {"status": "a"})
    members = (raw, canonical, mapped)

    result = CODES.canonical_members(EntityType.EMPLOYEE, members)

    assert [m.attributes["status"] for m in result] == ["Sabbatical", "ACTIVE", "ACTIVE"]
    assert result[0] is raw  # nothing to map: the same member
    assert result[1] is canonical
    assert result[2] == replace(mapped, attributes={"status": "ACTIVE"})
    assert result[2].version == mapped.version  # provenance still names the version stored


def test_members_of_a_type_without_code_sets_are_passed_through() -> None:
    members = (stored(key("CRM", "c1"), {"status": "whatever"}),)
    assert CODES.canonical_members(EntityType.CUSTOMER, members) is members


def test_the_shipped_enum_code_sets_are_exactly_their_enums_and_refuse() -> None:
    shipped = shipped_code_sets()
    for name, enum in (
        ("billing_method", BillingMethod),
        ("rate_unit", RateUnit),
        ("dimension_kind", DimensionKind),
    ):
        found = shipped.by_name[name]
        assert set(found.codes) == {str(member) for member in enum}
        assert found.unmapped is UnmappedPolicy.REFUSE


@pytest.mark.parametrize(
    ("code_set_name", "system", "value", "expected"),
    [
        ("employment_status", "adp", "A", "ACTIVE"),
        ("employment_status", "adp", "L", "LEAVE"),
        ("employment_status", "workday", "On Leave", "LEAVE"),
        ("record_status", "hubspot", "customer", "ACTIVE"),
        ("project_status", "psa", "In Progress", "ACTIVE"),
        ("billing_method", "kantata", "T&M", "TIME_AND_MATERIALS"),
        ("billing_method", "netsuite", "Fixed Price", "FIXED_FEE"),
        ("rate_unit", "psa", "hrs", "HOUR"),
        ("dimension_kind", "adp", "CC", "COST_CENTER"),
        ("dimension_kind", "workday", "Dept", "DEPARTMENT"),
    ],
)
def test_the_shipped_mappings_read_common_spellings(
    code_set_name: str, system: str, value: str, expected: str
) -> None:
    assert shipped_code_sets().lookup(code_set_name, system, value).value == expected


def test_a_shipped_document_round_trips_through_the_loader() -> None:
    document = shipped_document("employment_status")
    assert code_set(**document).file == shipped_code_sets().by_name["employment_status"].file
