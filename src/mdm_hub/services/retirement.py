"""Retiring source records: their system deleted or archived them.

A retired record keeps its membership (resolve, lineage and `asOf` still find it, with when it
was retired) but is no live member: its golden record is recomputed without it, in the same
transaction, and it is no match candidate. A golden record left with no live member is
RETIRED; it keeps the values its members last gave it and still resolves, so a stored golden
ID never dangles. The record comes back (revives) when it is sent again: see
IngestService, which uses `revived_entry` here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, TypeAdapter, ValidationError

from mdm_hub.domain.attributes import LONG_TEXT_MAX, pydantic_reason
from mdm_hub.domain.audit import Action, AuditContext, AuditEntry, source_subject
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.records import (
    IncomingRecord,
    Membership,
    RejectedRecord,
    SourceKey,
    StoredSource,
    UpsertResult,
    utc_now,
)
from mdm_hub.domain.retirement import GoldenStatus, Retirement, RetireOutcome, status_of
from mdm_hub.domain.text import check_no_control_characters
from mdm_hub.errors import InvalidInput, NotFound, Problem, RecordRejected, SourceNotFound
from mdm_hub.ports import Clock, Store, StoreTransaction
from mdm_hub.services.changes import record_change
from mdm_hub.services.survivorship import GoldenRecomputer

MAX_RETIRE_BATCH = 1000

_REASON = TypeAdapter(
    Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=LONG_TEXT_MAX),
        AfterValidator(check_no_control_characters),
    ]
)


@dataclass(frozen=True)
class RetireRequest:
    """One record to retire: which, why (optional), and when its system retired it
    (optional: when the hub is told)."""

    key: SourceKey
    reason: str | None = None
    observed_at: datetime | None = None


@dataclass(frozen=True)
class RetireResult:
    """The retired record, the golden record it stays a member of and that record's status
    now, and the retirement in force (this one, or the earlier one when ALREADY_RETIRED)."""

    key: SourceKey
    golden_id: str
    outcome: RetireOutcome
    golden_status: GoldenStatus
    retirement: Retirement


@dataclass(frozen=True)
class _Already:
    """Found retired already, inside the transaction; its golden status is read after."""

    key: SourceKey
    golden_id: str
    retirement: Retirement


RetireRefused = SourceNotFound | InvalidInput
_Written = RetireResult | _Already | SourceNotFound


class Retirements:
    """The retire use case; IngestService exposes it beside the upsert."""

    def __init__(self, store: Store, golden: GoldenRecomputer, clock: Clock = utc_now) -> None:
        self._store = store
        self._golden = golden
        self._clock = clock

    async def retire_many(
        self,
        requests: Sequence[RetireRequest],
        correlation_id: str | None = None,
        audit: AuditContext | None = None,
    ) -> list[RetireResult | RetireRefused]:
        """Retire each record, each in its own all-or-nothing write with its audit event, in
        order. An unknown record (SourceNotFound) or a bad reason (InvalidInput) is refused
        alone, kept in the reject queue, and does not stop the others."""
        if len(requests) > MAX_RETIRE_BATCH:
            raise InvalidInput(
                [
                    Problem(
                        "inputs",
                        f"{len(requests)} records given; at most {MAX_RETIRE_BATCH} per call",
                    )
                ]
            )
        context = audit or AuditContext(correlation_id=correlation_id)
        checked = [_checked(request) for request in requests]
        valid = [item for item in checked if isinstance(item, RetireRequest)]
        written = iter(await self._store.write_each([self._work(r, context) for r in valid]))
        results: list[RetireResult | _Already | RetireRefused] = [
            item if isinstance(item, InvalidInput) else next(written) for item in checked
        ]
        await self._keep_refused(requests, results, correlation_id)
        return await self._with_status(results)

    def _work(
        self, request: RetireRequest, context: AuditContext
    ) -> Callable[[StoreTransaction], Awaitable[_Written]]:
        key = request.key

        async def work(tx: StoreTransaction) -> _Written:
            now = self._clock()
            found = await tx.get_source(key)
            if found is None:
                return SourceNotFound(key.system, str(key.entity_type), key.source_id)
            stored, membership = found
            if membership.retired is not None:
                return _Already(key, membership.golden_id, membership.retired)
            retirement = Retirement(now, request.observed_at or now, request.reason)
            if not await tx.retire_source(key, retirement):
                # A concurrent retirement of the same record committed first.
                return await _already(tx, key)
            view = await tx.golden_for_update(membership.golden_id)
            if view is None:  # pragma: no cover - a member's golden record always exists
                raise NotFound(f"golden record {membership.golden_id} does not exist")
            await self._golden.apply(
                tx, view, now, only_if_changed=False, context=context, source=key
            )
            status = status_of(len(view.members))
            golden_id = view.golden.id
            entry = _retired_entry(
                key, golden_id, stored.version, (view.golden.status, status), retirement, context
            )
            await record_change(tx, [entry])  # last: the chain head is locked until commit
            return RetireResult(key, golden_id, RetireOutcome.RETIRED, status, retirement)

        return work

    async def _keep_refused(
        self,
        requests: Sequence[RetireRequest],
        results: Sequence[object],
        correlation_id: str | None,
    ) -> None:
        """Nothing sent is lost: a refused retirement is kept in the reject queue."""
        now = self._clock()
        rejects = [
            RejectedRecord(now, _payload(request), _problems(result), correlation_id)
            for request, result in zip(requests, results, strict=True)
            if isinstance(result, SourceNotFound | InvalidInput)
        ]
        if rejects:
            await self._store.record_rejects(rejects)

    async def _with_status(
        self, results: Sequence[RetireResult | _Already | RetireRefused]
    ) -> list[RetireResult | RetireRefused]:
        """Records found retired already answer with their golden record's status now."""
        already = [result for result in results if isinstance(result, _Already)]
        resolved = await self._store.resolve_many([a.key for a in already]) if already else []
        status = {
            a.key: found.status if found else GoldenStatus.RETIRED
            for a, found in zip(already, resolved, strict=True)
        }
        return [
            RetireResult(
                r.key, r.golden_id, RetireOutcome.ALREADY_RETIRED, status[r.key], r.retirement
            )
            if isinstance(r, _Already)
            else r
            for r in results
        ]


