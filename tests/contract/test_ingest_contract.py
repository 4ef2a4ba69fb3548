"""The idempotent upsert, through the real service, on every store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome, UpsertResult
from mdm_hub.errors import InvalidInput, RecordRejected
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.resolve import ResolveService
from tests.support.services import ingest_service

CUSTOMER = "CUSTOMER"


def customer(system: str, source_id: str, **attributes: object) -> RawRecord:
    return RawRecord(system, CUSTOMER, source_id, dict(attributes))


async def test_new_record_creates_a_golden_record(store: Store) -> None:
    result = await ingest_service(store).upsert(customer("CRM", "c1", name="Acme"))
    assert result.outcome is UpsertOutcome.CREATED
    assert result.source_version == 1
    view = await store.get_golden(result.golden_id)
    assert view is not None
    assert view.golden.values() == {"name": "Acme"}
    assert result.golden_id.startswith("cus_")


async def test_equal_tax_id_links_across_systems(store: Store) -> None:
    ingest = ingest_service(store)
    crm = await ingest.upsert(customer("CRM", "c1", name="Acme Inc", tax_id="DE 123.456"))
    erp = await ingest.upsert(customer("ERP", "e9", name="ACME", tax_id="de123456"))
    assert erp.outcome is UpsertOutcome.LINKED
    assert erp.golden_id == crm.golden_id
    resolution = await ResolveService(store).resolve(SourceKey("ERP", EntityType.CUSTOMER, "e9"))
    assert resolution is not None
    assert [str(k) for k in resolution.crosswalk] == ["CRM/CUSTOMER/c1", "ERP/CUSTOMER/e9"]


async def test_different_tax_ids_stay_apart(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(customer("CRM", "c1", name="Acme", tax_id="DE1"))
    second = await ingest.upsert(customer("ERP", "e1", name="Acme", tax_id="DE2"))
    assert second.outcome is UpsertOutcome.CREATED
    assert second.golden_id != first.golden_id


async def test_same_content_again_is_unchanged_and_writes_nothing(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(customer("CRM", "c1", name="Acme", country="DE"))
    before = await store.get_golden(first.golden_id)
    # Same content, keys in another order: still the same record.
    again = await ingest.upsert(RawRecord("CRM", CUSTOMER, "c1", {"country": "DE", "name": "Acme"}))
    assert again.outcome is UpsertOutcome.UNCHANGED
    assert again.source_version == 1
    assert await store.get_golden(first.golden_id) == before
    assert len(await store.source_versions(SourceKey("CRM", EntityType.CUSTOMER, "c1"))) == 1


async def test_changed_content_is_a_new_version(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(customer("CRM", "c1", name="Acme"))
    second = await ingest.upsert(customer("CRM", "c1", name="Acme GmbH"))
    assert second.outcome is UpsertOutcome.UPDATED
    assert (second.golden_id, second.source_version) == (first.golden_id, 2)
    view = await store.get_golden(first.golden_id)
    assert view is not None
    assert view.golden.values() == {"name": "Acme GmbH"}
    versions = await store.source_versions(SourceKey("CRM", EntityType.CUSTOMER, "c1"))
    assert [v.attributes["name"] for v in versions] == ["Acme", "Acme GmbH"]


async def test_most_recent_rule_goes_by_observed_at_not_arrival(store: Store) -> None:
    ingest = ingest_service(store)
    late = datetime(2026, 3, 1, tzinfo=UTC)
    early = datetime(2026, 1, 1, tzinfo=UTC)
    # customer.yaml: email is most_recent. The later-observed value arrives first.
    await ingest.upsert(
        RawRecord("ERP", CUSTOMER, "e1", {"tax_id": "X1", "email": "ap@k.de"}, late)
    )
    result = await ingest.upsert(
        RawRecord("CRM", CUSTOMER, "c1", {"tax_id": "X1", "email": "info@k.de"}, early)
    )
    view = await store.get_golden(result.golden_id)
    assert view is not None
    [email] = [a for a in view.golden.attributes if a.name == "email"]
    assert email.value == "ap@k.de"
    assert (email.rule, email.source.system, email.source_version) == ("most_recent", "ERP", 1)
    assert email.observed_at == late


@pytest.mark.parametrize(
    ("entity_type", "first", "second", "linked"),
    [
        ("EMPLOYEE", {"email": "Ann@Firm.com"}, {"email": " ann@firm.com"}, True),
        ("EMPLOYEE", {"employee_number": "E-7"}, {"employee_number": "e-7"}, True),
        ("EMPLOYEE", {"given_name": "Ann"}, {"given_name": "Ann"}, False),
        ("PROJECT", {"code": "P-100"}, {"code": "p-100"}, True),
        ("RATE_CARD", {"code": "RC-1"}, {"code": "RC-1"}, True),
        (
            "ACCOUNTING_DIMENSION",
            {"kind": "COST_CENTER", "code": "4100"},
            {"kind": "COST_CENTER", "code": "4100"},
            True,
        ),
        (
            "ACCOUNTING_DIMENSION",
            {"kind": "COST_CENTER", "code": "4100"},
            {"kind": "GL_ACCOUNT", "code": "4100"},
            False,
        ),
    ],
)
async def test_strong_identifiers_per_entity_type(
    store: Store, entity_type: str, first: dict[str, str], second: dict[str, str], linked: bool
) -> None:
    # One system sends both (identifiers scoped to their system are strong within it).
    ingest = ingest_service(store)
    a = await ingest.upsert(RawRecord("ERP", entity_type, "1", first))
    b = await ingest.upsert(RawRecord("ERP", entity_type, "2", second))
    assert (b.golden_id == a.golden_id) is linked
    assert b.outcome is (UpsertOutcome.LINKED if linked else UpsertOutcome.CREATED)


async def test_same_code_in_another_entity_type_does_not_link(store: Store) -> None:
    ingest = ingest_service(store)
    project = await ingest.upsert(RawRecord("PSA", "PROJECT", "1", {"code": "X-1"}))
    rate_card = await ingest.upsert(RawRecord("PSA", "RATE_CARD", "1", {"code": "X-1"}))
    assert rate_card.outcome is UpsertOutcome.CREATED
    assert rate_card.golden_id != project.golden_id


async def test_bad_record_is_rejected_kept_and_writes_nothing(store: Store) -> None:
    ingest = ingest_service(store)
    with pytest.raises(RecordRejected) as raised:
        await ingest.upsert(customer("CRM", "c1", name="Acme", colour="red"), "corr-42")
    assert [p.field for p in raised.value.problems] == ["attributes.colour"]
    assert await store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, "c1")]) == [None]
    [reject] = await store.list_rejects(10)
    assert reject.correlation_id == "corr-42"
    assert reject.payload["attributes"] == {"name": "Acme", "colour": "red"}
    assert list(reject.problems) == raised.value.problems


async def test_batch_rejects_only_the_bad_record(store: Store) -> None:
    outcomes = await ingest_service(store).upsert_many(
        [
            customer("CRM", "c1", name="Acme"),
            customer("CRM", "", name="No ID"),
            customer("CRM", "c3", name="Beta"),
        ]
    )
    assert isinstance(outcomes[1], RecordRejected)
    assert "record [1]" in str(outcomes[1])
    assert [o.outcome for o in (outcomes[0], outcomes[2])] == [  # type: ignore[union-attr]
        UpsertOutcome.CREATED,
        UpsertOutcome.CREATED,
    ]
    assert len(await store.list_rejects(10)) == 1


async def test_batch_over_the_limit_is_refused_whole(store: Store) -> None:
    with pytest.raises(InvalidInput, match="at most 1000"):
        await ingest_service(store).upsert_many([customer("CRM", str(i)) for i in range(1001)])
    assert await store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, "0")]) == [None]


async def test_records_in_one_batch_match_the_ones_before_them(store: Store) -> None:
    outcomes = await ingest_service(store).upsert_many(
        [
            customer("CRM", "c1", name="Acme Inc", tax_id="DE 123.456"),
            customer("ERP", "e9", name="ACME", tax_id="de123456"),
            customer("CRM", "c1", name="Acme Incorporated", tax_id="DE 123.456"),
        ]
    )
    first, second, again = outcomes
    assert isinstance(first, UpsertResult)
    assert isinstance(second, UpsertResult)
    assert isinstance(again, UpsertResult)
    assert second.outcome is UpsertOutcome.LINKED
    assert second.golden_id == first.golden_id
    assert (again.outcome, again.source_version) == (UpsertOutcome.UPDATED, 2)
    view = await store.get_golden(first.golden_id)
    assert view is not None
    assert [str(m.key) for m in view.members] == ["CRM/CUSTOMER/c1", "ERP/CUSTOMER/e9"]
