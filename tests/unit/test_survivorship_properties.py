"""Properties of the engine over generated members and rule sets: the result is deterministic,
does not depend on the order in which members arrived, and every value traces to its source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD, OverrideAction, OverrideEvent
from mdm_hub.domain.records import AttributeValue, StoredSource
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.survivorship.rules import COMPARABLE_KINDS, EntityRules, Strategy, TieBreaker
from tests.support.builders import at, key, stored
from tests.support.rules import rules_for

RATE_CARD = EntityType.RATE_CARD
SYSTEMS = ["CRM", "ERP", "PSA", "HRIS", "PAYROLL"]
# Few values per attribute and few instants, so that ties are the common case, not the rare one.
VALUES: dict[str, list[Any]] = {
    "name": ["Senior", "Senior Consultant", "Sr"],
    "role": ["Consultant", "Manager"],
    "rate": ["120", "120.00", "95.5", "1000"],
    "effective_from": ["2026-01-01", "2025-07-01"],
    "customer": [{"system": "CRM", "sourceId": "A"}, {"system": "CRM", "sourceId": "B"}],
}
ANY_KIND = [
    Strategy.SOURCE_PRIORITY,
    Strategy.MOST_RECENT,
    Strategy.MOST_FREQUENT,
    Strategy.FIRST_NON_NULL,
]


@st.composite
def members(draw: st.DrawFn) -> list[StoredSource]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(SYSTEMS), st.sampled_from(["1", "2", "3"])),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    result = []
    for system, source_id in keys:
        attributes = {
            name: draw(st.sampled_from(pool))
            for name, pool in VALUES.items()
            if draw(st.booleans())
        }
        result.append(
            stored(
                key(system, source_id, RATE_CARD),
                attributes,
                version=draw(st.integers(1, 3)),
                minute=draw(st.integers(0, 2)),
            )
        )
    return result


@st.composite
def attribute_rules(draw: st.DrawFn, attribute: str) -> dict[str, Any]:
    kinds = rules_for(RATE_CARD).kinds
    fitting = [
        s for s in Strategy if s not in COMPARABLE_KINDS or kinds[attribute] in COMPARABLE_KINDS[s]
    ]
    rule: dict[str, Any] = {"strategy": str(draw(st.sampled_from(fitting)))}
    if rule["strategy"] == Strategy.SOURCE_PRIORITY:
        rule["systems"] = draw(st.lists(st.sampled_from(SYSTEMS), min_size=1, unique=True))
        rule["only_listed"] = draw(st.booleans())
    if draw(st.booleans()):
        rule["tie_breakers"] = [str(t) for t in draw(tie_breakers())]
    return rule


def tie_breakers() -> st.SearchStrategy[list[TieBreaker]]:
    return st.lists(st.sampled_from(list(TieBreaker)), unique=True)


@st.composite
def rule_sets(draw: st.DrawFn) -> EntityRules:
    listed = draw(st.lists(st.sampled_from(list(VALUES)), unique=True))
    default = draw(st.sampled_from(ANY_KIND))
    default_rule: dict[str, Any] = {"strategy": str(default)}
    if default is Strategy.SOURCE_PRIORITY:
        default_rule["systems"] = draw(st.lists(st.sampled_from(SYSTEMS), min_size=1, unique=True))
    return rules_for(
        RATE_CARD,
        trust=draw(st.lists(st.sampled_from(SYSTEMS), unique=True)),
        tie_breakers=[str(t) for t in draw(tie_breakers())],
        default=default_rule,
        attributes={name: draw(attribute_rules(name)) for name in listed},
    )


@st.composite
def pins(draw: st.DrawFn) -> dict[str, OverrideEvent]:
    pinned = draw(st.lists(st.sampled_from(list(VALUES)), unique=True, max_size=2))
    return {
        name: OverrideEvent(
            revision, name, OverrideAction.PIN, draw(st.sampled_from(VALUES[name])), "s", "r", at(9)
        )
        for revision, name in enumerate(pinned, start=1)
    }


@settings(max_examples=300, deadline=None)
@given(members(), rule_sets(), pins(), st.data())
def test_result_does_not_depend_on_member_arrival_order(
    given_members: list[StoredSource],
    rules: EntityRules,
    pinned: dict[str, OverrideEvent],
    data: st.DataObject,
) -> None:
    expected = compute_golden_attributes(given_members, rules, pinned)
    arrived = data.draw(st.permutations(given_members), label="arrival order")
    assert compute_golden_attributes(arrived, rules, pinned) == expected


@settings(max_examples=200, deadline=None)
@given(members(), rule_sets())
def test_result_is_deterministic_whatever_the_key_order_in_each_member(
    given_members: list[StoredSource], rules: EntityRules
) -> None:
    reordered = [
        replace(m, attributes=dict(reversed(list(m.attributes.items())))) for m in given_members
    ]
    first = compute_golden_attributes(given_members, rules)
    assert compute_golden_attributes(given_members, rules) == first
    assert compute_golden_attributes(reordered, rules) == first


@settings(max_examples=300, deadline=None)
@given(members(), rule_sets(), pins())
def test_every_value_traces_to_a_member_that_holds_it_or_to_its_pin(
    given_members: list[StoredSource], rules: EntityRules, pinned: dict[str, OverrideEvent]
) -> None:
    values = compute_golden_attributes(given_members, rules, pinned)
    assert [v.name for v in values] == sorted(v.name for v in values)
    for value in values:
        if value.name in pinned:
            assert (value.rule, value.value) == (STEWARD, pinned[value.name].value)
            assert value.source.source_id == pinned[value.name].actor
            continue
        assert value.rule == str(rules.rule_for(value.name).strategy)
        if value.parts:
            assert value.value == [part.value for part in value.parts]
            for part in value.parts:
                _traces(part, given_members)
        else:
            _traces(value, given_members)


@settings(max_examples=200, deadline=None)
@given(members(), rule_sets())
def test_every_attribute_a_member_has_gets_a_value_unless_its_rule_excludes_the_holders(
    given_members: list[StoredSource], rules: EntityRules
) -> None:
    names = {v.name for v in compute_golden_attributes(given_members, rules)}
    for name in VALUES:
        holders = {m.key.system for m in given_members if name in m.attributes}
        rule = rules.rule_for(name)
        if rule.only_listed:
            holders &= set(rule.systems or ())
        assert (name in names) == bool(holders)


def _traces(value: AttributeValue, given_members: Sequence[StoredSource]) -> None:
    [member] = [m for m in given_members if m.key == value.source]
    assert member.attributes[value.name] == value.value
    assert (member.version, member.observed_at) == (value.source_version, value.observed_at)
