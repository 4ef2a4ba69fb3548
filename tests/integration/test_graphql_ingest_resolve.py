"""Integrations post source records and resolve IDs through GraphQL, on every store."""

from __future__ import annotations

import asyncio

from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.counting_store import CountingStore
from tests.support.graphql_client import (
    GOLDEN,
    RESOLVE,
    RESOLVE_MANY,
    UPSERT,
    UPSERT_MANY,
    GraphQLClient,
    record,
)


async def test_two_systems_sharing_a_tax_id_resolve_to_one_golden(gql: GraphQLClient) -> None:
    crm = await gql.data(UPSERT, {"input": record("CRM", "C-1", name="Acme Inc", tax_id="DE111")})
    erp = await gql.data(UPSERT, {"input": record("ERP", "400", name="ACME", tax_id="de 111")})
    assert crm["upsertSourceRecord"]["outcome"] == "CREATED"
    assert erp["upsertSourceRecord"]["outcome"] == "LINKED"
    golden_id = crm["upsertSourceRecord"]["goldenId"]
    for system, source_id in (("CRM", "C-1"), ("ERP", "400")):
        variables = {"system": system, "entityType": "CUSTOMER", "sourceId": source_id}
        resolution = (await gql.data(RESOLVE, variables))["resolve"]
        assert resolution["goldenId"] == golden_id
        assert resolution["crosswalk"] == [
            {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "C-1"},
            {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "400"},
        ]


async def test_unknown_source_resolves_to_null(gql: GraphQLClient) -> None:
    variables = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "missing"}
    assert (await gql.data(RESOLVE, variables))["resolve"] is None


async def test_upsert_is_idempotent_over_graphql(gql: GraphQLClient) -> None:
    payload = {"input": record("PSA", "P-9", "PROJECT", code="P-9", name="Audit 2026")}
    first = (await gql.data(UPSERT, payload))["upsertSourceRecord"]
    again = (await gql.data(UPSERT, payload))["upsertSourceRecord"]
    payload["input"]["attributes"]["name"] = "Audit FY2026"
    changed = (await gql.data(UPSERT, payload))["upsertSourceRecord"]
    assert [first["outcome"], again["outcome"], changed["outcome"]] == [
        "CREATED",
        "UNCHANGED",
        "UPDATED",
    ]
    assert [first["sourceVersion"], again["sourceVersion"], changed["sourceVersion"]] == [1, 1, 2]


async def test_golden_record_shows_values_provenance_and_crosswalk(gql: GraphQLClient) -> None:
    crm = record("CRM", "C-1", name="Acme Inc", tax_id="DE111")
    crm["observedAt"] = "2026-02-01T10:00:00Z"
    erp = record("ERP", "400", tax_id="DE111", currency="EUR")
    erp["observedAt"] = "2026-01-01T10:00:00+00:00"
    result = await gql.data(UPSERT_MANY, {"inputs": [crm, erp]})
    golden_id = result["upsertSourceRecords"][0]["goldenId"]
    golden = (await gql.data(GOLDEN, {"id": golden_id}))["goldenRecord"]
    assert golden["attributesJson"] == {"name": "Acme Inc", "tax_id": "DE111", "currency": "EUR"}
    by_name = {a["name"]: a for a in golden["attributes"]}
    assert by_name["currency"]["source"] == {
        "system": "ERP",
        "sourceId": "400",
        "version": 1,
        "observedAt": "2026-01-01T10:00:00+00:00",
    }
    # customer.yaml: ERP owns the tax ID (source_priority [ERP, CRM]), whatever was observed last.
    assert (by_name["tax_id"]["rule"], by_name["tax_id"]["source"]["system"]) == (
        "source_priority",
        "ERP",
    )
    assert [(m["system"], m["version"]) for m in golden["crosswalk"]] == [("CRM", 1), ("ERP", 1)]
    assert golden["crosswalk"][1]["attributes"] == {"tax_id": "DE111", "currency": "EUR"}


async def test_unknown_golden_id_is_null(gql: GraphQLClient) -> None:
    assert (await gql.data(GOLDEN, {"id": "cus_nope"}))["goldenRecord"] is None


