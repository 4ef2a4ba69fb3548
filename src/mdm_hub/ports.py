"""What the services need from the outside world, as Protocols. Adapters implement them.

The store is split by what it is for (crosswalk and ingest, golden reads, the graph, the audit
log, API keys, the stewards' queues); `Store` and `StoreTransaction` are their unions, which each
adapter implements whole, one mixin per part where the part stands alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from mdm_hub.domain.access import ApiKey
from mdm_hub.domain.audit import AuditEntry, AuditEvent, IndexFaults
from mdm_hub.domain.changes import ChangeEntry, ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideEvent
from mdm_hub.domain.paging import Page
from mdm_hub.domain.queues import QueueSizes
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateDecision,
    CandidateStatus,
    GoldenValues,
    GoldenView,
    MatchCandidate,
    Membership,
    ReferenceLookup,
    RejectedRecord,
    Resolution,
    SourceKey,
    StoredCandidate,
    StoredSource,
)
from mdm_hub.domain.reference import QueuedCode, UnmappedCode
from mdm_hub.domain.relationships import (
    Direction,
    HierarchyStep,
    LinkedReference,
    PendingReference,
    ReferenceChanges,
    Relationship,
    RelationshipType,
)
from mdm_hub.domain.retirement import GoldenStatus, Retirement
from mdm_hub.domain.search import SearchText
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.errors import RecordRejected
from mdm_hub.write_watch import WriteWatch

T = TypeVar("T")
Work = Callable[["StoreTransaction"], Awaitable[T]]


@dataclass(frozen=True)
class WorkHint:
    """What one upsert given to `Store.write_each` will ask first: its source record's stored
    version; when none is stored, the candidates of its match keys (`per_key_limit` records a
    key at most, the `top_k` heaviest of them weighed; None: any it finds) and the counts of
    its `terms` (term frequency). Its match keys are written unless the stored version has
    `content_hash` already. A store may read and lock these for a whole group at once; the
    answers must be those each work would get asking when it runs."""

    source: SourceKey
    content_hash: str
    keys: tuple[str, ...]
    per_key_limit: int
    terms: tuple[str, ...] = ()
    top_k: int | None = None


Clock = Callable[[], datetime]
GoldenIdFactory = Callable[[EntityType], str]


class CrosswalkWrites(Protocol):
    """Source records, their memberships and golden records, written inside a transaction:
    what ingest, merges, unmerges, overrides, retirement and recompute change.

    Retirement: a retired record keeps its membership (lineage, resolve) but is no live member:
    not in `members` or a view's `members` (so not in survivorship), not a match candidate.
    Memberships move as before (merges carry retired members along)."""

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        """The current version of a source record and its membership, or None if unknown."""

    async def lock_keys(self, keys: Sequence[str]) -> None:
        """Serialise concurrent writers that share any of these strong keys until commit."""

    async def candidates(
        self,
        entity_type: EntityType,
        keys: Sequence[str],
        per_key_limit: int,
        top_k: int,
        references: Sequence[ReferenceLookup] = (),
    ) -> list[StoredCandidate]:
        """Source records (with their golden records) sharing any of these keys, the `top_k`
        heaviest first. Each reference key is one more key: the live records of
        `entity_type` whose reference attribute points at a member of the golden record its
        target belongs to now (none while the target is not stored). Each key reads at most
        `per_key_limit` records and weighs
        `key_weights(per_key_limit)[hits]` by how many it read (rarer keys weigh more); a
        record weighs the sum over the keys it shares. Order: weight, then shared keys, then
        a stable order of the store's own. Keys name their entity type (`prepare` scopes
        them), so a store may rank on the keys alone and drop other types afterwards.
        The keys are locked first, as `lock_keys` does, so concurrent records that could match
        each other serialise: two systems posting the same thing at once cannot both start a
        golden record."""

    async def separations(
        self, key: SourceKey, golden_ids: Sequence[str]
    ) -> tuple[set[str], set[frozenset[str]]]:
        """Steward not-a-match decisions that touch these golden records: the goldens `key`
        must not join, and the pairs of goldens that must not merge."""

    async def record_not_a_match(self, key: SourceKey, other: SourceKey, at: datetime) -> None:
        """Remember that two source records are not the same thing (idempotent)."""

    async def create_golden(
        self,
        golden_id: str,
        entity_type: EntityType,
        at: datetime,
        first: GoldenValues | None = None,
    ) -> None:
        """A new golden record: with no attributes yet (version 0), or with its `first` values
        (version 1, as `update_golden` at `at` would leave it), saving a write."""

    async def put_source(
        self,
        record: StoredSource,
        strong_keys: Sequence[str],
        membership: Membership | None = None,
    ) -> None:
        """Insert a source record, or store a new version of it; keep every version. With
        `membership`, the record also joins that golden record (as `set_membership` does)."""

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        """Make `key` a member of exactly one golden record."""

    async def members(self, golden_id: str) -> list[StoredSource]:
        """Current versions of every live (not retired) member source record of a golden
        record."""

    async def term_counts(self, keys: Sequence[str]) -> list[int]:
        """How many records hold each term key (term-frequency adjustment), in input order;
        0 for a key never counted."""

    async def count_terms(self, changes: Mapping[str, int]) -> None:
        """Move term counts by these amounts (key: +1 for a value that arrived, -1 for one
        that left)."""

    async def golden_ids_of(self, keys: Sequence[SourceKey]) -> list[str | None]:
        """The golden record each source record belongs to now (retired ones too), in input
        order; None for a record the hub has not seen. One read for the whole list: matching
        resolves every reference of a record and its candidates at once."""

    async def golden_names(self, golden_ids: Sequence[str]) -> list[str | None]:
        """Each golden record's name as survivorship chose it (a person's given and family
        names), in input order; None for one without a name or not stored. One read."""

    async def referrer_goldens(
        self, targets: Sequence[SourceKey], referrer_type: EntityType, attribute: str
    ) -> list[list[str]]:
        """For each target, in input order, the golden records of the live `referrer_type`
        records whose `attribute` names it (linked or still parked: a target not stored yet
        has referrers too), each once. One read for the whole list."""

    async def merge_golden(
        self, loser_id: str, survivor_id: str, at: datetime, decided_by: str | None = None
    ) -> None:
        """Move every member of `loser_id` to `survivor_id`; the loser keeps its ID and
        resolves to the survivor (MERGED_INTO). The moved memberships are marked decided by
        `decided_by` (default `merge:<loser>`). NotFound if the loser was already merged."""

    async def revive_golden(self, golden_id: str, at: datetime) -> None:
        """Undo a merge of `golden_id` itself: drop its MERGED_INTO, so it answers as itself
        again (its members are moved back separately). NotFound unless it is merged away."""

    async def retire_source(self, key: SourceKey, retirement: Retirement) -> bool:
        """Retire a live source record; False (nothing written) when it was retired already.
        Serialised per record, so two concurrent retirements cannot both answer True.
        NotFound if there is no such record."""

    async def revive_source(self, key: SourceKey) -> bool:
        """Make a retired source record live again, in the golden record it is a member of,
        and a match candidate again; False (nothing written) when it was not retired.
        NotFound if there is no such record."""

    async def set_golden_status(self, golden_id: str, status: GoldenStatus) -> None:
        """Record whether the golden record has a live member (ACTIVE) or none (RETIRED).
        NotFound if there is no such golden record."""

    async def golden_for_update(
        self, golden_id: str, *, with_values: bool = True
    ) -> GoldenView | None:
        """Lock the golden record until commit, then read it with its members and override
        history (None if unknown). Whoever recomputes a golden record reads through this, so
        concurrent writers to one golden record cannot overwrite each other's result.
        `with_values=False` skips decoding its current values (`golden.attributes` comes back
        empty), for a caller that recomputes and writes them whatever they were."""

    async def add_override_event(self, golden_id: str, event: OverrideEvent) -> None:
        """Append a steward action to the golden record's override history."""

    async def update_golden(
        self,
        golden_id: str,
        attributes: Sequence[AttributeValue],
        at: datetime,
        rule_set_hash: str,
    ) -> int:
        """Replace the golden attributes, record the hash of the rules that computed them, and
        bump its version; return the new version."""


