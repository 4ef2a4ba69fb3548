"""Mapping files: found by name or path, validated on load; every mistake is an error naming
the file, the field and the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mdm_hub.datafiles import shipped
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import SourceSystem, SystemKind, SystemRegistry
from mdm_hub.errors import DataFileError, MappingFileError
from mdm_hub.onboarding.mappings import load_mapping, mapping_names, mappings_root, parse_mapping
from mdm_hub.onboarding.systems_file import shipped_systems

TEST_MAPPINGS = Path(__file__).parents[2] / "data" / "mappings"
HEAD = """\
system: netsuite
entity_type: CUSTOMER
object: customer
source_id: Internal ID
"""


def error_of(body: str, systems: SystemRegistry | None = None) -> MappingFileError:
    with pytest.raises(MappingFileError) as raised:
        parse_mapping(textwrap.dedent(body), "mappings/netsuite/customer.yaml", systems or SYSTEMS)
    return raised.value


def problems(body: str) -> list[tuple[str, str]]:
    return [(p.field, p.reason) for p in error_of(body).problems]


SYSTEMS = shipped_systems()


def test_the_test_mappings_load_by_name_from_a_mappings_dir() -> None:
    assert mapping_names(TEST_MAPPINGS) == ["netsuite/project", "psa/customer", "workday/employee"]
    mapping = load_mapping("workday/employee", SYSTEMS, TEST_MAPPINGS)
    assert (mapping.system, mapping.entity_type) == ("workday", EntityType.EMPLOYEE)
    assert mapping.label.endswith("workday/employee.yaml")


def test_a_mapping_loads_by_path_too() -> None:
    mapping = load_mapping(str(TEST_MAPPINGS / "psa" / "customer.yaml"), SYSTEMS)
    assert mapping.object == "customer"
    assert mapping.csv.delimiter == ";"


def test_without_a_mappings_dir_names_are_looked_up_in_the_package() -> None:
    assert mappings_root(None) == shipped("mappings")
    assert mappings_root(TEST_MAPPINGS) == TEST_MAPPINGS


def test_an_unknown_name_says_where_it_looked_and_what_there_is() -> None:
    with pytest.raises(MappingFileError) as raised:
        load_mapping("netsuite/vendor", SYSTEMS, TEST_MAPPINGS)
    assert "netsuite/vendor" in str(raised.value)
    assert "psa/customer" in str(raised.value)
    assert isinstance(raised.value, DataFileError)
    assert raised.value.what == "mapping file"


def test_a_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError, match="missing"):
        load_mapping(str(tmp_path / "nope.yaml"), SYSTEMS)


def test_the_hash_follows_the_text() -> None:
    body = HEAD + "attributes: {name: Company Name}\n"
    first = parse_mapping(body, "a.yaml", SYSTEMS)
    assert parse_mapping(body, "b.yaml", SYSTEMS).sha256 == first.sha256
    changed = parse_mapping(body.replace("Company Name", "Name"), "a.yaml", SYSTEMS)
    assert changed.sha256 != first.sha256


def test_the_error_names_the_file() -> None:
    error = error_of(HEAD)
    assert str(error).startswith("invalid mapping file mappings/netsuite/customer.yaml:")
    assert ("attributes", "Field required") in [(p.field, p.reason) for p in error.problems]


def test_not_yaml_and_not_a_mapping() -> None:
    assert "not valid YAML at line 2" in str(error_of("system: [netsuite\n"))
    assert "must be a mapping" in str(error_of("- a\n- b\n"))


def test_a_key_given_twice_is_an_error() -> None:
    body = HEAD + "attributes:\n  name: A\n  name: B\n"
    assert "key 'name' is given twice" in str(error_of(body))


def test_unknown_settings_and_typos() -> None:
    body = HEAD + "attributes:\n  name: {colum: Name}\n  city: {column: City, strip_prefx: X}\n"
    found = problems(body + "delimiter: ';'\n")
    assert ("attributes.name.colum", "unknown setting") in found
    assert ("attributes.city.strip_prefx", "unknown setting") in found
    assert ("delimiter", "unknown setting") in found


def test_a_transform_needs_exactly_one_kind() -> None:
    [(field, reason)] = problems(HEAD + "attributes: {name: {column: A, value: B}}\n")
    assert field == "attributes.name"
    assert "give exactly one of column, value, concat" in reason
    assert "found: column, value" in reason
    [(field, reason)] = problems(HEAD + "attributes: {name: {strip_prefix: X}}\n")
    assert "found: none" in reason


def test_a_condition_needs_exactly_one_test() -> None:
    body = HEAD + (
        "attributes:\n  status: {when: [{column: T, equals: a, empty: true, then: X}]}\n"
    )
    assert problems(body) == [
        ("attributes.status.when.0", "give exactly one of equals, in, empty, matches")
    ]
    assert problems(HEAD + "attributes: {name: A}\nskip_if: {column: T}\n") == [
        ("skip_if.0", "give exactly one of equals, in, empty, matches")
    ]


def test_an_unquoted_yaml_boolean_is_an_error_with_a_hint() -> None:
    found = problems(HEAD + "attributes:\n  status: {column: S, map: {yes: ACTIVE}}\n")
    assert found[0][0] == "attributes.status.map"
    assert "quote the text you mean" in found[0][1]
    body = HEAD + "attributes: {name: A}\nskip_if: {column: Lead, equals: no}\n"
    assert problems(body)[0][0] == "skip_if.0.equals"


def test_a_bad_regular_expression() -> None:
    body = HEAD + "attributes:\n  status: {when: [{column: T, matches: '(', then: X}]}\n"
    [(field, reason)] = problems(body)
    assert field == "attributes.status.when.0.matches"
    assert reason.startswith("not a regular expression")


def test_split_needs_a_separator_and_split_name_a_known_part() -> None:
    body = HEAD + (
        "attributes:\n"
        "  city: {split: {column: A, separator: '', index: 0}}\n"
        "  name: {split_name: {column: W, part: first}}\n"
    )
    fields = [field for field, _ in problems(body)]
    assert fields == ["attributes.city.split.separator", "attributes.name.split_name.part"]


def test_else_goes_with_when() -> None:
    [(field, reason)] = problems(HEAD + "attributes: {name: {column: A, else: B}}\n")
    assert (field, reason) == ("attributes.name", "`else` goes with `when`")


def test_csv_options_are_checked() -> None:
    body = HEAD + "csv: {delimiter: ';;', encoding: klingon}\nattributes: {name: A}\n"
    fields = {field for field, _ in problems(body)}
    assert fields == {"csv.delimiter", "csv.encoding"}


def test_format_and_entity_type_are_known_values() -> None:
    body = HEAD.replace("CUSTOMER", "VENDOR") + "format: parquet\nattributes: {name: A}\n"
    fields = {field for field, _ in problems(body)}
    assert fields == {"entity_type", "format"}


def test_an_attribute_of_another_entity_type_is_an_error_listing_the_right_ones() -> None:
    [(field, reason)] = problems(HEAD + "attributes: {given_name: A}\n")
    assert field == "attributes.given_name"
    assert reason.startswith("not an attribute of CUSTOMER; its attributes: ")
    assert "legal_name, tax_id" in reason


def test_reference_attributes_need_reference_and_others_refuse_it() -> None:
    body = HEAD + "attributes:\n  parent: Parent ID\n  name: {reference: {column: X}}\n"
    assert problems(body) == [
        ("attributes.parent", "is a reference: map it with `reference`"),
        ("attributes.name", "is not a reference: `reference` does not fit it"),
    ]


def test_a_reference_cannot_be_joined_to_text_nor_be_the_source_id() -> None:
    body = HEAD.replace("source_id: Internal ID", "source_id: {reference: {column: A}}") + (
        "attributes:\n  name: {concat: [{column: A}, {reference: {column: B}}]}\n"
    )
    found = problems(body)
    assert ("attributes.name.concat.1", "a reference cannot be joined to text") in found
    assert ("source_id", "`reference` does not fit here") in found


def test_system_belongs_in_a_reference_body_only_and_must_be_declared() -> None:
    body = HEAD + (
        "attributes:\n"
        "  name: {column: A, system: netsuite}\n"
        "  parent: {reference: {column: P, system: oracle_crm}}\n"
    )
    found = problems(body)
    assert ("attributes.name.system", "only a reference's body names a system") in found
    [reason] = [r for f, r in found if f == "attributes.parent.reference.system"]
    assert "'oracle_crm' is not declared" in reason


def test_modifiers_on_a_reference_go_inside_it() -> None:
    body = HEAD + "attributes:\n  parent: {reference: {column: P}, strip_prefix: C-}\n"
    assert problems(body) == [
        ("attributes.parent", "modifiers go inside the reference's body, on its ID")
    ]


def test_the_system_must_be_declared() -> None:
    body = HEAD.replace("netsuite", "oracle_erp") + "attributes: {name: A}\n"
    [(field, reason)] = problems(body)
    assert field == "system"
    assert "'oracle_erp' is not declared in" in reason
    assert "netsuite" in reason  # the declared ones are listed


def test_the_system_must_send_the_entity_type() -> None:
    body = HEAD.replace("netsuite", "bamboohr") + "attributes: {name: A}\n"
    [(field, reason)] = problems(body)
    assert field == "entity_type"
    assert reason.startswith("bamboohr does not send CUSTOMER (it sends EMPLOYEE")


def test_a_registry_given_by_the_caller_decides_what_is_declared() -> None:
    mine = SystemRegistry.of(
        [SourceSystem(code="legacy_crm", name="Old CRM", kind=SystemKind.CRM)], "my-systems.yaml"
    )
    body = HEAD.replace("netsuite", "legacy_crm") + "attributes: {name: A}\n"
    assert parse_mapping(body, "m.yaml", mine).system == "legacy_crm"
    error = error_of(HEAD + "attributes: {name: A}\n", mine)
    assert "not declared in my-systems.yaml" in str(error)


def test_every_problem_is_reported_at_once() -> None:
    body = HEAD + ("attributes:\n  nam: A\n  parent: P\n  city: {column: C, system: psa}\n")
    assert len(problems(body)) == 3
