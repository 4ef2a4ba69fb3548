"""Booleans: the usual spellings of yes and no -> true or false."""

from __future__ import annotations

from mdm_hub.standardise.outcome import Unreadable, unreadable

ACCEPTED = "true or false (JSON), or true/false, yes/no, y/n, t/f, 1/0 in any case"

_WORDS = {
    **dict.fromkeys(("true", "yes", "y", "t", "1"), True),
    **dict.fromkeys(("false", "no", "n", "f", "0"), False),
}


def boolean(raw: object) -> bool | Unreadable:
    if type(raw) is bool:
        return raw  # already canonical
    if type(raw) is int and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        found = _WORDS.get(raw.strip().lower())
        if found is not None:
            return found
    return unreadable(raw, "a yes/no value", ACCEPTED)
