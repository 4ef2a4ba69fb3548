"""The embedded store: SQLite through the standard library, behind the Store port."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import NoReturn, TypeVar

from mdm_hub.adapters.codecs.candidates import match_candidate_from_fields
from mdm_hub.adapters.codecs.rejects import payload_to_json, problems_to_json, reject_from_fields
from mdm_hub.adapters.codecs.sources import stored_source_from_fields
from mdm_hub.adapters.codecs.values import dumps, golden_status_from_text
from mdm_hub.adapters.embedded import search
from mdm_hub.adapters.embedded.api_keys import EmbeddedApiKeys
from mdm_hub.adapters.embedded.audit import EmbeddedAuditLog
from mdm_hub.adapters.embedded.availability import OpenedFile, is_read_only, unavailable
from mdm_hub.adapters.embedded.checkpoint import BACKSTOP_PAGES, WalCheckpointer
from mdm_hub.adapters.embedded.graph_reads import EmbeddedGraphReads
from mdm_hub.adapters.embedded.match_keys import upgrade_text_keys
from mdm_hub.adapters.embedded.outbox import EmbeddedChangeFeed
from mdm_hub.adapters.embedded.reader import open_reader
from mdm_hub.adapters.embedded.sql import key_params
from mdm_hub.adapters.embedded.transaction import EmbeddedTransaction
from mdm_hub.adapters.embedded.unmapped_codes import EmbeddedUnmappedCodeReads
from mdm_hub.adapters.embedded.webhooks import EmbeddedWebhooks
from mdm_hub.adapters.group_commit import write_in_groups
from mdm_hub.domain.entity_types import EntityType, entity_type_from_text
from mdm_hub.domain.queues import QueueSizes
from mdm_hub.domain.records import (
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    RejectedRecord,
    Resolution,
    SourceKey,
    StoredSource,
)
from mdm_hub.domain.search import SearchText
from mdm_hub.errors import RecordRejected, StoreUnavailable
from mdm_hub.ports import StoreTransaction, Work, WorkHint
from mdm_hub.write_watch import WriteWatch

T = TypeVar("T")

log = logging.getLogger(__name__)

CACHE_KIB = 16_384  # the writer's page cache (see _connect)

# sqlite3 offers each parameter that is not exactly an int, float, str or bytes to its adapters
# before binding it, and for None that search raises and clears an AttributeError: ~2,200
# instructions a parameter, and an ingested record binds eight or nine Nones. With an adapter
# registered for None (a C function that gives None back) the search ends at the first dict
# lookup, and None is bound as NULL as before. Registered once for the process.
_NO_ADAPTATION: dict[None, None] = {}
sqlite3.register_adapter(type(None), _NO_ADAPTATION.get)

# Works `write_each` commits together. A commit writes every page the group dirtied (each
# record's ~17 match keys land on random index pages), so a batch of 100 committed once costs
# a third less per record than 64 + 36 (measured on febrl3); a larger group would keep
# readers waiting on the store for longer.
GROUP_COMMIT_SIZE = 100

# The sizes an operator watches, in one statement (reference_pending is a partial index).
_QUEUE_SIZES = """
SELECT (SELECT count(*) FROM match_candidate WHERE status = ?),
       (SELECT count(*) FROM reference WHERE targetPk IS NULL),
       (SELECT count(*) FROM rejected_record),
       (SELECT count(*) FROM unmapped_code)
"""

# One statement for a whole batch: refs arrive as a JSON array of [system, entityType, sourceId].
_RESOLVE_MANY = """
WITH refs AS (
  SELECT CAST(key AS INTEGER) AS i, value ->> '$[0]' AS system,
         value ->> '$[1]' AS entityType, value ->> '$[2]' AS sourceId
  FROM json_each(?)
)
SELECT refs.i AS i, g.id AS goldenId, g.entityType AS goldenType, g.status AS status,
       m.system AS system, m.entityType AS memberType, m.sourceId AS sourceId,
       m.retiredAt IS NOT NULL AS retired
FROM refs
JOIN source_record s
  ON s.system = refs.system AND s.entityType = refs.entityType AND s.sourceId = refs.sourceId
JOIN golden g ON g.id = s.goldenId
JOIN source_record m ON m.goldenId = g.id
ORDER BY refs.i, m.system, m.sourceId
"""


# Every version of a source record: those it replaced (source_version) and the current one
# (source_record; files from before also hold it in source_version, and UNION keeps it once).
_SOURCE_VERSIONS = """
SELECT s.system, s.entityType, s.sourceId, v.attributes, v.contentHash, v.version,
       v.observedAt, v.recordedAt, v.sent
