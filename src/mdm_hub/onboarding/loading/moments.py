"""Reading `observed_at` (when the source last changed a record) from an export's text.

The record's attributes are standardised by the hub; `observedAt` is a moment the upsert takes
as such, so the loader reads it: ISO 8601, or an all-numeric date in the system's date order
with an optional time (`03/04/2024 2:15 PM`). A moment without an offset is UTC to the hub.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mdm_hub.domain.systems import DateOrder, Locale
from mdm_hub.onboarding.mappings.transforms import TransformError, as_text

_NUMERIC = re.compile(
    r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_FIELDS = {  # where day, month and year sit in the three numbers
    DateOrder.DMY: (0, 1, 2),
    DateOrder.MDY: (1, 0, 2),
    DateOrder.YMD: (2, 1, 0),
}
NOON = 12


def read_moment(value: Any, locale: Locale) -> datetime:
    """`value` as a moment; raise TransformError saying which forms are read."""
    text = as_text(value, "the column").strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    found = _NUMERIC.fullmatch(text)
    if found is not None:
        moment = _numeric(found, locale.date_order)
        if moment is not None:
            return moment
    order = locale.date_order.value
    raise TransformError(
        f"{text!r} is not a date and time: give ISO 8601 (2024-03-04T14:15:00Z) or the "
        f"system's date order ({order}, e.g. {_example(locale.date_order)})"
    )


def _numeric(found: re.Match[str], order: DateOrder) -> datetime | None:
    numbers = [int(found.group(i)) for i in (1, 2, 3)]
    day_at, month_at, year_at = _FIELDS[order]
    year = numbers[year_at]
    if len(found.group(year_at + 1)) != 4:
        return None  # two-digit years are ambiguous
    hour = int(found.group(4) or 0)
    minute = int(found.group(5) or 0)
    second = int(found.group(6) or 0)
    meridiem = (found.group(7) or "").lower()
    if meridiem:
        if not 1 <= hour <= NOON:
            return None
        hour = hour % NOON + (NOON if meridiem == "pm" else 0)
    try:
        return datetime(year, numbers[month_at], numbers[day_at], hour, minute, second)
    except ValueError:
        return None


def _example(order: DateOrder) -> str:
    return {
        DateOrder.DMY: "04/03/2024 14:15",
        DateOrder.MDY: "03/04/2024 2:15 PM",
        DateOrder.YMD: "2024/03/04 14:15",
    }[order]
