"""Every strategy and tie-breaker of the engine, and steward pins, on hand-made members."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideAction, OverrideEvent, active_pins
from mdm_hub.domain.records import AttributeValue, StoredSource
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.survivorship.rules import EntityRules
from tests.support.builders import at, key, pinned, stored
from tests.support.rules import rules_for


def by_name(values: tuple[AttributeValue, ...]) -> dict[str, AttributeValue]:
    return {value.name: value for value in values}


def chosen(
    rules: EntityRules, *members: StoredSource, pins: dict[str, OverrideEvent] | None = None
) -> dict[str, tuple[Any, str, str]]:
    """name -> (value, rule, system/sourceId it came from)."""
    values = compute_golden_attributes(members, rules, pins)
    return {v.name: (v.value, v.rule, f"{v.source.system}/{v.source.source_id}") for v in values}


def one(attribute: str, **rule: Any) -> EntityRules:
    return rules_for(attributes={attribute: rule})


# --- source_priority ---------------------------------------------------------------------


def test_source_priority_takes_the_first_listed_system_with_a_value() -> None:
    rules = one("name", strategy="source_priority", systems=["CRM", "ERP"])
    crm = stored(key("CRM", "1"), {"name": "Acme Inc"}, minute=1)
    erp = stored(key("ERP", "2"), {"name": "ACME"}, minute=50)  # newer, but ERP ranks second
    assert chosen(rules, erp, crm)["name"] == ("Acme Inc", "source_priority", "CRM/1")
    assert chosen(rules, erp)["name"] == ("ACME", "source_priority", "ERP/2")


def test_source_priority_ranks_unlisted_systems_last_by_the_tie_breakers() -> None:
    rules = rules_for(
        trust=["PSA", "EXPENSE"],
        attributes={"name": {"strategy": "source_priority", "systems": ["CRM"]}},
    )
    psa = stored(key("PSA", "1"), {"name": "from PSA"}, minute=1)
    expense = stored(key("EXPENSE", "2"), {"name": "from expense"}, minute=9)
    assert chosen(rules, expense, psa)["name"][2] == "PSA/1"  # trusted before EXPENSE


def test_source_priority_only_listed_never_takes_another_system() -> None:
    rules = one("name", strategy="source_priority", systems=["CRM"], only_listed=True)
    erp = stored(key("ERP", "2"), {"name": "ACME", "city": "Köln"})
    assert "name" not in chosen(rules, erp)
    assert chosen(rules, erp)["city"][0] == "Köln"  # other attributes are unaffected


def test_source_priority_breaks_a_tie_within_one_system_by_recency() -> None:
    rules = one("name", strategy="source_priority", systems=["CRM"])
    old = stored(key("CRM", "a"), {"name": "Old"}, minute=1)
    new = stored(key("CRM", "b"), {"name": "New"}, minute=2)
    assert chosen(rules, old, new)["name"][2] == "CRM/b"


# --- most_recent -------------------------------------------------------------------------


def test_most_recent_goes_by_observed_at_not_by_ingest_time() -> None:
    rules = one("email", strategy="most_recent")
    observed_late = stored(key("ERP", "1"), {"email": "late@x.de"}, minute=30)
    observed_early = stored(key("CRM", "2"), {"email": "early@x.de"}, minute=10)
    # The early observation reached the hub last.
    observed_early = replace(observed_early, recorded_at=at(600))
    assert chosen(rules, observed_late, observed_early)["email"] == (
        "late@x.de",
        "most_recent",
        "ERP/1",
    )


def test_most_recent_tie_goes_to_the_trusted_system() -> None:
    rules = rules_for(trust=["ERP", "CRM"], attributes={"email": {"strategy": "most_recent"}})
    crm = stored(key("CRM", "1"), {"email": "crm@x.de"}, minute=5)
    erp = stored(key("ERP", "2"), {"email": "erp@x.de"}, minute=5)
    assert chosen(rules, crm, erp)["email"][2] == "ERP/2"


# --- most_frequent -----------------------------------------------------------------------


def test_most_frequent_takes_the_value_most_members_hold() -> None:
    rules = rules_for(trust=["CRM"], attributes={"industry": {"strategy": "most_frequent"}})
    members = [
        stored(key("CRM", "1"), {"industry": "Consulting"}),
        stored(key("ERP", "2"), {"industry": "Legal"}, minute=3),
        stored(key("PSA", "3"), {"industry": "Legal"}, minute=1),
    ]
    # Legal twice beats the trusted CRM's Consulting once; credit goes to the newer holder.
    assert chosen(rules, *members)["industry"] == ("Legal", "most_frequent", "ERP/2")


def test_most_frequent_tie_between_values_goes_to_the_ranking() -> None:
    rules = rules_for(trust=["PSA", "CRM"], attributes={"industry": {"strategy": "most_frequent"}})
    crm = stored(key("CRM", "1"), {"industry": "Consulting"})
    psa = stored(key("PSA", "3"), {"industry": "Legal"})
    assert chosen(rules, crm, psa)["industry"][0] == "Legal"


def test_most_frequent_counts_equal_references_whatever_their_key_order() -> None:
    rules = one("parent", strategy="most_frequent")
    ref = {"system": "CRM", "sourceId": "P"}
    members = [
        stored(key("CRM", "1"), {"parent": {"sourceId": "P", "system": "CRM"}}),
        stored(key("ERP", "2"), {"parent": ref}),
        stored(key("PSA", "3"), {"parent": {"system": "CRM", "sourceId": "Q"}}, minute=9),
    ]
    assert chosen(rules, *members)["parent"][0] == ref


# --- longest -----------------------------------------------------------------------------


def test_longest_takes_the_longest_text() -> None:
    rules = one("website", strategy="longest")
    members = [
        stored(key("CRM", "1"), {"website": "acme.com"}, minute=9),
        stored(key("ERP", "2"), {"website": "https://www.acme.com"}),
    ]
    assert chosen(rules, *members)["website"] == ("https://www.acme.com", "longest", "ERP/2")


def test_longest_tie_goes_to_the_ranking() -> None:
    rules = rules_for(trust=["ERP"], attributes={"website": {"strategy": "longest"}})
    crm = stored(key("CRM", "1"), {"website": "acme.de"}, minute=9)
    erp = stored(key("ERP", "2"), {"website": "acme.fr"})
    assert chosen(rules, crm, erp)["website"][0] == "acme.fr"


# --- max / min ---------------------------------------------------------------------------


def test_max_and_min_compare_dates() -> None:
    hrs = stored(key("HRIS", "1", EntityType.EMPLOYEE), {"hire_date": "2019-04-01"})
    pay = stored(key("PAYROLL", "2", EntityType.EMPLOYEE), {"hire_date": "2018-11-15"})
    latest = rules_for(EntityType.EMPLOYEE, attributes={"hire_date": {"strategy": "max"}})
    earliest = rules_for(EntityType.EMPLOYEE, attributes={"hire_date": {"strategy": "min"}})
    assert chosen(latest, hrs, pay)["hire_date"] == ("2019-04-01", "max", "HRIS/1")
    assert chosen(earliest, hrs, pay)["hire_date"] == ("2018-11-15", "min", "PAYROLL/2")


def test_max_and_min_compare_numbers_as_numbers_not_text() -> None:
    members = [
        stored(key("PSA", "1", EntityType.RATE_CARD), {"rate": "9.5"}),
        stored(key("ERP", "2", EntityType.RATE_CARD), {"rate": "10"}),
        stored(key("CRM", "3", EntityType.RATE_CARD), {"rate": "120.00"}),
    ]
    highest = rules_for(EntityType.RATE_CARD, attributes={"rate": {"strategy": "max"}})
    lowest = rules_for(EntityType.RATE_CARD, attributes={"rate": {"strategy": "min"}})
    assert chosen(highest, *members)["rate"][0] == "120.00"
    assert chosen(lowest, *members)["rate"][0] == "9.5"


def test_max_equal_values_credit_the_best_ranked_member() -> None:
    rules = rules_for(EntityType.RATE_CARD, trust=["PSA"], attributes={"rate": {"strategy": "max"}})
    erp = stored(key("ERP", "2", EntityType.RATE_CARD), {"rate": "10"}, minute=9)
    psa = stored(key("PSA", "1", EntityType.RATE_CARD), {"rate": "10"})
    assert chosen(rules, erp, psa)["rate"][2] == "PSA/1"


# --- union -------------------------------------------------------------------------------


def test_union_lists_each_distinct_value_once_with_its_own_source() -> None:
    rules = rules_for(trust=["CRM", "ERP"], attributes={"email": {"strategy": "union"}})
    crm = stored(key("CRM", "1"), {"email": "sales@acme.com"}, version=2, minute=1)
    erp = stored(key("ERP", "2"), {"email": "ap@acme.com"}, minute=2)
    psa = stored(key("PSA", "3"), {"email": "sales@acme.com"}, minute=3)
    [email] = compute_golden_attributes([psa, erp, crm], rules)
    assert email.value == ["ap@acme.com", "sales@acme.com"]
    assert (email.rule, email.source, email.source_version) == ("union", crm.key, 2)
    assert [(p.value, p.source.system) for p in email.parts] == [
        ("ap@acme.com", "ERP"),
        ("sales@acme.com", "CRM"),  # held by CRM and PSA: credited to the more trusted
    ]
    assert all(p.rule == "union" and p.parts == () for p in email.parts)


def test_scalar_strategies_have_no_parts() -> None:
    rules = one("name", strategy="most_recent")
    [name] = compute_golden_attributes([stored(key("CRM", "1"), {"name": "A"})], rules)
    assert name.parts == ()


# --- first_non_null ----------------------------------------------------------------------


def test_first_non_null_walks_members_in_ranking_order() -> None:
    rules = rules_for(
        EntityType.EMPLOYEE,
        trust=["HRIS", "PAYROLL"],
        attributes={"middle_name": {"strategy": "first_non_null"}},
    )
    hris = stored(key("HRIS", "1", EntityType.EMPLOYEE), {"given_name": "Ann"})
    payroll = stored(key("PAYROLL", "2", EntityType.EMPLOYEE), {"middle_name": "B."})
    psa = stored(key("PSA", "3", EntityType.EMPLOYEE), {"middle_name": "Bea"}, minute=9)
    assert chosen(rules, psa, payroll, hris)["middle_name"] == (
        "B.",
        "first_non_null",
        "PAYROLL/2",
    )


def test_first_non_null_with_earliest_tie_breaker_takes_the_oldest_observation() -> None:
    rules = rules_for(
        tie_breakers=["earliest"], attributes={"name": {"strategy": "first_non_null"}}
    )
    members = [
        stored(key("CRM", "1"), {"name": "Newer"}, minute=5),
        stored(key("ERP", "2"), {"name": "Older"}, minute=1),
    ]
    assert chosen(rules, *members)["name"][0] == "Older"


# --- tie-breakers ------------------------------------------------------------------------


def test_without_tie_breakers_system_then_source_id_decide() -> None:
    rules = rules_for(tie_breakers=[], default={"strategy": "first_non_null"})
    members = [
        stored(key("ERP", "a"), {"name": "ERP a"}, minute=1),
        stored(key("CRM", "b"), {"name": "CRM b"}, minute=9),
        stored(key("CRM", "a"), {"name": "CRM a"}, minute=5),
    ]
    assert chosen(rules, *members)["name"][2] == "CRM/a"


def test_tie_breakers_apply_in_the_order_given() -> None:
    members = [
        stored(key("CRM", "1"), {"name": "CRM, old"}, minute=1),
        stored(key("ERP", "2"), {"name": "ERP, new"}, minute=9),
    ]
    trust_first = rules_for(
        trust=["CRM"], tie_breakers=["trust", "most_recent"], default={"strategy": "first_non_null"}
    )
    recency_first = rules_for(
        trust=["CRM"], tie_breakers=["most_recent", "trust"], default={"strategy": "first_non_null"}
    )
    assert chosen(trust_first, *members)["name"][0] == "CRM, old"
    assert chosen(recency_first, *members)["name"][0] == "ERP, new"


def test_an_attribute_may_set_its_own_tie_breakers() -> None:
    rules = rules_for(
        trust=["CRM"],
        tie_breakers=["trust"],
        default={"strategy": "first_non_null"},
        attributes={"status": {"strategy": "first_non_null", "tie_breakers": ["most_recent"]}},
    )
    members = [
        stored(key("CRM", "1"), {"name": "Acme", "status": "active"}, minute=1),
        stored(key("ERP", "2"), {"name": "ACME", "status": "blocked"}, minute=9),
    ]
    result = chosen(rules, *members)
    assert (result["name"][0], result["status"][0]) == ("Acme", "blocked")


def test_observations_a_microsecond_apart_are_not_a_tie() -> None:
    rules = rules_for(default={"strategy": "most_recent"})
    first = stored(key("ZZZ", "1"), {"name": "first"})
    later = stored(key("AAA", "2"), {"name": "later"})
    later = replace(later, observed_at=later.observed_at + timedelta(microseconds=1))
    assert chosen(rules, first, later)["name"][0] == "later"


def test_default_strategy_covers_unlisted_attributes() -> None:
    rules = rules_for(default={"strategy": "source_priority", "systems": ["ERP"]})
    members = [
        stored(key("CRM", "1"), {"city": "Cologne"}, minute=9),
        stored(key("ERP", "2"), {"city": "Köln"}),
    ]
    assert chosen(rules, *members)["city"] == ("Köln", "source_priority", "ERP/2")


# --- steward pins ------------------------------------------------------------------------


def _pin(revision: int, attribute: str, value: Any) -> OverrideEvent:
    return OverrideEvent(
        revision, attribute, OverrideAction.PIN, value, "jane", "per contract", at(revision)
    )


def test_a_pin_beats_every_rule_and_reads_steward_with_the_actor() -> None:
    rules = one("name", strategy="source_priority", systems=["CRM"])
    crm = stored(key("CRM", "1"), {"name": "Acme Inc", "city": "Köln"})
    values = by_name(compute_golden_attributes([crm], rules, {"name": _pin(3, "name", "Acme AG")}))
    assert values["name"] == pinned("name", "Acme AG", "jane", 3, 3, "per contract")
    assert values["city"].rule == "most_recent"


def test_a_pin_sets_an_attribute_no_member_has() -> None:
    rules = rules_for()
    crm = stored(key("CRM", "1"), {"name": "Acme"})
    values = by_name(
        compute_golden_attributes([crm], rules, {"industry": _pin(1, "industry", "Law")})
    )
    assert values["industry"].value == "Law"


def test_a_cleared_pin_hands_the_value_back_to_the_rule() -> None:
    rules = rules_for()
    crm = stored(key("CRM", "1"), {"name": "Acme"})
    cleared = OverrideEvent(2, "name", OverrideAction.CLEAR, None, "joe", "wrong", at(2))
    pins = active_pins([cleared, _pin(1, "name", "Pinned")])
    assert compute_golden_attributes([crm], rules, pins)[0].value == "Acme"


def test_no_members_and_no_pins_give_no_attributes() -> None:
    assert compute_golden_attributes([], rules_for()) == ()
