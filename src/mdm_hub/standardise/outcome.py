"""What a standardiser answers when it cannot read a value."""

from __future__ import annotations

from typing import NamedTuple

# How much of a raw value a reason quotes: enough to recognise it, never a pasted document.
QUOTE_MAX = 64


class Unreadable(NamedTuple):
    """A value that cannot be read, and why (naming the forms that can)."""

    reason: str


def quoted(value: object) -> str:
    """The value as a reason quotes it: repr, bounded."""
    text = repr(value)
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 3] + "..."


def unreadable(value: object, what: str, accepted: str) -> Unreadable:
    """`'Narnia' is not a country; use ...`: the value, what it should be, the accepted forms."""
    return Unreadable(f"{quoted(value)} is not {what}; use {accepted}")
