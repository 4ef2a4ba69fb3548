"""Moments as the stores and the audit log write them: ISO-8601 text."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache


def iso_text(moment: datetime) -> str:
    """`moment.isoformat()`, remembered: one upsert writes the same few moments (its clock
    reading, its members' observation times) a dozen times over."""
    # Mostly the very object asked last (the upsert's clock reading): no hashing then.
    last, known = _last[0]
    if moment is last:
        return known
    # Keyed with the offset too: equal instants in different offsets read differently.
    text = _iso_text(moment, moment.utcoffset())
    _last[0] = (moment, text)  # kept alive here, so `is` cannot match a recycled id
    return text


# The moment asked last and its text, swapped as one pair.
_last: list[tuple[datetime | None, str]] = [(None, "")]


@lru_cache(maxsize=4096)
def _iso_text(moment: datetime, offset: timedelta | None) -> str:
    return moment.isoformat()