def _checked(request: RetireRequest) -> RetireRequest | InvalidInput:
    """The request with its reason trimmed (blank: none) and its moment in UTC, or why not."""
    reason = request.reason
    if reason is not None:
        try:
            reason = _REASON.validate_python(reason, strict=True) or None
        except ValidationError as exc:
            reason_problem = pydantic_reason(exc.errors(include_url=False)[0])
            return RecordRejected(request.key.label(), [Problem("reason", reason_problem)])
    observed = request.observed_at
    if observed is not None:
        # As for records: a moment sent without an offset is taken to be UTC.
        observed = observed.replace(tzinfo=UTC) if observed.tzinfo is None else observed
        observed = observed.astimezone(UTC)
    return RetireRequest(request.key, reason, observed)


async def _already(tx: StoreTransaction, key: SourceKey) -> _Already:
    found = await tx.get_source(key)
    if found is None or found[1].retired is None:  # pragma: no cover - records stay
        raise NotFound(f"source record {key} is neither live nor retired")
    return _Already(key, found[1].golden_id, found[1].retired)


def _payload(request: RetireRequest) -> dict[str, Any]:
    key = request.key
    return {
        "operation": "retire",
        "system": key.system,
        "entityType": str(key.entity_type),
        "sourceId": key.source_id,
        "reason": request.reason,
        "observedAt": request.observed_at.isoformat() if request.observed_at else None,
    }


def _problems(refused: object) -> tuple[Problem, ...]:
    if isinstance(refused, InvalidInput):
        return tuple(refused.problems)
    return (Problem("sourceId", str(refused)),)


def _retired_entry(
    key: SourceKey,
    golden_id: str,
    source_version: int,
    statuses: tuple[GoldenStatus, GoldenStatus],
    retirement: Retirement,
    context: AuditContext,
) -> AuditEntry:
    """The event of a retirement: the golden record's status before and after, when the
    system retired the record (observedAt), and the reason as the event's reason."""
    before, after = statuses
    return AuditEntry(
        retirement.recorded_at,
        context,
        Action.SOURCE_RETIRED,
        (golden_id, source_subject(key)),
        {"goldenId": golden_id, "sourceVersion": source_version, "goldenStatus": str(before)},
        {
            "goldenId": golden_id,
            "goldenStatus": str(after),
            "retiredAt": iso_text(retirement.recorded_at),
            "observedAt": iso_text(retirement.observed_at),
        },
        retirement.reason,
    )


def revived_entry(
    record: IncomingRecord,
    stored: StoredSource,
    membership: Membership,
    result: UpsertResult,
    now: datetime,
    context: AuditContext,
) -> AuditEntry:
    """The event of a retired record sent again: live again in `result.golden_id`, with the
    content sent (a new version when it changed)."""
    retired = membership.retired
    return AuditEntry(
        now,
        context,
        Action.SOURCE_REVIVED,
        (result.golden_id, source_subject(record.key)),
        {
            "goldenId": membership.golden_id,
            "sourceVersion": stored.version,
            "contentHash": stored.content_hash,
            "retiredAt": iso_text(retired.recorded_at) if retired else None,
        },
        {
            "goldenId": result.golden_id,
            "sourceVersion": result.source_version,
            "contentHash": record.content_hash,
            "attributes": record.attributes,
        },
    )
