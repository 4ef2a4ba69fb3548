"""Query and Mutation: thin resolvers that validate arguments and call the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from mdm_hub.api.auth.scopes import require_systems
from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.key_types import ApiKey, CreatedApiKey
from mdm_hub.api.graphql.listing_types import Connection, PendingReference
from mdm_hub.api.graphql.scalars import CandidateStatus, EntityType, Role
from mdm_hub.api.graphql.types import (
    GoldenRecord,
    MatchCandidate,
    MatchExplanation,
    RejectedRecord,
    Resolution,
    SourceRecordInput,
    SourceRefInput,
    UpsertResult,
)
from mdm_hub.api.graphql.upsert_metrics import count_upserts
from mdm_hub.domain.attributes import SYSTEM_CODE_MAX
from mdm_hub.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from mdm_hub.domain.records import SourceKey, utc_now
from mdm_hub.domain.text import check_encodable
from mdm_hub.errors import InvalidInput, Problem, RecordRejected
from mdm_hub.matching.explain import explanation_to_dict
from mdm_hub.services.ingest import RawRecord

MAX_GOLDEN_ID = 128

AppInfo = Info[Context, None]


def _key(system: str, entity_type: EntityType, source_id: str, prefix: str = "") -> SourceKey:
    try:
        return SourceKey.parse(system, entity_type.value, source_id)
    except RecordRejected as exc:
        problems = [Problem(prefix + p.field, p.reason) for p in exc.problems]
        raise InvalidInput(problems) from None


def _keys(refs: list[SourceRefInput], field: str) -> list[SourceKey]:
    """The refs' keys; a bad one is refused naming its place (`refs[3].sourceId`)."""
    try:
        return [SourceKey.parse(r.system, r.entity_type.value, r.source_id) for r in refs]
    except RecordRejected:
        # Named only now: a place's text for each of 1,000 good refs cost more than parsing.
        for index, ref in enumerate(refs):
            _key(ref.system, ref.entity_type, ref.source_id, prefix=f"{field}[{index}].")
        raise


def _golden_id(value: strawberry.ID, field: str) -> str:
    if not 0 < len(value) <= MAX_GOLDEN_ID:
        raise InvalidInput([Problem(field, f"must be 1 to {MAX_GOLDEN_ID} characters")])
    try:
        check_encodable(str(value))
    except ValueError as exc:
        raise InvalidInput([Problem(field, str(exc))]) from None
    return str(value)


def _page(first: int) -> int:
    if not 0 < first <= MAX_PAGE_SIZE:
        raise InvalidInput([Problem("first", f"must be 1 to {MAX_PAGE_SIZE}")])
    return first


def _system(system: str | None) -> str | None:
    if system is not None and not 0 < len(system) <= SYSTEM_CODE_MAX:
        raise InvalidInput([Problem("system", f"must be 1 to {SYSTEM_CODE_MAX} characters")])
    return system


def _raw(record: SourceRecordInput) -> RawRecord:
    return RawRecord(
        system=record.system,
        entity_type=record.entity_type.value,
        source_id=record.source_id,
        attributes=record.attributes,
        observed_at=record.observed_at,
    )


