"""Steward overrides: a person pins a golden value, and later clears the pin.

Every pin and every clear is kept as an event with who, when and why; the pins in force are
derived from that history, so nothing a steward did is ever lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, TypeAdapter, ValidationError

from mdm_hub.domain.attributes import LONG_TEXT_MAX, pydantic_reason
from mdm_hub.domain.text import check_no_control_characters
from mdm_hub.errors import InvalidInput, Problem

# The rule name of a pinned value, and the system its provenance names: no source system may
# use this code (SourceKey validation refuses it), so a STEWARD value can never be mistaken
# for data from a real system.
STEWARD = "STEWARD"
ANONYMOUS = "anonymous"
ACTOR_MAX = 128

_ACTOR = TypeAdapter(
    Annotated[
        str,
        StringConstraints(min_length=1, max_length=ACTOR_MAX),
        AfterValidator(check_no_control_characters),
    ]
)
_REASON = TypeAdapter(
    Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_TEXT_MAX),
        AfterValidator(check_no_control_characters),
    ]
)


class OverrideAction(StrEnum):
    PIN = "PIN"  # a steward set the value
    CLEAR = "CLEAR"  # a steward handed the attribute back to its rule


@dataclass(frozen=True)
class OverrideEvent:
    """One steward action on one attribute of a golden record."""

    revision: int  # 1, 2, ... per golden record, in the order the actions were taken
    attribute: str
    action: OverrideAction
    value: Any  # the pinned value (JSON); None for CLEAR
    actor: str
    reason: str
    at: datetime


def active_pins(history: Iterable[OverrideEvent]) -> dict[str, OverrideEvent]:
    """The pins in force: per attribute, its latest event if that event is a PIN."""
    latest: dict[str, OverrideEvent] = {}
    for event in sorted(history, key=lambda e: e.revision):
        latest[event.attribute] = event
    return {name: e for name, e in latest.items() if e.action is OverrideAction.PIN}


def next_revision(history: Iterable[OverrideEvent]) -> int:
    return max((event.revision for event in history), default=0) + 1


@dataclass(frozen=True)
class StewardNote:
    """Who claims to act, and why: both are kept forever in the override history."""

    actor: str
    reason: str

    @classmethod
    def parse(cls, actor: object, reason: object) -> StewardNote:
        """Validate both; raise InvalidInput naming each bad one. The reason is trimmed."""
        problems, clean = [], []
        for field, adapter, value in (("actor", _ACTOR, actor), ("reason", _REASON, reason)):
            try:
                clean.append(adapter.validate_python(value, strict=True))
            except ValidationError as exc:
                problems.append(Problem(field, pydantic_reason(exc.errors(include_url=False)[0])))
        if problems:
            raise InvalidInput(problems)
        return cls(*clean)
