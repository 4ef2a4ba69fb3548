"""Page cursors: opaque, round-trip exactly, and refuse anything they did not make."""

from __future__ import annotations

import base64

import pytest

from mdm_hub.adapters.cursors import decode_cursor, encode_cursor, page_of
from mdm_hub.errors import InvalidInput
from tests.support.builders import at


def test_a_cursor_round_trips_its_position() -> None:
    cursor = encode_cursor(at(3), '["CRM","CUSTOMER","a|b","parent"]')
    assert decode_cursor(cursor) == (at(3), '["CRM","CUSTOMER","a|b","parent"]')
    assert decode_cursor(None) is None


@pytest.mark.parametrize(
    "bad",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", "k"]').decode(),  # no offset
        base64.urlsafe_b64encode(b'["yesterday", "k"]').decode(),
        "A" * 2000,
    ],
)
def test_anything_else_is_bad_input_naming_after(bad: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(bad)
    assert [p.field for p in raised.value.problems] == ["after"]


def test_a_page_keeps_limit_items_and_says_whether_more_follow() -> None:
    page = page_of([1, 2, 3], 2, lambda n: (at(n), str(n)))
    assert [item for _, item in page.items] == [1, 2]
    assert page.has_next
    assert decode_cursor(page.items[-1][0]) == (at(2), "2")
    assert not page_of([1], 2, lambda n: (at(n), str(n))).has_next
