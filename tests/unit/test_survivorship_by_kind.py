"""Survivorship rules may name kinds of system: "CRM first, then ERP" holds for whatever CRM
and ERP a firm declares, a second CRM needs no rule change, and a name that is neither a
declared system nor a kind stops the rules from loading."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, StoredSource
from mdm_hub.domain.systems import SourceSystem, SystemKind, SystemRegistry
from mdm_hub.errors import RuleFileError
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.survivorship.loader import parse_rules
from mdm_hub.survivorship.rules import EntityRules
from tests.support.builders import stored

RULES = {
    "entity_type": "CUSTOMER",
    "trust": ["CRM", "ERP"],
    "attributes": {
        "name": {"strategy": "source_priority", "systems": ["CRM", "ERP"]},
        "tax_id": {"strategy": "source_priority", "systems": ["ERP", "CRM"]},
    },
}


def rules(document: dict[str, Any] = RULES, systems: SystemRegistry | None = None) -> EntityRules:
    registry = systems if systems is not None else shipped_systems()
    return parse_rules(yaml.safe_dump(document), EntityType.CUSTOMER, "customer.yaml", registry)


def member(system: str, minute: int, **attributes: str) -> StoredSource:
    return stored(SourceKey(system, EntityType.CUSTOMER, f"{system}-1"), attributes, 1, minute)


def values(members: list[StoredSource], entity_rules: EntityRules) -> dict[str, tuple[str, str]]:
    return {
        v.name: (v.value, v.source.system) for v in compute_golden_attributes(members, entity_rules)
    }


def test_a_kind_names_every_system_of_that_kind() -> None:
    chosen = values(
        [
            member("netsuite", 5, name="ACME CORP", tax_id="DE1"),
            member("salesforce", 1, name="Acme Corporation", tax_id="DE2"),
        ],
        rules(),
    )
    assert chosen["name"] == ("Acme Corporation", "salesforce")  # CRM first, however old
    assert chosen["tax_id"] == ("DE1", "netsuite")  # ERP first


def test_systems_of_one_kind_are_equals_settled_by_the_tie_breakers() -> None:
    members = [
        member("hubspot", 3, name="Acme (HubSpot)"),
        member("salesforce", 7, name="Acme (Salesforce)"),
        member("netsuite", 9, name="ACME CORP"),
    ]
    # trust ranks both CRMs equal; the next tie-breaker (most recent) decides.
    assert values(members, rules())["name"] == ("Acme (Salesforce)", "salesforce")


def test_a_system_named_before_its_kind_comes_first() -> None:
    document = {
        **RULES,
        "attributes": {"name": {"strategy": "source_priority", "systems": ["hubspot", "CRM"]}},
    }
    members = [member("hubspot", 1, name="Old"), member("salesforce", 9, name="New")]
    assert values(members, rules(document))["name"] == ("Old", "hubspot")


def test_declaring_another_system_of_a_kind_needs_no_rule_change_but_changes_the_hash() -> None:
    before = rules()
    more = shipped_systems().with_systems(
        [SourceSystem(code="pipedrive", name="Pipedrive", kind=SystemKind.CRM)]
    )
    after = rules(systems=more)
    members = [member("pipedrive", 1, name="Acme"), member("netsuite", 9, name="ACME CORP")]
    assert values(members, after)["name"] == ("Acme", "pipedrive")
    # Golden records computed before now read as stale, so `mdm-hub recompute` applies it.
    assert before.hash != after.hash
    assert rules().hash == before.hash


def test_a_name_that_is_neither_a_system_nor_a_kind_is_an_error_naming_it() -> None:
    document = {**RULES, "trust": ["CRM", "salesforse"]}
    with pytest.raises(RuleFileError) as raised:
        rules(document)
    [problem] = raised.value.problems
    assert problem.field == "trust"
    assert "'salesforse' is neither a declared system" in problem.reason
    assert "customer.yaml" in str(raised.value)
