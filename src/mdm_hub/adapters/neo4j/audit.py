"""The audit log, read (Neo4j; events are appended by the transaction)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from mdm_hub.adapters.codecs.audit import audit_event_from_fields
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.audit import AuditEvent, IndexEntry, IndexFaults


class Neo4jAuditLog(ABC):
    """Mixed into Neo4jStore."""

    @abstractmethod
    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def _write_one(self, query: Query, **params: Any) -> list[dict[str, Any]]: ...

    async def audit_head(self) -> tuple[int, str] | None:
        rows = await self._read(Query.AUDIT_HEAD)
        return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else None

    async def audit_events(self, after_seq: int, limit: int) -> list[AuditEvent]:
        rows = await self._read(Query.AUDIT_EVENTS, afterSeq=after_seq, limit=limit)
        return [audit_event_from_fields(row["event"]) for row in rows]

    async def audit_events_for(self, subject_ids: Sequence[str], limit: int) -> list[AuditEvent]:
        rows = await self._read(Query.AUDIT_EVENTS_FOR, subjectIds=list(subject_ids), limit=limit)
        return [audit_event_from_fields(row["event"]) for row in rows]

    async def audit_index_faults(self, limit: int) -> IndexFaults:
        missing = await self._read(Query.AUDIT_INDEX_MISSING, limit=limit)
        extra = await self._read(Query.AUDIT_INDEX_EXTRA, limit=limit)
        return IndexFaults(
            missing=[IndexEntry(row["seq"], row["subject"]) for row in missing],
            extra=[IndexEntry(row["seq"], row["subject"]) for row in extra],
        )

    async def rewrite_audit_head(self, head: tuple[int, str]) -> None:
        await self._write_one(Query.REWRITE_AUDIT_HEAD, seq=head[0], hash=head[1])
