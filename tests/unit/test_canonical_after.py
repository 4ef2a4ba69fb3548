"""An ingest event's `after`, encoded with the record's attributes text spliced in, is the
text sealing would have encoded (the hash chain depends on it)."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.audit import canonical, canonical_after
from mdm_hub.domain.records import canonical_json

ATTRIBUTES: dict[str, Any] = {
    "given_name": "Ébba",
    "family_name": 'O"Neil\\',
    "address": {"street": "1 Main St", "city": None},
    "tags": ["b", "a"],
}


@pytest.mark.parametrize(
    "after",
    [
        {"attributes": ATTRIBUTES, "goldenId": "g-1", "score": 0.987654, "sourceVersion": 1},
        {
            "attributes": ATTRIBUTES,
            "contentHash": "ab",
            "decidedBy": None,
            "sent": {"country": "USA"},
        },
    ],
)
def test_spliced_text_is_the_canonical_text(after: dict[str, Any]) -> None:
    assert canonical_after(after, canonical_json(after["attributes"])) == canonical(after)


def test_without_the_text_or_with_a_float_json_cannot_hold_it_the_event_is_encoded_whole() -> None:
    after = {"attributes": {"x": float("nan")}, "goldenId": "g"}
    assert canonical_after(after, None) is None
    assert canonical_after(after, canonical_json(after["attributes"])) is None
    assert canonical_after({"goldenId": "g"}, "{}") is None
    assert canonical_after({"attributes": {}, "aaa": 1}, "{}") is None