class GraphWrites(Protocol):
    """Relationships. A source record's references are kept on it (the truth, with
    provenance); edges between golden records are derived from them through the crosswalk and
    kept in step by these operations."""

    async def put_references(
        self, record: StoredSource, changes: ReferenceChanges
    ) -> list[str | None]:
        """Drop the references `changes` replaces or retracts, then store the ones it asserts,
        with this version as provenance: each points at its target record when the hub knows
        it, else it is parked as pending. Returns, per asserted reference in order, the target's
        golden ID (None while pending). Edges are not touched: see sync_relationships."""

    async def link_pending(self, target: SourceKey) -> list[LinkedReference]:
        """Point every reference parked for `target` (stored by now) at it; return them."""

    async def awaiting(self, target: SourceKey) -> list[LinkedReference]:
        """The references parked for `target`, as `link_pending` would return them, without
        pointing them at it (`target` need not be stored yet)."""

    async def sync_relationships(self, golden_ids: Sequence[str]) -> None:
        """Re-derive the outgoing edges of these golden records from their members' resolved
        references: one edge per (from, type, to) whoever asserts it, and none from a golden
        record to itself."""

    async def hierarchy_path(
        self, from_id: str, to_id: str, relationship: RelationshipType
    ) -> list[str] | None:
        """The shortest chain of `relationship` edges from one golden record to another, as
        golden IDs from `from_id` to `to_id`; None when there is none."""

    async def merge_relationships(self, loser_id: str, survivor_id: str) -> None:
        """For a merge, after the loser's members moved to the survivor: every edge of the
        loser, both directions, moves to the survivor. An edge the survivor already has is not
        doubled; an edge between the two would be a self-loop and is dropped (its reference
        stays on its source record, so an unmerge brings it back). NotFound if either is
        missing."""

    async def move_relationships(self, moved: Sequence[SourceKey], from_golden_id: str) -> None:
        """For an unmerge or split, after `moved` left `from_golden_id`: the edges they assert,
        and the edges pointing at them as targets, follow them to their new golden records."""


