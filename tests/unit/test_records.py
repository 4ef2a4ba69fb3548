"""Source keys and incoming records: validation and content hashing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import (
    IncomingRecord,
    SourceKey,
    canonical_json,
    content_hash,
    key_problems,
)
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


# Text near the checks' edges: ASCII letters and the system code's punctuation, controls,
# invisible and non-ASCII characters, a lone surrogate; lengths across both limits.
_KEY_CHARS = st.sampled_from(
    ["A", "z", "0", "_", ".", "-", " ", "\n", "\x7f", "\x85", "\u200b", "é", "\ud800", "/"]
)
_KEY_TEXT = st.one_of(
    st.text(_KEY_CHARS, max_size=6),
    st.builds(
        lambda n, tail: "C" * n + tail, st.integers(60, 260), st.text(_KEY_CHARS, max_size=2)
    ),
    st.sampled_from(["STEWARD", "CRM"]),
)


@settings(max_examples=400, deadline=None)
@given(
    system=_KEY_TEXT,
    entity_type=st.sampled_from([*EntityType, "CUSTOMER", "customer", "SUPPLIER", 1, None]),
    source_id=_KEY_TEXT,
)
def test_a_key_parses_exactly_when_its_checks_find_no_problem(
    system: str, entity_type: object, source_id: str
) -> None:
    # SourceKey.parse settles plain keys without the full checks: it must agree with them.
    problems = key_problems(system, entity_type, source_id)
    if problems:
        with pytest.raises(RecordRejected) as refused:
            SourceKey.parse(system, entity_type, source_id)
        assert refused.value.problems == problems
    else:
        key = SourceKey.parse(system, entity_type, source_id)
        assert key == SourceKey(system, EntityType(str(entity_type)), source_id)
