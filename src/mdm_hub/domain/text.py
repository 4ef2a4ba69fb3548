"""Small text checks shared by every identifier and attribute."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional overrides can make an ID display as something it is not (CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# One character class for both kinds: Unicode category Cc is exactly C0 (U+0000-U+001F),
# DEL and C1 (U+007F-U+009F), so one regex search replaces a category lookup per character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# A lone surrogate (a JSON "\ud800" escape without its pair) is not text: no store, log or
# response can encode it as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# Either kind, for the usual value that holds neither: one search instead of two.
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def check_no_control_characters(value: str) -> str:
    """Reject control characters (NUL, newlines, escapes, bidi overrides): they corrupt logs,
    CSV exports and lookups in the systems we feed. Reject lone surrogates too."""
    if _CONTROL_OR_SURROGATE.search(value) is None:
        return value
    found = _CONTROL.search(value)
    if found is not None:
        position = found.start()
        raise ValueError(
            f"contains control character U+{ord(value[position]):04X} at position {position}"
        )
    check_encodable(value)
    return value


def has_surrogate(value: str) -> bool:
    """Whether `value` holds a lone surrogate (what `check_encodable` refuses)."""
    return _SURROGATE.search(value) is not None


def check_encodable(value: str) -> str:
    """Reject a lone surrogate, which cannot be stored or sent as UTF-8."""
    found = _SURROGATE.search(value)
    if found is not None:
        position = found.start()
        raise ValueError(
            f"contains a lone surrogate U+{ord(value[position]):04X} at position {position}, "
            "which is not text (a JSON \\u escape without its pair)"
        )
    return value


def printable(value: str) -> str:
    """`value` with lone surrogates written as `\\udXXX` escapes: what a message, a log line
    or a kept reject can hold, naming what was sent."""
    if _SURROGATE.search(value) is None:
        return value
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


# Invisible in an identifier: format characters (zero-width space and joiners, direction marks,
# the byte-order mark, soft hyphen) and line or paragraph separators. Two source IDs differing
# only by one would look identical to every person reading them.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})


def check_identifier_text(value: str) -> str:
    """What `check_no_control_characters` refuses, and characters invisible in an identifier."""
    check_no_control_characters(value)
    if value.isascii():  # nearly every ID: nothing invisible to look for
        return value
    for position, char in enumerate(value):
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            raise ValueError(
                f"contains invisible character U+{ord(char):04X} at position {position}: two "
                "IDs differing only by it would look the same"
            )
    return value
