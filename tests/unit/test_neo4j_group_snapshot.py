"""A group's first reads, made once (adapters/neo4j/group_snapshot.py), answer each record's
candidate and separation questions as Neo4j's own queries would at that point, and refuse
what they cannot tell. The answers against Neo4j itself: test_neo4j_batched_writes.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mdm_hub.adapters.neo4j.group_snapshot import GroupSnapshot
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, StoredSource
from mdm_hub.ports import WorkHint

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NEW = SourceKey("CRM", EntityType.CUSTOMER, "new-1")


def _hit(source_id: str, golden_id: str, minutes: int, entity_type: str = "CUSTOMER") -> Any:
    return {
        "system": "ERP",
        "entityType": entity_type,
        "sourceId": source_id,
        "attributes": "{}",
        "contentHash": f"h-{source_id}",
        "matchValues": None,
        "goldenId": golden_id,
        "goldenCreatedAt": T0 + timedelta(minutes=minutes),
    }


def _snapshot(hits: dict[str, list[Any]], limit: int = 4) -> GroupSnapshot:
    return GroupSnapshot({NEW: None}, hits, sorted(hits), limit, {})


def _ranked(snapshot: GroupSnapshot, keys: list[str], per_key_limit: int = 3) -> list[str]:
    found = snapshot.candidates(EntityType.CUSTOMER, keys, per_key_limit, top_k=10)
    assert found is not None
    return [c.key.source_id for c in found]


def test_candidates_rank_by_rarer_keys_then_more_keys_then_older_golden() -> None:
    snapshot = _snapshot(
        {
            "rare": [_hit("a", "g-a", 5)],  # one hit: the heaviest key
            "common": [_hit("b", "g-b", 1), _hit("c", "g-c", 2), _hit("a", "g-a", 5)],
            "other": [_hit("p", "g-p", 0, entity_type="PROJECT")],
        }
    )
    assert _ranked(snapshot, ["common", "rare", "other", "rare"]) == ["a", "b", "c"]
    [first, *_] = snapshot.candidates(EntityType.CUSTOMER, ["rare", "common"], 3, 10) or []
    assert (first.shared_keys, first.golden_id) == (2, "g-a")


def test_a_record_the_group_created_is_a_candidate_of_the_next() -> None:
    snapshot = _snapshot({"k": [_hit("a", "g-a", 1)]})
    snapshot.golden_created("g-new", T0)
    fields = {**_hit("n", "g-new", 0), "system": "CRM"}
    assert snapshot.add_source(fields, ["k", "k", "unread"], "g-new")
    assert _ranked(snapshot, ["k"]) == ["n", "a"]  # same weight, older golden first
    # A golden whose creation time the snapshot never saw cannot be ranked: it refuses.
    assert not snapshot.add_source(_hit("m", "g-elsewhere", 0), ["k"], "g-elsewhere")


def test_a_crowded_key_keeps_the_first_records_read_as_the_live_query_limit_does() -> None:
    # Read in the expand's order, not the ranking's: the live query's LIMIT keeps r3, r0, r2.
    crowded = [_hit("r3", "g3", 3), _hit("r0", "g0", 0), _hit("r2", "g2", 2), _hit("r1", "g1", 1)]
    snapshot = _snapshot({"crowded": crowded, "full": crowded[:3]}, limit=4)
    assert _ranked(snapshot, ["crowded"]) == ["r0", "r2", "r3"]  # r1 not kept, though older
    assert _ranked(snapshot, ["crowded"], per_key_limit=2) == ["r0", "r3"]
    # At exactly the limit read (`full` could hold more): the same prefix.
    assert _ranked(snapshot, ["full"], per_key_limit=2) == ["r0", "r3"]
    assert snapshot.candidates(EntityType.CUSTOMER, ["never-read"], 3, 10) is None


def test_a_crowded_key_the_group_added_to_is_asked_live() -> None:
    crowded = [_hit(f"r{n}", f"g{n}", n) for n in range(4)]
    snapshot = _snapshot({"crowded": crowded, "k": crowded[:3]}, limit=4)
    assert _ranked(snapshot, ["k"]) == ["r0", "r1", "r2"]
    snapshot.golden_created("g-new", T0)
    assert snapshot.add_source(_hit("n", "g-new", 0), ["k", "crowded"], "g-new")
    # Where Neo4j puts the transaction's own new record among the others is its own affair.
    assert snapshot.candidates(EntityType.CUSTOMER, ["k"], 3, 10) is None  # now 4 > 3
    assert snapshot.candidates(EntityType.CUSTOMER, ["crowded"], 3, 10) is None


def test_separations_are_answered_only_among_goldens_read() -> None:
    snapshot = GroupSnapshot({NEW: None}, {}, [], 4, {})
    snapshot.separated(["g1", "g2", "g3"], {frozenset(("g1", "g2"))})
    snapshot.golden_created("g-new", T0)
    assert snapshot.separations(NEW, ["g1", "g2", "g-new"]) == (set(), {frozenset(("g1", "g2"))})
    assert snapshot.separations(NEW, ["g1", "g3"]) == (set(), set())
    assert snapshot.separations(NEW, ["g1", "g9"]) is None
    assert snapshot.separations(SourceKey("CRM", EntityType.CUSTOMER, "other"), ["g1"]) is None


def test_the_goldens_read_up_front_are_those_of_the_candidates_each_record_weighs() -> None:
    snapshot = _snapshot(
        {
            "rare": [_hit("a", "g-a", 5)],
            "common": [_hit("b", "g-b", 1), _hit("c", "g-c", 2), _hit("a", "g-a", 5)],
            "other": [_hit("d", "g-d", 3)],
        }
    )
    top_two = WorkHint(NEW, "h", ("rare", "common"), 3, top_k=2)
    assert snapshot.weighed_goldens([top_two]) == ["g-a", "g-b"]  # not g-c, ranked third
    # Each record's own candidates; a hint that names no top_k weighs all its keys found.
    other = WorkHint(SourceKey("CRM", EntityType.CUSTOMER, "new-2"), "h", ("other",), 3)
    assert snapshot.weighed_goldens([top_two, other]) == ["g-a", "g-b", "g-d"]
    # A record the snapshot cannot rank (a key it did not read): every golden its keys found.
    unread = WorkHint(NEW, "h", ("common", "unread"), 3, top_k=1)
    assert snapshot.weighed_goldens([unread]) == ["g-a", "g-b", "g-c"]


def test_a_new_version_leaves_its_old_keys_and_ranks_on_its_new_ones_with_its_new_values() -> None:
    stored = SourceKey("ERP", EntityType.CUSTOMER, "a")
    membership = Membership("g-a", T0, "test", None, None)
    version = StoredSource(stored, {}, "h-a", 1, T0, T0)
    snapshot = GroupSnapshot(
        {NEW: None, stored: (version, membership)},
        {"old": [_hit("a", "g-a", 5), _hit("b", "g-b", 1)], "new": [_hit("c", "g-c", 2)]},
        ["new", "old"],
        4,
        {},
    )
    fields = {**_hit("a", "g-a", 5), "attributes": '{"name": "Renamed"}', "contentHash": "h2"}
    fields["matchValues"] = "values of h2"
    assert snapshot.add_version(stored, fields, ["new", "unread"]) == "g-a"
    assert _ranked(snapshot, ["old"]) == ["b"]
    found = snapshot.candidates(EntityType.CUSTOMER, ["new"], 3, 10) or []
    assert [c.key.source_id for c in found] == ["c", "a"]  # same weight, older golden first
    assert (found[1].attributes, found[1].golden_id) == ({"name": "Renamed"}, "g-a")
    assert found[1].match_values == "values of h2"
    # A record the group's reads did not find stored is not followed: the caller asks Neo4j.
    assert snapshot.add_version(NEW, fields, ["new"]) is None


def test_a_full_key_a_new_version_left_is_asked_live() -> None:
    # Read up to the limit: the record after the last one read is not known here.
    stored = SourceKey("ERP", EntityType.CUSTOMER, "r0")
    full = [_hit(f"r{n}", f"g{n}", n) for n in range(4)]
    snapshot = GroupSnapshot(
        {stored: (StoredSource(stored, {}, "h", 1, T0, T0), Membership("g0", T0, "t", None, None))},
        {"full": full},
        ["full"],
        4,
        {},
    )
    assert snapshot.add_version(stored, _hit("r0", "g0", 0), ["elsewhere"]) == "g0"
    assert snapshot.candidates(EntityType.CUSTOMER, ["full"], 3, 10) is None


def test_a_merge_moves_candidates_memberships_and_separations_to_the_survivor() -> None:
    stored = SourceKey("ERP", EntityType.CUSTOMER, "a")
    snapshot = GroupSnapshot(
        {NEW: None, stored: (StoredSource(stored, {}, "h", 1, T0, T0), Membership("g-a", T0, "r"))},
        {"k": [_hit("a", "g-a", 5), _hit("b", "g-b", 1), _hit("c", "g-c", 3)]},
        ["k"],
        4,
        {stored: ["g-c"]},
    )
    snapshot.separated(["g-a", "g-b", "g-c"], {frozenset(("g-a", "g-c"))})
    at = T0 + timedelta(days=1)
    assert snapshot.golden_merged("g-a", "g-b", at, "merge:g-a")
    # Its member ranks as the survivor's now: its creation time, its ID.
    found = snapshot.candidates(EntityType.CUSTOMER, ["k"], 3, 10) or []
    assert [(c.key.source_id, c.golden_id) for c in found] == [
        ("a", "g-b"),
        ("b", "g-b"),
        ("c", "g-c"),
    ]
    assert snapshot.source(stored) == (
        StoredSource(stored, {}, "h", 1, T0, T0),
        Membership("g-b", at, "merge:g-a"),
    )
    assert snapshot.separations(stored, ["g-b", "g-c"]) == ({"g-c"}, {frozenset(("g-b", "g-c"))})
    # A survivor whose creation time the snapshot never saw: the caller drops it.
    assert not snapshot.golden_merged("g-c", "g-elsewhere", at, "merge:g-c")
