"""A record's comparison values stored beside it: read back, they are exactly what `prepare`
makes of the record, and never used when made under other rules."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.companies import generate_companies
from mdm_hub.evaluation.landscape.dataset import landscape_dataset
from mdm_hub.matching import stored_values
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.paths import SHIPPED

RULES = load_match_rules(SHIPPED / "matching", shipped_systems())


@cache
def _records() -> list[tuple[EntityType, str, dict[str, Any]]]:
    """Every record of the generated landscape (all five types, each system's formats) and
    of the companies set."""
    landscape = landscape_dataset(EntityType.CUSTOMER)
    found = [
        (EntityType(r.entity_type or landscape.entity_type), r.system, r.attributes)
        for r in landscape.records
    ]
    companies = generate_companies(300)
    found += [(EntityType.CUSTOMER, r.system, r.attributes) for r in companies.records]
    return found


def test_every_record_reads_back_as_prepare_makes_it() -> None:
    records = _records()
    assert {entity_type for entity_type, _, _ in records} == set(EntityType)
    for entity_type, system, attributes in records:
        rules = RULES[entity_type]
        prepared = prepare(rules, attributes, with_keys=False, system=system)
        text = stored_values.encode(rules, prepared)
        assert stored_values.decode(rules, text) == prepared, (system, attributes)


def test_values_are_stored_without_keys_and_with_unverified_identifiers() -> None:
    rules = RULES[EntityType.CUSTOMER]
    # A tax ID whose check digit is wrong is kept, marked unverified.
    prepared = prepare(rules, {"name": "Acme", "tax_id": "DE123456789", "country": "DE"})
    assert prepared.keys
    assert prepared.unverified
    decoded = stored_values.decode(rules, stored_values.encode(rules, prepared))
    assert decoded == prepared._replace(keys=())


def _edited(rules: MatchRules, **changes: Any) -> MatchRules:
    document = rules.rules.model_dump(mode="json", exclude_none=True)
    document.update(changes)
    return MatchRules.parse(document, "edited.yaml", "", shipped_systems())


def test_values_made_under_other_rules_are_not_used() -> None:
    rules = RULES[EntityType.EMPLOYEE]
    attributes = {"given_name": "Ann", "family_name": "Lee", "employee_number": "E1"}
    prepared = prepare(rules, attributes, with_keys=False, system="workday")
    text = stored_values.encode(rules, prepared)
    # The same rules read again from their file: the values are used.
    again = load_match_rules(SHIPPED / "matching", shipped_systems())[EntityType.EMPLOYEE]
    assert stored_values.decode(again, text) == prepared
    # A threshold edited: what prepare makes may differ, so the text is not trusted.
    thresholds = rules.rules.thresholds.model_dump(mode="json")
    edited = _edited(rules, thresholds={**thresholds, "review": thresholds["review"] - 0.01})
    assert stored_values.decode(edited, text) is None
    # Sharing groups are part of it too (a scoped identifier's scope comes from them).
    ungrouped = MatchRules(rules.rules, rules.source, rules.digest, groups={})
    assert stored_values.decode(ungrouped, text) is None


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not a fingerprint",
        "{fingerprint}",
        "{fingerprint}\n[",
        "{fingerprint}\n[[],{},[]]",
        "{fingerprint}\n[{},{}]",
        "{fingerprint}\n[{},{},7]",
    ],
)
def test_missing_or_unreadable_text_is_standardised_again(text: str | None) -> None:
    rules = RULES[EntityType.CUSTOMER]
    fingerprint = stored_values.encode(rules, prepare(rules, {})).split("\n", 1)[0]
    given = text.replace("{fingerprint}", fingerprint) if text is not None else None
    assert stored_values.decode(rules, given) is None
