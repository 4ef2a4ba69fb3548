"""The evidence compared when a record would take a golden record that holds its subsidiaries
(matching/displacement.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mdm_hub.domain.audit import SYSTEM, Action, AuditEntry
from mdm_hub.domain.changes import ChangeKind, changes_of
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, steward_decided_by
from mdm_hub.matching.displacement import Displaced, Member, displaced_by, held_by

NOW = datetime(2025, 1, 1, tzinfo=UTC)
RULE = "matching/customer.yaml#probabilistic"
NEW = "matching/customer.yaml#new"


def key(source_id: str) -> SourceKey:
    return SourceKey("crm", EntityType.CUSTOMER, source_id)


def compared_with(source_id: str) -> dict[str, Any]:
    return {"member": {"system": "crm", "entityType": "CUSTOMER", "sourceId": source_id}}


def member(
    source_id: str,
    score: float | None,
    decided_by: str = RULE,
    explanation: dict[str, Any] | None = None,
) -> Member:
    return Member(key(source_id), Membership("G", NOW, decided_by, score, explanation))


def test_a_child_linked_on_less_evidence_than_its_parent_has_leaves() -> None:
    child = member("child", 0.95, explanation=compared_with("holding"))
    others = [member("holding", None, NEW)]
    assert displaced_by(0.99, [child], others) == (Displaced(key("child"), 0.95),)


def test_an_equal_or_stronger_membership_stays() -> None:
    assert displaced_by(0.95, [member("child", 0.95)], []) == ()
    assert displaced_by(0.95, [member("child", 0.99)], []) == ()


def test_every_child_must_be_outweighed_or_none_leaves() -> None:
    children = [member("a", 0.91), member("b", 0.999)]
    assert displaced_by(0.99, children, []) == ()
    assert displaced_by(0.9999, children, []) == (
        Displaced(key("a"), 0.91),
        Displaced(key("b"), 0.999),
    )


def test_a_steward_placement_is_never_moved_whatever_the_scores() -> None:
    placed = member("child", None, steward_decided_by("jane"))
    assert displaced_by(1.0, [placed], []) == ()
    assert displaced_by(1.0, [member("other", 0.5), placed], []) == ()


def test_no_score_displaces_nothing() -> None:
    assert displaced_by(None, [member("child", 0.5)], []) == ()
    assert displaced_by(0.99, [], [member("holding", 0.99)]) == ()


def test_a_child_that_started_the_golden_record_is_held_by_the_links_made_to_it() -> None:
    # It started the golden record (its own score is its best miss elsewhere); a record of
    # the same subsidiary then linked on its likeness: that link holds it there.
    founder = member("child", 0.3, NEW)
    twin = member("twin", 0.9999, explanation=compared_with("child"))
    unrelated = member("holding", 0.97, explanation=compared_with("elsewhere"))
    assert held_by(founder, [twin, unrelated]) == 0.9999
    assert displaced_by(0.999, [founder], [twin, unrelated]) == ()
    alone = held_by(founder, [unrelated])
    assert alone == 0.3
    assert displaced_by(0.999, [founder], [unrelated]) == (Displaced(key("child"), 0.3),)


def test_a_child_with_no_evidence_at_all_is_outweighed_by_any_score() -> None:
    unscored = member("child", None, "merge:cus_1")
    assert held_by(unscored, []) is None
    assert displaced_by(0.9, [unscored], []) == (Displaced(key("child"), None),)


def test_a_split_is_reported_as_an_unmerge_by_the_rematch() -> None:
    moved = ["source:crm/CUSTOMER/child"]
    entry = AuditEntry(
        NOW,
        SYSTEM,
        Action.REMATCH_SPLIT,
        ("G", "N", *moved, "source:erp/CUSTOMER/parent"),
        {"goldenId": "G", "sources": moved, "score": 0.95},
        {"goldenId": "N", "sources": moved, "displacedBy": "source:erp/CUSTOMER/parent"},
    )
    [unmerged, member_moved] = changes_of([entry])
    assert (unmerged.kind, unmerged.golden_id) == (ChangeKind.GOLDEN_UNMERGED, "G")
    assert unmerged.change == {"targetId": "N", "sources": moved, "by": "rematch"}
    assert (member_moved.kind, member_moved.golden_id) == (ChangeKind.MEMBER_MOVED, "N")
    assert member_moved.source == key("child")
    assert member_moved.change == {"fromGoldenId": "G", "toGoldenId": "N"}
