"""The embedded audit log: appended inside the write transaction (SQLite has one writer, so
the chain head read here cannot move before commit); read in seq order or by subject."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TypeVar

from mdm_hub.adapters.codecs.audit import audit_event_from_fields, audit_event_to_fields
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.domain.audit import GENESIS, AuditEntry, AuditEvent, seal_all

T = TypeVar("T")

_INSERT = (
    "INSERT INTO audit_event (seq, at, actor, role, correlationId, action, subjectIds, before, "
    "after, reason, prevHash, hash) VALUES (:seq, :at, :actor, :role, :correlationId, :action, "
    ":subjectIds, :before, :after, :reason, :prevHash, :hash)"
)


def read_head(db: sqlite3.Connection) -> tuple[int, str] | None:
    row = db.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return (int(row["seq"]), str(row["hash"])) if row is not None else None


def seal(
    db: sqlite3.Connection, entries: Sequence[AuditEntry], head: tuple[int, str] | None
) -> list[AuditEvent]:
    """Seal `entries` after `head` (the chain head as this transaction last left it; None:
    read it). The caller stores them with `insert` and the new head with `write_head`, both
    before commit."""
    if not entries:
        return []
    head_seq, head_hash = head or read_head(db) or (0, GENESIS)
    return seal_all(entries, head_seq, head_hash)


def insert(db: sqlite3.Connection, events: Sequence[AuditEvent]) -> None:
    """Store sealed events: one statement for all of them, one for all their subjects."""
    rows = []
    for event in events:
        fields = audit_event_to_fields(event)
        fields["subjectIds"] = dumps(fields["subjectIds"])
        rows.append(fields)
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
