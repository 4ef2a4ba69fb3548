"""A row through its mapping: upsert, retire, skip or refuse (with every problem by field);
and reading `observed_at` in ISO 8601 or the system's date order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.systems import DateOrder, Locale
from mdm_hub.onboarding.loading.moments import read_moment
from mdm_hub.onboarding.loading.readers import BadRow, JsonCells, Row
from mdm_hub.onboarding.loading.rows import Refused, Retire, Skipped, Upsert, map_row
from mdm_hub.onboarding.mappings import ExportMapping, parse_mapping
from mdm_hub.onboarding.mappings.transforms import TransformError
from mdm_hub.onboarding.systems_file import shipped_systems

MAPPING = parse_mapping(
    """
system: netsuite
entity_type: CUSTOMER
object: customer
source_id: Internal ID
observed_at: Last Modified
deleted: Inactive
skip_if: [{column: Type, equals: Lead}, {column: Type, equals: Prospect}]
attributes:
  name: Company Name
  city: {split: {column: Address, separator: "\\n", index: 1}}
  parent: {reference: {column: Parent}}
""",
    "netsuite/customer.yaml",
    shipped_systems(),
)


def mapped(cells: dict[str, Any], mapping: ExportMapping = MAPPING) -> Any:
    return map_row(mapping, Row(7, cells))


def test_a_row_becomes_a_raw_record_of_the_mapping_system_and_entity_type() -> None:
    result = mapped(
        {
            "Internal ID": "1001",
            "Company Name": "Acme",
            "Address": "1 Main St\nBerlin",
            "Parent": "900",
            "Last Modified": "2024-03-04T10:00:00Z",
        }
    )
    assert isinstance(result, Upsert)
    assert result.line == 7
    record = result.record
    assert (record.system, record.entity_type, record.source_id) == (
        "netsuite",
        "CUSTOMER",
        "1001",
    )
    assert record.attributes == {
        "name": "Acme",
        "city": "Berlin",
        "parent": {"system": "netsuite", "sourceId": "900"},
    }
    assert record.observed_at == datetime(2024, 3, 4, 10, tzinfo=UTC)


def test_absent_values_are_left_out_not_sent_empty() -> None:
    result = mapped({"Internal ID": "1001", "Company Name": "Acme"})
    assert isinstance(result, Upsert)
    assert result.record.attributes == {"name": "Acme"}
    assert result.record.observed_at is None


def test_a_json_number_source_id_becomes_text() -> None:
    result = map_row(MAPPING, Row(1, JsonCells({"Internal ID": 1001, "Company Name": "Acme"})))
    assert isinstance(result, Upsert)
    assert result.record.source_id == "1001"


def test_a_row_without_source_id_is_refused_naming_the_column() -> None:
    result = mapped({"Company Name": "Acme"})
    assert isinstance(result, Refused)
    assert [(p.field, p.reason) for p in result.problems] == [
        ("source_id", "missing (empty: 'Internal ID')")
    ]
    assert result.row == {"Company Name": "Acme"}


def test_every_problem_of_a_row_is_reported() -> None:
    cells = JsonCells(
        {"Internal ID": "1", "Address": {"city": "Berlin"}, "Last Modified": "yesterday"}
    )
    result = map_row(MAPPING, Row(3, cells))
    assert isinstance(result, Refused)
    assert result.source_id == "1"
    assert [p.field for p in result.problems] == ["observed_at", "attributes.city"]
    assert result.problems[0].reason.startswith("'yesterday' is not a date and time")


def test_a_column_passes_a_json_value_as_it_is_for_the_hub_to_judge() -> None:
    result = map_row(MAPPING, Row(3, JsonCells({"Internal ID": "1", "Company Name": 42})))
    assert isinstance(result, Upsert)
    assert result.record.attributes == {"name": 42}


def test_a_transform_error_refuses_the_row_naming_the_attribute() -> None:
    cells = JsonCells({"Internal ID": "1", "Address": ["1 Main St", "Berlin"]})
    result = map_row(MAPPING, Row(3, cells))
    assert isinstance(result, Refused)
    assert [(p.field, p.reason) for p in result.problems] == [
        ("attributes.city", 'the column holds a list (["1 Main St", "Berlin"]), not text')
    ]


def test_a_deleted_row_retires_its_record_even_with_bad_attributes() -> None:
    cells = JsonCells({"Internal ID": "1001", "Inactive": "Yes", "Address": [1]})
    result = map_row(MAPPING, Row(4, cells))
    assert result == Retire(4, SourceKey("netsuite", EntityType.CUSTOMER, "1001"), None)


def test_a_deleted_row_with_good_values_carries_them_for_a_record_never_loaded() -> None:
    cells = JsonCells({"Internal ID": "1002", "Inactive": "Yes", "Company Name": "Gone Ltd"})
    result = map_row(MAPPING, Row(5, cells))
    assert isinstance(result, Retire)
    assert result.key == SourceKey("netsuite", EntityType.CUSTOMER, "1002")
    assert result.record is not None
    assert result.record.attributes == {"name": "Gone Ltd"}


def test_skip_if_leaves_a_row_out_before_anything_else_is_checked() -> None:
    assert mapped({"Type": "lead"}) == Skipped(7)
    assert mapped({"Type": "Prospect"}) == Skipped(7)
    assert isinstance(mapped({"Type": "Client"}), Refused)  # no source ID


def test_a_bad_row_is_refused_with_its_reason() -> None:
    result = map_row(MAPPING, BadRow(9, "not JSON: unexpected end", '{"a": '))
    assert isinstance(result, Refused)
    assert result.line == 9
    assert [(p.field, p.reason) for p in result.problems] == [("", "not JSON: unexpected end")]
    assert result.row == {"text": '{"a": '}


# observed_at

MDY = Locale(date_order=DateOrder.MDY)
DMY = Locale(date_order=DateOrder.DMY)
YMD = Locale(date_order=DateOrder.YMD)


@pytest.mark.parametrize(
    ("text", "locale", "moment"),
    [
        ("2024-03-04", YMD, datetime(2024, 3, 4)),
        ("2024-03-04T14:15:00Z", MDY, datetime(2024, 3, 4, 14, 15, tzinfo=UTC)),
        ("2024-03-04 14:15", DMY, datetime(2024, 3, 4, 14, 15)),
        ("03/04/2024", MDY, datetime(2024, 3, 4)),
        ("03/04/2024", DMY, datetime(2024, 4, 3)),
        ("3/4/2024 2:15 PM", MDY, datetime(2024, 3, 4, 14, 15)),
        ("3/4/2024 12:05 am", MDY, datetime(2024, 3, 4, 0, 5)),
        ("04.03.2024 14:15:30", DMY, datetime(2024, 3, 4, 14, 15, 30)),
        ("2024/03/04", YMD, datetime(2024, 3, 4)),
    ],
)
def test_moments_are_read_in_iso_or_the_systems_date_order(
    text: str, locale: Locale, moment: datetime
) -> None:
    assert read_moment(text, locale) == moment


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("03/04/24", MDY),  # a two-digit year
        ("13/04/2024", MDY),  # no 13th month
        ("3/4/2024 13:00 PM", MDY),
        ("03/04/2024", YMD),
        ("yesterday", DMY),
    ],
)
def test_moments_that_cannot_be_read_say_which_forms_can(text: str, locale: Locale) -> None:
    with pytest.raises(TransformError, match="give ISO 8601"):
        read_moment(text, locale)
