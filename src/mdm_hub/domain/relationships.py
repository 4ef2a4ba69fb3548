"""Relationships between golden records, as data: which reference attribute means which edge.

A source record states a relationship in its own system's IDs (`project.customer` =
`{system: PSA, sourceId: C-7}`). The hub keeps that reference on the source record and, once
the target is known, derives an edge between the two golden records through the crosswalk.
Everything here is pure: the stores keep and walk the edges, the services decide when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey

# Walks along a hierarchy stop here: deep enough for any real org chart or chart of accounts,
# shallow enough to bound a query. (The Neo4j walk query repeats it as a literal.)
MAX_HIERARCHY_DEPTH = 20
DEFAULT_HIERARCHY_DEPTH = 10


class RelationshipType(StrEnum):
    CHILD_OF = "CHILD_OF"
    REPORTS_TO = "REPORTS_TO"
    IN_COST_CENTER = "IN_COST_CENTER"
    EMPLOYED_BY = "EMPLOYED_BY"
    FOR_CUSTOMER = "FOR_CUSTOMER"
    MANAGED_BY = "MANAGED_BY"
    PRICES = "PRICES"


class Direction(StrEnum):
    OUT = "OUT"  # from this golden record to the one it refers to (a project to its customer)
    IN = "IN"  # from records that refer to this one (a customer to its projects)


@dataclass(frozen=True)
class ReferenceRule:
    """A reference attribute of an entity type: the edge it asserts and the kind it points at."""

    attribute: str
    relationship: RelationshipType
    target_type: EntityType


def _rules(*rules: tuple[str, RelationshipType, EntityType]) -> tuple[ReferenceRule, ...]:
    return tuple(ReferenceRule(*rule) for rule in rules)


REFERENCE_RULES: Mapping[EntityType, tuple[ReferenceRule, ...]] = {
    EntityType.CUSTOMER: _rules(
        ("parent", RelationshipType.CHILD_OF, EntityType.CUSTOMER),
    ),
    EntityType.EMPLOYEE: _rules(
        ("manager", RelationshipType.REPORTS_TO, EntityType.EMPLOYEE),
        ("cost_center", RelationshipType.IN_COST_CENTER, EntityType.ACCOUNTING_DIMENSION),
        ("legal_entity", RelationshipType.EMPLOYED_BY, EntityType.ACCOUNTING_DIMENSION),
    ),
    EntityType.PROJECT: _rules(
        ("customer", RelationshipType.FOR_CUSTOMER, EntityType.CUSTOMER),
        ("project_manager", RelationshipType.MANAGED_BY, EntityType.EMPLOYEE),
    ),
    EntityType.RATE_CARD: _rules(
        ("customer", RelationshipType.PRICES, EntityType.CUSTOMER),
        ("project", RelationshipType.PRICES, EntityType.PROJECT),
    ),
    EntityType.ACCOUNTING_DIMENSION: _rules(
        ("parent", RelationshipType.CHILD_OF, EntityType.ACCOUNTING_DIMENSION),
    ),
}

# The hierarchy an entity type forms with itself: the edges that must never loop.
HIERARCHY_OF: Mapping[EntityType, RelationshipType] = {
    entity_type: rule.relationship
    for entity_type, rules in REFERENCE_RULES.items()
    for rule in rules
    if rule.target_type is entity_type
}

# Entity types some reference can point at: only their arrival can link a parked reference.
REFERENCEABLE: frozenset[EntityType] = frozenset(
    rule.target_type for rules in REFERENCE_RULES.values() for rule in rules
)


def is_hierarchy(relationship: RelationshipType) -> bool:
    return relationship in HIERARCHY_OF.values()


@dataclass(frozen=True)
class AssertedReference:
    """What one reference attribute of a source record says: an edge to a record, by its key."""

    attribute: str
    relationship: RelationshipType
    target: SourceKey


def asserted_references(
    entity_type: EntityType, attributes: Mapping[str, Any]
) -> tuple[AssertedReference, ...]:
    """The references in validated attributes, in rule order (absent attributes assert none)."""
    found = []
    for rule in REFERENCE_RULES[entity_type]:
        value = attributes.get(rule.attribute)
        if isinstance(value, dict):
            target = SourceKey(value["system"], rule.target_type, value["sourceId"])
            found.append(AssertedReference(rule.attribute, rule.relationship, target))
    return tuple(found)


@dataclass(frozen=True)
class ReferenceChanges:
    """How a new version of a source record changes what it asserts."""

    asserted: tuple[AssertedReference, ...] = ()  # new or re-pointed: stored with this version
    retracted: tuple[str, ...] = ()  # attributes whose reference is gone

    @property
    def replaced_attributes(self) -> list[str]:
        """Every attribute whose stored reference must go before the new ones are written."""
        return sorted({*self.retracted, *(ref.attribute for ref in self.asserted)})

    def __bool__(self) -> bool:
        return bool(self.asserted or self.retracted)


def reference_changes(
    before: Iterable[AssertedReference], after: Iterable[AssertedReference]
) -> ReferenceChanges:
    """Unchanged references are left alone, so they keep the version that first asserted them."""
    old = {ref.attribute: ref for ref in before}
    new = {ref.attribute: ref for ref in after}
    return ReferenceChanges(
        asserted=tuple(ref for name, ref in new.items() if old.get(name) != ref),
        retracted=tuple(sorted(old.keys() - new.keys())),
    )


@dataclass(frozen=True)
class Assertion:
    """Provenance of an edge: which source record asserted it, with which version, and when."""

    source: SourceKey
    attribute: str
    source_version: int
    observed_at: datetime  # when the source system said so
    recorded_at: datetime  # when the hub first recorded it


@dataclass(frozen=True)
class Relationship:
    """An edge between two golden records; one edge per (from, type, to), whoever asserts it."""

    from_id: str
    type: RelationshipType
    to_id: str
    provenance: tuple[Assertion, ...]

    def other_end(self, golden_id: str) -> str:
        return self.to_id if self.from_id == golden_id else self.from_id


def most_recently_asserted(relationships: Sequence[Relationship]) -> Relationship | None:
    """When members disagree (two managers), the edge asserted most recently wins, as golden
    attributes do; ties go to the lower golden ID so the answer never depends on read order."""
    if not relationships:
        return None
    return min(
        relationships,
        key=lambda r: (-max(a.observed_at for a in r.provenance).timestamp(), r.to_id),
    )


@dataclass(frozen=True)
class PendingReference:
    """A reference whose target the hub has not seen yet, parked until it arrives."""

    referrer: SourceKey
    referrer_golden_id: str
    reference: AssertedReference
    source_version: int
    recorded_at: datetime  # when it was parked: its age counts from here


@dataclass(frozen=True)
class LinkedReference:
    """A parked reference that a newly arrived record resolved."""

    referrer: SourceKey
    referrer_golden_id: str
    attribute: str
    relationship: RelationshipType


@dataclass(frozen=True)
class HierarchyStep:
    """A golden record reached from `anchor_id` along a hierarchy, at its nearest depth."""

    anchor_id: str
    golden_id: str
    depth: int
