"""The unmapped-codes queue in SQLite: counted inside write transactions, listed by page."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from mdm_hub.adapters.codecs.unmapped_codes import (
    queued_code_from_fields,
    queued_position,
    unmapped_codes_to_rows,
    unmapped_key,
    utc,
)
from mdm_hub.adapters.cursors import after_position, page_of
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.paging import Page
from mdm_hub.domain.reference import QueuedCode, UnmappedCode

T = TypeVar("T")

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


class EmbeddedUnmappedCodeWrites:
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


class EmbeddedUnmappedCodeReads(ABC):
    """The queue, read page by page (mixed into EmbeddedStore)."""

    @abstractmethod
    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the connection while no other request uses it."""

    async def unmapped_codes(
        self,
        first: int,
        after: str | None,
        code_set: str | None = None,
        system: str | None = None,
    ) -> Page[QueuedCode]:
        found = await self._locked(lambda db: queued_codes(db, first + 1, after, code_set, system))
        return page_of(found, first, queued_position)
