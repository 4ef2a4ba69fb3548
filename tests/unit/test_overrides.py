"""Steward overrides in the domain: the pins in force, revisions, and who may claim to act."""

from __future__ import annotations

import pytest

from mdm_hub.domain.overrides import (
    OverrideAction,
    OverrideEvent,
    StewardNote,
    active_pins,
    next_revision,
)
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import InvalidInput, RecordRejected
from tests.support.builders import at


def event(revision: int, attribute: str, action: OverrideAction) -> OverrideEvent:
    value = None if action is OverrideAction.CLEAR else f"v{revision}"
    return OverrideEvent(revision, attribute, action, value, "jane", "why", at(revision))


PIN, CLEAR = OverrideAction.PIN, OverrideAction.CLEAR


def test_the_latest_event_per_attribute_decides_whatever_the_order_given() -> None:
    history = [
        event(4, "name", PIN),
        event(1, "name", PIN),
        event(2, "city", PIN),
        event(3, "city", CLEAR),
        event(5, "email", PIN),
    ]
    pins = active_pins(history)
    assert {name: e.value for name, e in pins.items()} == {"name": "v4", "email": "v5"}


def test_revisions_continue_after_the_highest() -> None:
    assert next_revision([]) == 1
    assert next_revision([event(2, "a", PIN), event(7, "b", CLEAR)]) == 8


def test_steward_note_trims_the_reason_and_keeps_the_actor_as_claimed() -> None:
    note = StewardNote.parse("Jane Doe <jane@firm.example>", "  per contract \t")
    assert (note.actor, note.reason) == ("Jane Doe <jane@firm.example>", "per contract")


@pytest.mark.parametrize(
    ("actor", "reason", "fields"),
    [
        ("", "why", ["actor"]),
        ("x" * 129, "why", ["actor"]),
        ("jane\nadmin", "why", ["actor"]),
        (42, "why", ["actor"]),
        ("jane", "", ["reason"]),
        ("jane", "r" * 1025, ["reason"]),
        ("jane", "ok\u202eevil", ["reason"]),
        ("", None, ["actor", "reason"]),
    ],
)
def test_bad_actor_or_reason_is_named(actor: object, reason: object, fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as raised:
        StewardNote.parse(actor, reason)
    assert [p.field for p in raised.value.problems] == fields


def test_no_source_system_may_call_itself_steward() -> None:
    with pytest.raises(RecordRejected) as raised:
        SourceKey.parse("STEWARD", "CUSTOMER", "c1")
    assert [(p.field, p.reason) for p in raised.value.problems] == [
        ("system", "'STEWARD' is reserved for steward overrides")
    ]
