"""Golden attributes from members: the most recent value wins, with its provenance."""

from __future__ import annotations

from itertools import permutations

from mdm_hub.survivorship.engine import MOST_RECENT, compute_golden_attributes
from tests.support.builders import key, stored


def test_most_recently_observed_value_wins_per_attribute() -> None:
    crm = stored(key("CRM", "1"), {"name": "Acme Inc", "city": "Berlin"}, minute=10)
    erp = stored(key("ERP", "2"), {"name": "ACME", "currency": "EUR"}, version=3, minute=20)
    values = {v.name: v for v in compute_golden_attributes([crm, erp])}
    assert {name: v.value for name, v in values.items()} == {
        "name": "ACME",
        "city": "Berlin",
        "currency": "EUR",
    }
    assert values["name"].source == erp.key
    assert values["name"].source_version == 3
    assert values["city"].source == crm.key
    assert all(v.rule == MOST_RECENT for v in values.values())


def test_result_does_not_depend_on_member_order() -> None:
    members = [
        stored(key("CRM", "1"), {"name": "A"}, minute=5),
        stored(key("ERP", "2"), {"name": "B"}, minute=5),
        stored(key("PSA", "3"), {"name": "C"}, minute=1),
    ]
    results = {compute_golden_attributes(list(order)) for order in permutations(members)}
    assert len(results) == 1


def test_no_members_no_attributes() -> None:
    assert compute_golden_attributes([]) == ()
