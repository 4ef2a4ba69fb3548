"""Declared source systems: the shipped file loads with the systems a firm expects, and every
mistake in a systems file is an error naming the file, the system and the field."""

from __future__ import annotations

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import DateOrder, SystemKind
from mdm_hub.errors import SystemsFileError
from mdm_hub.onboarding.systems_file import parse_systems, shipped_systems


def error_of(text: str) -> SystemsFileError:
    with pytest.raises(SystemsFileError) as raised:
        parse_systems(text, "conf/systems.yaml")
    return raised.value


def test_the_shipped_file_declares_common_systems_of_every_kind() -> None:
    registry = shipped_systems()
    expected = {
        SystemKind.CRM: {"salesforce", "hubspot", "dynamics_crm", "CRM"},
        SystemKind.ERP: {"netsuite", "sap", "sage_intacct", "ERP"},
        SystemKind.PSA: {"psa", "kantata", "certinia", "PSA"},
        SystemKind.HRIS: {"workday", "bamboohr", "HRIS"},
        SystemKind.PAYROLL: {"adp", "gusto", "PAYROLL"},
        SystemKind.EXPENSE: {"concur", "expensify", "EXPENSE"},
    }
    for kind, codes in expected.items():
        assert codes <= set(registry.of_kind(kind)), kind


def test_the_generic_codes_send_everything_and_named_products_what_they_hold() -> None:
    registry = shipped_systems()
    crm = registry.get("CRM")
    assert crm is not None
    assert all(crm.sends(t) for t in EntityType)
    salesforce = registry.get("salesforce")
    assert salesforce is not None
    assert salesforce.sends(EntityType.CUSTOMER)
    assert not salesforce.sends(EntityType.EMPLOYEE)
    sap = registry.get("sap")
    assert sap is not None
    assert sap.locale.date_order is DateOrder.DMY
    assert sap.locale.decimal_separator == ","


def test_a_kind_expands_to_its_systems_and_a_generic_code_comes_first() -> None:
    registry = parse_systems(
        "systems:\n"
        "  - {code: CRM, name: Generic, kind: CRM}\n"
        "  - {code: zcrm, name: Z, kind: CRM}\n"
        "  - {code: acrm, name: A, kind: CRM}\n"
        "  - {code: erp1, name: E, kind: ERP}\n",
        "x",
    )
    assert registry.expand("CRM") == ("CRM", "acrm", "zcrm")
    assert registry.expand("zcrm") == ("zcrm",)
    assert registry.expand("ERP") == ("erp1",)
    assert registry.expand("HRIS") is None  # a kind with no declared system names nothing
    assert registry.expand("nope") is None


def test_errors_name_the_file_the_system_and_the_field() -> None:
    error = error_of(
        "systems:\n"
        "  - {code: acme, name: Acme, kind: CRMX}\n"
        "  - {code: erp, name: E, kind: ERP, locale: {date_order: DDMM}}\n"
        "  - {code: x, name: X, kind: OTHER, entity_types: [INVOICE]}\n"
    )
    fields = [p.field for p in error.problems]
    assert fields == [
        "systems[0] (acme).kind",
        "systems[1] (erp).locale.date_order",
        "systems[2] (x).entity_types.0",
    ]
    assert "conf/systems.yaml" in str(error)
    assert "'OTHER'" in str(error)  # the accepted kinds are listed


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("systems: []\n", "systems", "at least 1"),
        (
            "systems:\n  - {code: a, name: A, kind: CRM}\n  - {code: a, name: B, kind: ERP}\n",
            "systems[1].code",
            "declared twice",
        ),
        (
            "systems:\n  - {code: STEWARD, name: S, kind: OTHER}\n",
            "systems[0] (STEWARD).code",
            "reserved",
        ),
        ("systems:\n  - {code: 'a b', name: S, kind: OTHER}\n", "systems[0] (a b).code", "pattern"),
        (
            "systems:\n  - {code: a, name: A, kind: CRM, colour: red}\n",
            "systems[0] (a).colour",
            "unknown setting",
        ),
        (
            "systems:\n  - {code: a, name: A, kind: CRM}\n  - {code: a, name: A, kind: CRM, "
            "code: b}\n",
            "",
            "given twice",
        ),
        ("- a\n", "", "must be a mapping"),
    ],
)
def test_each_kind_of_mistake_is_named(text: str, field: str, reason: str) -> None:
    [problem, *_] = error_of(text).problems
    assert problem.field == field
    assert reason in problem.reason
