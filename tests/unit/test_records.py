"""Source keys and incoming records: validation and content hashing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import IncomingRecord, SourceKey, canonical_json, content_hash
from mdm_hub.errors import RecordRejected


def test_key_parses_valid_parts() -> None:
    assert SourceKey.parse("CRM", "CUSTOMER", "0012") == SourceKey(
        "CRM", EntityType.CUSTOMER, "0012"
    )


@pytest.mark.parametrize(
    ("system", "entity_type", "source_id", "field"),
    [
        ("", "CUSTOMER", "1", "system"),
        ("C R M", "CUSTOMER", "1", "system"),
        ("X" * 65, "CUSTOMER", "1", "system"),
        ("CRM", "SUPPLIER", "1", "entityType"),
        ("CRM", "CUSTOMER", "", "sourceId"),
        ("CRM", "CUSTOMER", "x" * 257, "sourceId"),
        ("CRM", "CUSTOMER", "a\x00b", "sourceId"),
        ("CRM", "CUSTOMER", "a\nb", "sourceId"),
        # Invisible: a zero-width space, a direction mark, a byte-order mark, a line separator.
        ("CRM", "CUSTOMER", "C-1\u200b", "sourceId"),
        ("CRM", "CUSTOMER", "C-\u200f1", "sourceId"),
        ("CRM", "CUSTOMER", "\ufeffC-1", "sourceId"),
        ("CRM", "CUSTOMER", "C-1\u2028", "sourceId"),
        ("CRM", "CUSTOMER", "C-\ud8001", "sourceId"),
    ],
)
def test_bad_key_parts_are_named(system: str, entity_type: str, source_id: str, field: str) -> None:
    with pytest.raises(RecordRejected) as raised:
        SourceKey.parse(system, entity_type, source_id)
    assert [p.field for p in raised.value.problems] == [field]


def test_visible_non_ascii_ids_are_kept() -> None:
    assert SourceKey.parse("CRM", "CUSTOMER", "Zoë-Ünal 7").source_id == "Zoë-Ünal 7"


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    with pytest.raises(RecordRejected) as raised:
        IncomingRecord.parse("CRM", "CUSTOMER", "", {"nope": 1, "country": "XX"})
    assert {p.field for p in raised.value.problems} == {
        "sourceId",
        "attributes.nope",
        "attributes.country",
    }


def test_rejection_message_is_printable_even_for_hostile_ids() -> None:
    with pytest.raises(RecordRejected) as raised:
        IncomingRecord.parse("CRM", "CUSTOMER", "a\x00" + "b" * 5000, {})
    message = str(raised.value)
    assert "\x00" not in message
    assert len(message) < 400


def test_content_hash_ignores_key_order() -> None:
    assert content_hash({"a": 1, "b": "x"}) == content_hash({"b": "x", "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_a_parsed_record_carries_the_canonical_text_its_hash_was_taken_of() -> None:
    # The store writes this text as the record's content: it must be what was hashed.
    record = IncomingRecord.parse(
        "CRM", "CUSTOMER", "1", {"name": "Zoë & Co", "tax_id": "DE 123", "country": "DE"}
    )
    assert record.attributes_json == canonical_json(record.attributes)
    assert json.loads(record.attributes_json) == record.attributes
    assert record.content_hash == content_hash(record.attributes)


def test_observed_at_is_normalised_to_utc() -> None:
    plus_two = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    record = IncomingRecord.parse("CRM", "CUSTOMER", "1", {}, plus_two)
    assert record.observed_at is not None
    assert record.observed_at.utcoffset() == timedelta(0)
    assert record.observed_at.hour == 10
    naive = IncomingRecord.parse("CRM", "CUSTOMER", "1", {}, datetime(2026, 5, 1, 12, 0))
    assert naive.observed_at is not None
    assert naive.observed_at.hour == 12
    assert naive.observed_at.utcoffset() == timedelta(0)
