"""Moments as the stores and the audit log write them: ISO-8601 text."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache


def iso_text(moment: datetime) -> str:
    """`moment.isoformat()`, remembered: one upsert writes the same few moments (its clock
    reading, its members' observation times) a dozen times over."""
    # Keyed with the offset too: equal instants in different offsets read differently.
    return _iso_text(moment, moment.utcoffset())


@lru_cache(maxsize=4096)
def _iso_text(moment: datetime, offset: timedelta | None) -> str:
    return moment.isoformat()
