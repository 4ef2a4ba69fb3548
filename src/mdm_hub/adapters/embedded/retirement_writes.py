"""Retiring and reviving source records, and golden records' status, inside one SQLite
transaction."""

from __future__ import annotations

import sqlite3

from mdm_hub.adapters.embedded.match_keys import stored_hashes
from mdm_hub.adapters.embedded.sql import key_params
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.retirement import GoldenStatus, Retirement
from mdm_hub.errors import NotFound

_RETIREMENT_ROW = (
    "SELECT pk, matchKeys, retiredAt FROM source_record "
    "WHERE system = ? AND entityType = ? AND sourceId = ?"
)


class EmbeddedRetirementWrites:
    """The retirement part of the embedded StoreTransaction. A retired record's match keys
    leave the candidate index (its own list, source_record.matchKeys, stays for a revival)."""

    _db: sqlite3.Connection

    async def retire_source(self, key: SourceKey, retirement: Retirement) -> bool:
        pk, keys, retired_at = self._retirement_row(key)
        if retired_at is not None:
            return False
        self._db.execute(
            "UPDATE source_record SET retiredAt = ?, retiredObservedAt = ?, retiredReason = ? "
            "WHERE pk = ?",
            (
                iso_text(retirement.recorded_at),
                iso_text(retirement.observed_at),
                retirement.reason,
                pk,
            ),
        )
        self._db.executemany(
            "DELETE FROM match_key_hash WHERE keyHash = ? AND sourcePk = ?",
            [(h, pk) for h in sorted(stored_hashes(keys))],
        )
        return True

    async def revive_source(self, key: SourceKey) -> bool:
        pk, keys, retired_at = self._retirement_row(key)
        if retired_at is None:
            return False
        self._db.execute(
            "UPDATE source_record SET retiredAt = NULL, retiredObservedAt = NULL, "
            "retiredReason = NULL WHERE pk = ?",
            (pk,),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO match_key_hash (keyHash, sourcePk) VALUES (?, ?)",
            [(h, pk) for h in sorted(stored_hashes(keys))],
        )
        return True

    def _retirement_row(self, key: SourceKey) -> tuple[int, bytes | str, str | None]:
        """The pk, own key hashes and retiredAt of `key`'s record as it stands (the one
        writer holds the store, so nothing changes it meanwhile)."""
        row = self._db.execute(_RETIREMENT_ROW, key_params(key)).fetchone()
        if row is None:
            raise NotFound(f"source record {key} does not exist")
        return row["pk"], row["matchKeys"], row["retiredAt"]

    async def set_golden_status(self, golden_id: str, status: GoldenStatus) -> None:
        updated = self._db.execute(
            "UPDATE golden SET status = ? WHERE id = ?", (str(status), golden_id)
        )
        if updated.rowcount != 1:
            raise NotFound(f"golden record {golden_id} does not exist")
