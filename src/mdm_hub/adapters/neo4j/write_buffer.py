"""The writes of a group transaction that nothing reads back at once, held and sent together.

Ingest writes a new golden record, a new source record with its membership and an audit
event for most records, and reads nothing of them until a later record of the same group asks
about the same key, the same match keys or the same golden record. Those three writes wait
here and go to Neo4j as three `UNWIND` statements per group instead of three round trips per
record. Before any read that could see them the transaction flushes (see Neo4jTransaction:
every query flushes first except the few whose dependencies are known here), so every read
answers exactly as it would record-at-a-time, and the commit flushes what is left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from mdm_hub.adapters.codecs.audit import audit_event_to_fields
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.audit import AuditEvent
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import NotFound

Run = Callable[..., Awaitable[list[dict[str, Any]]]]


class WriteBuffer:
    def __init__(self) -> None:
        # Source records this transaction wrote, held or sent: they exist from here on.
        self.written_sources: set[SourceKey] = set()
        self._goldens: list[dict[str, Any]] = []
        self._golden_ids: dict[str, dict[str, Any]] = {}  # the held goldens' fields by ID
        # Held new members by golden record, as a read of the member node would give them.
        self._members: dict[str, list[dict[str, Any]]] = {}
        self._sources: list[dict[str, Any]] = []
        self._source_keys: set[SourceKey] = set()
        self._match_keys: set[str] = set()
        self._candidates: list[dict[str, Any]] = []
        self._events: list[AuditEvent] = []

    def __bool__(self) -> bool:
        return bool(self._goldens or self._sources or self._candidates or self._events)

    def add_golden(self, fields: dict[str, Any]) -> None:
        self._goldens.append(fields)
        self._golden_ids[fields["id"]] = fields

    def add_member_source(self, key: SourceKey, fields: dict[str, Any]) -> None:
        """A new source record (no earlier version, keys or membership) and its membership."""
        self._sources.append(fields)
        self._source_keys.add(key)
        self.written_sources.add(key)
        self._match_keys.update(fields["keys"])
        node = {name: fields[name] for name in _MEMBER_PROPERTIES if fields[name] is not None}
        self._members.setdefault(fields["goldenId"], []).append(node)

    def add_candidate(self, fields: dict[str, Any]) -> None:
        """A review candidate (add_match_candidates.cypher's row): only reads of the
        review queue see it, and each of those sends it first."""
        self._candidates.append(fields)

    def add_events(self, events: Sequence[AuditEvent]) -> None:
        """Sealed events, in chain order, after those already held."""
        self._events.extend(events)

    def holds_source(self, key: SourceKey) -> bool:
        return key in self._source_keys

    def creates_golden(self, golden_id: str) -> bool:
        return golden_id in self._golden_ids

    def golden_row(self, golden_id: str) -> dict[str, Any]:
        """A held golden record as get_golden.cypher would read it once sent: no other
        write reaches it while it is held (every other statement sends it first)."""
        fields = self._golden_ids[golden_id]
        node = {
            "id": golden_id,
            "entityType": fields["entityType"],
            "attributes": fields["attributes"],
            "version": fields["version"],
            "createdAt": fields["at"],
            "updatedAt": fields["updatedAt"],
            "status": "ACTIVE",
        }
        if fields["ruleSetHash"] is not None:
            node["ruleSetHash"] = fields["ruleSetHash"]
        members = self.with_held_members(golden_id, [])
        return {"golden": node, "members": members, "overrides": [], "mergedFrom": None}

    def update_golden(self, golden_id: str, attributes: str, rule_set_hash: str, at: Any) -> int:
        """What update_golden.cypher does, to a held golden record; its new version."""
        fields = self._golden_ids[golden_id]
        fields.update(
            attributes=attributes,
            ruleSetHash=rule_set_hash,
            version=fields["version"] + 1,
            updatedAt=at,
        )
        version: int = fields["version"]
        return version

    def with_held_members(self, golden_id: str, members: list[dict[str, Any]]) -> list[Any]:
        """A golden record's member maps as read, with its held new members added, in the
        read's order (system, then source ID, compared as Neo4j compares strings)."""
        held = self._members.get(golden_id)
        if not held:
            return members
        return sorted([*members, *held], key=_member_order)

    def holds_any_key(self, keys: Sequence[str]) -> bool:
        return not self._match_keys.isdisjoint(keys)

    async def flush(self, run: Run, *, audit: bool = True) -> None:
        """Send what is held, goldens first (memberships point at them), then source
        records, then review candidates (they point at source records), in one statement
        each, then forget it; with `audit` False the events stay held (a read of goldens or
        source records never sees them). Raises NotFound when a membership's golden record
        is missing."""
        goldens, sources, candidates = self._goldens, self._sources, self._candidates
        self._goldens, self._sources, self._golden_ids, self._members = [], [], {}, {}
        self._candidates = []
        self._source_keys, self._match_keys = set(), set()
        if goldens:
            await run(Query.CREATE_GOLDENS, goldens=goldens)
        if sources:
            [row] = await run(Query.PUT_MEMBER_SOURCES, sources=sources)
            if row["linked"] != len(sources):
                missing = sorted({s["goldenId"] for s in sources})
                raise NotFound(f"a golden record of {missing} is missing for its new members")
        if candidates:  # after the new source records they are for
            await run(Query.ADD_MATCH_CANDIDATES, candidates=candidates)
        if audit and self._events:
            events, self._events = self._events, []
            await run(
                Query.APPEND_AUDIT,
                events=[audit_event_to_fields(event) for event in events],
                headSeq=events[-1].seq,
                headHash=events[-1].hash,
            )


_MEMBER_PROPERTIES = (
    "system",
    "entityType",
    "sourceId",
    "attributes",
    "contentHash",
    "version",
    "observedAt",
    "recordedAt",
    "sent",
)


def _member_order(member: dict[str, Any]) -> tuple[bytes, bytes]:
    # Neo4j orders strings by UTF-16 code unit; so does comparing their UTF-16-BE bytes.
    return member["system"].encode("utf-16-be"), member["sourceId"].encode("utf-16-be")
