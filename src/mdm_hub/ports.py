"""What the services need from the outside world, as Protocols. Adapters implement them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    Membership,
    RejectedRecord,
    Resolution,
    SourceKey,
    StoredCandidate,
    StoredSource,
)

T = TypeVar("T")

Clock = Callable[[], datetime]
GoldenIdFactory = Callable[[EntityType], str]


class StoreTransaction(Protocol):
    """Reads and writes inside one atomic transaction. Work given to `Store.write` may be run
    more than once (transient failures are retried), so it must only act through this object."""

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        """The current version of a source record and its membership, or None if unknown."""

    async def lock_keys(self, keys: Sequence[str]) -> None:
        """Serialise concurrent writers that share any of these strong keys until commit."""

    async def candidates(
        self, entity_type: EntityType, keys: Sequence[str], per_key_limit: int, top_k: int
    ) -> list[StoredCandidate]:
        """Source records (with their golden records) sharing any of these keys: at most
        `per_key_limit` per key, the `top_k` sharing most keys (ties: oldest golden first)."""

    async def separations(
        self, key: SourceKey, golden_ids: Sequence[str]
    ) -> tuple[set[str], set[frozenset[str]]]:
        """Steward not-a-match decisions that touch these golden records: the goldens `key`
        must not join, and the pairs of goldens that must not merge."""

    async def record_not_a_match(self, key: SourceKey, other: SourceKey, at: datetime) -> None:
        """Remember that two source records are not the same thing (idempotent)."""

    async def merge_golden(self, loser_id: str, survivor_id: str, at: datetime) -> None:
        """Move every member of `loser_id` to `survivor_id`; the loser keeps its ID and
        resolves to the survivor (MERGED_INTO)."""

    async def add_match_candidate(self, candidate: MatchCandidate) -> None:
        """Queue a match candidate for the stewards."""

    async def create_golden(self, golden_id: str, entity_type: EntityType, at: datetime) -> None:
        """A new golden record with no attributes yet (version 0)."""

    async def put_source(self, record: StoredSource, strong_keys: Sequence[str]) -> None:
        """Insert a source record, or store a new version of it; keep every version."""

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        """Make `key` a member of exactly one golden record."""

    async def members(self, golden_id: str) -> list[StoredSource]:
        """Current versions of every member source record of a golden record."""

    async def golden_for_update(self, golden_id: str) -> GoldenView | None:
        """Lock the golden record until commit, then read it with its members and override
        history (None if unknown). Whoever recomputes a golden record reads through this, so
        concurrent writers to one golden record cannot overwrite each other's result."""

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


class Store(Protocol):
    """The persistent store: Neo4j in production, SQLite embedded for zero set-up."""

    async def open(self) -> None:
        """Connect and apply the schema idempotently."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        """Run `work` in one transaction; commit if it returns, roll back if it raises."""

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        """Resolve every key in one round trip; the answer is in input order."""

    async def get_golden(self, golden_id: str) -> GoldenView | None:
        """A golden record and its members; a merged-away ID answers with its survivor."""

    async def get_match_candidate(self, candidate_id: str) -> MatchCandidate | None: ...

    async def list_match_candidates(
        self,
        status: CandidateStatus | None,
        entity_type: EntityType | None,
        first: int,
        after: str | None,
    ) -> list[MatchCandidate]:
        """Candidates oldest first, after the candidate with ID `after` (keyset paging)."""

    async def golden_ids(self, entity_type: EntityType, after: str, limit: int) -> list[str]:
        """A page of golden IDs of one entity type, in ID order, each greater than `after`
        ("" for the first page): keyset paging that never holds every ID in memory."""

    async def count_goldens(self, entity_type: EntityType, stale_for: str | None = None) -> int:
        """How many golden records of one entity type there are; with `stale_for`, only those
        not computed by the rule set with that hash."""

    async def source_versions(self, key: SourceKey) -> list[StoredSource]:
        """Every version ever stored of a source record, oldest first."""

    async def record_rejects(self, rejects: Sequence[RejectedRecord]) -> None:
        """Keep rejected input with its reasons (outside any master-data transaction)."""

    async def list_rejects(self, limit: int) -> list[RejectedRecord]:
        """The most recent rejected records, newest first."""
