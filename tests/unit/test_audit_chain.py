"""The audit chain's hashing and verification, without a store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from mdm_hub.adapters.codecs.audit import audit_event_from_fields, audit_event_to_fields
from mdm_hub.domain.audit import (
    GENESIS,
    AuditContext,
    AuditEntry,
    Gap,
    event_hash,
    seal_all,
    verify,
)

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _chain(n: int) -> list:  # type: ignore[type-arg]
    entries = [
        AuditEntry(AT, AuditContext("jane", "steward", f"c{i}"), "golden.merge", (f"g{i}",))
        for i in range(n)
    ]
    return seal_all(entries, 0, GENESIS)


def test_the_hash_covers_every_field_but_itself() -> None:
    [event] = _chain(1)
    fields = event.hashed_fields()
    assert "hash" not in fields
    assert event.hash == event_hash(fields)
    assert event.prev_hash == GENESIS
    for name in ("actor", "role", "action", "reason", "prev_hash", "seq", "after"):
        assert replace(event, **{name: 7}).computed_hash() != event.hash


def test_a_sound_chain_verifies_against_its_head() -> None:
    events = _chain(4)
    status = verify(events, (4, events[-1].hash))
    assert (status.intact, status.events, status.head_seq) == (True, 4, 4)


def test_edits_gaps_swaps_and_a_wrong_head_are_reported() -> None:
    events = _chain(5)
    edited = [*events[:2], replace(events[2], reason="x"), *events[3:]]
    assert verify(edited).first_broken_seq == 3
    gap = verify([*events[:1], *events[3:]])
    assert (gap.intact, gap.gaps, gap.first_broken_seq) == (False, [Gap(2, 3)], None)
    swapped = [
        events[0],
        replace(events[3], seq=2),
        events[2],
        replace(events[1], seq=4),
        events[4],
    ]
    assert verify(swapped).first_broken_seq == 2
    assert verify(events, (7, "f" * 64)).gaps == [Gap(6, 7)]
    assert verify(events, (5, "f" * 64)).first_broken_seq == 5
    assert verify(events[:3], (2, events[1].hash)).first_broken_seq == 3


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(
    before=_json_values,
    after=_json_values,
    reason=st.none() | st.text(),
    correlation=st.none() | st.text(),
    subjects=st.lists(st.text(), max_size=3),
)
def test_sealing_hashes_exactly_what_a_verifier_recomputes(
    before: object, after: object, reason: str | None, correlation: str | None, subjects: list[str]
) -> None:
    # Sealing encodes before/after once; the verifier hashes the event's fields afresh.
    # Both must give the same hash, and the stored text must decode to the hashed values.
    entry = AuditEntry(
        AT,
        AuditContext("jane", "steward", correlation),
        "golden.merge",
        tuple(subjects),
        before,
        after,
        reason,
    )
    [event] = seal_all([entry], 41, "ab" * 32)
    assert event.hash == event.computed_hash()
    assert event.hash == event_hash(json.loads(json.dumps(event.hashed_fields())))
    stored = audit_event_from_fields(audit_event_to_fields(event) | {"subjectIds": list(subjects)})
    assert stored == event
    assert stored.computed_hash() == event.hash
