"""The pure relationship rules: which attribute means which edge, diffs between versions,
hierarchies, and the choice among disagreeing edges."""

from __future__ import annotations

from mdm_hub.domain.attributes import ATTRIBUTE_MODELS, Reference, validate_attributes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.relationships import (
    HIERARCHY_OF,
    REFERENCE_RULES,
    REFERENCEABLE,
    AssertedReference,
    Assertion,
    Relationship,
    RelationshipType,
    asserted_references,
    is_hierarchy,
    most_recently_asserted,
    reference_changes,
)
from tests.support.builders import at, key

T = RelationshipType
E = EntityType


def test_the_mapping_of_the_issue() -> None:
    table = {
        (entity_type, rule.attribute): (rule.relationship, rule.target_type)
        for entity_type, rules in REFERENCE_RULES.items()
        for rule in rules
    }
    assert table == {
        (E.CUSTOMER, "parent"): (T.CHILD_OF, E.CUSTOMER),
        (E.EMPLOYEE, "manager"): (T.REPORTS_TO, E.EMPLOYEE),
        (E.EMPLOYEE, "cost_center"): (T.IN_COST_CENTER, E.ACCOUNTING_DIMENSION),
        (E.EMPLOYEE, "legal_entity"): (T.EMPLOYED_BY, E.ACCOUNTING_DIMENSION),
        (E.PROJECT, "customer"): (T.FOR_CUSTOMER, E.CUSTOMER),
        (E.PROJECT, "project_manager"): (T.MANAGED_BY, E.EMPLOYEE),
        (E.RATE_CARD, "customer"): (T.PRICES, E.CUSTOMER),
        (E.RATE_CARD, "project"): (T.PRICES, E.PROJECT),
        (E.ACCOUNTING_DIMENSION, "parent"): (T.CHILD_OF, E.ACCOUNTING_DIMENSION),
    }


def test_every_reference_attribute_has_exactly_one_rule() -> None:
    for entity_type, model in ATTRIBUTE_MODELS.items():
        references = {
            name
            for name, field in model.model_fields.items()
            if field.annotation == Reference | None
        }
        ruled = [rule.attribute for rule in REFERENCE_RULES[entity_type]]
        assert sorted(ruled) == sorted(references), entity_type


def test_hierarchies_are_the_edges_within_one_entity_type() -> None:
    assert HIERARCHY_OF == {
        E.CUSTOMER: T.CHILD_OF,
        E.EMPLOYEE: T.REPORTS_TO,
        E.ACCOUNTING_DIMENSION: T.CHILD_OF,
    }
    assert [t for t in RelationshipType if is_hierarchy(t)] == [T.CHILD_OF, T.REPORTS_TO]
    assert E.RATE_CARD not in REFERENCEABLE  # nothing refers to rate cards
    assert {E.CUSTOMER, E.EMPLOYEE, E.PROJECT, E.ACCOUNTING_DIMENSION} == REFERENCEABLE


def test_references_take_the_target_type_from_the_rule() -> None:
    attributes = validate_attributes(
        E.RATE_CARD,
        {
            "code": "R",
            "customer": {"system": "CRM", "sourceId": "c"},
            "project": {"system": "PSA", "sourceId": "p"},
        },
    )
    assert asserted_references(E.RATE_CARD, attributes) == (
        AssertedReference("customer", T.PRICES, key("CRM", "c", E.CUSTOMER)),
        AssertedReference("project", T.PRICES, key("PSA", "p", E.PROJECT)),
    )
    assert asserted_references(E.RATE_CARD, {"code": "R"}) == ()


def _ref(attribute: str, source_id: str) -> AssertedReference:
    return AssertedReference(attribute, T.REPORTS_TO, key("HRIS", source_id, E.EMPLOYEE))


def test_changes_keep_unchanged_references_and_name_the_rest() -> None:
    before = [_ref("manager", "m1"), _ref("cost_center", "cc"), _ref("legal_entity", "le")]
    after = [_ref("manager", "m2"), _ref("cost_center", "cc"), _ref("project_manager", "pm")]
    changes = reference_changes(before, after)
    assert changes.asserted == (_ref("manager", "m2"), _ref("project_manager", "pm"))
    assert changes.retracted == ("legal_entity",)
    assert changes.replaced_attributes == ["legal_entity", "manager", "project_manager"]
    assert not reference_changes(before, before)
    assert reference_changes([], before).asserted == tuple(before)


def _edge(to_id: str, *minutes: int) -> Relationship:
    source = key("HRIS", to_id, E.EMPLOYEE)
    provenance = tuple(Assertion(source, "manager", 1, at(m), at(m)) for m in minutes)
    return Relationship("emp_me", T.REPORTS_TO, to_id, provenance)


def test_the_most_recently_asserted_edge_wins_and_ties_go_to_the_lower_id() -> None:
    assert most_recently_asserted([]) is None
    older, newer = _edge("emp_b", 1), _edge("emp_a", 0, 5)
    assert most_recently_asserted([older, newer]) == newer
    tie_a, tie_b = _edge("emp_a", 3), _edge("emp_b", 3)
    assert most_recently_asserted([tie_b, tie_a]) == tie_a
