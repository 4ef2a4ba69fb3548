"""Reads and writes inside one Neo4j managed transaction (the Neo4j StoreTransaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction, AsyncResult

from mdm_hub.adapters.codecs.candidates import (
    explanation_to_json,
    match_candidate_from_fields,
    scored_goldens_to_json,
)
from mdm_hub.adapters.codecs.goldens import (
    golden_attributes_to_json,
    golden_names_in_order,
    merged_by,
    new_golden_fields,
)
from mdm_hub.adapters.codecs.overrides import override_event_to_fields
from mdm_hub.adapters.codecs.sources import (
    retirement_from_fields,
    stored_candidate_from_fields,
    stored_source_from_fields,
)
from mdm_hub.adapters.codecs.values import as_datetime, dumps, optional_json
from mdm_hub.adapters.neo4j.catalog import CypherCatalog, Query
from mdm_hub.adapters.neo4j.graph_reads import golden_view
from mdm_hub.adapters.neo4j.group_snapshot import GroupSnapshot, Stored
from mdm_hub.adapters.neo4j.outbox import Neo4jOutboxWrites
from mdm_hub.adapters.neo4j.params import key_params
from mdm_hub.adapters.neo4j.relationship_writes import Neo4jRelationshipWrites
from mdm_hub.adapters.neo4j.retirement_writes import Neo4jRetirementWrites
from mdm_hub.adapters.neo4j.times import (
    MEMBER_TIMES,
    read_golden_times,
    read_times,
    time_from_text,
)
from mdm_hub.adapters.neo4j.unmapped_codes import Neo4jUnmappedCodeWrites
from mdm_hub.adapters.neo4j.write_buffer import WriteBuffer
from mdm_hub.domain.audit import GENESIS, AuditEntry, AuditEvent, seal_all
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateDecision,
    CandidateStatus,
    GoldenValues,
    GoldenView,
    MatchCandidate,
    Membership,
    ReferenceLookup,
    SourceKey,
    StoredCandidate,
    StoredSource,
)
from mdm_hub.domain.relationships import LinkedReference, ReferenceChanges
from mdm_hub.domain.search import SEARCHED_ATTRIBUTES, search_text
from mdm_hub.errors import AuditHeadMissing, NotFound
from mdm_hub.matching.rarity import key_weights
from mdm_hub.ports import WorkHint

# Statements that change source records, their memberships or retirement in ways the group
# snapshot cannot follow: after one, the transaction asks Neo4j (group_snapshot.py).
_MOVES_SOURCES = frozenset(
    {
        Query.PUT_SOURCE,
        Query.PUT_MEMBER_SOURCE,
        Query.SET_MEMBERSHIP,
        Query.REVIVE_GOLDEN,
        Query.RETIRE_SOURCE,
        Query.REVIVE_SOURCE,
    }
)

# Statements that change no golden record's properties, members (their properties included)
# or overrides, other than as the write buffer records it: the golden records this
# transaction locked stay known to it across them (write_buffer.py).
_KEEPS_GOLDENS = frozenset(
    {
        Query.LOCK_GROUP_SOURCES,
        Query.GROUP_CANDIDATES,
        Query.SEPARATED_GOLDENS,
        Query.BLOCKED_GOLDENS,
        Query.GET_SOURCE,
        Query.CANDIDATES,
        Query.LOCK_KEYS,
        Query.TERM_COUNTS,
        Query.ANY_PENDING,
        Query.LOCK_AUDIT_HEAD,
        Query.FLUSH_WRITES,
        Query.MERGE_GOLDEN,  # followed by merge_golden
        Query.MERGE_RELATIONSHIPS,  # edges between golden records only
        Query.LOCK_READ_GOLDEN,
        Query.LOCK_READ_GOLDENS,
        Query.MEMBERS,
        Query.GOLDEN_IDS_OF,
        Query.GOLDEN_ATTRIBUTES,
        Query.REFERRER_GOLDENS,
        Query.OPEN_CANDIDATES_FOR,
    }
)


# Statements that return only maps, lists and scalars, read many of them (a group's first
# reads): their rows are taken as the driver decoded them, without `Record.data()`'s walk
# over every nested value looking for nodes to turn into maps.
_PLAIN_ROWS = frozenset(
    {
        Query.LOCK_GROUP_SOURCES,
        Query.GROUP_CANDIDATES,
        Query.LOCK_READ_GOLDENS,
        Query.LOCK_READ_GOLDEN,
        Query.TERM_COUNTS,
    }
)


async def rows_of(query: Query, result: AsyncResult) -> list[dict[str, Any]]:
    """A statement's rows as maps of column to value."""
    if query in _PLAIN_ROWS:
        return [dict(zip(record.keys(), record.values(), strict=True)) async for record in result]
    return [record.data() async for record in result]


