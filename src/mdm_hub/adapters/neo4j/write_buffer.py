"""The writes of a group transaction that nothing reads back at once, held and sent together.

Ingest writes a new golden record, a new source record with its membership (or a known
record's new version) and an audit event for most records, and reads nothing of them until a
later record of the same group asks about the same key, the same match keys or the same
golden record. Those writes wait here and go to Neo4j in one statement
(`flush_writes.cypher`, with the term counts, the audit events and, at the transaction's end,
its change events) instead of several round trips per record. Before any read that could see
them the transaction flushes (see Neo4jTransaction: every query flushes first except the few
whose dependencies are known here), so every read answers exactly as it would
record-at-a-time, and the commit flushes what is left.

A golden record the transaction has locked (read under its lock, or created here) is also
known here as a read of it would give it, kept up to date with what the transaction does to it
through this buffer (new members, members' new versions, merges, recomputed values): no other
transaction can change it until commit, so a later recompute of it in the group reads it here,
and its new values are held and sent with the others. Any statement the transaction cannot
follow here makes it forget them (`forget_goldens`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mdm_hub.adapters.codecs.audit import audit_event_to_fields
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.times import time_texts
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
        # New versions of stored source records (put_source.cypher's parameters), by record.
        self._versions: dict[SourceKey, dict[str, Any]] = {}
        self._source_keys: set[SourceKey] = set()
        self._match_keys: set[str] = set()
        self._candidates: list[dict[str, Any]] = []
        self._events: list[AuditEvent] = []
        # Locked golden records as lock_read_golden.cypher would read them now, by ID, and the held
        # updates of those among them that were sent before (flush_writes.cypher's `updates`).
        self._known: dict[str, dict[str, Any]] = {}
        self._updates: dict[str, dict[str, Any]] = {}
        # Term count changes, summed by term: only term_counts.cypher reads the counts, and
        # the transaction adds these to its answers. Counts read in this transaction, with
        # the changes sent since: only flush_writes.cypher moves them.
        self._terms: dict[str, int] = {}
        self._counts: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(
            self._goldens
            or self._sources
            or self._versions
            or self._candidates
            or self._events
            or self._updates
            or self._terms
        )

    def add_term_changes(self, changes: Mapping[str, int]) -> None:
        for term, delta in changes.items():
            self._terms[term] = self._terms.get(term, 0) + delta

    def read_term_counts(self, counts: Mapping[str, int]) -> None:
        """Counts as term_counts.cypher read them, held changes not added."""
        self._counts.update(counts)

    def held_term_change(self, term: str) -> int:
        """How far the held changes move `term`'s count."""
        return self._terms.get(term, 0)

    def term_counts(self, terms: Sequence[str]) -> list[int] | None:
        """The count of each term as term_counts.cypher would read it after the held changes
        are sent, or None when one of them was not read in this transaction."""
        counts, held = self._counts, self._terms
        if not all(term in counts for term in terms):
            return None
        return [counts[term] + held.get(term, 0) for term in terms]

    def add_golden(self, fields: dict[str, Any]) -> None:
        self._goldens.append(fields)
        self._golden_ids[fields["id"]] = fields

    def add_member_source(self, key: SourceKey, fields: dict[str, Any]) -> None:
        """A new source record (no earlier version, keys or membership) and its membership."""
        # A key listed twice is one HAS_KEY relationship (put_member_sources creates each).
        fields["keys"] = list(dict.fromkeys(fields["keys"]))
        self._sources.append(fields)
        self._source_keys.add(key)
        self.written_sources.add(key)
        self._match_keys.update(fields["keys"])
        node = {name: fields[name] for name in _MEMBER_PROPERTIES if fields[name] is not None}
        golden_id = fields["goldenId"]
        self._members.setdefault(golden_id, []).append(node)
        known = self._known.get(golden_id)
        if known is not None:
            known["members"] = sorted([*known["members"], node], key=_member_order)

    def add_source_version(self, key: SourceKey, fields: dict[str, Any], golden_id: str) -> None:
        """A stored source record's new version, with its match keys replacing its old ones;
        `golden_id` is the golden record it is a member of, whose member map, where known
        here, takes the new version's properties as a read of the member node would."""
        fields["keys"] = list(dict.fromkeys(fields["keys"]))
        self._versions[key] = fields
        self._source_keys.add(key)
        self.written_sources.add(key)
        known = self._known.get(golden_id)
        if known is None:
            return
        for member in known["members"]:
            if (member["system"], member["entityType"], member["sourceId"]) == (
                fields["system"],
                fields["entityType"],
                fields["sourceId"],
            ):
                for name in _VERSION_PROPERTIES:
                    if fields[name] is None:
                        member.pop(name, None)  # a null SET removes the property
                    else:
                        member[name] = fields[name]

    def holds_source_versions(self) -> bool:
        """Whether a stored record's new version is held: its old match keys are not known
        here, so any read of match keys, and of golden records' members, sends it first."""
        return bool(self._versions)

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
        """A held golden record as lock_read_golden.cypher would read it once sent: no other
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
        """What update_golden.cypher does, to a held or known golden record (`updates`
        says which); its new version."""
        held = self._golden_ids.get(golden_id)
        if held is not None:
            held.update(
                attributes=attributes,
                ruleSetHash=rule_set_hash,
                version=held["version"] + 1,
                updatedAt=at,
            )
            version: int = held["version"]
            return version
        node = self._known[golden_id]["golden"]
        node.update(attributes=attributes, ruleSetHash=rule_set_hash, version=node["version"] + 1)
        node["updatedAt"] = at
        version = node["version"]
        self._updates[golden_id] = {
            "goldenId": golden_id,
            "attributes": attributes,
            "ruleSetHash": rule_set_hash,
            "version": version,
            "at": at,
        }
        return version

    def updates(self, golden_id: str) -> bool:
        """Whether `update_golden` can update this golden record here."""
        return golden_id in self._golden_ids or golden_id in self._known

    def known_golden(self, golden_id: str) -> dict[str, Any] | None:
        """A locked golden record (not a held one) as lock_read_golden.cypher would read it now,
        or None when not known here."""
        return self._known.get(golden_id)

    def locked_golden(self, row: dict[str, Any]) -> None:
        """A golden record as read under its lock (lock_read_golden.cypher's row), held members
        added: known here from now on."""
        self._known[row["golden"]["id"]] = row

    def golden_merged(self, loser: str, survivor: str) -> None:
        """What merge_golden.cypher did, sent after the held writes: the loser's members are
        the survivor's now (the loser is read again if asked for: its chain leads to the
        survivor); a survivor whose loser was not known here is read again too."""
        moved = self._known.pop(loser, None)
        kept = self._known.get(survivor)
        if kept is None:
            return
        if moved is None:
            del self._known[survivor]
            return
        kept["members"] = sorted([*kept["members"], *moved["members"]], key=_member_order)

    def forget_goldens(self) -> None:
        """A statement changed what this buffer cannot follow: read known golden records
        again (their held updates stay held)."""
        self._known.clear()

    def with_held_members(self, golden_id: str, members: list[dict[str, Any]]) -> list[Any]:
        """A golden record's member maps as read, with its held new members added, in the
        read's order (system, then source ID, compared as Neo4j compares strings)."""
        held = self._members.get(golden_id)
        if not held:
            return members
        return sorted([*members, *held], key=_member_order)

    def holds_any_key(self, keys: Sequence[str]) -> bool:
        return bool(self._versions) or not self._match_keys.isdisjoint(keys)

    async def flush(
        self, run: Run, *, audit: bool = True, changes: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Send what is held, with `changes` (the outbox's rows, at the transaction's end), in
        one statement (flush_writes.cypher: goldens first, as memberships point at them, then
        source records, new versions of stored ones, review candidates, term counts, audit
        events, change events), then forget it; nothing is sent when nothing is held. With
        `audit` False the audit events stay held (a read of goldens or source records never
        sees them). Raises NotFound when an updated golden record, a membership's golden
        record or a record given a new version is missing."""
        events = self._events if audit else []
        held = (
            self._goldens
            or self._sources
            or self._versions
            or self._candidates
            or self._updates
            or self._terms
        )
        if not (held or events or changes):
            return
        goldens, sources, candidates = self._goldens, self._sources, self._candidates
        versions = list(self._versions.values())
        updates = list(self._updates.values())
        # The held goldens, sent, stay known: created here, they are locked here.
        for golden_id in self._golden_ids:
            self._known[golden_id] = self.golden_row(golden_id)
        self._goldens, self._sources, self._golden_ids, self._members = [], [], {}, {}
        self._candidates, self._updates, self._versions = [], {}, {}
        self._source_keys, self._match_keys = set(), set()
        # Sorted, as the term counts want them (one lock order for every writer); a term
        # whose changes cancel out is still sent, as record by record it was.
        terms, self._terms = self._terms, {}
        for term, delta in terms.items():
            if term in self._counts:
                self._counts[term] += delta
        if audit:
            self._events = []
        # Times go as text (times.py); the rows held stay as a read would give them.
        [row] = await run(
            Query.FLUSH_WRITES,
            goldens=[time_texts(g, ("at", "updatedAt")) for g in goldens],
            updates=[time_texts(u, ("at",)) for u in updates],
            sources=[time_texts(src, ("observedAt", "recordedAt", "since")) for src in sources],
            versions=[time_texts(v, ("observedAt", "recordedAt")) for v in versions],
            candidates=[time_texts(c, ("createdAt",)) for c in candidates],
            terms=[{"term": term, "delta": delta} for term, delta in sorted(terms.items())],
            events=[audit_event_to_fields(event) for event in events],
            headSeq=events[-1].seq if events else None,
            headHash=events[-1].hash if events else None,
            changes=list(changes),
            now=datetime.now(UTC),
        )
        if row["updated"] != len(updates):
            missing = sorted(u["goldenId"] for u in updates)
            raise NotFound(f"a golden record of {missing} is missing for its update")
        if row["versioned"] != len(versions):
            missing = sorted(f"{v['system']}/{v['sourceId']}" for v in versions)
            raise NotFound(f"a source record of {missing} is missing for its new version")
        if row["linked"] != len(sources):
            missing = sorted({s["goldenId"] for s in sources})
            raise NotFound(f"a golden record of {missing} is missing for its new members")


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
    "matchValues",
)


# What a new version sets on a source record node (put_source.cypher).
_VERSION_PROPERTIES = (
    "attributes",
    "searchText",
    "contentHash",
    "version",
    "observedAt",
    "recordedAt",
    "sent",
    "matchValues",
)


def _member_order(member: dict[str, Any]) -> tuple[bytes, bytes]:
    # Neo4j orders strings by UTF-16 code unit; so does comparing their UTF-16-BE bytes.
    return member["system"].encode("utf-16-be"), member["sourceId"].encode("utf-16-be")
