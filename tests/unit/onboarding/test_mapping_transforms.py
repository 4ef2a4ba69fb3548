"""Each mapping transform on its own, and as a mapping file writes it (compiled)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mdm_hub.onboarding.mappings import transforms as t
from mdm_hub.onboarding.mappings.compiled import _Compiler
from mdm_hub.onboarding.mappings.model import TransformSpec
from mdm_hub.onboarding.mappings.transforms import TransformError


def run(spec: Any, row: dict[str, Any], system: str = "netsuite") -> Any:
    """A transform as written in a mapping file, compiled and applied to `row`."""
    compiler = _Compiler(system)
    transform = compiler.transform(TransformSpec.model_validate(spec), "attributes.x")
    assert not compiler.problems, compiler.problems
    return transform(row)


# column


def test_a_bare_string_is_a_column_and_empty_cells_are_absent() -> None:
    assert run("Company Name", {"Company Name": "Acme"}) == "Acme"
    assert run("Company Name", {"Company Name": "   "}) is None
    assert run("Company Name", {}) is None


def test_a_json_value_passes_as_it_is() -> None:
    assert run({"column": "rate"}, {"rate": 12.5}) == 12.5
    assert run({"column": "tags"}, {"tags": ["a"]}) == ["a"]


# value


def test_value_is_a_constant() -> None:
    assert run({"value": "COST_CENTER"}, {}) == "COST_CENTER"
    assert run({"value": ""}, {}) is None


# concat


def test_concat_joins_parts_and_collapses_separators_around_absent_parts() -> None:
    parts = [("Ada", False), (" ", True), (None, False), (" ", True), ("Lovelace", False)]
    assert t.concat(parts) == "Ada Lovelace"
    assert t.concat([(None, False), (", ", True), ("Berlin", False)]) == "Berlin"
    assert t.concat([("Berlin", False), (", ", True), (None, False)]) == "Berlin"
    assert t.concat([(None, False), (" ", True), ("", False)]) is None


def test_concat_takes_json_numbers_as_text_but_refuses_objects() -> None:
    assert t.concat([("PRJ", False), ("-", True), (42, False)]) == "PRJ-42"
    with pytest.raises(TransformError, match="holds an object"):
        t.concat([({"a": 1}, False)])


def test_concat_as_written() -> None:
    spec = {"concat": [{"column": "First"}, {"value": " "}, {"column": "Last"}]}
    assert run(spec, {"First": "Ada", "Last": "Lovelace"}) == "Ada Lovelace"
    assert run(spec, {"Last": "Lovelace"}) == "Lovelace"
    assert run(spec, {}) is None


# split


def test_split_takes_one_part_without_surrounding_space() -> None:
    assert t.split("1 Main St\n Berlin ", "\n", 0) == "1 Main St"
    assert t.split("1 Main St\r\nBerlin", "\n", -1) == "Berlin"
    assert t.split("1 Main St", "\n", 1) is None
    assert t.split("a,,c", ",", 1) is None
    assert t.split(None, ",", 0) is None


def test_split_as_written() -> None:
    spec = {"split": {"column": "Address", "separator": "\n", "index": 1}}
    assert run(spec, {"Address": "1 Main St\nSuite 2\nBerlin"}) == "Suite 2"


# split_name


@pytest.mark.parametrize(
    ("name", "given", "middle", "family"),
    [
        ("Lovelace, Ada", "Ada", None, "Lovelace"),
        ("Lovelace, Ada Augusta", "Ada", "Augusta", "Lovelace"),
        ("Ada Augusta King Lovelace", "Ada", "Augusta King", "Lovelace"),
        ("Ada Lovelace", "Ada", None, "Lovelace"),
        ("van Gogh, Vincent", "Vincent", None, "van Gogh"),
        ("Cher", None, None, "Cher"),
    ],
)
def test_split_name_reads_both_orders(
    name: str, given: str | None, middle: str | None, family: str | None
) -> None:
    assert t.split_name(name, "given") == given
    assert t.split_name(name, "middle") == middle
    assert t.split_name(name, "family") == family


def test_split_name_as_written() -> None:
    spec = {"split_name": {"column": "Worker", "part": "family"}}
    assert run(spec, {"Worker": "Hopper, Grace"}) == "Hopper"
    assert run(spec, {}) is None


# first_of


def test_first_of_takes_the_first_present_value() -> None:
    assert t.first_of([None, "", "DE123", "FR456"]) == "DE123"
    assert t.first_of([None, " "]) is None
    row = {"VAT": "DE123"}
    assert run({"first_of": ["Tax Reg. Number", "VAT"]}, row) == "DE123"
    assert run({"first_of": ["Tax Reg. Number", "VAT"]}, {"Tax Reg. Number": "X"}) == "X"


# when / else, with each condition


def when(condition: dict[str, Any]) -> dict[str, Any]:
    clause = {"column": "Type", **condition, "then": {"value": "INACTIVE"}}
    return {"when": [clause], "else": {"column": "Status"}}


def test_when_equals_ignores_case_and_surrounding_space() -> None:
    spec = when({"equals": "Former"})
    assert run(spec, {"Type": " former ", "Status": "ACTIVE"}) == "INACTIVE"
    assert run(spec, {"Type": "Client", "Status": "ACTIVE"}) == "ACTIVE"
    assert run(spec, {"Status": "ACTIVE"}) == "ACTIVE"


def test_when_in() -> None:
    spec = when({"in": ["Former", "Lost"]})
    assert run(spec, {"Type": "Lost"}) == "INACTIVE"
    assert run(spec, {"Type": "Client", "Status": "ACTIVE"}) == "ACTIVE"


def test_when_empty_true_and_false() -> None:
    assert run(when({"empty": True}), {"Status": "ACTIVE"}) == "INACTIVE"
    assert run(when({"empty": True}), {"Type": "x", "Status": "ACTIVE"}) == "ACTIVE"
    assert run(when({"empty": False}), {"Type": "x"}) == "INACTIVE"


def test_when_matches_searches_with_a_regular_expression() -> None:
    spec = when({"matches": "^(Closed|Former)"})
    assert run(spec, {"Type": "Closed - won"}) == "INACTIVE"
    assert run(spec, {"Type": "Not Closed", "Status": "ACTIVE"}) == "ACTIVE"


def test_when_without_else_is_absent_when_nothing_holds() -> None:
    spec = {"when": [{"column": "Type", "equals": "A", "then": {"value": "X"}}]}
    assert run(spec, {"Type": "B"}) is None


def test_when_takes_the_first_clause_that_holds() -> None:
    spec = {
        "when": [
            {"column": "Type", "matches": "o", "then": {"value": "first"}},
            {"column": "Type", "equals": "Former", "then": {"value": "second"}},
        ]
    }
    assert run(spec, {"Type": "Former"}) == "first"


def test_conditions_compare_json_values_as_text() -> None:
    assert t.equals("true")(True)
    assert t.one_of(["1", "2"])(2)
    assert t.matches(re.compile("^4"))(42)


# reference


def test_reference_points_into_this_system_or_the_one_named() -> None:
    assert t.reference("C-1", "netsuite") == {"system": "netsuite", "sourceId": "C-1"}
    assert t.reference(1001, "netsuite") == {"system": "netsuite", "sourceId": "1001"}
    assert t.reference(None, "netsuite") is None
    assert run({"reference": {"column": "Parent"}}, {"Parent": "7"}) == {
        "system": "netsuite",
        "sourceId": "7",
    }
    spec = {"reference": {"column": "Customer", "system": "salesforce"}}
    assert run(spec, {"Customer": "001A"}) == {"system": "salesforce", "sourceId": "001A"}


def test_reference_body_may_carry_modifiers() -> None:
    spec = {"reference": {"column": "Manager", "strip_prefix": "WD-"}}
    assert run(spec, {"Manager": "WD-17"}) == {"system": "netsuite", "sourceId": "17"}


# modifiers


def test_strip_prefix_and_suffix() -> None:
    assert t.strip_prefix("PRJ-0042", "PRJ-") == "0042"
    assert t.strip_prefix("0042", "PRJ-") == "0042"
    assert t.strip_prefix("PRJ-", "PRJ-") is None
    assert t.strip_suffix("1001-US", "-US") == "1001"
    assert t.strip_suffix(None, "-US") is None


def test_map_matches_in_any_case_and_passes_unknown_values() -> None:
    table = {"t&m": "TIME_AND_MATERIALS", "n/a": None}
    assert t.map_value("T&M", table) == "TIME_AND_MATERIALS"
    assert t.map_value("Retainer", table) == "Retainer"
    assert t.map_value("N/A", table) is None


def test_modifiers_apply_in_order_strip_prefix_strip_suffix_map() -> None:
    spec = {
        "column": "Code",
        "strip_prefix": "X-",
        "strip_suffix": "-Z",
        "map": {"A": "alpha", "X-A-Z": "never"},
    }
    assert run(spec, {"Code": "X-A-Z"}) == "alpha"


def test_modifiers_apply_to_any_transform() -> None:
    spec = {"first_of": ["A", "B"], "map": {"Y": "ACTIVE", "N": "INACTIVE"}}
    assert run(spec, {"B": "n"}) == "INACTIVE"
    spec = {"concat": [{"column": "A"}, {"value": "-"}, {"column": "B"}], "strip_prefix": "P"}
    assert run(spec, {"A": "P1", "B": "2"}) == "1-2"


# deleted


@pytest.mark.parametrize("value", ["true", "Yes", "Y", "1", "T", "t", True, 1])
def test_true_values(value: object) -> None:
    assert t.is_true(value)


@pytest.mark.parametrize("value", ["false", "no", "0", "F", "", None, False, 0, "Inactive"])
def test_other_values_are_not_true(value: object) -> None:
    assert not t.is_true(value)


def test_concat_keeps_leading_and_trailing_constants_as_prefix_and_suffix() -> None:
    # NetSuite numbers each record type from 1: `account/` + Internal ID keeps IDs apart.
    assert t.concat([("account/", True), ("12", False)]) == "account/12"
    assert t.concat([("account/", True), (None, False)]) is None  # no ID, no prefix alone
    assert t.concat([("(", True), ("EUR", False), (")", True)]) == "(EUR)"
    assert t.concat([("P-", True), (None, False), ("-", True), ("7", False)]) == "P-7"
