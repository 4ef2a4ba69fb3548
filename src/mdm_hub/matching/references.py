"""Graph evidence: reference comparisons compare the golden records two references point at.

A prepared record holds a reference as what it names (`netsuite\x1f2023`: a system's own ID).
Before scoring, the matcher asks the store, in one read for the record and all its candidates,
which golden record each named record belongs to now, and puts those golden IDs in place: two
systems' references to their own copies of one customer then agree. A reference the hub cannot
resolve yet (its target has not arrived) is left empty, so it counts as missing, not as a
disagreement.

Referrers comparisons look the other way: which golden records refer to a record (the
employees in a cost centre). The matcher reads, in one more read, the golden records of each
record's referrers and puts them in place as a sorted list; two systems' copies of one cost
centre then share most of them, two different cost centres hardly any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.relationships import HIERARCHY_OF, REFERENCE_RULES
from mdm_hub.matching.comparators import REFERRER_SEPARATOR
from mdm_hub.matching.prepare import REFERENCE_SEPARATOR, PreparedRecord
from mdm_hub.matching.rules import Comparator, MatchRules


@dataclass(frozen=True)
class ReferenceSlot:
    """A reference comparison: its label (the key of its prepared value) and what it names."""

    label: str
    attribute: str
    target_type: EntityType


@dataclass(frozen=True)
class ReferrerSlot:
    """A referrers comparison: its label and the reference that refers to the record."""

    label: str
    referrer_type: EntityType
    attribute: str


_SLOTS: WeakKeyDictionary[MatchRules, tuple[ReferenceSlot, ...]] = WeakKeyDictionary()
_REFERRER_SLOTS: WeakKeyDictionary[MatchRules, tuple[ReferrerSlot, ...]] = WeakKeyDictionary()


def reference_slots(rules: MatchRules) -> tuple[ReferenceSlot, ...]:
    """The rule file's reference comparisons (computed once per rule set)."""
    slots = _SLOTS.get(rules)
    if slots is None:
        entity_type = rules.entity_type
        targets = {rule.attribute: rule.target_type for rule in REFERENCE_RULES[entity_type]}
        slots = _SLOTS[rules] = tuple(
            ReferenceSlot(c.label, c.attributes[0], targets[c.attributes[0]])
            for c in rules.rules.comparisons
            if c.comparator is Comparator.REFERENCE
        )
    return slots


def referrer_slots(rules: MatchRules) -> tuple[ReferrerSlot, ...]:
    """The rule file's referrers comparisons (computed once per rule set)."""
    slots = _REFERRER_SLOTS.get(rules)
    if slots is None:
        slots = _REFERRER_SLOTS[rules] = tuple(
            ReferrerSlot(c.label, c.referrer_type, c.attributes[0])
            for c in rules.rules.comparisons
            if c.comparator is Comparator.REFERRERS and c.referrer_type is not None
        )
    return slots


def with_referrers(record: PreparedRecord, found: Mapping[str, Sequence[str]]) -> PreparedRecord:
    """`record` with each referrers comparison (label -> the golden IDs of its referrers)
    filled in, "" (missing) when nothing refers to it."""
    values = dict(record.values)
    for label, goldens in found.items():
        values[label] = REFERRER_SEPARATOR.join(sorted(set(goldens)))
    return record._replace(values=values)


def hierarchy_attribute(entity_type: EntityType) -> str | None:
    """The reference that builds `entity_type`'s own hierarchy (a customer's parent)."""
    relationship = HIERARCHY_OF.get(entity_type)
    for rule in REFERENCE_RULES[entity_type]:
        if rule.relationship is relationship and rule.target_type is entity_type:
            return rule.attribute
    return None


def named_key(value: str, target_type: EntityType) -> SourceKey | None:
    """The source record a prepared reference value names."""
    system, separator, source_id = value.partition(REFERENCE_SEPARATOR)
    return SourceKey(system, target_type, source_id) if separator else None


def named_keys(
    slots: Iterable[ReferenceSlot], records: Iterable[PreparedRecord]
) -> list[SourceKey]:
    """Every distinct record the references of `records` name, in first-seen order."""
    found: dict[SourceKey, None] = {}
    slots = tuple(slots)
    for record in records:
        for slot in slots:
            key = named_key(record.values.get(slot.label, ""), slot.target_type)
            if key is not None:
                found.setdefault(key)
    return list(found)


def with_goldens(
    record: PreparedRecord,
    slots: Iterable[ReferenceSlot],
    goldens: Mapping[SourceKey, str | None],
) -> PreparedRecord:
    """`record` with each reference replaced by the golden ID it resolves to ("" if none),
    and the record each one named."""
    slots = tuple(slots)
    if all(record.values.get(slot.label) == "" for slot in slots):
        return record  # no reference in it: every slot stays "" (most records)
    values = dict(record.values)
    named: dict[str, SourceKey] = {}
    for slot in slots:
        key = named_key(values.get(slot.label, ""), slot.target_type)
        values[slot.label] = (goldens.get(key) or "") if key is not None else ""
        if key is not None:
            named[slot.label] = key
    return record._replace(values=values, named=named)


def with_goldens_all(
    rules: MatchRules,
    records: Sequence[PreparedRecord],
    goldens: Mapping[SourceKey, str | None] | None,
) -> list[PreparedRecord]:
    """Every record with its references resolved; as they are when `goldens` is None (no
    store to resolve them: references then compare as the IDs each system sent)."""
    slots = reference_slots(rules)
    if goldens is None or not slots:
        return list(records)
    return [with_goldens(record, slots, goldens) for record in records]
