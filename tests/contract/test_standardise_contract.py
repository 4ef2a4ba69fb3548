"""Values standardised at the door, on every store: the canonical value is what matching,
survivorship and the golden record use; what was sent is kept with the source version; what
cannot be read, and records from undeclared systems, are refused into the reject queue."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome, UpsertResult
from mdm_hub.domain.systems import DateOrder, Locale, SourceSystem, SystemKind
from mdm_hub.errors import RecordRejected
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules

# A PSA writing dates day first and decimals with a comma, as a European export does.
PSA_EU = SourceSystem(
    code="psa_eu",
    name="PSA (EU)",
    kind=SystemKind.PSA,
    locale=Locale(date_order=DateOrder.DMY, decimal_separator=","),
)
CUSTOMER_KEY = SourceKey("CRM", EntityType.CUSTOMER, "c-1")
RATE_KEY = SourceKey("psa_eu", EntityType.RATE_CARD, "r-1")


@pytest.fixture
def ingest(store: Store) -> IngestService:
    return IngestService(
        store,
        shipped_matcher(),
        rules=shipped_rules(),
        systems=shipped_systems().with_systems([PSA_EU]),
    )


def customer(**attributes: Any) -> RawRecord:
    return RawRecord("CRM", "CUSTOMER", "c-1", {"name": "Acme", **attributes})


RATE = {
    "code": "R-1",
    "currency": "eur",
    "rate": "1.234,50",
    "effective_from": "31 Jan 2024",
    "effective_to": "31/12/2024",
}


async def test_values_are_stored_canonical_and_what_was_sent_is_kept(
    store: Store, ingest: IngestService
) -> None:
    created = await ingest.upsert(customer(country="USA"))
    rate = await ingest.upsert(RawRecord("psa_eu", "RATE_CARD", "r-1", dict(RATE)))
    [version] = await store.source_versions(CUSTOMER_KEY)
    assert (version.attributes, version.sent) == (
        {"name": "Acme", "country": "US"},
        {"country": "USA"},
    )
    [rate_version] = await store.source_versions(RATE_KEY)
    assert rate_version.attributes == {
        "code": "R-1",
        "currency": "EUR",
        "rate": "1234.50",
        "effective_from": "2024-01-31",
        "effective_to": "2024-12-31",
    }
    assert rate_version.sent == {key: RATE[key] for key in RATE if key != "code"}
    view = await store.get_golden(created.golden_id)
    assert view is not None
    assert view.golden.values() == {"name": "Acme", "country": "US"}
    assert [member.sent for member in view.members] == [{"country": "USA"}]
    rate_view = await store.get_golden(rate.golden_id)
    assert rate_view is not None
    assert rate_view.golden.values()["rate"] == "1234.50"


async def test_the_same_value_sent_another_way_is_a_new_version_of_the_same_values(
    store: Store, ingest: IngestService
) -> None:
    first = await ingest.upsert(customer(country="US"))
    usa = await ingest.upsert(customer(country="USA"))
    again = await ingest.upsert(customer(country="USA"))
    assert [first.outcome, usa.outcome, again.outcome] == [
        UpsertOutcome.CREATED,
        UpsertOutcome.UPDATED,
        UpsertOutcome.UNCHANGED,
    ]
    versions = await store.source_versions(CUSTOMER_KEY)
    assert [(v.version, v.attributes["country"], v.sent) for v in versions] == [
        (1, "US", {}),
        (2, "US", {"country": "USA"}),
    ]
    view = await store.get_golden(first.golden_id)
    assert view is not None
    assert view.golden.values()["country"] == "US"
    # Lineage: the audit event of the update says what was sent.
    [*_, update] = await AuditService(store).lineage(first.golden_id)
    assert update.after is not None
    assert update.after["sent"] == {"country": "USA"}


async def test_an_unreadable_value_is_refused_naming_field_value_and_accepted_forms(
    store: Store, ingest: IngestService
) -> None:
    with pytest.raises(RecordRejected) as refused:
        await ingest.upsert(customer(country="Narnia", currency="$"))
    country, currency = refused.value.problems
    assert country.field == "attributes.country"
    assert "'Narnia' is not a country" in country.reason
    assert "ISO 3166-1 code" in country.reason
    assert currency.field == "attributes.currency"
    assert "USD, CAD" in currency.reason
    [reject] = await store.list_rejects(10)
    assert reject.payload["attributes"]["country"] == "Narnia"
    assert [p.field for p in reject.problems] == ["attributes.country", "attributes.currency"]
    assert await store.source_versions(CUSTOMER_KEY) == []


async def test_an_undeclared_system_is_refused_and_the_rest_of_the_batch_goes_on(
    store: Store, ingest: IngestService
) -> None:
    results = await ingest.upsert_many(
        [
            customer(country="Deutschland"),
            RawRecord("BILLING", "CUSTOMER", "b-1", {"name": "Acme"}),
            RawRecord("psa_eu", "RATE_CARD", "r-1", dict(RATE)),
        ]
    )
    created, refused, rate = results
    assert isinstance(created, UpsertResult)
    assert isinstance(rate, UpsertResult)
    assert isinstance(refused, RecordRejected)
    assert refused.code == "BAD_USER_INPUT"
    [problem] = refused.problems
    assert problem.field == "system"
    assert "'BILLING' is not declared" in problem.reason
    assert "systems.yaml" in problem.reason
    [reject] = await store.list_rejects(10)
    assert reject.payload["system"] == "BILLING"


async def test_a_system_sending_a_type_it_does_not_declare_is_refused(
    store: Store, ingest: IngestService
) -> None:
    # The shipped salesforce sends customers only.
    with pytest.raises(RecordRejected) as refused:
        await ingest.upsert(RawRecord("salesforce", "PROJECT", "p-1", {"name": "Audit"}))
    assert "declared to send CUSTOMER, not PROJECT" in refused.value.problems[0].reason
    assert len(await store.list_rejects(10)) == 1
