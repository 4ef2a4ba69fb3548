"""Enum values (billing method, rate unit, dimension kind): the canonical name in any case,
with spaces or hyphens for underscores -> the name. Codes such as `T&M` are reference data's
job (a system's code mapping), not guessed here."""

from __future__ import annotations

import re
from enum import StrEnum

from mdm_hub.standardise.outcome import Unreadable, unreadable

_SEPARATORS = re.compile(r"[\s_-]+")


def enum_name(raw: object, enum: type[StrEnum]) -> str | Unreadable:
    """ "time and materials", "Time-and-Materials" -> "TIME_AND_MATERIALS"."""
    if type(raw) is str and raw in enum.__members__:
        return raw  # already canonical
    if isinstance(raw, str):
        name = _SEPARATORS.sub("_", raw.strip()).upper()
        if name in enum.__members__:
            return name
    return unreadable(raw, "a known value", "one of " + ", ".join(enum.__members__))
