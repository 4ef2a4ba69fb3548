"""Ingest: the idempotent upsert of source records, and the reject queue for bad ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mdm_hub.domain.records import (
    CandidateStatus,
    IncomingRecord,
    MatchCandidate,
    Membership,
    RejectedRecord,
    ScoredGolden,
    StoredSource,
    UpsertOutcome,
    UpsertResult,
    utc_now,
)
from mdm_hub.errors import InvalidInput, Problem, RecordRejected
from mdm_hub.matching.decide import MatchOutcome, rule_name
from mdm_hub.matching.explain import explanation_to_dict
from mdm_hub.ports import Clock, GoldenIdFactory, Store, StoreTransaction
from mdm_hub.services.ids import random_candidate_id, random_golden_id
from mdm_hub.services.matching import RecordMatcher, shipped_matcher
from mdm_hub.services.relationships import ReferenceLinker
from mdm_hub.services.survivorship import GoldenRecomputer, shipped_rules
from mdm_hub.survivorship.rules import RuleSet

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
        matcher: RecordMatcher | None = None,
        clock: Clock = utc_now,
        new_golden_id: GoldenIdFactory = random_golden_id,
        new_candidate_id: Callable[[], str] = random_candidate_id,
        rules: RuleSet | None = None,
        references: ReferenceLinker | None = None,
    ) -> None:
        self._store = store
        self._matcher = matcher if matcher is not None else shipped_matcher()
        self._clock = clock
        self._new_golden_id = new_golden_id
        self._new_candidate_id = new_candidate_id
        self._golden = GoldenRecomputer(rules if rules is not None else shipped_rules())
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
        # A known record keeps its golden record: matching decides on arrival, stewards after.
        version = self._stored(record, stored.version + 1, now)
        await tx.put_source(version, self._matcher.prepare(record).keys)
        await self._recompute(tx, membership.golden_id, now)
        return UpsertResult(membership.golden_id, UpsertOutcome.UPDATED, version.version)

    async def _create(
        self, tx: StoreTransaction, record: IncomingRecord, now: datetime
    ) -> UpsertResult:
        prepared = self._matcher.prepare(record)
        decision = await self._matcher.match(tx, record, prepared)
        stored = self._stored(record, 1, now)
        explanation = explanation_to_dict(decision.explanation) if decision.explanation else None
        if decision.outcome is MatchOutcome.LINK and decision.golden_id is not None:
            golden_id, outcome = decision.golden_id, UpsertOutcome.LINKED
            decided_by = explanation["rule"] if explanation else NEW_GOLDEN
        else:
            golden_id, outcome = self._new_golden_id(record.key.entity_type), UpsertOutcome.CREATED
            decided_by = f"{rule_name(self._matcher.rules_for(record.key.entity_type))}#new"
            await tx.create_golden(golden_id, record.key.entity_type, now)
        await tx.put_source(stored, prepared.keys)
        membership = Membership(golden_id, now, decided_by, decision.score, explanation)
        await tx.set_membership(record.key, membership)
        for loser in decision.merge:
            # The record bridges golden records that each match it: they are one thing.
            await tx.merge_golden(loser, golden_id, now)
            await tx.merge_relationships(loser, golden_id)
        candidate_id = None
        if decision.outcome is MatchOutcome.REVIEW:
            candidate_id = self._new_candidate_id()
            await tx.add_match_candidate(
                MatchCandidate(
                    id=candidate_id,
                    source=record.key,
                    golden_id=golden_id,
                    status=CandidateStatus.OPEN,
                    created_at=now,
                    candidates=tuple(
                        ScoredGolden(g.golden_id, g.score, explanation_to_dict(g.explanation))
                        for g in decision.review
                    ),
                )
            )
        await self._recompute(tx, golden_id, now)
        return UpsertResult(golden_id, outcome, stored.version, decision.score, candidate_id)

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

    async def _recompute(self, tx: StoreTransaction, golden_id: str, now: datetime) -> None:
        # Membership or a member's content changed: the golden record's version moves even
        # when no value does, so readers of the crosswalk see the change.
        await self._golden.recompute(tx, golden_id, now, only_if_changed=False)


def _in_batch(rejected: RecordRejected, index: int, size: int) -> RecordRejected:
    """In a batch, a reject names its index so the caller can find it."""
    if size > 1:
        rejected.record_label = f"record [{index}] {rejected.record_label}"
    return rejected