async def test_resolve_many_answers_in_input_order(gql: GraphQLClient) -> None:
    await gql.data(
        UPSERT_MANY,
        {"inputs": [record("CRM", "a", tax_id="T1"), record("ERP", "b", tax_id="T2")]},
    )
    refs = [
        {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "b"},
        {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "zzz"},
        {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "a"},
    ]
    answers = (await gql.data(RESOLVE_MANY, {"refs": refs}))["resolveMany"]
    assert answers[1] is None
    assert answers[0]["crosswalk"] == [{"system": "ERP", "sourceId": "b"}]
    assert answers[2]["crosswalk"] == [{"system": "CRM", "sourceId": "a"}]
    assert answers[0]["goldenId"] != answers[2]["goldenId"]


async def test_resolve_many_of_1000_refs_is_one_store_call(store: Store) -> None:
    inputs = [record("CRM", f"c{i}", tax_id=f"T{i}") for i in range(1000)]
    counting = CountingStore(store)
    async with client_for(counting) as http:  # type: ignore[arg-type]
        gql = GraphQLClient(http)
        await gql.data(UPSERT_MANY, {"inputs": inputs})
        counting.calls.clear()
        refs = [
            {"system": "CRM", "entityType": "CUSTOMER", "sourceId": f"c{i}"} for i in range(1000)
        ]
        answers = (await gql.data(RESOLVE_MANY, {"refs": refs}))["resolveMany"]
    # Plus the caller's API key: cached since the upsert read it, unless the upsert took
    # longer than MDM_API_KEY_CACHE_SECONDS (then read once more).
    assert counting.calls.pop("get_api_key", 0) <= 1
    # And the resolve cache reading the outbox beside it (not per resolve: per poll).
    counting.calls.pop("changes", 0)
    counting.calls.pop("last_change_position", 0)
    assert dict(counting.calls) == {"resolve_many": 1}
    assert [a["crosswalk"][0]["sourceId"] for a in answers] == [f"c{i}" for i in range(1000)]


async def test_a_repeated_resolve_skips_the_store_and_a_write_is_seen_at_once(
    store: Store,
) -> None:
    counting = CountingStore(store)
    acme = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "C-1"}
    async with client_for(counting) as http:  # type: ignore[arg-type]
        gql = GraphQLClient(http)
        await gql.data(UPSERT, {"input": record("CRM", "C-1", name="Acme Inc", tax_id="DE111")})
        # Resolves go to the store until the cache has read the outbox past the upsert.
        for _ in range(6000):
            asked = counting.calls["resolve_many"]
            await gql.data(RESOLVE, acme)
            if counting.calls["resolve_many"] == asked:
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("every resolve read the store")

        linked = await gql.data(UPSERT, {"input": record("ERP", "400", tax_id="DE111")})
        assert linked["upsertSourceRecord"]["outcome"] == "LINKED"
        crosswalk = (await gql.data(RESOLVE, acme))["resolve"]["crosswalk"]
    assert [ref["system"] for ref in crosswalk] == ["CRM", "ERP"]


async def test_resolve_many_refuses_more_than_1000_refs(gql: GraphQLClient) -> None:
    refs = [{"system": "CRM", "entityType": "CUSTOMER", "sourceId": str(i)} for i in range(1001)]
    body = await gql.post(RESOLVE_MANY, {"refs": refs})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 1000" in body["errors"][0]["message"]


async def test_resolve_many_names_the_place_of_a_bad_ref(gql: GraphQLClient) -> None:
    good = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c-1"}
    refs = [good, good, {**good, "sourceId": ""}, {**good, "system": "no spaces"}]
    body = await gql.post(RESOLVE_MANY, {"refs": refs})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # The first bad ref, by its index in the list.
    assert [p["field"] for p in error["extensions"]["problems"]] == ["refs[2].sourceId"]


async def test_batch_reports_a_bad_record_by_index_and_keeps_the_others(
    gql: GraphQLClient,
) -> None:
    inputs = [
        record("CRM", "ok-1", name="Alpha"),
        record("CRM", "bad", name="Beta", colour="red"),
        record("CRM", "ok-2", name="Gamma"),
    ]
    body = await gql.post(UPSERT_MANY, {"inputs": inputs})
    results = body["data"]["upsertSourceRecords"]
    assert results[1] is None
    assert [results[0]["outcome"], results[2]["outcome"]] == ["CREATED", "CREATED"]
    [error] = body["errors"]
    assert error["path"] == ["upsertSourceRecords", 1]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["problems"] == [
        {"field": "attributes.colour", "reason": "unknown attribute"}
    ]
    assert "record [1]" in error["message"]
