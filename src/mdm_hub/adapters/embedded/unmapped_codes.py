"""The unmapped-codes queue in SQLite: counted inside write transactions, listed by page."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from mdm_hub.adapters.codecs.unmapped_codes import (
    queued_code_from_fields,
    unmapped_codes_to_rows,
    unmapped_key,
    utc,
)
from mdm_hub.adapters.cursors import after_position
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.reference import QueuedCode, UnmappedCode

_COUNT = """
INSERT INTO unmapped_code (key, system, entityType, attribute, codeSet, value, count,
  firstSeen, lastSeen)
VALUES (:key, :system, :entityType, :attribute, :codeSet, :value, :count, :at, :at)
ON CONFLICT (key) DO UPDATE SET count = count + excluded.count,
  lastSeen = max(lastSeen, excluded.lastSeen)
"""

_LIST = """
SELECT * FROM unmapped_code
WHERE (:codeSet IS NULL OR codeSet = :codeSet) AND (:system IS NULL OR system = :system)
  AND (:afterAt IS NULL OR firstSeen > :afterAt OR (firstSeen = :afterAt AND key > :afterKey))
ORDER BY firstSeen, key LIMIT :limit
"""


class EmbeddedUnmappedCodes:
    """The queue's half of the embedded StoreTransaction."""

    _db: sqlite3.Connection

    async def count_unmapped_codes(self, codes: Sequence[UnmappedCode], at: datetime) -> None:
        moment = iso_text(utc(at))
        self._db.executemany(
            _COUNT, [{**row, "at": moment} for row in unmapped_codes_to_rows(codes)]
        )

    async def drop_unmapped_codes(self, codes: Sequence[UnmappedCode]) -> int:
        keys = sorted({unmapped_key(code) for code in codes})
        cursor = self._db.executemany(
            "DELETE FROM unmapped_code WHERE key = ?", [(key,) for key in keys]
        )
        return cursor.rowcount


def queued_codes(
    db: sqlite3.Connection,
    limit: int,
    after: str | None,
    code_set: str | None,
    system: str | None,
) -> list[QueuedCode]:
    at, key = after_position(after)
    rows = db.execute(
        _LIST,
        {
            "codeSet": code_set,
            "system": system,
            "afterAt": iso_text(utc(at)) if at else None,
            "afterKey": key,
            "limit": limit,
        },
    ).fetchall()
    return [queued_code_from_fields(row) for row in rows]