FROM source_version v JOIN source_record s ON s.pk = v.sourcePk
WHERE s.system = ? AND s.entityType = ? AND s.sourceId = ?
UNION
SELECT system, entityType, sourceId, attributes, contentHash, version, observedAt, recordedAt,
       sent
FROM source_record WHERE system = ? AND entityType = ? AND sourceId = ?
ORDER BY version
"""


# Columns added after a table was first released: CREATE TABLE IF NOT EXISTS leaves a file
# made by an older release without them, so they are added here (SQLite has no ADD COLUMN
# IF NOT EXISTS).
_ADDED_COLUMNS = {
    ("golden", "ruleSetHash"): "TEXT",
    ("golden", "mergedInto"): "TEXT REFERENCES golden (id)",
    ("golden", "status"): "TEXT NOT NULL DEFAULT 'ACTIVE'",
    ("source_record", "retiredAt"): "TEXT",
    ("source_record", "retiredObservedAt"): "TEXT",
    ("source_record", "retiredReason"): "TEXT",
    ("source_record", "explanation"): "TEXT",
    ("source_record", "matchKeys"): "TEXT NOT NULL DEFAULT '[]'",
    ("source_record", "sent"): "TEXT",
    ("source_record", "matchValues"): "TEXT",
    ("source_version", "sent"): "TEXT",
    ("match_candidate", "decidedBy"): "TEXT",
    ("match_candidate", "decisionReason"): "TEXT",
    ("match_candidate", "decidedAt"): "TEXT",
}


# Indexes over columns that `_ADDED_COLUMNS` may have had to add. A golden record's members
# by golden ID, with what resolving reads of each (a 1,000-ref resolveMany read each member's
# wide row, attributes and comparison values, for its key): it replaces the index on goldenId
# alone. An index giving each ref's golden ID the same way cut that statement by another fifth
# but cost a febrl3 ingest a few percent (bench/README.md): not kept.
_INDEXES_ON_ADDED_COLUMNS = """
CREATE INDEX IF NOT EXISTS source_record_members
  ON source_record (goldenId, system, sourceId, entityType, retiredAt);
