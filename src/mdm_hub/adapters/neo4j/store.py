"""The Neo4j store: one AsyncDriver per process, Cypher from the catalog, schema at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncManagedTransaction,
    AsyncResult,
    AsyncSession,
)
from neo4j.exceptions import ClientError, ConstraintError, DriverError, Neo4jError

from mdm_hub.adapters.codecs.candidates import match_candidate_from_fields
from mdm_hub.adapters.codecs.rejects import (
    payload_system,
    payload_to_json,
    problems_to_json,
    reject_from_fields,
)
from mdm_hub.adapters.codecs.sources import stored_source_from_fields
from mdm_hub.adapters.codecs.values import golden_status_from_text
from mdm_hub.adapters.group_commit import write_in_groups
from mdm_hub.adapters.neo4j.api_keys import Neo4jApiKeys
from mdm_hub.adapters.neo4j.audit import Neo4jAuditLog
from mdm_hub.adapters.neo4j.bookmarks import ChainBookmarks
from mdm_hub.adapters.neo4j.catalog import CypherCatalog, Query
from mdm_hub.adapters.neo4j.connection import ConnectionPolicy, open_driver
from mdm_hub.adapters.neo4j.failures import store_failures
from mdm_hub.adapters.neo4j.graph_reads import Neo4jGraphReads
from mdm_hub.adapters.neo4j.outbox import Neo4jChangeFeed
from mdm_hub.adapters.neo4j.params import key_params
from mdm_hub.adapters.neo4j.search import lucene_query
from mdm_hub.adapters.neo4j.transaction import Neo4jTransaction
from mdm_hub.adapters.neo4j.unmapped_codes import Neo4jUnmappedCodeReads
from mdm_hub.adapters.neo4j.upgrades import upgrade_data
from mdm_hub.adapters.neo4j.webhooks import Neo4jWebhooks
from mdm_hub.domain.entity_types import EntityType, entity_type_from_text
from mdm_hub.domain.queues import QueueSizes
from mdm_hub.domain.records import (
    CandidateStatus,
    GoldenView,
    MatchCandidate,
    RejectedRecord,
    Resolution,
    SourceKey,
    StoredSource,
)
from mdm_hub.domain.search import SearchText
from mdm_hub.errors import RecordRejected, StoreError, StoreUnavailable
from mdm_hub.ports import StoreTransaction, Work, WorkHint
from mdm_hub.write_watch import WriteWatch

T = TypeVar("T")
log = logging.getLogger(__name__)

# A concurrent writer may create the same source record first; re-running the work then sees
# it and takes the update path. More attempts than this means something else is wrong.
CONSTRAINT_RETRIES = 3

SCHEMA_ALREADY_THERE = frozenset(
    {
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        "Neo.ClientError.Schema.IndexAlreadyExists",
        "Neo.ClientError.Schema.ConstraintAlreadyExists",
    }
)

# Works `write_each` commits together. The transaction holds new records' writes and sends
# them once per group (write_buffer.py), so a larger group costs fewer round trips per record;
# it also holds the audit chain's head (locked at the first record's end) for longer.
GROUP_COMMIT_SIZE = 100


class Neo4jStore(
    Neo4jGraphReads,
    Neo4jApiKeys,
    Neo4jUnmappedCodeReads,
    Neo4jAuditLog,
    Neo4jChangeFeed,
    Neo4jWebhooks,
):
    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        cypher_dir: Path | Traversable,
        database: str | None = None,
        policy: ConnectionPolicy | None = None,
    ) -> None:
        self._uri = uri
        self._auth = (user, password)
        self._database = database
        self._policy = policy
        self._read_timeout = policy.read_timeout if policy is not None else None
        self._catalog = CypherCatalog.load(cypher_dir)
        self._driver: AsyncDriver | None = None
        # Every session reads at or after the bookmarks of its caller's causal chain (its
        # request's, else the process's) and adds what it commits to them.
        self._bookmarks = ChainBookmarks()
        self.writes = WriteWatch()

    @property
    def catalog(self) -> CypherCatalog:
        return self._catalog

    @property
    def driver(self) -> AsyncDriver:
        if self._driver is None:
            raise StoreUnavailable("Neo4j store is not open")
        return self._driver

    async def open(self) -> None:
        """Connect (once) and apply the schema idempotently (every statement IF NOT EXISTS)."""
        if self._driver is not None:
            await self._apply_schema()
            return
        self._driver = open_driver(self._uri, self._auth, self._policy)
        try:
            await self.ping()
        except StoreUnavailable:
            await self.close()  # a later open() starts clean
            raise
        await self._apply_schema()

    async def _apply_schema(self) -> None:
        for name, statement in self._catalog.schema:
            log.debug("applying schema %s", name)
            try:
                with store_failures(self._uri):
                    await self.driver.execute_query(statement, database_=self._database)
            except ClientError as exc:
                # Processes starting together (serve --workers) race past IF NOT EXISTS: the
                # one that loses finds the rule made, which is what it wanted.
                if exc.code not in SCHEMA_ALREADY_THERE:
                    raise
                log.debug("schema %s was applied by another process", name)
        await upgrade_data(self._write_one)

    async def close(self) -> None:
        if self._driver is not None:
            await self._driver.close()
            self._driver = None

    async def ping(self) -> None:
        """Raise StoreUnavailable unless Neo4j answers and takes a write: ready means writes
        land too (a cluster without a leader, or a database that refuses writes, is reported,
        not only a server that is gone)."""
        try:
            with store_failures(self._uri):
                await self.driver.verify_connectivity()
            await self._write_one(Query.HEARTBEAT, now=datetime.now(UTC))
        except (Neo4jError, DriverError, OSError) as exc:  # credentials refused, and the like
            raise StoreUnavailable(f"Neo4j at {self._uri} refused the connection: {exc}") from exc

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        return await self._write(work, None)

    async def _write(
        self, work: Callable[[StoreTransaction], Awaitable[T]], hints: Sequence[WorkHint] | None
    ) -> T:
        with self.writes.writing():
            return await self._write_retrying(work, hints)

    async def _write_retrying(
        self, work: Callable[[StoreTransaction], Awaitable[T]], hints: Sequence[WorkHint] | None
    ) -> T:
        async def in_transaction(tx: AsyncManagedTransaction) -> T:
            store_tx = Neo4jTransaction(tx, self._catalog)
            if hints:
                await store_tx.prefetch(hints)  # the group's first reads, and its locks
            result = await work(store_tx)
            await store_tx.finish()  # the writes it held and its change events, before commit
            return result

        # execute_write sends the work to the leader and runs it again (a fresh transaction,
        # nothing of the failed one kept) on a transient error or a leader switch, for up to
        # the policy's write_retry_seconds; a commit whose outcome is unknown is not retried.
        for attempt in range(1, CONSTRAINT_RETRIES + 1):
            try:
                with store_failures(self._uri):
                    async with self._session() as session:
                        return await session.execute_write(in_transaction)
            except ConstraintError:
                if attempt == CONSTRAINT_RETRIES:
                    raise
                log.info("constraint conflict with a concurrent writer; retrying (%d)", attempt)
        raise StoreError("unreachable: write retries exhausted")  # pragma: no cover

    async def write_each(
        self, works: Sequence[Work[T]], hints: Sequence[WorkHint] | None = None
    ) -> list[T | RecordRejected]:
        # Driver errors pass through, so a transient one retries the whole group.
        return await write_in_groups(
            self._write,
            works,
            GROUP_COMMIT_SIZE,
            passthrough=(Neo4jError, DriverError),
            hints=hints,
        )

    def _session(self, access_mode: str = WRITE_ACCESS) -> AsyncSession:
        return self.driver.session(
            database=self._database,
            bookmark_manager=self._bookmarks,
            default_access_mode=access_mode,
        )

    async def _read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        return await self._reading(query, params, _as_dicts)

    async def _read_value(self, query: Query, **params: Any) -> Any:
        """The value of a query that answers one record of one column, as the driver decoded
        it: lists, maps and scalars need no `record.data()` walk over every nested value."""
        return await self._reading(query, params, _only_value)

    async def _reading(
        self, query: Query, params: dict[str, Any], take: Callable[[AsyncResult], Awaitable[T]]
    ) -> T:
        # An auto-commit read pipelines RUN and PULL in one round trip: about half the latency
        # of execute_query's managed transaction, measured on a single resolve. Read access
        # sends it to a secondary when the URI routes (neo4j://). It is not retried: a read
        # whose server went away is answered STORE_UNAVAILABLE at once, and the caller's retry
        # finds the routing table without that server.
        try:
            with store_failures(self._uri):
                async with (
                    asyncio.timeout(self._read_timeout),
                    self._session(READ_ACCESS) as session,
                ):
                    result = await session.run(self._catalog[query], params)
                    return await take(result)
        except TimeoutError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self._uri} did not answer a read within {self._read_timeout} s"
            ) from exc

    async def _write_one(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        with store_failures(self._uri):
            records, _, _ = await self.driver.execute_query(
                self._catalog[query],
                params,
                database_=self._database,
                bookmark_manager_=self._bookmarks,
            )
        return [record.data() for record in records]

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        rows = await self._read_value(Query.RESOLVE_MANY, refs=[key_params(key) for key in keys])
        found: list[Resolution | None] = [None] * len(keys)
        for index, golden_id, entity_type, status, members in rows:
            found[index] = _resolution(golden_id, entity_type, status, members)
        return found

    async def queue_sizes(self) -> QueueSizes:
        [row] = await self._read(Query.QUEUE_SIZES, open=str(CandidateStatus.OPEN))
        return QueueSizes(
            row["review"], row["pendingReferences"], row["rejects"], row["unmappedCodes"]
        )

    async def get_golden(self, golden_id: str) -> GoldenView | None:
        [view] = await self.get_goldens([golden_id])
        return view

    async def golden_ids(self, entity_type: EntityType, after: str, limit: int) -> list[str]:
        rows = await self._read(
            Query.GOLDEN_IDS, entityType=str(entity_type), after=after, limit=limit
        )
        return [row["id"] for row in rows]

    async def count_goldens(self, entity_type: EntityType, stale_for: str | None = None) -> int:
        [row] = await self._read(
            Query.COUNT_GOLDENS, entityType=str(entity_type), staleFor=stale_for
        )
        count: int = row["count"]
        return count

    async def search_goldens(
        self, entity_type: EntityType, text: SearchText, pool: int, limit: int
    ) -> list[str]:
        rows = await self._read(
            Query.SEARCH_GOLDENS,
            lucene=lucene_query(entity_type, text),
            entityType=str(entity_type),
            pool=pool,
            limit=limit,
        )
        return [row["id"] for row in rows]

    async def get_match_candidate(self, candidate_id: str) -> MatchCandidate | None:
        rows = await self._read(Query.GET_MATCH_CANDIDATE, id=candidate_id)
        return match_candidate_from_fields(rows[0]["candidate"]) if rows else None

    async def list_match_candidates(
        self,
        status: CandidateStatus | None,
        entity_type: EntityType | None,
        first: int,
        after: str | None,
    ) -> list[MatchCandidate]:
        rows = await self._read(
            Query.LIST_MATCH_CANDIDATES,
            status=str(status) if status else None,
            entityType=str(entity_type) if entity_type else None,
            first=first,
            after=after,
        )
        return [match_candidate_from_fields(row["candidate"]) for row in rows]

    async def source_versions(self, key: SourceKey) -> list[StoredSource]:
        rows = await self._read(Query.SOURCE_VERSIONS, **key_params(key))
        return [stored_source_from_fields(row["source"]) for row in rows]

    async def record_rejects(self, rejects: Sequence[RejectedRecord]) -> None:
        params = [
            {
                "receivedAt": r.received_at,
                "payload": payload_to_json(r.payload),
                "problems": problems_to_json(r.problems),
                "correlationId": r.correlation_id,
                "system": payload_system(r.payload),
            }
            for r in rejects
        ]
        await self._write_one(Query.RECORD_REJECTS, rejects=params)

    async def list_rejects(self, limit: int, system: str | None = None) -> list[RejectedRecord]:
        rows = await self._read(Query.LIST_REJECTS, limit=limit, system=system)
        return [reject_from_fields(row["reject"]) for row in rows]


async def _as_dicts(result: AsyncResult) -> list[dict[str, Any]]:
    return [record.data() async for record in result]


async def _only_value(result: AsyncResult) -> Any:
    record = await result.single(strict=True)
    return record[0]


def _resolution(
    golden_id: str, entity_type: str, status: str, members: list[list[Any]]
) -> Resolution:
    live: list[SourceKey] = []
    retired: list[SourceKey] = []
    for system, member_type, source_id, retired_at in members:
        key = SourceKey(system, entity_type_from_text(member_type), source_id)
        (live if retired_at is None else retired).append(key)
    return Resolution(
        golden_id,
        entity_type_from_text(entity_type),
        tuple(live),
        golden_status_from_text(status),
        tuple(retired),
    )
