"""Neo4j's ingest path sends times as ISO text and reads them back as text
(adapters/neo4j/times.py), instead of the driver's slow temporal values: what is stored, and
what a reader gets back, must be exactly what the driver's own values would have given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytz  # type: ignore[import-untyped]

from mdm_hub.adapters.neo4j.store import Neo4jStore
from mdm_hub.adapters.neo4j.times import time_from_text, time_text

TIMES = [
    datetime(2026, 12, 6, 21, 30, 57, 123456, tzinfo=UTC),  # the hub's clock readings
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-7))),
    datetime(2026, 6, 1, 12, 0, 5, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    pytz.utc.localize(datetime(2026, 3, 29, 1, 30, 0, 7)),  # as the driver reads a time back
    pytz.timezone("Europe/Berlin").localize(datetime(2026, 3, 29, 3, 30)),  # sent as it is
    pytz.timezone("America/New_York").localize(datetime(2026, 11, 1, 1, 30), is_dst=True),
]

PROBE = """
CREATE (t:TimeProbe {native: $native, viaText: datetime($sent)})
RETURN t.native AS native, toString(t.viaText) AS text, t.native = t.viaText AS equal,
       toString(t.native) = toString(t.viaText) AS sameText,
       t.native.timezone = t.viaText.timezone AS sameZone
"""


async def test_a_time_sent_as_text_is_stored_and_read_back_as_the_drivers_own(
    neo4j_store: Neo4jStore,
) -> None:
    async with neo4j_store.driver.session() as session:
        for moment in TIMES:
            result = await session.run(PROBE, native=moment, sent=time_text(moment))
            row = await result.single()
            assert row is not None
            assert row["equal"], moment
            assert row["sameText"], moment
            assert row["sameZone"], moment
            as_driver_reads = row["native"].to_native()
            as_read = time_from_text(row["text"])
            assert as_read == as_driver_reads
            assert as_read.tzinfo is as_driver_reads.tzinfo
            assert repr(as_read) == repr(as_driver_reads)
