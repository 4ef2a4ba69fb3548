"""System-scoped identifiers through the ingest service, on every store: an employee number is
strong within its system or sharing group (HRIS + payroll) and only evidence across others."""

from __future__ import annotations

from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from tests.support.builders import ANN
from tests.support.services import ingest_service


def employee(system: str, source_id: str, number: str, **attributes: Any) -> RawRecord:
    return RawRecord(
        system, "EMPLOYEE", source_id, {**ANN, "employee_number": number, **attributes}
    )


async def _number_use(store: Store, key: SourceKey) -> dict[str, Any]:
    async def membership(tx: Any) -> Any:
        return await tx.get_source(key)

    _, linked = await store.write(membership)
    uses = {u["name"]: u for u in linked.explanation["identifiers"]}
    return dict(uses["employee_number"])


async def test_hris_and_payroll_forms_of_one_number_link_as_a_strong_identifier(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("workday", "w1", "E004711"))
    # Payroll writes the number zero-padded and holds a different address: the shared
    # number decides, not the score.
    moved = {"address_line1": "1 Other Road", "postal_code": "M1 1AA", "city": "Manchester"}
    second = await ingest.upsert(employee("adp", "a1", "004711", **moved))
    assert (second.outcome, second.golden_id) == (UpsertOutcome.LINKED, first.golden_id)
    use = await _number_use(store, SourceKey("adp", EntityType.EMPLOYEE, "a1"))
    assert use == {
        "name": "employee_number",
        "scope": "system",
        "incomingScope": "HRIS+PAYROLL",
        "candidateScope": "HRIS+PAYROLL",
        "actedAs": "STRONG",
    }


async def test_another_systems_form_of_the_number_is_evidence_and_links(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("workday", "w1", "E004711"))
    expense = await ingest.upsert(employee("concur", "c1", "4711"))
    assert (expense.outcome, expense.golden_id) == (UpsertOutcome.LINKED, first.golden_id)
    use = await _number_use(store, SourceKey("concur", EntityType.EMPLOYEE, "c1"))
    assert (use["incomingScope"], use["candidateScope"], use["actedAs"]) == (
        "concur",
        "HRIS+PAYROLL",
        "EVIDENCE",
    )


async def test_a_different_number_from_another_system_vetoes_nothing(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("workday", "w1", "E004711"))
    expense = await ingest.upsert(employee("concur", "c1", "9"))
    assert (expense.outcome, expense.golden_id) == (UpsertOutcome.LINKED, first.golden_id)


async def test_a_different_number_from_the_same_system_is_another_employee(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("workday", "w1", "E004711"))
    again = await ingest.upsert(employee("workday", "w2", "E004711"))
    other = await ingest.upsert(employee("workday", "w3", "E004712"))
    assert (again.outcome, again.golden_id) == (UpsertOutcome.LINKED, first.golden_id)
    assert other.outcome is UpsertOutcome.CREATED
    assert other.golden_id != first.golden_id


async def test_different_numbers_within_the_hris_payroll_group_veto(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("workday", "w1", "E004711"))
    payroll = await ingest.upsert(employee("adp", "a1", "004712"))
    assert payroll.outcome is UpsertOutcome.CREATED
    assert payroll.golden_id != first.golden_id
