"""Strong identifiers: which values link records before fuzzy matching exists."""

from __future__ import annotations

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.matching.strong_keys import strong_keys


def test_tax_id_formatting_does_not_matter() -> None:
    assert strong_keys(EntityType.CUSTOMER, {"tax_id": "DE 123.456-789"}) == strong_keys(
        EntityType.CUSTOMER, {"tax_id": "de123456789"}
    )


def test_employee_has_two_strong_identifiers() -> None:
    keys = strong_keys(EntityType.EMPLOYEE, {"email": " Ann@Firm.COM ", "employee_number": "e-7"})
    assert keys == ["EMPLOYEE|email|ann@firm.com", "EMPLOYEE|employee_number|E-7"]


def test_dimension_needs_kind_and_code_together() -> None:
    assert strong_keys(EntityType.ACCOUNTING_DIMENSION, {"code": "4100"}) == []
    assert strong_keys(
        EntityType.ACCOUNTING_DIMENSION, {"kind": "COST_CENTER", "code": "4100"}
    ) == ["ACCOUNTING_DIMENSION|kind_code|COST_CENTER:4100"]


def test_names_are_not_strong_identifiers() -> None:
    assert strong_keys(EntityType.CUSTOMER, {"name": "Acme"}) == []


def test_blank_values_give_no_key() -> None:
    assert strong_keys(EntityType.PROJECT, {"code": "   "}) == []
    assert strong_keys(EntityType.CUSTOMER, {"tax_id": "--"}) == []


def test_keys_are_scoped_by_entity_type() -> None:
    assert strong_keys(EntityType.PROJECT, {"code": "X"}) != strong_keys(
        EntityType.RATE_CARD, {"code": "X"}
    )
