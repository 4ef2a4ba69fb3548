"""Golden attributes are stored as JSON text that old rows and hashes depend on: the encoder
must write exactly what the original one (kept here as the reference) wrote, and read it back
to the same values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.adapters.codecs.goldens import golden_attributes_from_json, golden_attributes_to_json
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import AttributeValue, SourceKey


def reference_to_json(attributes: tuple[AttributeValue, ...]) -> str:
    """The encoder as first written: canonical JSON of one dict per value."""
    return json.dumps(
        [_reference_dict(a) for a in attributes],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _reference_dict(a: AttributeValue) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": a.name,
        "value": a.value,
        "rule": a.rule,
        "system": a.source.system,
        "entityType": str(a.source.entity_type),
        "sourceId": a.source.source_id,
        "version": a.source_version,
        "observedAt": a.observed_at.isoformat(),
    }
    if a.reason is not None:
        item["reason"] = a.reason
    if a.parts:
        item["parts"] = [_reference_dict(part) for part in a.parts]
    return item


# Any text, quotes, backslashes, control and non-ASCII characters included.
TEXT = st.text(max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
MOMENTS = st.builds(
    lambda moment, offset: moment.replace(tzinfo=UTC).astimezone(timezone(offset)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from([timedelta(0), timedelta(hours=2), timedelta(hours=-5, minutes=-30)]),
)


def values(parts: st.SearchStrategy[tuple[AttributeValue, ...]]) -> st.SearchStrategy[Any]:
    return st.builds(
        AttributeValue,
        name=TEXT,
        value=JSON_VALUES,
        rule=TEXT,
        source=st.builds(SourceKey, TEXT, st.sampled_from(EntityType), TEXT),
        source_version=st.integers(),
        observed_at=MOMENTS,
        reason=st.none() | TEXT,
        parts=parts,
    )


ATTRIBUTES = st.lists(values(st.just(()) | st.tuples(values(st.just(()))))).map(tuple)


@settings(max_examples=400, deadline=None)
@given(ATTRIBUTES)
def test_encoded_text_is_what_the_reference_encoder_writes(
    attributes: tuple[AttributeValue, ...],
) -> None:
    text = golden_attributes_to_json(attributes)
    assert text == reference_to_json(attributes)
    assert golden_attributes_from_json(text) == attributes