DROP INDEX IF EXISTS source_record_golden;
"""


def _add_missing_columns(db: sqlite3.Connection) -> None:
    for (table, column), declaration in _ADDED_COLUMNS.items():
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    db.executescript(_INDEXES_ON_ADDED_COLUMNS)


class EmbeddedStore(
    EmbeddedGraphReads,
    EmbeddedApiKeys,
    EmbeddedUnmappedCodeReads,
    EmbeddedAuditLog,
    EmbeddedChangeFeed,
    EmbeddedWebhooks,
):
    """One connection for writes, one transaction at a time: SQLite serialises writers anyway,
    and the asyncio lock keeps one request's reads on it from seeing another's uncommitted
    writes. On a file, the reads that answer most requests go through a second connection
    instead, beside the writer (reader.py)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None  # see reader.py; None: reads queue here
        self._lock = asyncio.Lock()
        self._checkpointer: WalCheckpointer | None = None
        self._file: OpenedFile | None = None
        self._read_only: str | None = None  # why, when the file could only be opened so
        self.writes = WriteWatch()

    async def open(self) -> None:
        """Connect (once) and apply the schema; calling it again only re-applies the schema.
        A read-only file opens for reading: `ping` and every write then raise StoreUnavailable."""
        if self._db is None:
            self._db = self._connect()
            self._file = OpenedFile.of(self._path)
            mode = self._db.execute("PRAGMA journal_mode").fetchone()[0]
            if mode == "wal":  # not for ":memory:", which has no WAL
                self._checkpointer = WalCheckpointer(self._path)
                self._checkpointer.start()
        try:
            self._db.executescript(
                resources.files(__package__).joinpath("schema.sql").read_text("utf-8")
            )
            _add_missing_columns(self._db)
            upgrade_text_keys(self._db)
        except sqlite3.Error as exc:
            if not is_read_only(exc):
                _raise_translated(self._path, exc)
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._read_only = (
                f"embedded store {self._path!r} is read-only: writes are refused until it is "
                "writable and the hub restarted"
            )
            log.error("%s; reads are served", self._read_only)
        if self._reader is None and self._checkpointer is not None and self._read_only is None:
            self._reader = self._open_reader()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 5000")
            # Checkpoints run beside the writer (checkpoint.py); this is the backstop.
            db.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
            # 16 MiB of page cache, not 64: on SQLite 3.40 a commit that split a b-tree page
            # walks the whole cache while the file is under 1 GiB (the split parks a page at
            # the 1 GiB page number, and the end of the transaction drops cached pages past
            # the file's end by scanning every one), ~0.25 ms a commit with 64 MiB at 100k
            # goldens. The pages a record reads beyond 16 MiB come from the OS cache.
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open embedded store {self._path!r}: {exc}") from exc
        return db

    def _open_reader(self) -> sqlite3.Connection:
        try:
            return open_reader(self._path)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open embedded store {self._path!r}: {exc}") from exc

    @property
    def wal_checkpoints(self) -> int:
        """How many WAL checkpoints have run beside the writer since `open`."""
        return self._checkpointer.checkpoints if self._checkpointer is not None else 0

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreUnavailable("embedded store is not open")
        return self._db

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[sqlite3.Connection]:
        """The connection, to this caller alone, on a file that is still the one opened; an
        SQLite error that means the file cannot serve leaves as StoreUnavailable."""
        async with self._lock:
            db = self._conn
            if self._file is not None:
                self._file.check()
            try:
                yield db
            except sqlite3.Error as exc:
                _raise_translated(self._path, exc)

    @asynccontextmanager
    async def _read_session(self) -> AsyncIterator[sqlite3.Connection]:
        """A connection for reads that do not await while they hold it (reader.py)."""
        if self._reader is None:
            async with self._session() as db:
                yield db
            return
        if self._file is not None:
            self._file.check()
        try:
            yield self._reader
        except sqlite3.Error as exc:
            _raise_translated(self._path, exc)

    async def ping(self) -> None:
        """Rewrite the heartbeat row: the file must still be there and take a write."""
        if self._read_only is not None:
            raise StoreUnavailable(self._read_only)
        async with self._session() as db:
            db.execute(
                "INSERT INTO store_heartbeat (id, at) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                (datetime.now(UTC).isoformat(),),
            )

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        with self.writes.writing():
            return await self._write(work)

    async def _write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        async with self._session() as db:
            db.execute("BEGIN IMMEDIATE")
            tx = EmbeddedTransaction(db)
            try:
                result = await work(tx)
                tx.finish()
                if self._file is not None:
                    self._file.check()  # a commit into a deleted file would be lost
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite ends it itself on some I/O errors
                    db.execute("ROLLBACK")
                raise
            if self._checkpointer is not None:
                self._checkpointer.committed()
            return result

    async def write_each(
        self, works: Sequence[Work[T]], hints: Sequence[WorkHint] | None = None
    ) -> list[T | RecordRejected]:
        # The hints go unused: a read here costs no round trip.
        async def write_group(work: Work[list[T]], _: Sequence[WorkHint] | None) -> list[T]:
            return await self.write(work)

        try:
            return await write_in_groups(write_group, works, GROUP_COMMIT_SIZE)
        except sqlite3.Error as exc:  # raised by a work, after the works before it were written
            _raise_translated(self._path, exc)

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        refs = dumps([key_params(key) for key in keys])
        async with self._read_session() as db:
            rows = db.execute(_RESOLVE_MANY, (refs,)).fetchall()
        # Rows come ordered by ref index: one pass, no per-row enum lookups (profiled: the
        # enum constructor was a third of this method on a 1,000-ref call).
        found: dict[int, Resolution] = {}
        index = -1
        live: list[SourceKey] = []
        retired: list[SourceKey] = []
        first: sqlite3.Row | None = None
        for row in rows:
            if row[0] != index:
                if first is not None:
                    found[index] = _resolution(first, live, retired)
                index, first, live, retired = row[0], row, [], []
            key = SourceKey(row[4], entity_type_from_text(row[5]), row[6])
            (retired if row[7] else live).append(key)
        if first is not None:
            found[index] = _resolution(first, live, retired)
        return [found.get(index) for index in range(len(keys))]

    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        async with self._session() as db:
            return work(db)

    async def _reading(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """Run reads in one read transaction, so together they see one state of the store."""
        async with self._read_session() as db:
            db.execute("BEGIN")  # one snapshot for the golden, its members and its history
            try:
                return read(db)
            finally:
                db.execute("COMMIT")

    async def queue_sizes(self) -> QueueSizes:
        async with self._session() as db:
            row = db.execute(_QUEUE_SIZES, (str(CandidateStatus.OPEN),)).fetchone()
        return QueueSizes(*row)

    async def get_golden(self, golden_id: str) -> GoldenView | None:
        [view] = await self.get_goldens([golden_id])
        return view

    async def search_goldens(
        self, entity_type: EntityType, text: SearchText, pool: int, limit: int
    ) -> list[str]:
        return await self._reading(
            lambda db: search.search_goldens(db, entity_type, text, pool, limit)
        )

    async def get_match_candidate(self, candidate_id: str) -> MatchCandidate | None:
        async with self._session() as db:
            row = db.execute(
                "SELECT * FROM match_candidate WHERE id = ?", (candidate_id,)
            ).fetchone()
        return match_candidate_from_fields(row) if row else None

    async def list_match_candidates(
        self,
        status: CandidateStatus | None,
        entity_type: EntityType | None,
        first: int,
        after: str | None,
    ) -> list[MatchCandidate]:
        async with self._session() as db:
            rows = db.execute(
                "SELECT * FROM match_candidate c WHERE (?1 IS NULL OR status = ?1) "
                "AND (?2 IS NULL OR entityType = ?2) AND (?3 IS NULL OR (createdAt, id) > "
                "(SELECT createdAt, id FROM match_candidate WHERE id = ?3)) "
                "ORDER BY createdAt, id LIMIT ?4",
                (
                    str(status) if status else None,
                    str(entity_type) if entity_type else None,
                    after,
                    first,
                ),
            ).fetchall()
        return [match_candidate_from_fields(row) for row in rows]

    async def golden_ids(self, entity_type: EntityType, after: str, limit: int) -> list[str]:
        async with self._session() as db:
            rows = db.execute(
                "SELECT id FROM golden WHERE entityType = ? AND id > ? ORDER BY id LIMIT ?",
                (str(entity_type), after, limit),
            ).fetchall()
        return [row["id"] for row in rows]

    async def count_goldens(self, entity_type: EntityType, stale_for: str | None = None) -> int:
        async with self._session() as db:
            row = db.execute(
                "SELECT count(*) AS n FROM golden WHERE entityType = ? "
                "AND (? IS NULL OR ruleSetHash IS NULL OR ruleSetHash <> ?)",
                (str(entity_type), stale_for, stale_for),
            ).fetchone()
        count: int = row["n"]
        return count

    async def source_versions(self, key: SourceKey) -> list[StoredSource]:
        async with self._session() as db:
            rows = db.execute(_SOURCE_VERSIONS, key_params(key) * 2).fetchall()
        return [stored_source_from_fields(row) for row in rows]

    async def record_rejects(self, rejects: Sequence[RejectedRecord]) -> None:
        async with self._session() as db:
            db.executemany(
                "INSERT INTO rejected_record (receivedAt, payload, problems, correlationId) "
                "VALUES (?, ?, ?, ?)",
                [
                    (
                        r.received_at.isoformat(),
                        payload_to_json(r.payload),
                        problems_to_json(r.problems),
                        r.correlation_id,
                    )
                    for r in rejects
                ],
            )

    async def list_rejects(self, limit: int, system: str | None = None) -> list[RejectedRecord]:
        async with self._session() as db:
            if system is None:
                rows = db.execute(
                    "SELECT * FROM rejected_record ORDER BY seq DESC LIMIT ?", (limit,)
                ).fetchall()
            else:  # the expression of index rejected_record_system
                rows = db.execute(
                    "SELECT * FROM rejected_record WHERE json_extract(payload, '$.system') = ? "
                    "ORDER BY seq DESC LIMIT ?",
                    (system, limit),
                ).fetchall()
        return [reject_from_fields(row) for row in rows]


def _raise_translated(path: str, error: sqlite3.Error) -> NoReturn:
    """Raise StoreUnavailable when `error` means the file cannot serve, else `error` itself."""
    found = unavailable(path, error)
    if found is None:
        raise error
    raise found from error


def _resolution(row: sqlite3.Row, live: list[SourceKey], retired: list[SourceKey]) -> Resolution:
    return Resolution(
        row[1],
        entity_type_from_text(row[2]),
        tuple(live),
        golden_status_from_text(row[3]),
        tuple(retired),
    )