@strawberry.type
class Query:
    @strawberry.field(description="The golden record a source ID belongs to; null when unknown.")
    async def resolve(
        self, info: AppInfo, system: str, entity_type: EntityType, source_id: str
    ) -> Resolution | None:
        require_systems(info.context.principal, "resolve", [system])
        key = _key(system, entity_type, source_id)
        found = await info.context.services.resolve.resolve(key)
        return Resolution.of(found, key) if found else None

    @strawberry.field(
        description="Resolve up to 1000 refs in one store round trip; answers in input order."
    )
    async def resolve_many(
        self, info: AppInfo, refs: list[SourceRefInput]
    ) -> list[Resolution | None]:
        require_systems(info.context.principal, "resolveMany", [ref.system for ref in refs])
        keys = _keys(refs, "refs")
        found = await info.context.services.resolve.resolve_many(keys)
        return [Resolution.of(r, k) if r else None for r, k in zip(found, keys, strict=True)]

    @strawberry.field(
        description=(
            "A golden record with its attributes and crosswalk. With asOf: as it stood then, "
            "replayed from the audit log (members and their versions then, pins then, current "
            "rules; version reads 0); null if it did not exist yet."
        )
    )
    async def golden_record(
        self, info: AppInfo, id: strawberry.ID, as_of: datetime | None = None
    ) -> GoldenRecord | None:
        golden_id = _golden_id(id, "id")
        if as_of is not None:
            at = as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
            past = await info.context.services.history.golden_as_of(golden_id, at)
            return GoldenRecord.of(past) if past else None
        view = await info.context.services.resolve.golden_record(golden_id)
        return GoldenRecord.of(view) if view else None

    @strawberry.field(description="Records queued for steward review, oldest first.")
    async def match_candidates(
        self,
        info: AppInfo,
        status: CandidateStatus | None = CandidateStatus.OPEN,
        entity_type: EntityType | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MatchCandidate]:
        page = await info.context.services.review.match_candidates(
            status, entity_type, _page(first), after
        )
        return Connection.of(page, MatchCandidate.of)

    @strawberry.field(description="One match candidate, open or decided; null when unknown.")
    async def match_candidate(self, info: AppInfo, id: strawberry.ID) -> MatchCandidate | None:
        found = await info.context.services.store.get_match_candidate(_golden_id(id, "id"))
        return MatchCandidate.of(found) if found else None

    @strawberry.field(
        description="How a source record compares with a golden record, attribute by attribute."
    )
    async def explain_match(
        self, info: AppInfo, source: SourceRefInput, golden_id: strawberry.ID
    ) -> MatchExplanation:
        key = _key(source.system, source.entity_type, source.source_id, prefix="source.")
        scored = await info.context.services.review.explain(key, str(golden_id))
        return MatchExplanation.of(explanation_to_dict(scored.explanation))

    @strawberry.field(
        description="Golden records of one entity type, oldest first, by page; with "
        "updatedSince, only those whose version moved at or after that time (merged-away IDs "
        "are left out: the change feed tells of merges). A key limited to some systems sees "
        "only golden records holding a member of them."
    )
    async def golden_records(
        self,
        info: AppInfo,
        entity_type: EntityType,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        updated_since: datetime | None = None,
    ) -> Connection[GoldenRecord]:
        principal = info.context.principal
        systems = principal.systems if principal is not None else None
        page = await info.context.services.store.list_goldens(
            entity_type,
            _page(first),
            after,
            updated_since,
            sorted(systems) if systems is not None else None,
        )
        return Connection.of(page, GoldenRecord.of)

    @strawberry.field(
        description=(
            "References to records the hub has not seen yet, oldest first, by page; with "
            "`system`, only those whose referring record or target is of that system."
        )
    )
    async def pending_references(
        self,
        info: AppInfo,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        system: str | None = None,
    ) -> Connection[PendingReference]:
        page = await info.context.services.store.pending_references(
            _page(first), after, _system(system)
        )
        now = utc_now()
        return Connection.of(page, lambda pending: PendingReference.of(pending, now))

    @strawberry.field(
        description=(
            "Records that failed validation, newest first; with `system`, only those that name "
            "that system."
        )
    )
    async def rejected_records(
        self, info: AppInfo, first: int = 50, system: str | None = None
    ) -> list[RejectedRecord]:
        rejects = await info.context.services.store.list_rejects(_page(first), _system(system))
        return [RejectedRecord.of(r) for r in rejects]

    @strawberry.field(description="Every API key, revoked and expired ones too (admins).")
    async def api_keys(self, info: AppInfo) -> list[ApiKey]:
        return [ApiKey.of(key) for key in await info.context.services.api_keys.list()]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Idempotent upsert of one source record.")
    async def upsert_source_record(self, info: AppInfo, input: SourceRecordInput) -> UpsertResult:
        require_systems(info.context.principal, "upsertSourceRecord", [input.system])
        try:
            result = await info.context.services.ingest.upsert(
                _raw(input), correlation_id=info.context.correlation_id, audit=info.context.audit
            )
        except RecordRejected as rejected:
            count_upserts(info.context.services, [input], [rejected])
            raise
        count_upserts(info.context.services, [input], [result])
        return UpsertResult.of(result)

    @strawberry.mutation(
        description=(
            "Upsert up to 1000 source records. A bad record gets null and an error whose path "
            "names its index; it does not stop the others."
        )
    )
    async def upsert_source_records(
        self, info: AppInfo, inputs: list[SourceRecordInput]
    ) -> list[UpsertResult | None]:
        systems = [record.system for record in inputs]
        require_systems(info.context.principal, "upsertSourceRecords", systems)
        outcomes = await info.context.services.ingest.upsert_many(
            [_raw(record) for record in inputs],
            correlation_id=info.context.correlation_id,
            audit=info.context.audit,
        )
        count_upserts(info.context.services, inputs, outcomes)
        # graphql-core turns an Exception in a list into an error at that item's path.
        return cast(
            list[UpsertResult | None],
            [o if isinstance(o, RecordRejected) else UpsertResult.of(o) for o in outcomes],
        )

    @strawberry.mutation(
        description=(
            "Pin a golden attribute to a value until clearOverride; recomputation keeps it. Its "
            "provenance reads rule STEWARD with the actor (the key's name or the token's subject) "
            "and the reason. expectedVersion is the golden record's version as read: a stale "
            "one fails with VERSION_CONFLICT."
        )
    )
    async def override_attribute(
        self,
        info: AppInfo,
        golden_id: strawberry.ID,
        attribute: str,
        value: JSON,
        expected_version: int,
        reason: str,
    ) -> GoldenRecord:
        view = await info.context.services.overrides.override_attribute(
            _golden_id(golden_id, "goldenId"),
            attribute,
            value,
            expected_version,
            reason,
            info.context.actor,
            audit=info.context.audit,
        )
        return GoldenRecord.of(view)

    @strawberry.mutation(
        description=(
            "Remove a steward's pin: the attribute's rule decides again. expectedVersion is the "
            "golden record's version as read: a stale one fails with VERSION_CONFLICT."
        )
    )
    async def clear_override(
        self,
        info: AppInfo,
        golden_id: strawberry.ID,
        attribute: str,
        expected_version: int,
        reason: str,
    ) -> GoldenRecord:
        view = await info.context.services.overrides.clear_override(
            _golden_id(golden_id, "goldenId"),
            attribute,
            expected_version,
            reason,
            info.context.actor,
            audit=info.context.audit,
        )
        return GoldenRecord.of(view)

    @strawberry.mutation(description="A new API key; its token is shown in this answer only.")
    async def create_api_key(
        self,
        info: AppInfo,
        name: str,
        role: Role,
        systems: list[str] | None = None,
        expires_in_days: int | None = None,
    ) -> CreatedApiKey:
        expires_in = timedelta(days=expires_in_days) if expires_in_days is not None else None
        key, token = await info.context.services.api_keys.create(name, role, systems, expires_in)
        return CreatedApiKey(key=ApiKey.of(key), token=token)

    @strawberry.mutation(description="Revoke a key by its prefix; it stops working at once.")
    async def revoke_api_key(self, info: AppInfo, prefix: str) -> ApiKey:
        return ApiKey.of(await info.context.services.api_keys.revoke(prefix))
