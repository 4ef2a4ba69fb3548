"""Text: surrounding whitespace trimmed; a value of whitespace only is absent."""

from __future__ import annotations

from typing import Any


def text(raw: Any) -> Any:
    """The trimmed text; None (absent) for empty text. Spaces inside are the sender's and
    stay. Anything but text is left for validation to name."""
    if type(raw) is not str:
        return raw
    trimmed = raw.strip()
    return trimmed or None
