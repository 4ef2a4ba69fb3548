"""Steward overrides through the real services, on every store: a pin wins until cleared and
survives every recomputation; bad input and unknown records write nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD, OverrideAction, active_pins
from mdm_hub.domain.records import AttributeValue, GoldenView
from mdm_hub.errors import InvalidInput, NotFound, VersionConflict
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.recompute import RecomputeService
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.survivorship.rules import RuleSet
from mdm_hub.wiring import shipped_rules
from tests.contract.test_merges_contract import merge
from tests.support.builders import at, pinned
from tests.support.rules import shipped_with
from tests.support.services import ingest_service

CRM = {"name": "Acme Inc", "tax_id": "DE1", "country": "DE", "city": "Berlin"}


async def _customer(store: Store, **extra: Any) -> str:
    result = await ingest_service(store).upsert(
        RawRecord("CRM", "CUSTOMER", "c1", {**CRM, **extra})
    )
    return result.golden_id


def _steward(store: Store, rules: RuleSet | None = None) -> OverrideService:
    return OverrideService(
        store, rules if rules is not None else shipped_rules(), clock=lambda: at(100)
    )


def _value(view: GoldenView | None, name: str) -> AttributeValue:
    assert view is not None
    [value] = [a for a in view.golden.attributes if a.name == name]
    return value


async def test_a_pin_reads_steward_with_actor_reason_and_revision(store: Store) -> None:
    golden_id = await _customer(store)
    view = await _steward(store).override_attribute(
        golden_id, "name", "Acme Incorporated", 1, "  legal name per contract  ", "jane@firm"
    )
    assert _value(view, "name") == pinned(
        "name", "Acme Incorporated", "jane@firm", 1, 100, "legal name per contract"
    )
    assert _value(view, "city").rule == "source_priority"  # other values keep their rule
    [event] = view.override_history
    assert (event.revision, event.action, event.value) == (
        1,
        OverrideAction.PIN,
        "Acme Incorporated",
    )
    assert (event.actor, event.reason, event.at) == (
        "jane@firm",
        "legal name per contract",
        at(100),
    )
    assert view.golden.version == 2
    assert await store.get_golden(golden_id) == view


async def test_a_pin_survives_member_updates_new_members_and_recompute(store: Store) -> None:
    golden_id = await _customer(store)
    await _steward(store).override_attribute(golden_id, "name", "Pinned", 1, "why", "jane")
    ingest = ingest_service(store)
    await ingest.upsert(
        RawRecord("CRM", "CUSTOMER", "c1", {**CRM, "name": "Acme SE", "city": "Bonn"})
    )
    await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {"tax_id": "DE1", "name": "ACME"}))
    await RecomputeService(store, shipped_rules()).recompute(EntityType.CUSTOMER)
    view = await store.get_golden(golden_id)
    assert (_value(view, "name").value, _value(view, "name").rule) == ("Pinned", STEWARD)
    assert _value(view, "city").value == "Bonn"  # unpinned values follow their members


async def test_clear_hands_the_value_back_to_its_rule_and_is_kept(store: Store) -> None:
    golden_id = await _customer(store)
    steward = _steward(store)
    await steward.override_attribute(golden_id, "name", "Pinned", 1, "why", "jane")
    view = await steward.clear_override(golden_id, "name", 2, "CRM was right", "joe")
    assert (_value(view, "name").value, _value(view, "name").rule) == (
        "Acme Inc",
        "source_priority",
    )
    assert [(e.revision, e.action, e.actor, e.reason) for e in view.override_history] == [
        (1, OverrideAction.PIN, "jane", "why"),
        (2, OverrideAction.CLEAR, "joe", "CRM was right"),
    ]
    assert view.override_history[1].value is None
    again = await steward.override_attribute(
        golden_id, "name", "Pinned again", 3, "new info", "ann"
    )
    assert _value(again, "name").source_version == 3


async def test_a_new_pin_replaces_the_one_in_force(store: Store) -> None:
    golden_id = await _customer(store)
    steward = _steward(store)
    await steward.override_attribute(golden_id, "name", "First", 1, "a", "jane")
    view = await steward.override_attribute(golden_id, "name", "Second", 2, "b", "joe")
    assert (_value(view, "name").value, _value(view, "name").source.source_id) == ("Second", "joe")
    assert list(active_pins(view.override_history)) == ["name"]


async def test_a_pin_may_set_an_attribute_no_member_has(store: Store) -> None:
    golden_id = await _customer(store)
    parent = {"system": "CRM", "sourceId": "HOLDING-1"}
    view = await _steward(store).override_attribute(golden_id, "parent", parent, 1, "group", "jane")
    assert _value(view, "parent").value == parent
    assert view.golden.values()["parent"] == parent


async def test_values_are_stored_in_canonical_form(store: Store) -> None:
    result = await ingest_service(store).upsert(RawRecord("PSA", "RATE_CARD", "r1", {"code": "R1"}))
    steward = _steward(store)
    view = await steward.override_attribute(result.golden_id, "rate", 150.5, 1, "agreed", "j")
    assert _value(view, "rate").value == "150.5"  # as the canonical model writes decimals


async def test_a_union_attribute_is_pinned_to_a_sorted_list(store: Store) -> None:
    rules = shipped_with(EntityType.CUSTOMER, attributes={"email": {"strategy": "union"}})
    golden_id = await _customer(store)
    steward = _steward(store, rules)
    view = await steward.override_attribute(
        golden_id, "email", ["b@acme.com", "a@acme.com", "b@acme.com"], 1, "both", "jane"
    )
    assert _value(view, "email").value == ["a@acme.com", "b@acme.com"]
    with pytest.raises(InvalidInput) as raised:
        await steward.override_attribute(golden_id, "email", "a@acme.com", 2, "one", "jane")
    assert [p.field for p in raised.value.problems] == ["value"]
    with pytest.raises(InvalidInput) as raised:
        await steward.override_attribute(golden_id, "email", ["ok@acme.com", 7], 2, "two", "jane")
    assert [p.field for p in raised.value.problems] == ["value[1]"]
    too_many = [f"u{i}@acme.com" for i in range(101)]
    with pytest.raises(InvalidInput, match="a list of 1 to 100 values"):
        await steward.override_attribute(golden_id, "email", too_many, 2, "many", "jane")


BAD_OVERRIDES: list[tuple[str, Any, str, str, str, str]] = [
    # attribute, value, reason, actor, field, reason fragment
    ("colour", "red", "why", "jane", "attribute", "not a CUSTOMER attribute"),
    ("country", "Germany", "why", "jane", "value", "ISO 3166-1 alpha-2"),
    ("name", 42, "why", "jane", "value", "valid string"),
    ("name", None, "why", "jane", "value", "must not be null"),
    ("name", "x" * 300, "why", "jane", "value", "at most 256 characters"),
    ("parent", {"system": "CRM", "sourceId": ""}, "why", "jane", "value.sourceId", "at least 1"),
    ("name", "Acme", "   ", "jane", "reason", "at least 1 character"),
    ("name", "Acme", "why", "", "actor", "at least 1 character"),
    ("name", "Acme", "why", "jane\x1b[31m", "actor", "control character U+001B"),
]


@pytest.mark.parametrize(
    ("attribute", "value", "reason", "actor", "field", "fragment"),
    BAD_OVERRIDES,
    ids=[f"{case[4]}-{i}" for i, case in enumerate(BAD_OVERRIDES)],
)
async def test_bad_override_names_the_field_and_writes_nothing(
    store: Store, attribute: str, value: Any, reason: str, actor: str, field: str, fragment: str
) -> None:
    golden_id = await _customer(store)
    before = await store.get_golden(golden_id)
    with pytest.raises(InvalidInput) as raised:
        await _steward(store).override_attribute(golden_id, attribute, value, 1, reason, actor)
    [problem] = raised.value.problems
    assert problem.field == field
    assert fragment in problem.reason
    assert await store.get_golden(golden_id) == before


async def test_clearing_an_attribute_without_a_pin_writes_nothing(store: Store) -> None:
    golden_id = await _customer(store)
    before = await store.get_golden(golden_id)
    steward = _steward(store)
    with pytest.raises(InvalidInput, match="has no override to clear"):
        await steward.clear_override(golden_id, "name", 1, "why", "jane")
    with pytest.raises(InvalidInput, match="not a CUSTOMER attribute"):
        await steward.clear_override(golden_id, "colour", 1, "why", "jane")
    assert await store.get_golden(golden_id) == before


async def test_unknown_golden_record_is_not_found(store: Store) -> None:
    steward = _steward(store)
    with pytest.raises(NotFound, match="cus_missing"):
        await steward.override_attribute("cus_missing", "name", "x", 1, "why", "jane")
    with pytest.raises(NotFound, match="cus_missing"):
        await steward.clear_override("cus_missing", "name", 1, "why", "jane")


async def _pin_when_current(
    store: Store, steward: OverrideService, golden_id: str, attribute: str, value: str
) -> None:
    """Pin as a steward does: read the version, pin, and on a conflict read again."""
    while True:
        view = await store.get_golden(golden_id)
        assert view is not None
        try:
            await steward.override_attribute(
                golden_id, attribute, value, view.golden.version, "why", "jane"
            )
            return
        except VersionConflict:
            continue


async def test_concurrent_ingest_and_overrides_lose_no_update(store: Store) -> None:
    """Every writer recomputes under the golden record's lock: whatever the interleaving, the
    stored values are those of the members and pins as finally committed."""
    golden_id = await _customer(store)
    ingest, steward = ingest_service(store), _steward(store)
    for round_ in range(12):
        await asyncio.gather(
            ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", {**CRM, "city": f"City {round_}"})),
            _pin_when_current(store, steward, golden_id, "industry", f"Law {round_}"),
            _pin_when_current(store, steward, golden_id, "status", f"S{round_}"),
        )
    view = await store.get_golden(golden_id)
    assert view is not None
    rules = shipped_rules().for_type(EntityType.CUSTOMER)
    expected = compute_golden_attributes(view.members, rules, active_pins(view.override_history))
    assert view.golden.attributes == expected
    assert _value(view, "city").value == "City 11"
    assert (_value(view, "industry").value, _value(view, "status").value) == ("Law 11", "S11")


PINS = 50


async def test_concurrent_pins_of_one_version_have_one_winner(store: Store) -> None:
    golden_id = await _customer(store)
    steward = _steward(store)
    outcomes = await asyncio.gather(
        *(
            steward.override_attribute(golden_id, "name", f"Name {n}", 1, "why", f"s{n}")
            for n in range(PINS)
        ),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, GoldenView)]
    conflicts = [o for o in outcomes if isinstance(o, VersionConflict)]
    assert (len(won), len(conflicts)) == (1, PINS - 1), outcomes
    assert {(c.expected, c.current) for c in conflicts} == {(1, 2)}
    view = await store.get_golden(golden_id)
    assert view is not None
    [pin] = view.override_history
    assert _value(view, "name").value == pin.value == _value(won[0], "name").value
    assert view.golden.version == 2


async def test_a_stale_clear_and_a_merged_away_id_are_version_conflicts(store: Store) -> None:
    golden_id = await _customer(store)
    steward = _steward(store)
    await steward.override_attribute(golden_id, "name", "Pinned", 1, "why", "jane")
    with pytest.raises(VersionConflict) as stale:
        await steward.clear_override(golden_id, "name", 1, "why", "joe")
    assert stale.value.details() == {
        "goldenId": golden_id,
        "expectedVersion": 1,
        "currentVersion": 2,
        "currentGoldenId": golden_id,
    }
    with pytest.raises(InvalidInput) as negative:
        await steward.override_attribute(golden_id, "name", "x", -1, "why", "joe")
    assert [p.field for p in negative.value.problems] == ["expectedVersion"]
    view = await store.get_golden(golden_id)
    assert view is not None
    assert [e.action for e in view.override_history] == [OverrideAction.PIN]

    other = (
        await ingest_service(store).upsert(RawRecord("ERP", "CUSTOMER", "e9", {"name": "Other"}))
    ).golden_id
    await merge(store, golden_id, other)
    with pytest.raises(VersionConflict) as merged:
        await steward.override_attribute(other, "name", "x", 1, "why", "joe")
    assert merged.value.current_id == golden_id
