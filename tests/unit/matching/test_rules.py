"""Match rule files: the shipped ones load; every kind of mistake is named precisely."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.paths import SHIPPED

SHIPPED = SHIPPED / "matching"


def test_every_entity_type_has_a_valid_shipped_rule_file() -> None:
    rules = load_match_rules(SHIPPED, shipped_systems())
    assert set(rules) == set(EntityType)
    assert [r.name for r in rules[EntityType.CUSTOMER].rules.strong_identifiers] == ["tax_id"]


def _document(entity: str = "customer") -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SHIPPED / f"{entity}.yaml").read_text())
    return copy.deepcopy(loaded)


def _error(document: Any) -> str:
    with pytest.raises(ConfigurationError) as raised:
        MatchRules.parse(document, "matching/customer.yaml")
    return str(raised.value)


def test_unknown_attribute_names_file_rule_and_field() -> None:
    document = _document()
    document["comparisons"][1]["attributes"] = ["legal_nmae"]
    message = _error(document)
    assert "matching/customer.yaml" in message
    assert "comparisons[1]" in message
    assert "unknown attribute 'legal_nmae'" in message


def test_unknown_blocking_attribute_and_standardiser() -> None:
    document = _document()
    document["blocking"][0]["parts"][0] = {"attribute": "nme", "standardiser": "soundx"}
    message = _error(document)
    assert "blocking[0] (name_first_token).parts[0].attribute: unknown attribute 'nme'" in message
    assert "unknown standardiser 'soundx'" in message


def test_levels_must_descend() -> None:
    document = _document()
    document["comparisons"][0]["levels"].reverse()
    assert "comparisons[0]: levels must be listed from the highest" in _error(document)


def test_probabilities_must_be_between_0_and_1() -> None:
    document = _document()
    document["comparisons"][0]["levels"][0]["m"] = 1.5
    assert "comparisons[0].levels[0].m" in _error(document)


def test_review_must_be_below_auto_match() -> None:
    document = _document()
    document["thresholds"] = {"auto_match": 0.8, "review": 0.9}
    assert "thresholds: review must be below auto_match" in _error(document)


def test_unknown_keys_are_refused() -> None:
    document = _document()
    document["comparisons"][0]["weigth"] = 3
    assert "comparisons[0].weigth: Extra inputs are not permitted" in _error(document)


def test_unknown_comparator() -> None:
    document = _document()
    document["comparisons"][0]["comparator"] = "levenshtein_magic"
    assert "comparisons[0].comparator" in _error(document)


def test_swap_group_needs_exactly_two() -> None:
    document = _document()
    document["comparisons"][0]["swap_group"] = "names"
    assert "swap_group 'names' needs exactly 2 comparisons, has 1" in _error(document)


def test_nicknames_only_with_jaro_winkler() -> None:
    document = _document()
    document["comparisons"][0]["nicknames"] = True
    assert "nicknames applies to the jaro_winkler comparator only" in _error(document)


def test_duplicate_key_names() -> None:
    document = _document()
    document["blocking"][1]["name"] = document["blocking"][0]["name"]
    assert "name 'name_first_token' used twice" in _error(document)


def test_folder_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"customer\.yaml: missing match rule file"):
        load_match_rules(tmp_path)
    for entity in EntityType:
        (tmp_path / f"{entity.value.lower()}.yaml").write_text(
            (SHIPPED / f"{entity.value.lower()}.yaml").read_text()
        )
    (tmp_path / "project.yaml").write_text((SHIPPED / "customer.yaml").read_text())
    with pytest.raises(ConfigurationError, match="entity_type is CUSTOMER, expected PROJECT"):
        load_match_rules(tmp_path)
    (tmp_path / "project.yaml").write_text("comparisons: [unclosed")
    with pytest.raises(ConfigurationError, match=r"project\.yaml: cannot read match rules"):
        load_match_rules(tmp_path)


def test_the_service_refuses_to_start_on_a_bad_rule_file(tmp_path: Path) -> None:
    from mdm_hub.api.app import create_app  # noqa: PLC0415
    from mdm_hub.config import Settings  # noqa: PLC0415

    for entity in EntityType:
        text = (SHIPPED / f"{entity.value.lower()}.yaml").read_text()
        (tmp_path / f"{entity.value.lower()}.yaml").write_text(text)
    (tmp_path / "rate_card.yaml").write_text(
        (SHIPPED / "rate_card.yaml").read_text().replace("auto_match: 0.995", "auto_match: 2")
    )
    with pytest.raises(ConfigurationError, match=r"rate_card\.yaml.*thresholds\.auto_match"):
        create_app(Settings(matching_dir=tmp_path))


def _employee_with_shared_by(shared_by: list[str], scope: str = "system") -> dict[str, Any]:
    document = _document("employee")
    number = next(s for s in document["strong_identifiers"] if s["name"] == "employee_number")
    number.update(scope=scope, shared_by=shared_by)
    return document


def test_shared_by_names_declared_systems_and_kinds() -> None:
    rules = MatchRules.parse(
        _employee_with_shared_by(["HRIS", "adp"]), "employee.yaml", systems=shipped_systems()
    )
    assert rules.scope_of("employee_number", "workday") == "HRIS+adp"
    assert rules.scope_of("employee_number", "adp") == "HRIS+adp"
    assert rules.scope_of("employee_number", "gusto") == "gusto"  # payroll, not named


def test_an_unknown_system_in_shared_by_is_named_with_file_and_field() -> None:
    with pytest.raises(ConfigurationError) as raised:
        MatchRules.parse(
            _employee_with_shared_by(["HRIS", "PAYROL"]),
            "matching/employee.yaml",
            systems=shipped_systems(),
        )
    message = str(raised.value)
    assert message.startswith("matching/employee.yaml: ")
    assert "strong_identifiers[1] (employee_number).shared_by[1]: 'PAYROL'" in message
    assert "declared system" in message


def test_shared_by_needs_system_scope() -> None:
    with pytest.raises(ConfigurationError) as raised:
        MatchRules.parse(
            _employee_with_shared_by(["HRIS"], scope="global"),
            "matching/employee.yaml",
            systems=shipped_systems(),
        )
    assert "strong_identifiers[1]: shared_by applies to `scope: system`" in str(raised.value)


def test_an_identifier_prefix_must_be_letters_and_digits() -> None:
    document = _document("employee")
    document["identifier_prefixes"] = ["E", "E-"]
    with pytest.raises(ConfigurationError) as raised:
        MatchRules.parse(document, "matching/employee.yaml", systems=shipped_systems())
    assert "identifier_prefixes[1]: 'E-'" in str(raised.value)


def test_a_reference_key_names_a_reference_attribute_and_has_no_parts() -> None:
    document = _document("project")
    document["blocking"] = [k for k in document["blocking"] if k["name"] != "same_customer"]
    document["blocking"].append({"name": "same_customer", "reference": "customer"})
    MatchRules.parse(document, "matching/project.yaml")
    document["blocking"][-1] = {"name": "same_customer", "reference": "name"}
    assert "'name' is not a reference attribute of PROJECT" in _error(document)
    document["blocking"][-1] = {
        "name": "same_customer",
        "reference": "customer",
        "parts": [{"attribute": "name"}],
    }
    assert "a reference key has no parts" in _error(document)
    document["blocking"][-1] = {"name": "nothing"}
    assert "a key needs parts" in _error(document)


def test_a_strong_identifier_is_never_a_reference_key() -> None:
    document = _document("project")
    document["strong_identifiers"] = [{"name": "by_customer", "reference": "customer"}]
    assert "a strong identifier has parts, never a reference" in _error(document)


def test_code_in_name_names_known_attributes() -> None:
    document = _document("accounting_dimension")
    document["code_in_name"] = {"code": "code", "name": "nmae"}
    assert "code_in_name.name: unknown attribute 'nmae'" in _error(document)
