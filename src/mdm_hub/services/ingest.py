"""Ingest: the idempotent upsert of source records, and the reject queue for bad ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mdm_hub.domain.records import (
    IncomingRecord,
    Membership,
    RejectedRecord,
    StoredSource,
    UpsertOutcome,
    UpsertResult,
    utc_now,
)
from mdm_hub.errors import InvalidInput, Problem, RecordRejected
from mdm_hub.matching.strong_keys import strong_keys
from mdm_hub.ports import Clock, GoldenIdFactory, Store, StoreTransaction
from mdm_hub.services.ids import random_golden_id
from mdm_hub.services.relationships import ReferenceLinker
from mdm_hub.survivorship.engine import compute_golden_attributes

LINKED_BY_STRONG_IDENTIFIER = "rule:strong_identifier"
NEW_GOLDEN = "rule:no_match"
MAX_UPSERT_BATCH = 1000


@dataclass(frozen=True)
class RawRecord:
    """A source record exactly as a caller sent it, before validation."""

    system: object
    entity_type: object
    source_id: object
    attributes: object
    observed_at: datetime | None = None

    def as_payload(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "entityType": self.entity_type,
            "sourceId": self.source_id,
            "attributes": self.attributes,
            "observedAt": self.observed_at.isoformat() if self.observed_at else None,
        }


class IngestService:
    def __init__(
        self,
        store: Store,
        clock: Clock = utc_now,
        new_golden_id: GoldenIdFactory = random_golden_id,
        references: ReferenceLinker | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_golden_id = new_golden_id
        self._references = references or ReferenceLinker()

    async def upsert(self, raw: RawRecord, correlation_id: str | None = None) -> UpsertResult:
        """Validate and upsert one record. A bad record is kept as a reject, then raised."""
        [outcome] = await self.upsert_many([raw], correlation_id)
        if isinstance(outcome, RecordRejected):
            raise outcome
        return outcome

    async def upsert_many(
        self, raws: Sequence[RawRecord], correlation_id: str | None = None
    ) -> list[UpsertResult | RecordRejected]:
        """Upsert each valid record; a bad one is rejected alone and does not stop the others."""
        if len(raws) > MAX_UPSERT_BATCH:
            raise InvalidInput(
                [
                    Problem(
                        "inputs", f"{len(raws)} records given; at most {MAX_UPSERT_BATCH} per call"
                    )
                ]
            )
        parsed: list[IncomingRecord | RecordRejected] = []
        for index, raw in enumerate(raws):
            try:
                parsed.append(
                    IncomingRecord.parse(
                        raw.system, raw.entity_type, raw.source_id, raw.attributes, raw.observed_at
                    )
                )
            except RecordRejected as rejected:
                parsed.append(_in_batch(rejected, index, len(raws)))
        await self._keep_rejects(raws, parsed, correlation_id)
        results: list[UpsertResult | RecordRejected] = []
        for index, (raw, item) in enumerate(zip(raws, parsed, strict=True)):
            if isinstance(item, RecordRejected):
                results.append(item)
                continue
            try:
                results.append(await self._upsert_valid(item))
            except RecordRejected as refused:
                # A rule only the stored data can check (a hierarchy cycle) refused the record:
                # its transaction rolled back; keep it like any other reject.
                results.append(_in_batch(refused, index, len(raws)))
                await self._keep_rejects([raw], [refused], correlation_id)
        return results

    async def _keep_rejects(
        self,
        raws: Sequence[RawRecord],
        parsed: Sequence[IncomingRecord | RecordRejected],
        correlation_id: str | None,
    ) -> None:
        now = self._clock()
        rejects = [
            RejectedRecord(now, raw.as_payload(), tuple(item.problems), correlation_id)
            for raw, item in zip(raws, parsed, strict=True)
            if isinstance(item, RecordRejected)
        ]
        if rejects:
            await self._store.record_rejects(rejects)

    async def _upsert_valid(self, record: IncomingRecord) -> UpsertResult:
        now = self._clock()

        async def work(tx: StoreTransaction) -> UpsertResult:
            existing = await tx.get_source(record.key)
            if existing is not None:
                result = await self._update(tx, record, *existing, now)
            else:
                result = await self._create(tx, record, now)
            if result.outcome is not UpsertOutcome.UNCHANGED:
                written = self._stored(record, result.source_version, now)
                previous = existing[0] if existing else None
                await self._references.after_write(tx, written, result.golden_id, previous)
            return result

        return await self._store.write(work)

    async def _update(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        stored: StoredSource,
        membership: Membership,
        now: datetime,
    ) -> UpsertResult:
        if stored.content_hash == record.content_hash:
            return UpsertResult(membership.golden_id, UpsertOutcome.UNCHANGED, stored.version)
        version = self._stored(record, stored.version + 1, now)
        await tx.put_source(version, strong_keys(record.key.entity_type, record.attributes))
        await self._recompute(tx, membership.golden_id, now)
        return UpsertResult(membership.golden_id, UpsertOutcome.UPDATED, version.version)

    async def _create(
        self, tx: StoreTransaction, record: IncomingRecord, now: datetime
    ) -> UpsertResult:
        keys = strong_keys(record.key.entity_type, record.attributes)
        await tx.lock_keys(keys)
        matches = await tx.goldens_with_keys(record.key.entity_type, keys) if keys else []
        if matches:
            # Oldest first: when keys point at several goldens, the longest-standing one wins.
            golden_id, outcome, decided_by = (
                matches[0],
                UpsertOutcome.LINKED,
                LINKED_BY_STRONG_IDENTIFIER,
            )
        else:
            golden_id, outcome, decided_by = (
                self._new_golden_id(record.key.entity_type),
                UpsertOutcome.CREATED,
                NEW_GOLDEN,
            )
            await tx.create_golden(golden_id, record.key.entity_type, now)
        stored = self._stored(record, 1, now)
        await tx.put_source(stored, keys)
        await tx.set_membership(record.key, Membership(golden_id, now, decided_by))
        await self._recompute(tx, golden_id, now)
        return UpsertResult(golden_id, outcome, stored.version)

    @staticmethod
    def _stored(record: IncomingRecord, version: int, now: datetime) -> StoredSource:
        return StoredSource(
            key=record.key,
            attributes=record.attributes,
            content_hash=record.content_hash,
            version=version,
            observed_at=record.observed_at or now,
            recorded_at=now,
        )

    @staticmethod
    async def _recompute(tx: StoreTransaction, golden_id: str, now: datetime) -> None:
        members = await tx.members(golden_id)
        await tx.update_golden(golden_id, compute_golden_attributes(members), now)


def _in_batch(rejected: RecordRejected, index: int, size: int) -> RecordRejected:
    """In a batch, a reject names its index so the caller can find it."""
    if size > 1:
        rejected.record_label = f"record [{index}] {rejected.record_label}"
    return rejected
