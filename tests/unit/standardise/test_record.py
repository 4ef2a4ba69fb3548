"""A whole record at the door: its system must be declared (and send its entity type); its
values are standardised with the system's locale and code mappings; what was sent is kept
for each value that changed; then strict validation has the last word."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.admission import admit
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import content_hash
from mdm_hub.domain.systems import (
    DateOrder,
    Locale,
    SourceSystem,
    SystemKind,
    SystemRegistry,
)
from mdm_hub.errors import RecordRejected
from mdm_hub.standardise.codes import CodeLookup, UnmappedCode
from mdm_hub.standardise.record import standardise_record

SAP = SourceSystem(
    code="sap",
    name="SAP",
    kind=SystemKind.ERP,
    entity_types=(EntityType.CUSTOMER, EntityType.RATE_CARD),
    locale=Locale(date_order=DateOrder.DMY, decimal_separator=","),
)
CRM = SourceSystem(code="CRM", name="CRM", kind=SystemKind.CRM)
SYSTEMS = SystemRegistry.of([SAP, CRM], origin="/etc/mdm/systems.yaml")


class StatusCodes:
    """Reference data as a colleague will implement it: CUSTOMER.status is coded."""

    def code_set(self, entity_type: EntityType, attribute: str) -> str | None:
        return "customer_status" if attribute == "status" else None

    def lookup(self, code_set: str, system: str, value: str) -> CodeLookup:
        if value == "A":
            return CodeLookup("ACTIVE", None)
        if value == "Z":
            return CodeLookup(None, "'Z' is not a customer_status code of sap; known: A, I")
        return CodeLookup(value, None, unmapped=True)


def test_converted_values_are_canonical_and_what_was_sent_is_kept() -> None:
    raw = {
        "currency": "eur",
        "rate": "1.234,50",
        "effective_from": "31.01.2024",
        "unit": "hour",
        "code": " R-1 ",
        "role": "Senior   Consultant",  # inner spaces are the sender's
        "name": "   ",
        "customer": {"system": "CRM", "sourceId": "c-1"},
    }
    found = standardise_record(EntityType.RATE_CARD, raw, SAP)
    assert found.attributes == {
        "currency": "EUR",
        "rate": "1234.50",
        "effective_from": "2024-01-31",
        "unit": "HOUR",
        "code": "R-1",
        "role": "Senior   Consultant",
        "customer": {"system": "CRM", "sourceId": "c-1"},
    }
    assert found.sent == {
        "currency": "eur",
        "rate": "1.234,50",
        "effective_from": "31.01.2024",
        "unit": "hour",
        "code": " R-1 ",
        "name": "   ",  # an empty cell: absent, and kept as sent
    }
    assert found.problems == ()


def test_canonical_values_pass_as_they_are_with_nothing_kept() -> None:
    raw = {"name": "Acme", "country": "DE", "currency": "EUR", "city": None, "nope": 1}
    found = standardise_record(EntityType.CUSTOMER, raw, CRM)
    assert found.attributes == raw  # nulls and unknown keys are validation's to handle
    assert found.sent == {}


def test_unreadable_values_are_problems_naming_field_value_and_accepted_forms() -> None:
    raw = {"country": "Narnia", "currency": "$", "name": "Acme"}
    found = standardise_record(EntityType.CUSTOMER, raw, CRM)
    assert [(p.field, p.value) for p in found.problems] == [
        ("country", "Narnia"),
        ("currency", "$"),
    ]
    assert "ISO 3166-1 code" in found.problems[0].reason
    assert "USD, CAD" in found.problems[1].reason
    assert found.attributes == {"name": "Acme"}


def test_coded_attributes_go_through_the_code_mapper() -> None:
    mapped = standardise_record(EntityType.CUSTOMER, {"status": " A "}, SAP, StatusCodes())
    assert (mapped.attributes, mapped.sent, mapped.unmapped) == (
        {"status": "ACTIVE"},
        {"status": " A "},
        (),
    )
    refused = standardise_record(EntityType.CUSTOMER, {"status": "Z"}, SAP, StatusCodes())
    [problem] = refused.problems
    assert (problem.field, problem.value) == ("status", "Z")
    assert "known: A, I" in problem.reason
    kept = standardise_record(EntityType.CUSTOMER, {"status": "Dormant "}, SAP, StatusCodes())
    assert kept.attributes == {"status": "Dormant"}
    assert kept.unmapped == (
        UnmappedCode("sap", EntityType.CUSTOMER, "status", "customer_status", "Dormant"),
    )


def test_without_a_code_mapper_coded_attributes_are_only_trimmed() -> None:
    found = standardise_record(EntityType.CUSTOMER, {"status": " A "}, SAP)
    assert found.attributes == {"status": "A"}


# The door.


def _admit(system: str, entity_type: str, attributes: Any, **kwargs: Any) -> Any:
    return admit(system, entity_type, "r-1", attributes, None, SYSTEMS, **kwargs)


def test_an_undeclared_system_is_refused_naming_it_and_where_to_declare_it() -> None:
    with pytest.raises(RecordRejected) as refused:
        _admit("BILLING", "CUSTOMER", {"name": "Acme"})
    [problem] = refused.value.problems
    assert problem.field == "system"
    assert "'BILLING' is not declared" in problem.reason
    # The file and its setting, never where the hub is installed: API clients read this.
    assert "systems.yaml (MDM_SYSTEMS_FILE)" in problem.reason
    assert "/etc/mdm" not in problem.reason
    assert "mdm-hub systems" in problem.reason


def test_a_system_sending_an_entity_type_it_does_not_declare_is_refused() -> None:
    with pytest.raises(RecordRejected) as refused:
        _admit("sap", "EMPLOYEE", {"given_name": "Ann"})
    [problem] = refused.value.problems
    assert problem.field == "system"
    assert "CUSTOMER, RATE_CARD, not EMPLOYEE" in problem.reason


def test_the_door_reports_unreadable_and_invalid_values_together() -> None:
    with pytest.raises(RecordRejected) as refused:
        _admit("sap", "CUSTOMER", {"country": "Narnia", "nope": 1, "name": "x" * 300})
    assert [p.field for p in refused.value.problems] == [
        "attributes.country",
        "attributes.name",
        "attributes.nope",
    ]


def test_the_door_keeps_what_was_sent_and_the_unmapped_codes() -> None:
    record = _admit("sap", "CUSTOMER", {"country": "USA", "status": "Dormant"}, codes=StatusCodes())
    assert record.attributes == {"country": "US", "status": "Dormant"}
    assert record.sent == {"country": "USA"}
    assert [code.value for code in record.unmapped] == ["Dormant"]


def test_a_record_sent_canonical_hashes_as_before_and_one_sent_otherwise_does_not() -> None:
    canonical = _admit("CRM", "CUSTOMER", {"name": "Acme", "country": "US"})
    assert canonical.sent == {}
    assert canonical.content_hash == content_hash({"name": "Acme", "country": "US"})
    usa = _admit("CRM", "CUSTOMER", {"name": "Acme", "country": "USA"})
    us_dotted = _admit("CRM", "CUSTOMER", {"name": "Acme", "country": "U.S."})
    assert usa.attributes == canonical.attributes
    assert len({canonical.content_hash, usa.content_hash, us_dotted.content_hash}) == 3
    assert _admit("CRM", "CUSTOMER", {"country": "USA", "name": "Acme"}) == usa
