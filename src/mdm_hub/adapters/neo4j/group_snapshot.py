"""The first reads of a group of upserts, made once for the whole group.

Each upsert asks for its record's stored version (`get_source`) and for the candidates of its
match keys (`candidates`): two round trips per record. With the group's hints
(`Store.write_each`) the transaction reads both for every record of the group in two
statements, after taking the group's locks (lock_group_sources.cypher,
group_candidates.cypher), and answers from here, adding what earlier records of the group
created: the answer a record gets is the one the live query would give at that point.

Only what this module can account for is answered: new source records joining a golden
record whose creation time is known, new versions of stored records (their match keys
replaced, their membership kept), and merges into golden records whose creation time is known
(members, candidates and separations move to the survivor). Anything else the group writes to
source records or memberships (a relink, a retirement) makes the transaction drop the snapshot
and ask Neo4j from then on.

A key holding more records than a record's per-key limit keeps those the live query's LIMIT
keeps: the first ones its expand meets. The group's read is the same expand in the same
transaction, so its first records are those, while the group has added no record to the
key and taken none from it. Where Neo4j puts a record added in the transaction is its own
affair, and what follows in a key read up to its limit is not known: such a key is asked
live.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mdm_hub.adapters.codecs.sources import stored_candidate_from_fields
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, StoredCandidate, StoredSource
from mdm_hub.matching.rarity import key_weights
from mdm_hub.ports import WorkHint

Stored = tuple[StoredSource, Membership] | None
Ident = tuple[str, str, str]  # a source record's system, entity type and source ID


class GroupSnapshot:
    def __init__(
        self,
        sources: Mapping[SourceKey, Stored],
        hits: Mapping[str, list[dict[str, Any]]],
        read_keys: Sequence[str],
        limit: int,
        blocked: Mapping[SourceKey, Sequence[str]],
    ) -> None:
        """`sources`: every hinted record, None when not stored; `hits`: per key read (all
        of `read_keys`), its live records as group_candidates.cypher returns them (their
        golden records' creation times as datetimes), at most `limit`: a key with `limit`
        may have more; `blocked`: per stored record, what blocked_goldens.cypher returns."""
        self._sources = dict(sources)
        self._blocked = {key: set(ids) for key, ids in blocked.items()}
        # Steward separations among `_separable` (set by `separated`), and the goldens the
        # group created (members all new: no not-a-match of theirs keeps them apart).
        self._separated: set[frozenset[str]] = set()
        self._separable: set[str] = set()
        self._created: set[str] = set()
        self._hits = {key: list(hits.get(key, ())) for key in read_keys}
        self._limit = limit
        # Keys read up to the limit: they may hold more records than were read.
        self._full = {key for key, key_hits in self._hits.items() if len(key_hits) >= limit}
        # Keys whose records the group changed (a record added, or a new version's keys
        # replacing its old ones): their order in the live query is unknown.
        self._changed: set[str] = set()
        # The read keys each record was found under, and the creation times of every golden
        # record a hit (or, later, a record the group wrote) names.
        self._keys_of: dict[Ident, list[str]] = {}
        self._created_at: dict[str, datetime] = {}
        for key, key_hits in self._hits.items():
            for hit in key_hits:
                self._keys_of.setdefault(_ident(hit), []).append(key)
                if hit["goldenId"] is not None:
                    self._created_at[hit["goldenId"]] = hit["goldenCreatedAt"]

    def knows_source(self, key: SourceKey) -> bool:
        return key in self._sources

    def source(self, key: SourceKey) -> Stored:
        return self._sources[key]

    def golden_created(self, golden_id: str, at: datetime) -> None:
        self._created_at[golden_id] = at
        self._created.add(golden_id)

    def golden_read(self, golden_id: str, created_at: datetime) -> None:
        """A golden record the group read (locked up front), with its creation time."""
        self._created_at[golden_id] = created_at

    def weighed_goldens(self, hints: Sequence[WorkHint]) -> list[str]:
        """The golden records these records' candidates name, sorted: each record's `top_k`
        heaviest as ranked now, or every golden its keys found when its hint names no
        `top_k` or the snapshot cannot rank it. Records of the group joining keys may reorder
        a later record's candidates: a golden outside these is then read when reached."""
        found: set[str] = set()
        for hint in hints:
            ranked = (
                self.candidates(hint.source.entity_type, hint.keys, hint.per_key_limit, hint.top_k)
                if hint.top_k is not None
                else None
            )
            if ranked is not None:
                found.update(candidate.golden_id for candidate in ranked)
                continue
            for key in set(hint.keys):
                found.update(hit["goldenId"] for hit in self._hits.get(key, ()) if hit["goldenId"])
        return sorted(found)

    def golden_merged(self, loser: str, survivor: str, at: datetime, decided_by: str) -> bool:
        """What merge_golden.cypher did: every member of `loser` is now a member of
        `survivor`, since `at`, decided by `decided_by`. False when the snapshot cannot
        account for it (the survivor's creation time unknown here): the caller drops it."""
        created_at = self._created_at.get(survivor)
        if created_at is None:
            return False
        for key_hits in self._hits.values():
            for hit in key_hits:
                if hit["goldenId"] == loser:
                    hit["goldenId"], hit["goldenCreatedAt"] = survivor, created_at
        for key, stored in self._sources.items():
            if stored is not None and stored[1].golden_id == loser:
                moved = stored[1]._replace(golden_id=survivor, since=at, decided_by=decided_by)
                self._sources[key] = (stored[0], moved)
        for blocked in self._blocked.values():
            if loser in blocked:
                blocked.discard(loser)
                blocked.add(survivor)
        # Separations between members follow them; the survivor's are known here only when
        # both records' were.
        if not {loser, survivor} <= self._separable | self._created:
            self._separable.discard(survivor)
            self._created.discard(survivor)
        self._separable.discard(loser)
        self._created.discard(loser)
        self._separated = {
            moved_pair
            for pair in self._separated
            if len(moved_pair := frozenset(survivor if g == loser else g for g in pair)) == 2
        }
        return True

    def separated(self, golden_ids: Sequence[str], pairs: set[frozenset[str]]) -> None:
        """What separated_goldens.cypher returned for `golden_ids`."""
        self._separable.update(golden_ids)
        self._separated |= pairs

    def separations(
        self, key: SourceKey, golden_ids: Sequence[str]
    ) -> tuple[set[str], set[frozenset[str]]] | None:
        """What blocked_goldens.cypher and separated_goldens.cypher would return now, or
        None when the snapshot cannot tell (a record not hinted, a golden not read). Only
        stewards make separations, and every membership move drops the snapshot."""
        if key not in self._sources:
            return None
        wanted = set(golden_ids)
        if not wanted <= self._separable | self._created:
            return None
        pairs = {pair for pair in self._separated if pair <= wanted}
        return set(self._blocked.get(key, ())), pairs

    def add_source(self, fields: Mapping[str, Any], keys: Sequence[str], golden_id: str) -> bool:
        """A new source record this group wrote (put_source's parameters), joining
        `golden_id`. False when the snapshot cannot account for it (its golden record's
        creation time is unknown here): the caller drops the snapshot."""
        created_at = self._created_at.get(golden_id)
        if created_at is None:
            return False
        self._add_hit(_hit(fields, golden_id, created_at), keys)
        return True

    def add_version(
        self, key: SourceKey, fields: Mapping[str, Any], keys: Sequence[str]
    ) -> str | None:
        """A new version this group wrote of `key`, a record stored before the group
        (put_source's parameters): its match keys replace its old ones, its membership stays.
        The golden record it is a member of, or None when the snapshot cannot account for
        it (a record not hinted or not stored, or joining a read key for a golden record
        whose creation time is unknown here): the caller drops the snapshot."""
        stored = self._sources.get(key)
        if stored is None:
            return None
        golden_id = stored[1].golden_id
        created_at = self._created_at.get(golden_id)
        if created_at is None and any(read_key in self._hits for read_key in keys):
            return None
        ident = (key.system, str(key.entity_type), key.source_id)
        for read_key in self._keys_of.pop(ident, ()):
            held = self._hits[read_key]
            held[:] = [hit for hit in held if _ident(hit) != ident]
            self._changed.add(read_key)
        self._add_hit(_hit(fields, golden_id, created_at), keys)
        return golden_id

    def _add_hit(self, hit: dict[str, Any], keys: Sequence[str]) -> None:
        added = []
        for key in set(keys):
            held = self._hits.get(key)
            if held is None:
                # A key this group did not read: no record asks for it through here.
                continue
            held.append(hit)
            self._changed.add(key)
            added.append(key)
        self._keys_of.setdefault(_ident(hit), []).extend(added)

    def candidates(
        self, entity_type: EntityType, keys: Sequence[str], per_key_limit: int, top_k: int
    ) -> list[StoredCandidate] | None:
        """What candidates.cypher would return now, or None when the snapshot cannot tell
        (a key not read, or one that may hold more records than `per_key_limit` and whose
        records the group changed)."""
        weights = key_weights(per_key_limit)
        found: dict[Ident, list[Any]] = {}  # record -> [shared, weight, hit]
        for key in set(keys):  # a key repeated is still one key shared
            hits = self._hits.get(key)
            if hits is None:
                return None
            if len(hits) > per_key_limit or key in self._full:
                if key in self._changed:
                    return None
                # What the live query's LIMIT keeps: the first records the expand meets.
                hits = hits[:per_key_limit]
            if not hits:
                continue
            weight = weights[len(hits)]
            for hit in hits:
                ident = _ident(hit)
                entry = found.get(ident)
                if entry is None:
                    found[ident] = [1, weight, hit]
                else:
                    entry[0] += 1
                    entry[1] += weight
        wanted = str(entity_type)
        ranked = [
            (shared, weight, hit)
            for shared, weight, hit in found.values()
            if hit["entityType"] == wanted and hit["goldenId"] is not None
        ]
        ranked.sort(key=_rank)
        return [
            stored_candidate_from_fields(hit, shared, weight)
            for shared, weight, hit in ranked[:top_k]
        ]


def _hit(fields: Mapping[str, Any], golden_id: str, created_at: datetime | None) -> dict[str, Any]:
    """A record the group wrote (put_source's parameters) as group_candidates.cypher reads one."""
    return {
        "system": fields["system"],
        "entityType": fields["entityType"],
        "sourceId": fields["sourceId"],
        "attributes": fields["attributes"],
        "contentHash": fields["contentHash"],
        "matchValues": fields["matchValues"],
        "goldenId": golden_id,
        "goldenCreatedAt": created_at,
    }


def _ident(hit: Mapping[str, Any]) -> Ident:
    return hit["system"], hit["entityType"], hit["sourceId"]


def _rank(entry: tuple[int, int, dict[str, Any]]) -> tuple[Any, ...]:
    # candidates.cypher's ORDER BY weight DESC, shared DESC, goldenCreatedAt, goldenId, system,
    # sourceId; Neo4j orders strings by UTF-16 code unit, as their UTF-16-BE bytes compare.
    shared, weight, hit = entry
    return (
        -weight,
        -shared,
        hit["goldenCreatedAt"],
        hit["goldenId"].encode("utf-16-be"),
        hit["system"].encode("utf-16-be"),
        hit["sourceId"].encode("utf-16-be"),
    )
