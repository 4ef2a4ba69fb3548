"""Limits at the API's edge (issue 16, defects 4, 8, 9 and 11): bodies too large or nested
too deeply, integers no store holds, the batch cap across aliased fields, a document with two
operations, and values refused per record. Each gets a clear JSON error; nothing else changes,
and the rest of a batch goes on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.config import Settings
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.graphql_client import RESOLVE, UPSERT_MANY, GraphQLClient, record
from tests.support.raw_requests import post_raw, problem_fields, send_raw, strict_json

REJECTS = "{ rejectedRecords(first: 10) { payload problems { field reason } } }"
HUGE = "1" + "0" * 5000


@pytest.fixture
async def memory_store() -> AsyncIterator[Store]:
    """For what is refused before any store is used: one kind is enough."""
    embedded = EmbeddedStore(":memory:")
    await embedded.open()
    yield embedded
    await embedded.close()


def upsert_many_body(records: str) -> str:
    return json.dumps({"query": UPSERT_MANY}).removesuffix("}") + (
        ', "variables": {"inputs": [' + records + "]}}"
    )


async def test_variables_nested_100000_deep_get_a_json_400(memory_store: Store) -> None:
    deep = '{"query": "{ __typename }", "variables": {"v": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    within_python = '{"query": "{ __typename }", "variables": {"v": ' + "[" * 40 + "]" * 40 + "}}"
    async with client_for(memory_store, role=None) as http:
        for body in (deep, within_python):
            response = await send_raw(http, body)
            assert response.status_code == 400
            [error] = strict_json(response)["errors"]
            assert error["extensions"]["code"] == "BAD_REQUEST"
            assert "MDM_MAX_VARIABLES_DEPTH" in error["message"]


async def test_an_integer_of_5000_digits_refuses_its_record_alone(store: Store) -> None:
    good = json.dumps(record("CRM", "ok", name="Acme"))
    huge = '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "n", "attributes": {"name": '
    async with client_for(store) as http:
        body = await post_raw(http, upsert_many_body(f"{good}, {huge}{HUGE}}}}}"))
        assert body["data"]["upsertSourceRecords"][0]["outcome"] == "CREATED"
        assert body["data"]["upsertSourceRecords"][1] is None
        [error] = body["errors"]
        assert error["path"] == ["upsertSourceRecords", 1]
        assert problem_fields(error) == ["attributes.name"]
        assert "64-bit" in error["extensions"]["problems"][0]["reason"]
        [reject] = (await post_raw(http, json.dumps({"query": REJECTS})))["data"]["rejectedRecords"]
        # A document literal Python cannot read is bad input too, not a 500.
        literal = (
            "{ goldenRecords(entityType: CUSTOMER, first: "
            + HUGE
            + ") { pageInfo { endCursor } } }"
        )
        refused = await post_raw(http, json.dumps({"query": literal}))
    assert reject["payload"]["attributes"] == {"name": HUGE}  # kept, as the digits sent
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_body_over_the_limit_is_413_before_authentication_and_not_read_whole(
    memory_store: Store,
) -> None:
    pulled = []

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(100):
            pulled.append(index)
            yield b" " * 16_384

    limited = Settings(max_body_bytes=65_536)
    async with client_for(memory_store, limited, role=None) as http:  # no key: refused before that
        declared = await send_raw(http, b" " * 100_000)
        streamed = await http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await send_raw(http, b'{"query": "{ __typename }"}')
    for response in (declared, streamed):
        assert response.status_code == 413
        [error] = strict_json(response)["errors"]
        assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert "MDM_MAX_BODY_BYTES" in error["message"]
    assert len(pulled) < 10  # stopped at the limit, not read to the end
    assert small.status_code == 200


async def test_aliases_cannot_carry_more_than_1000_records_in_one_request(store: Store) -> None:
    fields = " ".join(f"a{n}: upsertSourceRecords(inputs: $r{n}) {{ goldenId }}" for n in range(3))
    variables = " ".join(f"$r{n}: [SourceRecordInput!]!" for n in range(3))
    document = f"mutation Many({variables}) {{ {fields} }}"
    batches = {
        f"r{n}": [record("CRM", f"{n}-{i}", name=f"Firm {n} {i}") for i in range(400)]
        for n in range(3)
    }
    async with client_for(store) as http:
        gql = GraphQLClient(http)
        body = await gql.post(document, batches)
        first = await gql.post(
            RESOLVE, {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "0-0"}
        )
    [error] = body["errors"]
    assert body["data"] is None
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "1200 records in 3 mutation fields" in error["message"]
    assert first["data"]["resolve"] is None  # nothing was written


async def test_two_operations_without_an_operation_name_run_neither(store: Store) -> None:
    document = (
        'mutation A { upsertSourceRecord(input: {system: "CRM", entityType: CUSTOMER, '
        'sourceId: "two", attributes: {name: "Two"}}) { goldenId } } '
        "query B { __typename }"
    )
    async with client_for(store) as http:
        gql = GraphQLClient(http)
        body = await gql.post(document)
        found = await gql.post(
            RESOLVE, {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "two"}
        )
        named = await http.post("/graphql", json={"query": document, "operationName": "B"})
        still_unwritten = await gql.post(
            RESOLVE, {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "two"}
        )
    assert body["data"] is None
    assert "operationName" in body["errors"][0]["message"]
    assert found["data"]["resolve"] is None
    assert named.json() == {"data": {"__typename": "Query"}}  # the one named, alone
    assert still_unwritten["data"]["resolve"] is None


async def test_a_bad_observed_at_refuses_its_record_alone_into_the_reject_queue(
    store: Store,
) -> None:
    records = [
        record("CRM", "good", name="Good"),
        {**record("CRM", "late", name="Late"), "observedAt": "next tuesday"},
    ]
    async with client_for(store) as http:
        gql = GraphQLClient(http)
        body = await gql.post(UPSERT_MANY, {"inputs": records})
        rejects = (await gql.data(REJECTS))["rejectedRecords"]
    assert body["data"]["upsertSourceRecords"][0]["outcome"] == "CREATED"
    assert body["data"]["upsertSourceRecords"][1] is None
    assert problem_fields(body["errors"][0]) == ["observedAt"]
    [reject] = rejects
    assert reject["payload"]["observedAt"] == "next tuesday"
    assert [p["field"] for p in reject["problems"]] == ["observedAt"]


async def test_steward_arguments_name_the_field_that_cannot_be_stored(store: Store) -> None:
    async with client_for(store) as http:
        [created] = (
            await GraphQLClient(http).data(UPSERT_MANY, {"inputs": [record("CRM", "s", name="S")]})
        )["upsertSourceRecords"]
        golden_id = created["goldenId"]
        override = (
            '{"query": "mutation O($a: String!, $v: JSON!, $r: String!) { overrideAttribute('
            f'goldenId: \\"{golden_id}\\", attribute: $a, value: $v, expectedVersion: 1, '
            'reason: $r) { id } }", '
        )
        bad_name = await post_raw(
            http, override + '"variables": {"a": "na\\ud800me", "v": "x", "r": "ok"}}'
        )
        bad_reason = await post_raw(
            http, override + '"variables": {"a": "name", "v": "x", "r": "why\\udfff"}}'
        )
        invisible = await post_raw(
            http, override + '"variables": {"a": "na\\u200bme", "v": "x", "r": "ok"}}'
        )
        huge_value = await post_raw(
            http, override + '"variables": {"a": "name", "v": ' + HUGE + ', "r": "ok"}}'
        )
        after = await GraphQLClient(http).data(
            f'{{ goldenRecord(id: "{golden_id}") {{ version attributesJson }} }}'
        )
    assert problem_fields(bad_name["errors"][0]) == ["attribute"]
    assert problem_fields(bad_reason["errors"][0]) == ["reason"]
    assert problem_fields(invisible["errors"][0]) == ["attribute"]
    assert problem_fields(huge_value["errors"][0]) == ["value"]
    for refused in (bad_name, bad_reason, invisible, huge_value):
        assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert after["goldenRecord"] == {"version": 1, "attributesJson": {"name": "S"}}
