"""Ingest: the idempotent upsert of source records, the reject queue for bad ones, and the
retirement of records their systems deleted or archived (services/retirement.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from mdm_hub.domain.admission import admit
from mdm_hub.domain.audit import (
    Action,
    AuditContext,
    AuditEntry,
    canonical_after,
    source_subject,
)
from mdm_hub.domain.records import (
    IncomingRecord,
    Membership,
    RejectedRecord,
    SourceKey,
    StoredSource,
    UpsertOutcome,
    UpsertResult,
    utc_now,
)
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import InvalidInput, Problem, RecordRejected
from mdm_hub.matching.decide import MatchOutcome, rule_name
from mdm_hub.matching.explain import explanation_to_dict
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import Clock, GoldenIdFactory, Store, StoreTransaction, WorkHint
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.changes import record_change
from mdm_hub.services.ids import random_candidate_id, random_golden_id
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.relationships import ReferenceLinker
from mdm_hub.services.rematch import Rematcher, queue_for_review
from mdm_hub.services.retirement import (
    Retirements,
    RetireRefused,
    RetireRequest,
    RetireResult,
    revived_entry,
)
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.survivorship.rules import RuleSet

NEW_GOLDEN = "rule:no_match"
MAX_UPSERT_BATCH = 1000
# Records standardised between two turns of other requests: a few milliseconds of work. A
# turn (one round of the event loop) costs ~23,000 instructions, so not after every record.
ADMIT_BETWEEN_YIELDS = 25


@dataclass(frozen=True)
class RawRecord:
    """A source record exactly as a caller sent it, before validation."""

    system: object
    entity_type: object
    source_id: object
    attributes: object
    # A datetime, or text the door reads (a client's unreadable time refuses the record).
    observed_at: object = None

    def as_payload(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "entityType": self.entity_type,
            "sourceId": self.source_id,
            "attributes": self.attributes,
            "observedAt": (
                self.observed_at.isoformat()
                if isinstance(self.observed_at, datetime)
                else self.observed_at
            ),
        }


class IngestService:
    def __init__(
        self,
        store: Store,
        matcher: RecordMatcher,
        *,
        clock: Clock = utc_now,
        new_golden_id: GoldenIdFactory = random_golden_id,
        new_candidate_id: Callable[[], str] = random_candidate_id,
        rules: RuleSet,
        references: ReferenceLinker | None = None,
        systems: SystemRegistry | None = None,
        codes: CodeSets | None = None,
    ) -> None:
        """`systems`: who may send (default the shipped systems.yaml); `codes`: reference
        data's code mappings (None: coded attributes are only trimmed and checked)."""
        self._store = store
        self._matcher = matcher
        self._clock = clock
        self._new_golden_id = new_golden_id
        self._new_candidate_id = new_candidate_id
        self._golden = GoldenRecomputer(rules, codes)
        self._references = references or ReferenceLinker()
        self._rematch = Rematcher(self._matcher, self._recompute, new_candidate_id, new_golden_id)
        self._systems = systems if systems is not None else shipped_systems()
        # One object for the door (a CodeMapper) and survivorship: both read the same mappings.
        self._codes = codes
        self._retirements = Retirements(store, self._golden, clock)

    async def retire(
        self,
        key: SourceKey,
        reason: str | None,
        observed_at: datetime | None,
        correlation_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> RetireResult:
        """Retire one source record (its system deleted or archived it): see retire_many.
        Raises SourceNotFound for an unknown record, InvalidInput for a bad reason."""
        request = RetireRequest(key, reason, observed_at)
        [result] = await self._retirements.retire_many([request], correlation_id, audit)
        if isinstance(result, RetireResult):
            return result
        raise result

    async def retire_many(
        self,
        requests: Sequence[RetireRequest],
        correlation_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> list[RetireResult | RetireRefused]:
        """Retire up to MAX_RETIRE_BATCH records, each all-or-nothing with its SOURCE_RETIRED
        event: it leaves its golden record's live members (recomputed without it; RETIRED when
        none is left) and matching. Already retired: ALREADY_RETIRED, nothing written. A
        refused one (unknown record, bad reason) is kept as a reject and stops no other."""
        return await self._retirements.retire_many(requests, correlation_id, audit)

    async def upsert(
        self,
        raw: RawRecord,
        correlation_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> UpsertResult:
        """Validate and upsert one record. A bad record is kept as a reject, then raised."""
        [outcome] = await self.upsert_many([raw], correlation_id, audit)
        if isinstance(outcome, RecordRejected):
            raise outcome
        return outcome

    async def upsert_many(
        self,
        raws: Sequence[RawRecord],
        correlation_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> list[UpsertResult | RecordRejected]:
        """Upsert each valid record; a bad one is rejected alone and does not stop the others.
        Each record is written all-or-nothing with its audit event (`audit`: who; default the
        system), in order, so a record matches the ones before it in the same batch.
        Rejects are kept in the reject queue, not the audit log: they change no master data."""
        context = audit or AuditContext(correlation_id=correlation_id)
        if len(raws) > MAX_UPSERT_BATCH:
            raise InvalidInput(
                [
                    Problem(
                        "inputs", f"{len(raws)} records given; at most {MAX_UPSERT_BATCH} per call"
                    )
                ]
            )
        parsed: list[IncomingRecord | RecordRejected] = []
        # Each valid record standardised for matching, once: its keys are the store's hint.
        prepared: list[PreparedRecord] = []
        for index, raw in enumerate(raws):
            if index % ADMIT_BETWEEN_YIELDS == 0 and index:
                await asyncio.sleep(0)  # other requests go on beside a long batch
            try:
                record = admit(
                    raw.system,
                    raw.entity_type,
                    raw.source_id,
                    raw.attributes,
                    raw.observed_at,
                    self._systems,
                    self._codes,
                )
            except RecordRejected as rejected:
                parsed.append(_in_batch(rejected, index, len(raws)))
                continue
            parsed.append(record)
            prepared.append(self._matcher.prepare(record))
        await self._keep_rejects(raws, parsed, correlation_id)
        # Each record still matches on its own, against everything written before it
        # (earlier records of this batch too); the store may commit several at once, and
        # read what each will ask first for all of them (the hints).
        valid = [item for item in parsed if isinstance(item, IncomingRecord)]
        written = await self._store.write_each(
            [self._upsert_work(r, p, context) for r, p in zip(valid, prepared, strict=True)],
            _Hints(self._hint, valid, prepared),
        )
        outcomes = iter(written)
        results: list[UpsertResult | RecordRejected] = []
        refused: list[tuple[RawRecord, RecordRejected]] = []
        for index, item in enumerate(parsed):
            if isinstance(item, RecordRejected):
                results.append(item)
                continue
            outcome = next(outcomes)
            if isinstance(outcome, RecordRejected):
                # A rule only the stored data can check (a hierarchy cycle) refused the
                # record: its writes were undone; keep it like any other reject.
                outcome = _in_batch(outcome, index, len(raws))
                refused.append((raws[index], outcome))
            results.append(outcome)
        await self._keep_rejects(
            [raw for raw, _ in refused], [why for _, why in refused], correlation_id
        )
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

    def _hint(self, record: IncomingRecord, prepared: PreparedRecord) -> WorkHint:
        limits = self._matcher.rules_for(record.key.entity_type).rules.candidates
        terms = self._matcher.term_keys(record.key.entity_type, prepared)
        return WorkHint(
            record.key,
            record.content_hash,
            tuple(prepared.keys),
            limits.per_key_limit,
            terms,
            limits.top_k,
        )

    def _upsert_work(
        self, record: IncomingRecord, prepared: PreparedRecord, context: AuditContext
    ) -> Callable[[StoreTransaction], Awaitable[UpsertResult]]:
        async def work(tx: StoreTransaction) -> UpsertResult:
            now = self._clock()
            entries: list[AuditEntry] = []
            # Members the record displaced from the golden record it joined.
            displaced: list[SourceKey] = []
            existing = await tx.get_source(record.key)
            if existing is not None:
                result = await self._update(tx, record, prepared, *existing, now, context, entries)
            else:
                result = await self._create(tx, record, prepared, now, context, entries, displaced)
            if result.outcome is not UpsertOutcome.UNCHANGED:
                written = self._stored(record, result.source_version, now)
                previous = existing[0] if existing else None
                terms = self._matcher.term_changes(record, previous)
                if terms:
                    await tx.count_terms(terms)
                linked = await self._references.after_write(
                    tx, written, result.golden_id, previous, context
                )
                if linked:
                    # What referred to this record can now be matched by it.
                    await self._rematch.after_links(
                        tx, linked, record.key, now, context, entries, displaced
                    )
                if result.outcome is UpsertOutcome.LINKED:
                    # Joining others, it may give two copies of what it refers to a shared
                    # referrer.
                    await self._rematch.after_join(
                        tx, record.key, record.attributes, result.golden_id, now, context, entries
                    )
                # Last, with the record and its references in place: what it displaced is
                # matched again knowing where its parent is.
                await self._rematch.after_displacing(
                    tx, displaced, record.key, now, context, entries
                )
                if record.unmapped:
                    # Codes kept as sent for want of a mapping: the stewards' queue counts
                    # each record version that carries one (a re-send changes nothing).
                    await tx.count_unmapped_codes(record.unmapped, now)
            # Last, so the audit chain head is locked only for the commit.
            await record_change(tx, entries)
            return result

        return work

    async def _update(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        stored: StoredSource,
        membership: Membership,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
    ) -> UpsertResult:
        if membership.retired is not None and await tx.revive_source(record.key):
            return await self._revive(
                tx, record, prepared, stored, membership, now, context, entries
            )
        if stored.content_hash == record.content_hash:
            return UpsertResult(membership.golden_id, UpsertOutcome.UNCHANGED, stored.version)
        # A known record keeps its golden record: matching decides on arrival, stewards after.
        version = self._to_store(record, prepared, stored.version + 1, now)
        await tx.put_source(version, prepared.keys)
        await self._recompute(tx, membership.golden_id, now, context, record.key)
        result = UpsertResult(membership.golden_id, UpsertOutcome.UPDATED, version.version)
        entries.append(_ingest_entry(record, result, (stored, membership), None, now, context))
        return result

    async def _revive(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        stored: StoredSource,
        membership: Membership,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
    ) -> UpsertResult:
        """A retired record sent again is live again in the golden record it stayed a member
        of (no matching: stewards move known records), with a new version if its content
        changed; the golden record is recomputed, so it is ACTIVE again."""
        version = stored.version
        if stored.content_hash != record.content_hash:
            written = self._to_store(record, prepared, stored.version + 1, now)
            await tx.put_source(written, prepared.keys)
            version = written.version
        await self._recompute(tx, membership.golden_id, now, context, record.key)
        result = UpsertResult(membership.golden_id, UpsertOutcome.REVIVED, version)
        entries.append(revived_entry(record, stored, membership, result, now, context))
        return result

    async def _create(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        now: datetime,
        context: AuditContext,
        entries: list[AuditEntry],
        displaced: list[SourceKey],
    ) -> UpsertResult:
        decision = await self._matcher.match(tx, record, prepared)
        stored = self._to_store(record, prepared, 1, now)
        explanation = explanation_to_dict(decision.explanation) if decision.explanation else None
        if decision.outcome is MatchOutcome.LINK and decision.golden_id is not None:
            golden_id, outcome = decision.golden_id, UpsertOutcome.LINKED
            decided_by = explanation["rule"] if explanation else NEW_GOLDEN
        else:
            golden_id, outcome = self._new_golden_id(record.key.entity_type), UpsertOutcome.CREATED
            decided_by = f"{rule_name(self._matcher.rules_for(record.key.entity_type))}#new"
            # Its only member is in hand: the golden record is created with its values
            # rather than created empty, read back and updated.
            first = self._golden.compute(record.key.entity_type, (stored,))
            await tx.create_golden(golden_id, record.key.entity_type, now, first)
        membership = Membership(golden_id, now, decided_by, decision.score, explanation)
        await tx.put_source(stored, prepared.keys, membership)
        # The outcome's event, with the rule that decided it; bridging merges and the review
        # candidate follow it.
        decided = UpsertResult(golden_id, outcome, stored.version, decision.score)
        entries.append(_ingest_entry(record, decided, None, decided_by, now, context))
        if decision.displaced:
            # Members naming it as their parent leave the golden record it takes.
            displaced += await self._rematch.displace(
                tx, record.key, decision, now, context, entries
            )
        for loser in decision.merge:
            # The record bridges golden records that each match it: they are one thing.
            await tx.merge_golden(loser, golden_id, now)
            await tx.merge_relationships(loser, golden_id)
        if decision.merge:
            entries.append(
                merge_entry(
                    Action.BRIDGING_MERGE,
                    golden_id,
                    sorted(decision.merge),
                    now,
                    context,
                    f"{record.key} matches each of them",
                )
            )
        candidate_id = None
        if decision.outcome is MatchOutcome.REVIEW:
            candidate_id = self._new_candidate_id()
            entries.append(
                await queue_for_review(
                    tx, candidate_id, record.key, golden_id, decision, now, context
                )
            )
        if outcome is not UpsertOutcome.CREATED:  # a new golden record has its values already
            await self._recompute(tx, golden_id, now, context, record.key)
        return UpsertResult(golden_id, outcome, stored.version, decision.score, candidate_id)

    def _to_store(
        self, record: IncomingRecord, prepared: PreparedRecord, version: int, now: datetime
    ) -> StoredSource:
        """`record` as put_source stores it, with what matching made of it."""
        match_values = self._matcher.stored_values(record.key.entity_type, prepared)
        return self._stored(record, version, now, match_values)

    @staticmethod
    def _stored(
        record: IncomingRecord, version: int, now: datetime, match_values: str | None = None
    ) -> StoredSource:
        return StoredSource(
            key=record.key,
            attributes=record.attributes,
            content_hash=record.content_hash,
            version=version,
            observed_at=record.observed_at or now,
            recorded_at=now,
            attributes_json=record.attributes_json,
            sent=record.sent,
            match_values=match_values,
        )

    async def _recompute(
        self,
        tx: StoreTransaction,
        golden_id: str,
        now: datetime,
        context: AuditContext,
        cause: SourceKey,
    ) -> None:
        # Membership or a member's content changed: the golden record's version moves even
        # when no value does, so readers of the crosswalk see the change.
        await self._golden.recompute(
            tx, golden_id, now, only_if_changed=False, context=context, source=cause
        )


class _Hints(Sequence[WorkHint]):
    """The works' hints, each made when a store reads it: the embedded store reads none, and
    a hint's term keys cost a record ~1% of its ingest."""

    def __init__(
        self,
        build: Callable[[IncomingRecord, PreparedRecord], WorkHint],
        records: Sequence[IncomingRecord],
        prepared: Sequence[PreparedRecord],
    ) -> None:
        self._build = build
        self._records = records
        self._prepared = prepared

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> WorkHint: ...

    @overload
    def __getitem__(self, index: slice) -> list[WorkHint]: ...

    def __getitem__(self, index: int | slice) -> WorkHint | list[WorkHint]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._build(self._records[index], self._prepared[index])


def _in_batch(rejected: RecordRejected, index: int, size: int) -> RecordRejected:
    """In a batch, a reject names its index so the caller can find it."""
    if size > 1:
        rejected.record_label = f"record [{index}] {rejected.record_label}"
    return rejected


_INGEST_ACTIONS = {
    UpsertOutcome.CREATED: Action.INGEST_CREATED,
    UpsertOutcome.LINKED: Action.INGEST_LINKED,
    UpsertOutcome.UPDATED: Action.INGEST_UPDATED,
}


def _ingest_entry(
    record: IncomingRecord,
    result: UpsertResult,
    existing: tuple[StoredSource, Membership] | None,
    decided_by: str | None,
    now: datetime,
    context: AuditContext,
) -> AuditEntry:
    """The event of one upsert outcome: the content stored, and how its membership was decided
    (the rule and score of a link; the rule set's no-match of a new golden record)."""
    before = None
    if existing is not None:
        stored, membership = existing
        before = {
            "goldenId": membership.golden_id,
            "sourceVersion": stored.version,
            "contentHash": stored.content_hash,
            "attributes": stored.attributes,
        }
        if stored.sent:
            before["sent"] = stored.sent
    after: dict[str, Any] = {
        "goldenId": result.golden_id,
        "sourceVersion": result.source_version,
        "contentHash": record.content_hash,
        "attributes": record.attributes,
    }
    if record.sent:  # only then: events of records sent canonical read (and hash) as before
        after["sent"] = record.sent
    if existing is None:
        after["decidedBy"] = decided_by
        after["score"] = result.score
    return AuditEntry(
        now,
        context,
        _INGEST_ACTIONS[result.outcome],
        (result.golden_id, source_subject(record.key)),
        before,
        after,
        after_json=canonical_after(after, record.attributes_json),
    )


def merge_entry(
    action: Action,
    survivor: str,
    losers: Sequence[str],
    at: datetime,
    context: AuditContext,
    reason: str | None,
) -> AuditEntry:
    """A merge: `losers` now resolve to `survivor` (lineage follows these back)."""
    return AuditEntry(
        at,
        context,
        action,
        (survivor, *losers),
        {"goldenIds": [survivor, *losers]},
        {"survivorId": survivor, "mergedIds": list(losers)},
        reason,
    )
