"""Reading the reference data files: a bad file stops the load, and the error names the file,
the code set, the field and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import SourceSystem, SystemKind
from mdm_hub.errors import ConfigurationError, ReferenceFileError
from mdm_hub.onboarding.reference_files import load_code_sets, parse_code_set, shipped_code_sets
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.wiring import load_reference

VALID: dict[str, Any] = {
    "code_set": "employment_status",
    "version": 3,
    "applies_to": [{"entity_type": "EMPLOYEE", "attribute": "status"}],
    "codes": ["ACTIVE", "LEAVE", "TERMINATED"],
    "unmapped": "queue",
    "mappings": {
        "adp": {"A": "ACTIVE", "T": "TERMINATED", "L": "LEAVE"},
        "HRIS": {"On Leave": "LEAVE"},
        "any": {"active": "ACTIVE"},
    },
}


def _problems(text: str, name: str = "employment_status") -> list[str]:
    with pytest.raises(ReferenceFileError) as raised:
        parse_code_set(text, name, f"reference/{name}.yaml", shipped_systems())
    message = str(raised.value)
    assert f"reference/{name}.yaml" in message
    return [str(problem) for problem in raised.value.problems]


def _changed(**changes: Any) -> str:
    return yaml.safe_dump({**VALID, **changes})


def test_a_valid_file_loads() -> None:
    loaded = parse_code_set(_changed(), "employment_status", "<valid>", shipped_systems())
    assert (loaded.name, loaded.version, loaded.codes) == (
        "employment_status",
        3,
        ("ACTIVE", "LEAVE", "TERMINATED"),
    )


def test_the_error_names_the_code_set() -> None:
    with pytest.raises(ReferenceFileError, match=r"\(code set employment_status\)"):
        parse_code_set(_changed(version=0), "employment_status", "<f>", shipped_systems())


def test_a_mapping_to_an_unknown_code_is_named_with_the_known_codes() -> None:
    problems = _problems(_changed(mappings={"adp": {"A": "ACTIV"}}))
    assert problems == [
        "mappings.adp.A: maps to 'ACTIV', not a employment_status code; "
        "codes: ACTIVE, LEAVE, TERMINATED"
    ]


def test_a_mapping_for_an_undeclared_system_or_kind_is_refused() -> None:
    [problem] = _problems(_changed(mappings={"adpp": {"A": "ACTIVE"}}))
    assert problem.startswith("mappings.adpp: 'adpp' is neither a system declared in")
    assert "PAYROLL" in problem


def test_a_system_declared_in_the_given_registry_may_be_mapped() -> None:
    ours = shipped_systems().with_systems(
        [SourceSystem(code="peoplesoft", name="PeopleSoft", kind=SystemKind.HRIS)]
    )
    text = _changed(mappings={"peoplesoft": {"A": "ACTIVE"}})
    loaded = parse_code_set(text, "employment_status", "<f>", ours)
    assert loaded.mappings["peoplesoft"] == {"a": "ACTIVE"}


def test_the_same_source_code_twice_in_one_mapping_is_refused() -> None:
    # Spellings match in any case with spaces trimmed, so these two are one spelling.
    [problem] = _problems(_changed(mappings={"adp": {"A": "ACTIVE", " a": "LEAVE"}}))
    assert problem.startswith("mappings.adp.")
    assert "mapped twice" in problem
    assert "'A'" in problem
    assert "' a'" in problem


def test_a_key_written_twice_is_a_yaml_error_naming_the_line() -> None:
    text = _changed().replace("    A: ACTIVE\n", "    A: ACTIVE\n    A: LEAVE\n")
    [problem] = _problems(text)
    assert "key 'A' is given twice" in problem
    assert "line" in problem


def test_a_canonical_code_cannot_be_mapped_to_another_code() -> None:
    [problem] = _problems(_changed(mappings={"any": {"leave": "ACTIVE"}}))
    assert problem == "mappings.any.leave: 'leave' is the code 'LEAVE', which always maps to itself"


def test_an_attribute_not_of_its_entity_type_is_refused() -> None:
    applies_to = [{"entity_type": "EMPLOYEE", "attribute": "billing_method"}]
    [problem] = _problems(_changed(applies_to=applies_to))
    assert problem.startswith(
        "applies_to[0].attribute: 'billing_method' is not a EMPLOYEE attribute; known attributes:"
    )


def test_a_reference_attribute_cannot_hold_codes() -> None:
    applies_to = [{"entity_type": "EMPLOYEE", "attribute": "manager"}]
    assert _problems(_changed(applies_to=applies_to)) == [
        "applies_to[0].attribute: 'manager' holds references, not codes"
    ]


def test_an_unknown_entity_type_or_field_is_named() -> None:
    problems = _problems(
        _changed(applies_to=[{"entity_type": "VENDOR", "attribute": "status"}], colour="red")
    )
    assert any(p.startswith("applies_to.0.entity_type: Input should be") for p in problems)
    assert "colour: unknown setting" in problems


def test_an_enum_backed_set_must_list_exactly_the_enum_and_refuse() -> None:
    text = yaml.safe_dump(
        {
            "code_set": "billing_method",
            "version": 1,
            "applies_to": [{"entity_type": "PROJECT", "attribute": "billing_method"}],
            "codes": ["FIXED_FEE", "TIME_AND_MATERIALS", "HOURLY"],
            "unmapped": "queue",
        }
    )
    problems = _problems(text, "billing_method")
    assert problems == [
        "codes: must be exactly the values PROJECT.billing_method accepts (FIXED_FEE, "
        "TIME_AND_MATERIALS, RETAINER, MILESTONE); missing: RETAINER, MILESTONE; "
        "not accepted: HOURLY",
        "unmapped: must be refuse: applies_to[0] PROJECT.billing_method accepts only its "
        "codes, so an unknown value cannot be kept",
    ]


def test_codes_equal_in_any_case_are_one_code_twice() -> None:
    assert _problems(_changed(codes=["ACTIVE", "Active", "LEAVE"], mappings={})) == [
        "codes[1]: 'Active' repeats 'ACTIVE' (codes match in any case)",
    ]


def test_the_code_set_must_match_its_file_name() -> None:
    problems = _problems(_changed(), "employee_status")
    assert problems[0] == (
        "code_set: is 'employment_status' but the file is named for 'employee_status'"
    )


def test_yes_and_no_must_be_quoted_and_numbers_are_text() -> None:
    text = _changed(mappings={"any": {"1": "ACTIVE"}}).replace("'1': ACTIVE", "1: ACTIVE")
    assert "1: ACTIVE" in text
    loaded = parse_code_set(text, "employment_status", "<f>", shipped_systems())
    assert loaded.mappings["any"] == {"1": "ACTIVE"}
    text = _changed(mappings={"any": {"x": "ACTIVE"}}).replace("x: ACTIVE", "yes: ACTIVE")
    assert _problems(text) == [
        "mappings: any: YAML reads an unquoted yes, no, on, off, true or false "
        "as true/false, not as a spelling: quote it (e.g. 'yes')"
    ]


def _write(directory: Path, name: str, document: dict[str, Any]) -> None:
    (directory / name).write_text(yaml.safe_dump(document), encoding="utf-8")


def test_two_code_sets_may_not_govern_one_attribute(tmp_path: Path) -> None:
    _write(tmp_path, "employment_status.yaml", VALID)
    _write(tmp_path, "hr_status.yaml", {**VALID, "code_set": "hr_status", "mappings": {}})
    with pytest.raises(ReferenceFileError) as raised:
        load_code_sets(tmp_path, shipped_systems())
    assert "hr_status.yaml (code set hr_status)" in str(raised.value)
    [problem] = raised.value.problems
    assert str(problem).startswith(
        "applies_to[0]: EMPLOYEE.status is already governed by the code set employment_status"
    )


def test_a_yml_file_is_refused_rather_than_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "employment_status.yml", VALID)
    with pytest.raises(ReferenceFileError, match=r"(?s)employment_status\.yml.*name it"):
        load_code_sets(tmp_path, shipped_systems())


def test_a_missing_directory_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="MDM_REFERENCE_DIR"):
        load_code_sets(tmp_path / "nowhere", shipped_systems())


def test_the_setting_replaces_the_shipped_code_sets(tmp_path: Path) -> None:
    _write(tmp_path, "employment_status.yaml", VALID)
    loaded = load_reference(Settings(reference_dir=tmp_path))
    assert loaded.versions == {"employment_status": 3}
    assert loaded.code_set(EntityType.CUSTOMER, "status") is None
    assert load_reference(Settings()).versions == shipped_code_sets().versions


def test_every_shipped_code_set_loads() -> None:
    assert set(shipped_code_sets().versions) == {
        "record_status",
        "employment_status",
        "project_status",
        "billing_method",
        "rate_unit",
        "dimension_kind",
    }


def test_a_code_with_surrounding_spaces_is_refused() -> None:
    assert _problems(_changed(codes=["ACTIVE ", "LEAVE"], mappings={})) == [
        "codes.0: 'ACTIVE ' has surrounding spaces; a code is written without them"
    ]
