"""The audit chain's hashing and verification, without a store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

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
