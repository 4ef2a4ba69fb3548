"""Times on the ingest path sent to Neo4j and read back as ISO 8601 text, not as Bolt temporals.

The driver packs and unpacks a datetime in pure Python (about 0.1 ms each way, even with its
Rust extension): a third of the client's CPU on a load. Text is packed natively; Cypher's
`datetime(text)` stores what the driver would have stored for the same value (the same
instant, and the same offset or zone name), and `toString(time)` reads it back as text that
`time_from_text` turns into what the driver would have returned (`DateTime.to_native()`: a
datetime whose tzinfo is pytz's, as the driver builds it). `datetime(x)` leaves a temporal
value as it is, so a statement takes either form.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from datetime import UTC, datetime, timezone
from functools import lru_cache
from typing import Any

# The driver's own time zones (a dependency of the driver): a time read as text gets the tzinfo
# the driver would have given it.
import pytz  # type: ignore[import-untyped]


def time_text(value: datetime) -> str | datetime:
    """`value` as text `datetime()` reads back to what the driver would store for it: an
    offset time as its ISO text, pytz's or zoneinfo's UTC zone (a time read back from Neo4j
    is zone-named UTC) with the zone's name. Any other value is returned as it is, for the
    driver to pack: a naive time (stored then as a UTC time, where the driver would store a
    LocalDateTime: the hub writes none) and other named zones (their ISO offset may not be
    the one Neo4j would pick for the wall time)."""
    tz = value.tzinfo
    if tz is UTC or type(tz) is timezone:
        return value.isoformat()
    if getattr(tz, "zone", None) == "UTC" or getattr(tz, "key", None) == "UTC":
        return f"{value.isoformat()}[UTC]"
    return value


def time_texts(row: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """A copy of `row` with the times named sent as text (a missing or null one left out
    of the change)."""
    sent = dict(row)
    for name in names:
        value = sent.get(name)
        if isinstance(value, datetime):
            sent[name] = time_text(value)
    return sent


_ABSENT = object()


def read_times(fields: MutableMapping[str, Any], names: Sequence[str]) -> None:
    """The properties `names` of a map read with `toString(...)`, back to times in place; a
    null one (the property is not set) is removed, as a node map leaves it out."""
    for name in names:
        text = fields.get(name, _ABSENT)
        if text is None:
            del fields[name]
        elif type(text) is str:
            fields[name] = time_from_text(text)


@lru_cache(maxsize=8192)
def time_from_text(text: str) -> datetime:
    """What the driver returns for the DateTime whose `toString()` is `text`, made native:
    at the same wall time and offset, its tzinfo pytz's UTC (offset zero, or zone-named UTC),
    a pytz fixed offset, or the pytz zone named; a LocalDateTime's text gives a naive time.
    Sub-microsecond digits are dropped, as the driver's `to_native` drops them."""
    zone_at = text.find("[")
    if zone_at < 0:
        moment = datetime.fromisoformat(text)
        offset = moment.utcoffset()
        if offset is None:
            return moment
        if not offset:
            return moment.replace(tzinfo=pytz.utc)
        # The driver keeps whole minutes of an offset (as pytz.FixedOffset does).
        return moment.astimezone(pytz.FixedOffset(int(offset.total_seconds()) // 60))
    moment = datetime.fromisoformat(text[:zone_at])
    zone = pytz.timezone(text[zone_at + 1 : -1])
    named: datetime = zone.normalize(moment.astimezone(zone))
    return named


# The time properties lock_read_golden(s).cypher and lock_group_sources.cypher read as text.
GOLDEN_TIMES = ("createdAt", "updatedAt", "lockedAt")
MEMBER_TIMES = ("observedAt", "recordedAt", "retiredAt", "retiredObservedAt")
OVERRIDE_TIMES = ("at",)


def read_golden_times(row: dict[str, Any]) -> dict[str, Any]:
    """A row of lock_read_golden(s).cypher with its times back as the driver reads them."""
    read_times(row["golden"], GOLDEN_TIMES)
    for member in row["members"]:
        read_times(member, MEMBER_TIMES)
    for override in row["overrides"]:
        read_times(override, OVERRIDE_TIMES)
    return row
