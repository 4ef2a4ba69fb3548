"""Canonical attributes: strict types, bounded text, ISO codes, unknown keys named."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.attributes import (
    SHORT_TEXT_MAX,
    AttributeProblems,
    attribute_names,
    validate_attributes,
)
from mdm_hub.domain.entity_types import EntityType


def problems(entity_type: EntityType, raw: Any) -> dict[str, str]:
    with pytest.raises(AttributeProblems) as raised:
        validate_attributes(entity_type, raw)
    return {p.field: p.reason for p in raised.value.problems}


def test_every_entity_type_has_the_agreed_attributes() -> None:
    assert attribute_names(EntityType.PROJECT) == [
        "code", "name", "customer", "billing_method", "currency", "start_date", "end_date",
        "status", "project_manager",
    ]  # fmt: skip
    assert set(attribute_names(EntityType.CUSTOMER)) == {
        "name", "legal_name", "tax_id", "website", "email", "phone", "country", "address_line1",
        "address_line2", "city", "postal_code", "region", "currency", "industry", "status",
        "parent",
    }  # fmt: skip
    assert "legal_entity" in attribute_names(EntityType.EMPLOYEE)
    assert "rate" in attribute_names(EntityType.RATE_CARD)
    assert "kind" in attribute_names(EntityType.ACCOUNTING_DIMENSION)


def test_valid_values_are_kept_as_given_without_nulls() -> None:
    raw = {
        "code": "RC-1",
        "rate": "125.50",
        "unit": "HOUR",
        "effective_from": "2026-01-01",
        "project": {"system": "PSA", "sourceId": "P-1"},
        "role": None,
    }
    assert validate_attributes(EntityType.RATE_CARD, raw) == {
        "code": "RC-1",
        "rate": "125.50",
        "unit": "HOUR",
        "effective_from": "2026-01-01",
        "project": {"system": "PSA", "sourceId": "P-1"},
    }


def test_unknown_attribute_is_named() -> None:
    assert problems(EntityType.CUSTOMER, {"nmae": "Acme"}) == {
        "attributes.nmae": "unknown attribute"
    }


def test_wrong_types_are_named_and_never_coerced() -> None:
    found = problems(EntityType.EMPLOYEE, {"given_name": 7, "hire_date": 1700000000})
    assert set(found) == {"attributes.given_name", "attributes.hire_date"}


@pytest.mark.parametrize(
    ("entity_type", "raw", "field"),
    [
        (EntityType.CUSTOMER, {"country": "DEU"}, "attributes.country"),
        (EntityType.CUSTOMER, {"country": "de"}, "attributes.country"),
        (EntityType.CUSTOMER, {"currency": "EURO"}, "attributes.currency"),
        (EntityType.PROJECT, {"billing_method": "HOURLY"}, "attributes.billing_method"),
        (EntityType.RATE_CARD, {"unit": "WEEK"}, "attributes.unit"),
        (EntityType.RATE_CARD, {"rate": "-1"}, "attributes.rate"),
        (EntityType.RATE_CARD, {"rate": "abc"}, "attributes.rate"),
        (EntityType.ACCOUNTING_DIMENSION, {"kind": "PROFIT_CENTER"}, "attributes.kind"),
        (EntityType.EMPLOYEE, {"birth_date": "31/12/1980"}, "attributes.birth_date"),
        (EntityType.PROJECT, {"customer": {"system": "CRM"}}, "attributes.customer.sourceId"),
        (EntityType.PROJECT, {"customer": "CRM-1"}, "attributes.customer"),
        (EntityType.CUSTOMER, {"name": ""}, "attributes.name"),
        (EntityType.CUSTOMER, {"name": "x" * (SHORT_TEXT_MAX + 1)}, "attributes.name"),
        (EntityType.CUSTOMER, {"name": "Acme\x1b[31m"}, "attributes.name"),
        (EntityType.CUSTOMER, {"name": "Acme\u202eevil"}, "attributes.name"),
    ],
)
def test_bad_values_are_rejected_by_field(
    entity_type: EntityType, raw: dict[str, Any], field: str
) -> None:
    assert field in problems(entity_type, raw)


def test_non_object_attributes() -> None:
    assert problems(EntityType.CUSTOMER, ["a"]) == {"attributes": "must be a JSON object"}


def test_unicode_names_are_fine() -> None:
    assert validate_attributes(EntityType.CUSTOMER, {"name": "Müller & Söhne 株式会社"}) == {
        "name": "Müller & Söhne 株式会社"
    }
