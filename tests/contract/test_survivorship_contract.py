"""Survivorship through the real services, on every store: arrival order does not matter, and
golden records carry the hash of the rules that computed them."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import permutations

import pytest

from mdm_hub.domain.records import UpsertOutcome
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import shipped_rules
from tests.support.services import ingest_service

CUSTOMER = "CUSTOMER"
JAN, FEB, MAR = (datetime(2026, month, 1, 9, 30, tzinfo=UTC) for month in (1, 2, 3))

CRM_ATTRIBUTES = {
    "name": "Acme Corporation",
    "tax_id": "DE123456789",
    "website": "acme.com",
    "email": "info@acme.com",
    "city": "Berlin",
    "industry": "Consulting",
}
# One customer as three systems hold it, each observed at a different time.
THREE_SYSTEMS = [
    RawRecord("CRM", CUSTOMER, "0011x00000ACME", CRM_ATTRIBUTES, JAN),
    RawRecord(
        "ERP",
        CUSTOMER,
        "C-100234",
        {
            "name": "ACME CORP",
            "legal_name": "Acme Corporation GmbH",
            "tax_id": "de 123456789",
            "currency": "EUR",
            "website": "https://www.acme.com",
            "email": "ap@acme.com",
            "city": "Berlin-Mitte",
        },
        FEB,
    ),
    RawRecord(
        "PSA",
        CUSTOMER,
        "ACC-77",
        {"name": "Acme", "tax_id": "DE123456789", "email": "pm@acme.com", "status": "active"},
        MAR,
    ),
]

# name -> (value, rule, system, sourceId, version, observedAt), per customer.yaml.
EXPECTED = {
    "city": ("Berlin", "source_priority", "CRM", "0011x00000ACME", 1, JAN),
    "currency": ("EUR", "source_priority", "ERP", "C-100234", 1, FEB),
    "email": ("pm@acme.com", "most_recent", "PSA", "ACC-77", 1, MAR),
    "industry": ("Consulting", "source_priority", "CRM", "0011x00000ACME", 1, JAN),
    "legal_name": ("Acme Corporation GmbH", "source_priority", "ERP", "C-100234", 1, FEB),
    "name": ("Acme Corporation", "source_priority", "CRM", "0011x00000ACME", 1, JAN),
    # Only PSA has a status: systems the rule does not list still fill a gap.
    "status": ("active", "source_priority", "PSA", "ACC-77", 1, MAR),
    "tax_id": ("de 123456789", "source_priority", "ERP", "C-100234", 1, FEB),
    "website": ("https://www.acme.com", "longest", "ERP", "C-100234", 1, FEB),
}


@pytest.mark.parametrize("order", list(permutations(range(3))), ids=str)
async def test_three_systems_in_any_order_give_the_same_golden_record(
    store: Store, order: tuple[int, ...]
) -> None:
    ingest = ingest_service(store)
    results = [await ingest.upsert(THREE_SYSTEMS[i]) for i in order]
    assert [r.outcome for r in results] == [
        UpsertOutcome.CREATED,
        UpsertOutcome.LINKED,
        UpsertOutcome.LINKED,
    ]
    assert len({r.golden_id for r in results}) == 1
    view = await store.get_golden(results[0].golden_id)
    assert view is not None
    got = {
        a.name: (
            a.value,
            a.rule,
            a.source.system,
            a.source.source_id,
            a.source_version,
            a.observed_at,
        )
        for a in view.golden.attributes
    }
    assert got == EXPECTED
    assert [a.name for a in view.golden.attributes] == sorted(EXPECTED)
    assert view.golden.rule_set_hash == shipped_rules().for_type(view.golden.entity_type).hash
    assert view.golden.version == 3  # one recompute per arrival


async def test_a_member_update_recomputes_in_the_same_write(store: Store) -> None:
    ingest = ingest_service(store)
    crm, erp = THREE_SYSTEMS[0], THREE_SYSTEMS[1]
    golden_id = (await ingest.upsert(crm)).golden_id
    await ingest.upsert(erp)
    renamed = RawRecord("CRM", CUSTOMER, "0011x00000ACME", {**CRM_ATTRIBUTES, "name": "Acme SE"})
    result = await ingest.upsert(renamed)
    assert (result.outcome, result.source_version) == (UpsertOutcome.UPDATED, 2)
    view = await store.get_golden(golden_id)
    assert view is not None
    [name] = [a for a in view.golden.attributes if a.name == "name"]
    assert (name.value, name.source.system, name.source_version) == ("Acme SE", "CRM", 2)
    assert view.golden.version == 3


async def test_unchanged_content_does_not_recompute(store: Store) -> None:
    ingest = ingest_service(store)
    golden_id = (await ingest.upsert(THREE_SYSTEMS[0])).golden_id
    before = await store.get_golden(golden_id)
    assert (await ingest.upsert(THREE_SYSTEMS[0])).outcome is UpsertOutcome.UNCHANGED
    assert await store.get_golden(golden_id) == before
