"""Where a file load sends its records: the port, and the hub in this process (the configured
store, through IngestService)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.records import RejectedRecord, SourceKey, UpsertResult
from mdm_hub.domain.retirement import RetireOutcome
from mdm_hub.errors import InvalidInput, NotFound, Problem, RecordRejected
from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService, RawRecord


class Hub(Protocol):
    """The hub a load writes to; each method refuses bad records alone (returns why)."""

    async def upsert(self, records: Sequence[RawRecord]) -> list[UpsertResult | RecordRejected]:
        """Upsert in order (at most 1,000), as `upsertSourceRecords` does."""

    async def retire(
        self, key: SourceKey, reason: str, observed_at: datetime | None
    ) -> RetireOutcome | RecordRejected: ...

    async def knows(self, key: SourceKey) -> bool:
        """Whether the hub has the record (live or retired)."""

    async def keep_refusals(self, rejects: Sequence[RejectedRecord]) -> None:
        """Keep rows the mapping refused in the hub's reject queue, where it can."""


class DirectHub:
    """The configured store, in this process: what `upsertSourceRecords` runs server-side."""

    def __init__(
        self, ingest: IngestService, store: Store, correlation_id: str, audit: AuditContext
    ) -> None:
        self._ingest = ingest
        self._store = store
        self._correlation_id = correlation_id
        self._audit = audit

    async def upsert(self, records: Sequence[RawRecord]) -> list[UpsertResult | RecordRejected]:
        return await self._ingest.upsert_many(records, self._correlation_id, self._audit)

    async def retire(
        self, key: SourceKey, reason: str, observed_at: datetime | None
    ) -> RetireOutcome | RecordRejected:
        return await retire_direct(
            self._ingest, key, reason, observed_at, self._correlation_id, self._audit
        )

    async def knows(self, key: SourceKey) -> bool:
        [found] = await self._store.resolve_many([key])
        return found is not None

    async def keep_refusals(self, rejects: Sequence[RejectedRecord]) -> None:
        if rejects:
            await self._store.record_rejects(
                [replace(r, correlation_id=self._correlation_id) for r in rejects]
            )


async def retire_direct(
    ingest: IngestService,
    key: SourceKey,
    reason: str,
    observed_at: datetime | None,
    correlation_id: str | None,
    audit: AuditContext | None,
) -> RetireOutcome | RecordRejected:
    """`IngestService.retire`; a record the hub refuses to retire (unknown, bad input) is
    returned as refused, like a refused upsert."""
    try:
        result = await ingest.retire(key, reason, observed_at, correlation_id, audit)
    except InvalidInput as exc:
        return RecordRejected(key.label(), list(exc.problems))
    except NotFound as exc:
        return RecordRejected(key.label(), [Problem("", str(exc))])
    return result.outcome
