"""What the Neo4j transaction holds back tells it which reads must send it first, and a
golden record's held new members join its stored ones where the query would place them."""

from __future__ import annotations

from typing import Any

from mdm_hub.adapters.neo4j.write_buffer import WriteBuffer
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey


def _member(system: str, source_id: str, golden_id: str = "g1") -> dict[str, Any]:
    return {
        "system": system,
        "entityType": "CUSTOMER",
        "sourceId": source_id,
        "attributes": "{}",
        "contentHash": "h",
        "version": 1,
        "observedAt": "t",
        "recordedAt": "t",
        "sent": None,
        "matchValues": None,
        "keys": [f"k:{source_id}"],
        "goldenId": golden_id,
    }


def test_held_records_name_the_reads_that_must_wait_for_them() -> None:
    held = WriteBuffer()
    key = SourceKey("CRM", EntityType.CUSTOMER, "a")
    held.add_golden({"id": "g1"})
    held.add_member_source(key, _member("CRM", "a"))
    assert held.holds_source(key)
    assert not held.holds_source(SourceKey("CRM", EntityType.CUSTOMER, "b"))
    assert held.holds_any_key(["k:zz", "k:a"])
    assert not held.holds_any_key(["k:zz"])
    assert held.creates_golden("g1")
    assert not held.creates_golden("g2")


def test_held_members_join_the_stored_ones_in_neo4j_string_order() -> None:
    held = WriteBuffer()
    # U+1F600 sorts before U+FF21 by UTF-16 code unit (0xD83D < 0xFF21), after it by code
    # point; Neo4j orders by code unit (tests/integration/test_neo4j_batched_writes.py).
    held.add_member_source(
        SourceKey("ERP", EntityType.CUSTOMER, "\U0001f600"), _member("ERP", "\U0001f600")
    )
    held.add_member_source(SourceKey("CRM", EntityType.CUSTOMER, "b"), _member("CRM", "b"))
    stored = [{"system": "CRM", "sourceId": "a"}, {"system": "ERP", "sourceId": "\uff21"}]
    merged = held.with_held_members("g1", stored)
    assert [(m["system"], m["sourceId"]) for m in merged] == [
        ("CRM", "a"),
        ("CRM", "b"),
        ("ERP", "\U0001f600"),
        ("ERP", "\uff21"),
    ]
    assert "sent" not in merged[1]  # a null property is absent from a node's map
    assert held.with_held_members("g2", stored) == stored


def test_a_held_golden_is_read_and_recomputed_where_it_is_held() -> None:
    held = WriteBuffer()
    held.add_golden(
        {
            "id": "g1",
            "entityType": "CUSTOMER",
            "at": "t0",
            "updatedAt": "t0",
            "attributes": "[]",
            "ruleSetHash": None,
            "version": 1,
        }
    )
    held.add_member_source(SourceKey("CRM", EntityType.CUSTOMER, "a"), _member("CRM", "a"))
    row = held.golden_row("g1")
    assert row["golden"]["version"] == 1
    assert "ruleSetHash" not in row["golden"]
    assert [m["sourceId"] for m in row["members"]] == ["a"]
    assert held.update_golden("g1", '["v"]', "rules", "t1") == 2
    row = held.golden_row("g1")["golden"]
    assert (row["attributes"], row["ruleSetHash"], row["createdAt"], row["updatedAt"]) == (
        '["v"]',
        "rules",
        "t0",
        "t1",
    )


def _stored_golden(golden_id: str, version: int) -> dict[str, Any]:
    """A golden record as read under its lock (lock_read_golden.cypher's row)."""
    node = {"id": golden_id, "entityType": "CUSTOMER", "attributes": "[]", "version": version}
    members = [{"system": "CRM", "sourceId": "c"}]
    return {"golden": node, "members": members, "overrides": [], "mergedFrom": None}


def test_a_locked_golden_is_known_with_what_the_transaction_does_to_it() -> None:
    held = WriteBuffer()
    held.locked_golden(_stored_golden("g7", 4))
    assert held.updates("g7")
    assert not held.updates("g8")
    # A new member joins it where the member query would place it.
    held.add_member_source(SourceKey("CRM", EntityType.CUSTOMER, "a"), _member("CRM", "a", "g7"))
    known = held.known_golden("g7")
    assert known is not None
    assert [m["sourceId"] for m in known["members"]] == ["a", "c"]
    # Its recompute is held; the version moves as update_golden.cypher would move it.
    assert held.update_golden("g7", '["v"]', "rules", "t1") == 5
    assert held.update_golden("g7", '["w"]', "rules", "t2") == 6
    node = known["golden"]
    assert (node["attributes"], node["version"], node["updatedAt"]) == ('["w"]', 6, "t2")
    assert held  # the update waits to be sent
    # A statement the buffer cannot follow: read it again (the update stays held).
    held.forget_goldens()
    assert held.known_golden("g7") is None
    assert held


def test_term_counts_add_the_held_changes_to_those_read() -> None:
    held = WriteBuffer()
    assert held.term_counts(["a"]) is None  # never read here
    held.read_term_counts({"a": 3, "b": 0})
    held.add_term_changes({"a": 1, "c": 1})
    held.add_term_changes({"a": 1, "b": -1})
    assert held.term_counts(["a", "b"]) == [5, -1]
    assert held.term_counts(["a", "c"]) is None
    assert held.held_term_change("c") == 1


def test_a_members_new_version_is_held_and_known_where_its_golden_is() -> None:
    held = WriteBuffer()
    stored = _stored_golden("g7", 4)
    stored["members"] = [{**_member("CRM", "c", "g7"), "searchText": "old", "sent": "{}"}]
    held.locked_golden(stored)
    key = SourceKey("CRM", EntityType.CUSTOMER, "c")
    version = {**_member("CRM", "c"), "attributes": '{"name": "New"}', "version": 2}
    version |= {"searchText": "new", "matchValues": "values of v2", "keys": ["k:c", "k:c", "k:d"]}
    held.add_source_version(key, version, "g7")
    assert held.holds_source(key)  # its own read waits for it
    assert held.holds_any_key(["k:unrelated"])  # its old keys are not known here
    assert held.holds_source_versions()
    known = held.known_golden("g7")
    assert known is not None
    [member] = known["members"]
    assert (member["attributes"], member["version"], member["searchText"]) == (
        '{"name": "New"}',
        2,
        "new",
    )
    assert member["matchValues"] == "values of v2"
    assert "sent" not in member  # a null SET removes the property


def test_a_merge_moves_the_losers_known_members_to_the_survivor() -> None:
    held = WriteBuffer()
    held.locked_golden(_stored_golden("g7", 4))
    loser = _stored_golden("g8", 2)
    loser["members"] = [{"system": "CRM", "sourceId": "b"}, {"system": "ERP", "sourceId": "a"}]
    held.locked_golden(loser)
    held.golden_merged("g8", "g7")
    assert held.known_golden("g8") is None  # read again: its chain leads to the survivor
    known = held.known_golden("g7")
    assert known is not None
    assert [(m["system"], m["sourceId"]) for m in known["members"]] == [
        ("CRM", "b"),
        ("CRM", "c"),
        ("ERP", "a"),
    ]
    # A loser not known here: the survivor's members are not either.
    held.golden_merged("g9", "g7")
    assert held.known_golden("g7") is None
