"""A second connection to a file store, for the reads that answer requests.

The writer's connection is held for a whole group of a batch (100 records, ~0.1 s, longer on a
busy machine), and every read queued on it behind the group. In WAL mode another connection
reads the last commit without waiting for the writer, so a read beside a batch runs between two
of its records. Reads through it never await while they hold it, so it needs no lock: two
requests cannot interleave on it. An in-memory database has no file to share; it keeps one
connection.
"""

from __future__ import annotations

import sqlite3

# Pages the reader keeps (KiB, negative per SQLite): reads by key touch a few index pages, and
# the OS caches the file; the writer's 64 MiB cache is what keeps groups fast.
READER_CACHE_KIB = 16_384


def open_reader(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA query_only = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    return db
