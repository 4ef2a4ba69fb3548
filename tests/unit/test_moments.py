"""Moments written as text: remembered, but never confused across offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from mdm_hub.domain.moments import iso_text


def test_iso_text_is_isoformat_and_tells_equal_instants_in_other_offsets_apart() -> None:
    utc = datetime(2026, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    plus_two = utc.astimezone(timezone(timedelta(hours=2)))
    assert utc == plus_two  # the same instant...
    assert iso_text(utc) == "2026-05-01T10:00:00.123456+00:00"
    assert iso_text(plus_two) == "2026-05-01T12:00:00.123456+02:00"  # ...written as given
    assert iso_text(utc) == utc.isoformat()  # asked again: the same text
    naive = datetime(2026, 5, 1, 10, 0)
    assert iso_text(naive) == "2026-05-01T10:00:00"


def test_a_moment_asked_again_and_again_keeps_its_own_text_between_others() -> None:
    moments = [datetime(2026, 5, 1, 10, minute, tzinfo=UTC) for minute in range(3)]
    moments.append(moments[0].astimezone(timezone(timedelta(hours=-5))))
    for moment in [*moments, *moments[::-1], moments[1], moments[1], moments[3], moments[0]]:
        assert iso_text(moment) == moment.isoformat()