class Neo4jTransaction(
    Neo4jRelationshipWrites, Neo4jUnmappedCodeWrites, Neo4jRetirementWrites, Neo4jOutboxWrites
):
    def __init__(self, tx: AsyncManagedTransaction, catalog: CypherCatalog) -> None:
        self._tx = tx
        self._q = catalog
        # The audit head, once this transaction has locked it (the lock lasts until commit,
        # so a group commit's later records need not lock and read it again).
        self._audit_head: tuple[int, str] | None = None
        self._changes = []
        self._golden_versions = {}
        # Writes held until a read could see them or the commit (write_buffer.py).
        self._held = WriteBuffer()
        # Whether any reference is parked, once asked (None: not known in this transaction).
        self._any_pending: bool | None = None
        # The group's first reads, made at once (prefetch), while they still hold.
        self._snapshot: GroupSnapshot | None = None

    async def _rows(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Run `query` after the held writes: it may read what they write."""
        await self.flush()
        return await self._run(query, **params)

    async def _run(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        if query in _MOVES_SOURCES:
            self._snapshot = None
        if query not in _KEEPS_GOLDENS:
            self._held.forget_goldens()
        return await self._send(query, params)

    async def _send(self, query: Query, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Apart from _run so a benchmark can time and profile each statement as sent.
        result = await self._tx.run(self._q[query], params)
        return await rows_of(query, result)

    async def flush(self, changes: Sequence[dict[str, Any]] = ()) -> None:
        """Send the held writes, with `changes` (the outbox's rows: `finish`, before commit)."""
        await self._held.flush(self._run, changes=changes)

    async def _flush_records(self) -> None:
        """Send the held golden and source records, before a read of them; the audit events
        can wait (no such read sees them)."""
        if self._held:
            await self._held.flush(self._run, audit=False)

    async def append_audit(self, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
        if not entries:
            return []
        head = await self._lock_audit_head()
        events = seal_all(entries, *head)
        self._audit_head = (events[-1].seq, events[-1].hash)
        # Sealed here in order; appended with the group's other events in one statement.
        self._held.add_events(events)
        return events

    async def _lock_audit_head(self) -> tuple[int, str]:
        if self._audit_head is None:
            # Not after the held writes: the head and its events are all it reads, and no
            # event is held before the head is known.
            [head] = await self._run(Query.LOCK_AUDIT_HEAD, genesis=GENESIS, now=datetime.now(UTC))
            if head["lastSeq"] is not None:  # rolled back, with the head this MERGE made
                raise AuditHeadMissing(head["seq"] or None, int(head["lastSeq"]))
            self._audit_head = (int(head["seq"]), str(head["hash"]))
        return self._audit_head

    async def prefetch(self, hints: Sequence[WorkHint]) -> None:
        """Lock and read what the group's works will ask first (group_snapshot.py): every
        record's key, then the match keys of new records (read) and of new versions (old and
        new, locked only), in sorted order, in two statements (the second also reads the
        group's term counts and whether any reference is parked), the separations among the
        goldens of the candidates each new record weighs in a third, and those goldens with
        the golden records of new versions in a fourth; `get_source`, `candidates` and
        `separations` answer from them while they hold."""
        now = datetime.now(UTC)
        keys = sorted({hint.source for hint in hints}, key=_key_order)
        rows = await self._run(
            Query.LOCK_GROUP_SOURCES, sources=[key_params(k) for k in keys], now=now
        )
        stored: dict[SourceKey, Stored] = dict.fromkeys(keys)
        held_keys: dict[SourceKey, list[str]] = {}
        blocked: dict[SourceKey, list[str]] = {}
        for row in rows:
            read_times(row["source"], MEMBER_TIMES)
            if row["since"] is not None:
                row["since"] = time_from_text(row["since"])
            found = _stored_with_membership(row)
            stored[found[0].key] = found
            held_keys[found[0].key] = row["keys"]
            blocked[found[0].key] = row["blocked"]
        read: set[str] = set()  # the keys new records match on: locked and read
        written: set[str] = set()  # a new version's keys, old and new: locked only
        versioned: set[str] = set()  # the golden records of records given a new version
        matching: list[WorkHint] = []
        for hint in hints:
            before = stored[hint.source]
            if before is None:
                read.update(hint.keys)
                matching.append(hint)
            elif before[0].content_hash != hint.content_hash:
                # A known record keeps its golden record (no candidates), which its new
                # version's survivorship reads.
                written.update(hint.keys, held_keys[hint.source])
                versioned.add(before[1].golden_id)
            # else unchanged (or revived as it was): no candidates, no key written
        limit = max(hint.per_key_limit for hint in hints) + 1
        terms = sorted({term for hint in hints for term in hint.terms})
        hits: dict[str, list[dict[str, Any]]] = {}
        if read or written:
            [row] = await self._run(
                Query.GROUP_CANDIDATES,
                lockKeys=sorted(read | written),
                keys=sorted(read),
                limit=limit,
                now=now,
                terms=terms,
            )
            hits = _hits_by_key(row)
            self._kept_terms(terms, row["termCounts"])
            self._any_pending = bool(row["anyPending"])
        elif terms:
            await self._read_terms(terms)
        snapshot = GroupSnapshot(stored, hits, sorted(read), limit, blocked)
        # Only the goldens of the candidates each record weighs (a crowded hub's keys find
        # dozens of records, the rest of which only the ranking reads), and those of new
        # versions, which their survivorship reads and a later record may weigh.
        goldens = sorted(versioned.union(snapshot.weighed_goldens(matching)))
        if len(goldens) > 1:  # separations among the goldens any record may weigh
            pairs = await self._run(Query.SEPARATED_GOLDENS, goldenIds=goldens)
            snapshot.separated(goldens, {frozenset((r["x"], r["y"])) for r in pairs})
        self._snapshot = snapshot
        if goldens:
            await self._lock_read_goldens(goldens, now)

    async def _lock_read_goldens(self, golden_ids: Sequence[str], now: datetime) -> None:
        """Lock and read, in one statement, every golden record the group's candidates name
        (the goldens its records may link to), known to the buffer from then on. The audit
        head is locked first, as every group locks it (at its first record's end otherwise):
        whoever holds a golden lock taken here holds the head already, so no group waits for
        the head while holding goldens another group wants."""
        await self._lock_audit_head()
        rows = await self._run(Query.LOCK_READ_GOLDENS, goldenIds=list(golden_ids), now=now)
        for row in rows:
            read_golden_times(row)
            if row["mergedInto"] is None:
                self._known_row({**row, "mergedFrom": None, "lockedId": row["golden"]["id"]})
                if self._snapshot is not None:
                    self._snapshot.golden_read(row["golden"]["id"], row["golden"]["createdAt"])

    async def get_source(self, key: SourceKey) -> tuple[StoredSource, Membership] | None:
        snapshot = self._snapshot
        if (
            snapshot is not None
            and snapshot.knows_source(key)
            and key not in self._held.written_sources
        ):
            return snapshot.source(key)
        # Only a held write of this very record changes the answer.
        if self._held.holds_source(key):
            await self._flush_records()
        rows = await self._run(Query.GET_SOURCE, **key_params(key))
        return _stored_with_membership(rows[0]) if rows else None

    async def lock_keys(self, keys: Sequence[str]) -> None:
        if keys:
            await self._rows(Query.LOCK_KEYS, keys=list(keys), now=datetime.now(UTC))

    async def candidates(
        self,
        entity_type: EntityType,
        keys: Sequence[str],
        per_key_limit: int,
        top_k: int,
        references: Sequence[ReferenceLookup] = (),
    ) -> list[StoredCandidate]:
        # The snapshot holds what keys found; reference keys are read through the graph.
        if self._snapshot is not None and not references:
            found = self._snapshot.candidates(entity_type, keys, per_key_limit, top_k)
            if found is not None:
                return found
        # Only a held record sharing one of these keys changes the answer (its rarity or
        # its rows); the held goldens are those of held records. A reference key reads
        # memberships and references: everything held is sent first.
        if references or self._held.holds_any_key(keys):
            await self._flush_records()
        rows = await self._run(
            Query.CANDIDATES,
            keys=sorted(set(keys)),  # a key repeated is still one key shared
            references=[
                {
                    "lookup": index,
                    "attribute": lookup.attribute,
                    "system": lookup.target.system,
                    "entityType": str(lookup.target.entity_type),
                    "sourceId": lookup.target.source_id,
                }
                for index, lookup in enumerate(dict.fromkeys(references))
            ],
            now=datetime.now(UTC),
            entityType=str(entity_type),
            perKeyLimit=per_key_limit,
            weights=list(key_weights(per_key_limit)),
            topK=top_k,
        )
        return [
            stored_candidate_from_fields(row, int(row["shared"]), int(row["weight"]))
            for row in rows
        ]

    async def separations(
        self, key: SourceKey, golden_ids: Sequence[str]
    ) -> tuple[set[str], set[frozenset[str]]]:
        snapshot = self._snapshot
        if snapshot is not None and key not in self._held.written_sources:
            known = snapshot.separations(key, golden_ids)
            if known is not None:
                return known
        # Stewards' separations: no held write makes or moves one.
        blocked = await self._run(Query.BLOCKED_GOLDENS, **key_params(key))
        pairs = await self._run(Query.SEPARATED_GOLDENS, goldenIds=list(golden_ids))
        return {r["goldenId"] for r in blocked}, {frozenset((r["x"], r["y"])) for r in pairs}

    async def record_not_a_match(self, key: SourceKey, other: SourceKey, at: datetime) -> None:
        rows = await self._rows(
            Query.RECORD_NOT_A_MATCH,
            **key_params(key),
            otherSystem=other.system,
            otherEntityType=str(other.entity_type),
            otherSourceId=other.source_id,
            at=at,
        )
        if not rows:
            raise NotFound(f"source record {key} or {other} does not exist")

    async def merge_golden(
        self, loser_id: str, survivor_id: str, at: datetime, decided_by: str | None = None
    ) -> None:
        decided_by = decided_by or merged_by(loser_id)
        rows = await self._rows(
            Query.MERGE_GOLDEN,
            loserId=loser_id,
            survivorId=survivor_id,
            at=at,
            decidedBy=decided_by,
        )
        if not rows:
            raise NotFound(f"golden record {loser_id} does not exist or was already merged")
        # Followed where the group's reads and the locked golden records are kept.
        self._held.golden_merged(loser_id, survivor_id)
        snapshot = self._snapshot
        if snapshot is not None and not snapshot.golden_merged(
            loser_id, survivor_id, at, decided_by
        ):
            self._snapshot = None

    async def revive_golden(self, golden_id: str, at: datetime) -> None:
        rows = await self._rows(Query.REVIVE_GOLDEN, goldenId=golden_id, at=at)
        if not rows:
            raise NotFound(f"golden record {golden_id} does not exist or was not merged away")

    async def decide_match_candidate(
        self, candidate_id: str, status: CandidateStatus, decision: CandidateDecision
    ) -> bool:
        rows = await self._rows(
            Query.DECIDE_MATCH_CANDIDATE,
            id=candidate_id,
            status=str(status),
            open=str(CandidateStatus.OPEN),
            decidedBy=decision.actor,
            decisionReason=decision.reason,
            decidedAt=decision.at,
        )
        if not rows:
            raise NotFound(f"match candidate {candidate_id} does not exist")
        decided: bool = rows[0]["decided"]
        return decided

    async def open_candidates_for(self, keys: Sequence[SourceKey]) -> list[MatchCandidate]:
        rows = await self._rows(
            Query.OPEN_CANDIDATES_FOR,
            keys=[key_params(key) for key in keys],
            open=str(CandidateStatus.OPEN),
        )
        return [match_candidate_from_fields(row["candidate"]) for row in rows]

    async def add_match_candidate(self, candidate: MatchCandidate) -> None:
        # Held: every read of the review queue in this transaction sends it first.
        self._held.add_candidate(
            {
                "id": candidate.id,
                **key_params(candidate.source),
                "goldenId": candidate.golden_id,
                "status": str(candidate.status),
                "createdAt": candidate.created_at,
                "candidates": scored_goldens_to_json(candidate.candidates),
            }
        )

    async def create_golden(
        self,
        golden_id: str,
        entity_type: EntityType,
        at: datetime,
        first: GoldenValues | None = None,
    ) -> None:
        attributes, rule_set_hash, version = new_golden_fields(first)
        self._held.add_golden(
            {
                "id": golden_id,
                "entityType": str(entity_type),
                "at": at,
                "updatedAt": at,
                "attributes": attributes,
                "ruleSetHash": rule_set_hash,
                "version": version,
            }
        )
        self._golden_versions[golden_id] = version
        if self._snapshot is not None:
            self._snapshot.golden_created(golden_id, at)

    async def put_source(
        self,
        record: StoredSource,
        strong_keys: Sequence[str],
        membership: Membership | None = None,
    ) -> None:
        source = {
            **key_params(record.key),
            "attributes": record.attributes_json or dumps(record.attributes),
            "searchText": search_text(record.attributes),
            "contentHash": record.content_hash,
            "version": record.version,
            "observedAt": record.observed_at,
            "recordedAt": record.recorded_at,
            # What was sent for converted values, as JSON text; null leaves the property out.
            "sent": dumps(record.sent) if record.sent else None,
            "matchValues": record.match_values,
            "keys": list(strong_keys),
        }
        if membership is None:
            # A new version of a record stored before the group: held, sent with the others.
            snapshot = self._snapshot
            if snapshot is not None and record.key not in self._held.written_sources:
                golden_id = snapshot.add_version(record.key, source, strong_keys)
                if golden_id is not None:
                    self._held.add_source_version(record.key, source, golden_id)
                    return
                self._snapshot = None
            await self._rows(Query.PUT_SOURCE, **source)
            return
        if record.version == 1:
            # A new record with its membership: held, sent with the group's others.
            self._held.add_member_source(record.key, {**source, **_membership_params(membership)})
            if self._snapshot is not None and not self._snapshot.add_source(
                source, strong_keys, membership.golden_id
            ):
                self._snapshot = None
            return
        # The record and its membership in one round trip.
        rows = await self._rows(Query.PUT_MEMBER_SOURCE, **source, **_membership_params(membership))
        _check_linked(rows, record.key, membership)

    async def link_pending(self, target: SourceKey) -> list[LinkedReference]:
        # Most records resolve no parked reference: the held writes can wait.
        if not await self._any_parked() and (
            target in self._held.written_sources or await self.get_source(target) is not None
        ):
            return []
        return await super().link_pending(target)

    async def awaiting(self, target: SourceKey) -> list[LinkedReference]:
        return await super().awaiting(target) if await self._any_parked() else []

    async def _any_parked(self) -> bool:
        """Whether any reference is parked, asked once per transaction until put_references
        (the only write that parks one) runs again."""
        if self._any_pending is None:
            [row] = await self._run(Query.ANY_PENDING)
            self._any_pending = bool(row["any"])
        return self._any_pending

    async def put_references(
        self, record: StoredSource, changes: ReferenceChanges
    ) -> list[str | None]:
        self._any_pending = None  # it may park one
        return await super().put_references(record, changes)

    async def set_membership(self, key: SourceKey, membership: Membership) -> None:
        rows = await self._rows(
            Query.SET_MEMBERSHIP, **key_params(key), **_membership_params(membership)
        )
        _check_linked(rows, key, membership)

    async def members(self, golden_id: str) -> list[StoredSource]:
        rows = await self._rows(Query.MEMBERS, goldenId=golden_id)
        return [stored_source_from_fields(row["source"]) for row in rows]

    async def term_counts(self, keys: Sequence[str]) -> list[int]:
        if not keys:
            return []
        # Only count_terms changes the counts, and the buffer holds those and keeps what was
        # read (the group's terms are read up front): no flush.
        known = self._held.term_counts(keys)
        if known is not None:
            return known
        read = await self._read_terms(keys)
        return [read[key] + self._held.held_term_change(key) for key in keys]

    async def _read_terms(self, keys: Sequence[str]) -> dict[str, int]:
        """The stored counts of `keys` (0: never counted), kept by the buffer."""
        return self._kept_terms(keys, await self._run(Query.TERM_COUNTS, terms=list(keys)))

    def _kept_terms(self, keys: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        """The counts of `keys` from term_counts.cypher's rows (0: never counted), kept by the
        buffer."""
        found = {row["term"]: int(row["count"]) for row in rows}
        read = {key: found.get(key, 0) for key in keys}
        self._held.read_term_counts(read)
        return read

    async def count_terms(self, changes: Mapping[str, int]) -> None:
        # Held, summed by term, and sent with the group's other held writes.
        self._held.add_term_changes(changes)

    async def golden_ids_of(self, keys: Sequence[SourceKey]) -> list[str | None]:
        if not keys:
            return []
        rows = await self._rows(Query.GOLDEN_IDS_OF, keys=[key_params(k) for k in keys])
        found = {int(row["i"]): row["goldenId"] for row in rows}
        return [found.get(index) for index in range(len(keys))]

    async def golden_names(self, golden_ids: Sequence[str]) -> list[str | None]:
        if not golden_ids:
            return []
        rows = await self._rows(Query.GOLDEN_ATTRIBUTES, ids=list(golden_ids))
        return golden_names_in_order(rows, golden_ids)

    async def referrer_goldens(
        self, targets: Sequence[SourceKey], referrer_type: EntityType, attribute: str
    ) -> list[list[str]]:
        found: list[list[str]] = [[] for _ in targets]
        if targets:
            rows = await self._rows(
                Query.REFERRER_GOLDENS,
                targets=[key_params(k) for k in targets],
                referrerType=referrer_type.value,
                attribute=attribute,
            )
            for row in rows:
                found[int(row["i"])].append(row["goldenId"])
        return found

    async def golden_for_update(
        self, golden_id: str, *, with_values: bool = True
    ) -> GoldenView | None:
        # Held writes matter only when they create this golden record (then nothing else
        # could reach it: it is answered from them, and no one else can lock it), add it a
        # member (added to the read) or give a member a new version (sent first); they never
        # merge one, so the survivor a merged-away ID leads to is never a held one. A golden
        # record locked earlier in this transaction is answered as the buffer knows it
        # (write_buffer.py).
        if self._held.creates_golden(golden_id):
            return golden_view(self._held.golden_row(golden_id), with_values)
        known = self._held.known_golden(golden_id)
        if known is not None:
            return golden_view(known, with_values)
        if self._held.holds_source_versions():
            await self._flush_records()  # it may be a member's: read it as it is now
        locked = await self._run(Query.LOCK_READ_GOLDEN, goldenId=golden_id, now=datetime.now(UTC))
        if not locked:
            return None
        [row] = locked
        read_golden_times(row)
        survivor = row["golden"]["id"]
        if row["mergedFrom"] is None:
            # Read after taking its lock: known from here on (a survivor known already, the
            # end of a merged-away ID's chain, is as the buffer has it).
            row = self._held.known_golden(survivor) or self._known_row(row)
        view = golden_view(row, with_values)
        return replace(view, merged_from=golden_id) if row["lockedId"] != golden_id else view

    def _known_row(self, row: dict[str, Any]) -> dict[str, Any]:
        known = {
            "golden": row["golden"],
            "members": self._held.with_held_members(row["golden"]["id"], row["members"]),
            "overrides": row["overrides"],
            "mergedFrom": None,
            "lockedId": row["lockedId"],
        }
        self._held.locked_golden(known)
        return known

    async def add_override_event(self, golden_id: str, event: OverrideEvent) -> None:
        rows = await self._rows(
            Query.ADD_OVERRIDE_EVENT, goldenId=golden_id, **override_event_to_fields(event)
        )
        if rows[0]["added"] != 1:
            raise NotFound(f"golden record {golden_id} does not exist")
        # Search finds the record by its pins in force: kept in the pin's transaction.
        await self._run(
            Query.REFRESH_PIN_SEARCH, goldenIds=[golden_id], searched=list(SEARCHED_ATTRIBUTES)
        )

    async def update_golden(
        self,
        golden_id: str,
        attributes: Sequence[AttributeValue],
        at: datetime,
        rule_set_hash: str,
    ) -> int:
        values = golden_attributes_to_json(attributes)
        if self._held.updates(golden_id):
            # Held, or locked and read here: updated where it is held (write_buffer.py).
            version = self._held.update_golden(golden_id, values, rule_set_hash, at)
        else:
            rows = await self._run(
                Query.UPDATE_GOLDEN,
                goldenId=golden_id,
                attributes=values,
                ruleSetHash=rule_set_hash,
                at=at,
            )
            if not rows:
                raise NotFound(f"golden record {golden_id} does not exist")
            version = int(rows[0]["version"])
        self._golden_versions[golden_id] = version
        return version


def _stored_with_membership(row: Mapping[str, Any]) -> tuple[StoredSource, Membership]:
    """A source record and its membership, as get_source.cypher returns them."""
    membership = Membership(
        row["goldenId"],
        as_datetime(row["since"]),
        row["decidedBy"],
        row["score"],
        optional_json(row["explanation"]),
        retirement_from_fields(row["source"]),
    )
    return stored_source_from_fields(row["source"]), membership


def _hits_by_key(row: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per key, its hits as group_snapshot.py takes them, from group_candidates.cypher's row
    (each record once, named by element ID from its keys); a record's map is shared by its
    keys, its golden record's creation time read back from text."""
    records: dict[str, dict[str, Any]] = {}
    for record in row["records"]:
        if record["goldenCreatedAt"] is not None:
            record["goldenCreatedAt"] = time_from_text(record["goldenCreatedAt"])
        records[record.pop("id")] = record
    return {keyed["key"]: [records[i] for i in keyed["ids"]] for keyed in row["keys"]}


def _key_order(key: SourceKey) -> tuple[str, str, str]:
    # One order for every group: their record locks then form no cycle.
    return key.system, str(key.entity_type), key.source_id


def _membership_params(membership: Membership) -> dict[str, Any]:
    return {
        "goldenId": membership.golden_id,
        "since": membership.since,
        "decidedBy": membership.decided_by,
        "score": membership.score,
        "explanation": explanation_to_json(membership.explanation or None),
    }


def _check_linked(rows: list[dict[str, Any]], key: SourceKey, membership: Membership) -> None:
    if not rows or rows[0]["linked"] != 1:
        raise NotFound(f"source record {key} or golden record {membership.golden_id} missing")
