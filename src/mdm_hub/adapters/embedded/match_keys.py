"""Match keys as the embedded store indexes them: a 64-bit hash of the key text.

A key such as "B|EMPLOYEE|family_soundex_birth_date|S530␟1980-01-02" is ~40 bytes; its hash
is 8, so the index (17 rows per employee) is several times smaller, inserts and lookups touch
fewer pages, and a file of millions of records keeps its index in cache longer. Two keys
sharing a hash (about one chance in 2^64 per pair) only add a candidate, which scoring judges
like any other: a key is a way to find records, never evidence of a match.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from collections.abc import Iterable
from functools import lru_cache

_SIGNED_64 = struct.Struct(">q")
# An empty 8-byte BLAKE2b, copied for each key: setting up its parameter block costs more
# than hashing a key, and a copy skips it (the same digest).
_EMPTY = hashlib.blake2b(digest_size=8)


# A record's keys are hashed to look up its candidates, then again to store them.
@lru_cache(maxsize=4096)
def key_hash(key: str) -> int:
    """A signed 64-bit integer, as SQLite stores INTEGER: the big-endian 8-byte BLAKE2b."""
    hasher = _EMPTY.copy()
    hasher.update(key.encode("utf-8"))
    return int(_SIGNED_64.unpack(hasher.digest())[0])


def pack_hashes(hashes: Iterable[int]) -> bytes:
    """A record's own key hashes as source_record.matchKeys keeps them: little-endian int64s
    (8 bytes a key, where the key texts took ~50)."""
    ordered = sorted(hashes)
    return struct.pack(f"<{len(ordered)}q", *ordered)


def stored_hashes(value: bytes | str) -> set[int]:
    """The key hashes a source_record.matchKeys value lists; files from before packing hold
    a JSON array of the key texts, hashed here."""
    if isinstance(value, bytes):
        return set(struct.unpack(f"<{len(value) // 8}q", value))
    return {key_hash(key) for key in json.loads(value)}


def upgrade_text_keys(db: sqlite3.Connection) -> None:
    """A file from before hashed keys: move its text `match_key` rows into `match_key_hash`
    (all of them, including keys of records that predate the per-record key list), then
    drop the old table. Runs once; later opens find no old table."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'match_key'"
    ).fetchone()
    if exists is None:
        return
    db.create_function("mdm_key_hash", 1, key_hash, deterministic=True)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "INSERT OR IGNORE INTO match_key_hash (keyHash, sourcePk) "
            "SELECT mdm_key_hash(key), sourcePk FROM match_key"
        )
        db.execute("DROP TABLE match_key")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
