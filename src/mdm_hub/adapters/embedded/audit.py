"""The embedded audit log: appended inside the write transaction (SQLite has one writer, so
the chain head read here cannot move before commit); read in seq order or by subject."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TypeVar

from mdm_hub.adapters.codecs.audit import audit_event_from_fields, audit_event_to_fields
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.domain.audit import (
    GENESIS,
    AuditEntry,
    AuditEvent,
    IndexEntry,
    IndexFaults,
    seal_all,
)
from mdm_hub.errors import AuditHeadMissing

T = TypeVar("T")

_INSERT = (
    "INSERT INTO audit_event (seq, at, actor, role, correlationId, action, subjectIds, before, "
    "after, reason, prevHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# The head and the last event's seq, in one statement (seq is the rowid: its max is one seek).
_HEAD_FOR_APPEND = (
    "SELECT h.seq, h.hash, (SELECT max(seq) FROM audit_event) AS last "
    "FROM (SELECT 1) LEFT JOIN audit_head h ON h.id = 1"
)

# Index rows an event names but the index lacks, and rows no event names (one pass each over
# the events and the index, every lookup by primary key). A subjectIds that is not JSON is
# the verifier's to report (the event is unreadable), not an index fault.
_INDEX_MISSING = (
    "SELECT e.seq, j.value AS subject FROM audit_event e, json_each(e.subjectIds) j "
    "WHERE json_valid(e.subjectIds) AND NOT EXISTS (SELECT 1 FROM audit_subject s "
    "WHERE s.subject = j.value AND s.seq = e.seq) ORDER BY e.seq, j.value LIMIT ?"
)
_INDEX_EXTRA = (
    "SELECT s.seq, s.subject FROM audit_subject s LEFT JOIN audit_event e ON e.seq = s.seq "
    "WHERE e.seq IS NULL OR (json_valid(e.subjectIds) AND NOT EXISTS (SELECT 1 FROM "
    "json_each(e.subjectIds) j WHERE j.value = s.subject)) ORDER BY s.seq, s.subject LIMIT ?"
)


def read_head(db: sqlite3.Connection) -> tuple[int, str] | None:
    row = db.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return (int(row["seq"]), str(row["hash"])) if row is not None else None


def _head_for_append(db: sqlite3.Connection) -> tuple[int, str]:
    """The head to chain after; AuditHeadMissing when events are stored past it (or with
    none): appending would reuse their seqs."""
    row = db.execute(_HEAD_FOR_APPEND).fetchone()
    last = row["last"]
    if row["seq"] is None:
        if last is not None:
            raise AuditHeadMissing(None, int(last))
        return 0, GENESIS
    head = (int(row["seq"]), str(row["hash"]))
    if last is not None and last > head[0]:
        raise AuditHeadMissing(head[0], int(last))
    return head


def seal(
    db: sqlite3.Connection, entries: Sequence[AuditEntry], head: tuple[int, str] | None
) -> list[AuditEvent]:
    """Seal `entries` after `head` (the chain head as this transaction last left it; None:
    read it). The caller stores them with `insert` and the new head with `write_head`, both
    before commit."""
    if not entries:
        return []
    head_seq, head_hash = head or _head_for_append(db)
    return seal_all(entries, head_seq, head_hash)


def insert(db: sqlite3.Connection, events: Sequence[AuditEvent]) -> None:
    """Store sealed events: one statement for all of them, one for all their subjects."""
    rows = []
    for event in events:
        if (event.before_json is None and event.before is not None) or (
            event.after_json is None and event.after is not None
        ):
            fields = audit_event_to_fields(event)  # not sealed here: encoded now
            before, after = fields["before"], fields["after"]
        else:
            before, after = event.before_json, event.after_json
        # Positional, the action as plain text: named parameters, and an enum member (which
        # sqlite3 offers to its adapters first), cost the binding several times more.
        rows.append(
            (
                event.seq,
                event.at,
                event.actor,
                event.role,
                event.correlation_id,
                str(event.action),
                dumps(list(event.subject_ids)),
                before,
                after,
                event.reason,
                event.prev_hash,
                event.hash,
            )
        )
    db.executemany(_INSERT, rows)
    db.executemany(
        "INSERT OR IGNORE INTO audit_subject (subject, seq) VALUES (?, ?)",
        [(subject, event.seq) for event in events for subject in event.subject_ids],
    )


def write_head(db: sqlite3.Connection, head: tuple[int, str]) -> None:
    db.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        head,
    )


def events_after(db: sqlite3.Connection, after_seq: int, limit: int) -> list[AuditEvent]:
    rows = db.execute(
        "SELECT * FROM audit_event WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
    ).fetchall()
    return [audit_event_from_fields(dict(row)) for row in rows]


def events_for(db: sqlite3.Connection, subjects: Sequence[str], limit: int) -> list[AuditEvent]:
    rows = db.execute(
        "SELECT e.* FROM audit_event e WHERE e.seq IN (SELECT s.seq FROM audit_subject s "
        "WHERE s.subject IN (SELECT value FROM json_each(?))) ORDER BY e.seq LIMIT ?",
        (dumps(list(subjects)), limit),
    ).fetchall()
    return [audit_event_from_fields(dict(row)) for row in rows]


def index_faults(db: sqlite3.Connection, limit: int) -> IndexFaults:
    return IndexFaults(
        missing=[IndexEntry(r["seq"], r["subject"]) for r in db.execute(_INDEX_MISSING, (limit,))],
        extra=[IndexEntry(r["seq"], r["subject"]) for r in db.execute(_INDEX_EXTRA, (limit,))],
    )


class EmbeddedAuditLog(ABC):
    """The audit log, read (mixed into EmbeddedStore)."""

    @abstractmethod
    async def _locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the connection while no other request uses it."""

    async def audit_head(self) -> tuple[int, str] | None:
        return await self._locked(read_head)

    async def audit_events(self, after_seq: int, limit: int) -> list[AuditEvent]:
        return await self._locked(lambda db: events_after(db, after_seq, limit))

    async def audit_events_for(self, subject_ids: Sequence[str], limit: int) -> list[AuditEvent]:
        return await self._locked(lambda db: events_for(db, subject_ids, limit))

    async def audit_index_faults(self, limit: int) -> IndexFaults:
        return await self._locked(lambda db: index_faults(db, limit))

    async def rewrite_audit_head(self, head: tuple[int, str]) -> None:
        await self._locked(lambda db: write_head(db, head))
