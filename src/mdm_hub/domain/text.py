"""Small text checks shared by every identifier and attribute."""

from __future__ import annotations

import unicodedata

# Bidirectional overrides can make an ID display as something it is not (CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_no_control_characters(value: str) -> str:
    """Reject control characters (NUL, newlines, escapes, bidi overrides): they corrupt logs,
    CSV exports and lookups in the systems we feed."""
    for position, char in enumerate(value):
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            raise ValueError(f"contains control character U+{ord(char):04X} at position {position}")
    return value