class QueueWrites(Protocol):
    """The stewards' queues, written inside a transaction: match candidates, and the
    unmapped codes (values a code set's mappings did not turn into a code)."""

    async def add_match_candidate(self, candidate: MatchCandidate) -> None:
        """Queue a match candidate for the stewards."""

    async def open_candidates_for(self, keys: Sequence[SourceKey]) -> list[MatchCandidate]:
        """The OPEN match candidates of these source records, oldest first."""

    async def decide_match_candidate(
        self, candidate_id: str, status: CandidateStatus, decision: CandidateDecision
    ) -> bool:
        """Close an OPEN match candidate with a steward's decision; False (nothing written)
        when it was already decided. NotFound if there is no such candidate."""

    async def count_unmapped_codes(self, codes: Sequence[UnmappedCode], at: datetime) -> None:
        """Count each of `codes` once more (listed twice, it counts twice): a code new to the
        queue is first seen at `at`; every one is last seen at `at` (unless seen later)."""

    async def drop_unmapped_codes(self, codes: Sequence[UnmappedCode]) -> int:
        """Take these codes off the queue (a mapping covers them now); return how many were
        on it."""


class AuditAppend(Protocol):
    """The audit chain's one write: events committed with (and only with) the change
    they record."""

    async def append_audit(self, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
        """Append events to the audit chain, committed with (and only with) this transaction.
        Serialised on the chain head, so seqs have no gaps and each prevHash is the previous
        event's hash. Call it last in the transaction: it holds the head's lock until commit.
        The log is append-only: there is no way to change or remove an event."""


class OutboxAppend(Protocol):
    """The outbox's one write: change events committed with (and only with) the change."""

    async def append_changes(self, changes: Sequence[ChangeEntry]) -> None:
        """Record change events in this transaction. They are written when the work is done,
        all at once and in causal order (domain/changes.py), each with the next position and
        its golden record's entity type and version as the transaction leaves them; a
        transaction that rolls back leaves none."""


class StoreTransaction(
    CrosswalkWrites, GraphWrites, QueueWrites, AuditAppend, OutboxAppend, Protocol
):
    """Reads and writes inside one atomic transaction. Work given to `Store.write` may be run
    more than once (transient failures are retried), so it must only act through this object."""


class StoreLifecycle(Protocol):
    """Opening and closing the store, and running transactions."""

    # This process's `write` transactions (those of `write_each` too), counted as they end.
    writes: WriteWatch

    async def open(self) -> None:
        """Connect and apply the schema idempotently."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers (/readyz); the embedded store also
        checks that its file is still there and takes a write."""

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        """Run `work` in one transaction; commit if it returns, roll back if it raises."""

    async def write_each(
        self, works: Sequence[Work[T]], hints: Sequence[WorkHint] | None = None
    ) -> list[T | RecordRejected]:
        """Run each work in turn, each all-or-nothing, as `write` would, in order: a work
        that raises RecordRejected changes nothing and its slot holds the rejection. A store
        may commit several works at once (group commit). Any other error is raised; the works
        before it stay written. `hints`, one per work, say what each will read first (a store
        may prefetch it per group, or ignore them)."""


class GoldenReads(Protocol):
    """Resolving source IDs and reading golden records and source versions."""

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        """Resolve every key in one round trip; the answer is in input order."""

    async def get_golden(self, golden_id: str) -> GoldenView | None:
        """A golden record and its members; a merged-away ID answers with its survivor."""

    async def get_goldens(self, golden_ids: Sequence[str]) -> list[GoldenView | None]:
        """Golden records with their crosswalks in one round trip, in input order."""

    async def list_goldens(
        self,
        entity_type: EntityType,
        limit: int,
        after: str | None,
        updated_since: datetime | None = None,
        systems: Sequence[str] | None = None,
    ) -> Page[GoldenView]:
        """Golden records of one entity type, oldest first, resuming after a page cursor;
        with `updated_since`, only those whose version moved at or after it; with `systems`,
        only those holding a member (live or retired) from one of them, as `changes` does."""

    async def golden_ids(self, entity_type: EntityType, after: str, limit: int) -> list[str]:
        """A page of golden IDs of one entity type, in ID order, each greater than `after`
        ("" for the first page): keyset paging that never holds every ID in memory."""

    async def count_goldens(self, entity_type: EntityType, stale_for: str | None = None) -> int:
        """How many golden records of one entity type there are; with `stale_for`, only those
        not computed by the rule set with that hash."""

    async def source_versions(self, key: SourceKey) -> list[StoredSource]:
        """Every version ever stored of a source record, oldest first."""


class GraphReads(Protocol):
    """Edges between golden records, hierarchies, and references still pending."""

    async def search_goldens(
        self, entity_type: EntityType, text: SearchText, pool: int, limit: int
    ) -> list[str]:
        """IDs of golden records of `entity_type` some member of which matches `text` in the
        store's full-text index (by source ID or values, fuzzily), best first: at most
        `limit`, from the index's best `pool` source records."""

    async def relationships(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType | None,
        direction: Direction,
    ) -> list[Relationship]:
        """Edges of these golden records in one direction (of one type, or all types), each
        with its provenance, in one round trip."""

    async def walk(
        self,
        golden_ids: Sequence[str],
        relationship: RelationshipType,
        direction: Direction,
        max_depth: int,
    ) -> list[HierarchyStep]:
        """Golden records reachable from each of these along `relationship` edges within
        `max_depth` steps (OUT: ancestors, IN: descendants), each once at its nearest depth."""

    async def pending_references(
        self, limit: int, after: str | None, system: str | None = None
    ) -> Page[PendingReference]:
        """References still waiting for their target, oldest first, after a page cursor; with
        `system`, only those whose referring record or target is of that system."""


class QueueReads(Protocol):
    """The stewards' queues: match candidates, rejected records (kept outside any
    master-data transaction) and unmapped codes."""

    async def get_match_candidate(self, candidate_id: str) -> MatchCandidate | None: ...

    async def queue_sizes(self) -> QueueSizes:
        """How many open match candidates, pending references, rejects and unmapped codes
        there are, in one round trip (read at every metrics scrape: counts only)."""

    async def list_match_candidates(
        self,
        status: CandidateStatus | None,
        entity_type: EntityType | None,
        first: int,
        after: str | None,
    ) -> list[MatchCandidate]:
        """Candidates oldest first, after the candidate with ID `after` (keyset paging)."""

    async def record_rejects(self, rejects: Sequence[RejectedRecord]) -> None:
        """Keep rejected input with its reasons (outside any master-data transaction)."""

    async def list_rejects(self, limit: int, system: str | None = None) -> list[RejectedRecord]:
        """The most recent rejected records, newest first; with `system`, only those whose
        payload names that system."""

    async def unmapped_codes(
        self,
        first: int,
        after: str | None,
        code_set: str | None = None,
        system: str | None = None,
    ) -> Page[QueuedCode]:
        """Queued unmapped codes with their counts, first seen first, resuming after a page
        cursor; only one code set's or one system's when given."""


class AuditLog(Protocol):
    """The audit log, read (append-only; events are written by AuditAppend.append_audit)."""

    async def audit_head(self) -> tuple[int, str] | None:
        """The chain head as stored: the last seq and its hash (None before any event)."""

    async def audit_events(self, after_seq: int, limit: int) -> list[AuditEvent]:
        """Events in seq order, each with seq greater than `after_seq` (keyset paging)."""

    async def audit_events_for(self, subject_ids: Sequence[str], limit: int) -> list[AuditEvent]:
        """Events naming any of these subject IDs, in seq order, at most `limit`."""

    async def audit_index_faults(self, limit: int) -> IndexFaults:
        """Where the lineage index (what audit_events_for reads by) disagrees with the
        events' subject IDs: entries missing and entries no event names, at most `limit`
        of each, in seq order."""


class AuditHeadRepair(AuditLog, Protocol):
    """The audit log, and the operator's one repair of it."""

    async def rewrite_audit_head(self, head: tuple[int, str]) -> None:
        """Store `head` (seq and hash) as the chain head; only for a chain just verified."""


class ChangeFeed(Protocol):
    """The outbox, read: change events in position order, and their pruning."""

    async def changes(
        self,
        after: int,
        limit: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
    ) -> list[ChangeEvent]:
        """Events with position greater than `after`, in position order, at most `limit`;
        only of these entity types, and only of golden records that hold a member (live or
        retired) from one of these systems, when given."""

    async def prune_changes(self, before: datetime) -> int:
        """Delete events recorded before `before`; return how many."""

    async def last_change_position(self) -> int:
        """The position of the latest event ever appended (0: none yet), pruned or not: a
        live consumer starting now follows from here."""


class WebhookStore(Protocol):
    """Webhook subscribers, their delivery cursors and dead letters (outside any master-data
    transaction). Several dispatchers may run: each subscriber is served by whoever holds its
    lease, and a cursor moves only for the lease holder."""

    async def put_webhook(self, webhook: Webhook) -> None:
        """Store a new subscriber; StoreError if its ID is taken."""

    async def list_webhooks(self) -> list[Webhook]:
        """Every subscriber, oldest first."""

    async def delete_webhook(self, webhook_id: str) -> bool:
        """Remove a subscriber and its dead letters; False if there was none."""

    async def lease_webhook(
        self, webhook_id: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        """Take or renew the right to deliver to this subscriber until `until`; False while
        another owner holds a lease that has not expired at `now` (or no such subscriber)."""

    async def advance_webhook(
        self, webhook_id: str, owner: str, cursor: int, attempts: int
    ) -> bool:
        """Record the cursor and the failed attempts at the next event, if `owner` holds the
        lease; False (nothing written) otherwise."""

    async def put_dead_letter(self, letter: DeadLetter) -> None:
        """Keep (or replace) the dead letter of one event for one subscriber."""

    async def dead_letters(self, webhook_id: str) -> list[DeadLetter]:
        """A subscriber's dead letters in position order."""

    async def replay_dead_letters(self, webhook_id: str) -> int:
        """Queue every dead letter of a subscriber for delivery again; return how many."""

    async def drop_dead_letter(self, webhook_id: str, position: int) -> None:
        """A replayed event was delivered: forget its dead letter."""


class WebhookSender(Protocol):
    """Posts one delivery to a subscriber."""

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        """None when the subscriber took it (a 2xx answer); else why not (status or error)."""


class ApiKeyStore(Protocol):
    """API keys: only the public prefix and a hash of the secret are ever stored."""

    async def put_api_key(self, key: ApiKey) -> None:
        """Store a new key; StoreError if its prefix is taken."""

    async def get_api_key(self, prefix: str) -> ApiKey | None: ...

    async def list_api_keys(self) -> list[ApiKey]:
        """Every key, revoked and expired ones too, oldest first."""

    async def revoke_api_key(self, prefix: str, at: datetime) -> ApiKey | None:
        """Mark the key revoked at `at` (an earlier revocation stands); None if unknown."""


class Store(
    StoreLifecycle,
    GoldenReads,
    GraphReads,
    QueueReads,
    AuditHeadRepair,
    ChangeFeed,
    WebhookStore,
    ApiKeyStore,
    Protocol,
):
    """The persistent store: Neo4j in production, SQLite embedded for zero set-up. A service
    that needs only part of it asks for that part (an API-key service for an ApiKeyStore)."""
