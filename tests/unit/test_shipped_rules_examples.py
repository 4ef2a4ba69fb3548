"""docs/survivorship.md's worked examples, one per entity type, with the shipped rule files.
(The customer example runs through the services on both stores in
tests/contract/test_survivorship_contract.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, StoredSource, content_hash
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.wiring import shipped_rules


def member(
    entity_type: EntityType, system: str, source_id: str, month: int, **attributes: Any
) -> StoredSource:
    observed = datetime(2026, month, 1, tzinfo=UTC)
    return StoredSource(
        SourceKey(system, entity_type, source_id),
        attributes,
        content_hash(attributes),
        1,
        observed,
        observed,
    )


EMPLOYEE = [
    member(
        EntityType.EMPLOYEE,
        "HRIS",
        "1001",
        1,
        employee_number="E-1001",
        given_name="Ann",
        family_name="Smith",
        email="ann.smith@firm.example",
        job_title="Senior Consultant",
        hire_date="2019-04-01",
        cost_center={"system": "ERP", "sourceId": "4100"},
    ),
    member(
        EntityType.EMPLOYEE,
        "PAYROLL",
        "P-77",
        3,
        employee_number="E-1001",
        given_name="Ann",
        middle_name="B.",
        family_name="Smith-Jones",
        birth_date="1988-02-29",
        hire_date="2019-03-25",
    ),
    member(
        EntityType.EMPLOYEE,
        "PSA",
        "R-5",
        4,
        employee_number="E-1001",
        job_title="Engagement Manager",
        birth_date="1988-03-01",
        phone="+49 30 1234",
        manager={"system": "PSA", "sourceId": "R-1"},
    ),
    member(
        EntityType.EMPLOYEE,
        "EXPENSE",
        "X-9",
        2,
        employee_number="E-1001",
        location="Berlin",
        phone="+49 170 999",
    ),
]
EMPLOYEE_GOLDEN = {
    "birth_date": ("1988-02-29", "source_priority", "PAYROLL"),  # PSA's is never used
    "cost_center": ({"system": "ERP", "sourceId": "4100"}, "source_priority", "HRIS"),
    "email": ("ann.smith@firm.example", "source_priority", "HRIS"),
    "employee_number": ("E-1001", "source_priority", "HRIS"),
    "family_name": ("Smith", "source_priority", "HRIS"),  # payroll's later change loses
    "given_name": ("Ann", "source_priority", "HRIS"),
    "hire_date": ("2019-04-01", "source_priority", "HRIS"),
    "job_title": ("Senior Consultant", "source_priority", "HRIS"),
    "location": ("Berlin", "first_non_null", "EXPENSE"),
    "manager": ({"system": "PSA", "sourceId": "R-1"}, "source_priority", "PSA"),
    "middle_name": ("B.", "source_priority", "PAYROLL"),  # HRIS has none: payroll fills in
    "phone": ("+49 30 1234", "most_recent", "PSA"),
}

PROJECT = [
    member(
        EntityType.PROJECT,
        "PSA",
        "PRJ-1",
        3,
        code="P-2026-014",
        name="Acme ERP rollout",
        billing_method="TIME_AND_MATERIALS",
        start_date="2026-02-01",
        status="IN_PROGRESS",
    ),
    member(
        EntityType.PROJECT,
        "CRM",
        "OPP-9",
        1,
        code="P-2026-014",
        name="Acme - ERP implementation",
        billing_method="FIXED_FEE",
        customer={"system": "CRM", "sourceId": "0011x00000ACME"},
        currency="USD",
    ),
    member(
        EntityType.PROJECT,
        "ERP",
        "J-14",
        4,
        code="P-2026-014",
        status="ON_HOLD",
        currency="EUR",
    ),
]
PROJECT_GOLDEN = {
    "billing_method": ("TIME_AND_MATERIALS", "source_priority", "PSA"),
    "code": ("P-2026-014", "source_priority", "PSA"),
    "currency": ("EUR", "source_priority", "ERP"),
    "customer": ({"system": "CRM", "sourceId": "0011x00000ACME"}, "source_priority", "CRM"),
    "name": ("Acme ERP rollout", "source_priority", "PSA"),
    "start_date": ("2026-02-01", "source_priority", "PSA"),
    "status": ("IN_PROGRESS", "source_priority", "PSA"),  # ERP's newer status does not win
}

RATE_CARD = [
    member(
        EntityType.RATE_CARD,
        "PSA",
        "RC-SC-EUR",
        1,
        code="RC-SC-EUR",
        name="Senior Consultant EUR",
        role="Senior Consultant",
        rate="180.00",
        currency="EUR",
        unit="HOUR",
        effective_from="2026-01-01",
    ),
    member(
        EntityType.RATE_CARD,
        "ERP",
        "5001",
        2,
        code="RC-SC-EUR",
        rate="175.00",
        currency="EUR",
        unit="HOUR",
        effective_to="2026-12-31",
    ),
    member(
        EntityType.RATE_CARD,
        "CRM",
        "Q-1",
        3,
        code="RC-SC-EUR",
        rate="200",
        customer={"system": "CRM", "sourceId": "0011x00000ACME"},
    ),
]
RATE_CARD_GOLDEN = {
    "code": ("RC-SC-EUR", "source_priority", "PSA"),
    "currency": ("EUR", "source_priority", "PSA"),
    "customer": ({"system": "CRM", "sourceId": "0011x00000ACME"}, "source_priority", "CRM"),
    "effective_from": ("2026-01-01", "source_priority", "PSA"),
    "effective_to": ("2026-12-31", "source_priority", "ERP"),
    "name": ("Senior Consultant EUR", "source_priority", "PSA"),
    "rate": ("180.00", "source_priority", "PSA"),  # not the CRM quote's 200
    "role": ("Senior Consultant", "source_priority", "PSA"),
    "unit": ("HOUR", "source_priority", "PSA"),
}

DIMENSION = [
    member(
        EntityType.ACCOUNTING_DIMENSION,
        "ERP",
        "CC-4100",
        1,
        kind="COST_CENTER",
        code="4100",
        name="Consulting Berlin",
        currency="EUR",
        status="ACTIVE",
    ),
    member(
        EntityType.ACCOUNTING_DIMENSION,
        "HRIS",
        "4100",
        3,
        kind="COST_CENTER",
        code="4100",
        name="Berlin Consulting",
        parent={"system": "HRIS", "sourceId": "DE-OPS"},
    ),
    member(
        EntityType.ACCOUNTING_DIMENSION,
        "EXPENSE",
        "cc4100",
        4,
        kind="COST_CENTER",
        code="4100",
        name="CC 4100",
        status="INACTIVE",
    ),
]
DIMENSION_GOLDEN = {
    "code": ("4100", "source_priority", "ERP"),
    "currency": ("EUR", "source_priority", "ERP"),
    "kind": ("COST_CENTER", "source_priority", "ERP"),
    "name": ("Consulting Berlin", "source_priority", "ERP"),
    "parent": ({"system": "HRIS", "sourceId": "DE-OPS"}, "source_priority", "HRIS"),
    "status": ("ACTIVE", "source_priority", "ERP"),  # the expense tool's is never preferred
}


@pytest.mark.parametrize(
    ("members", "golden"),
    [
        (EMPLOYEE, EMPLOYEE_GOLDEN),
        (PROJECT, PROJECT_GOLDEN),
        (RATE_CARD, RATE_CARD_GOLDEN),
        (DIMENSION, DIMENSION_GOLDEN),
    ],
    ids=["employee", "project", "rate_card", "accounting_dimension"],
)
def test_worked_example(members: list[StoredSource], golden: dict[str, Any]) -> None:
    rules = shipped_rules().for_type(members[0].key.entity_type)
    values = compute_golden_attributes(members, rules)
    assert {v.name: (v.value, v.rule, v.source.system) for v in values} == golden
