"""Dates: the usual written forms -> ISO `YYYY-MM-DD`.

Year-first and month-name forms are unambiguous and always read. All-numeric day/month forms
(`03/04/2024`) are read only in the order the system declares (its locale's `date_order`);
with YMD they are refused as ambiguous. Two-digit years are refused: the century is a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from mdm_hub.domain.systems import DateOrder
from mdm_hub.standardise.folding import CACHE_SIZE
from mdm_hub.standardise.outcome import Unreadable, quoted, unreadable

ACCEPTED = (
    "2024-01-31, 20240131, 2024/01/31, 2024.01.31, 31 Jan 2024, 31 January 2024, "
    "Jan 31, 2024, an ISO date-time (2024-01-31T09:30:00Z, 2024-01-31 00:00:00), or "
    "31/01/2024 in the order the system declares (date_order DMY or MDY)"
)

_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[- ]([a-z]+)\.?,?[- ](\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?[- ](\d{1,2})(?:st|nd|rd|th)?,?[- ](\d{4})")
# An ISO date followed by a time ("T" or a space, then hours and minutes), in lower case.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}.*")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip


def iso_date(raw: object, order: DateOrder = DateOrder.YMD) -> str | Unreadable:
    """The ISO date `raw` writes, or why it cannot be read."""
    if type(raw) is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            date.fromisoformat(raw)
        except ValueError:
            pass  # an impossible date (2024-02-30): read below, which names it
        else:
            return raw  # already canonical: most values
    if not isinstance(raw, str):
        return unreadable(raw, "a date", ACCEPTED)
    return _read(raw, order)


@lru_cache(maxsize=CACHE_SIZE)
def _read(raw: str, order: DateOrder) -> str | Unreadable:
    text = raw.strip().lower()
    if _DATE_TIME.fullmatch(text):
        try:  # the date as written: a time (and its offset) says nothing about the day
            return datetime.fromisoformat(text.upper()).date().isoformat()
        except ValueError:
            return unreadable(raw, "a date", ACCEPTED)
    if found := _COMPACT.fullmatch(text):
        return _checked(raw, int(found.group(1)), int(found.group(2)), int(found.group(3)))
    if found := _YEAR_FIRST.fullmatch(text):
        return _checked(raw, int(found.group(1)), int(found.group(3)), int(found.group(4)))
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        return _named(raw, found.group(3), found.group(2), found.group(1))
    if found := _MONTH_DAY_YEAR.fullmatch(text):
        return _named(raw, found.group(3), found.group(1), found.group(2))
    if found := _NUMERIC.fullmatch(text):
        return _numeric(raw, order, found.group(1), found.group(3), found.group(4))
    return unreadable(raw, "a date", ACCEPTED)


def _named(raw: str, year: str, month_name: str, day: str) -> str | Unreadable:
    month = _MONTHS.get(month_name)
    if month is None:
        return Unreadable(f"{quoted(raw)}: {month_name!r} is not an English month name")
    return _checked(raw, int(year), month, int(day))


def _numeric(raw: str, order: DateOrder, first: str, second: str, year: str) -> str | Unreadable:
    if order is DateOrder.YMD:
        return Unreadable(
            f"{quoted(raw)} is ambiguous (day/month or month/day?): this system declares no "
            "day-month order; write 2024-01-31, or declare its locale date_order (DMY or MDY)"
        )
    if len(year) == 2:
        return Unreadable(f"{quoted(raw)} has a two-digit year; write the year in full")
    day, month = (first, second) if order is DateOrder.DMY else (second, first)
    return _checked(raw, int(year), int(month), int(day), f" (read as {order})")


def _checked(raw: str, year: int, month: int, day: int, how: str = "") -> str | Unreadable:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return Unreadable(
            f"{quoted(raw)} is not a real date{how}: {year:04d}-{month:02d}-{day:02d}"
        )
