"""Bad input gets a specific error naming the field, and writes nothing, on every store."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.ports import Store
from tests.support.graphql_client import RESOLVE, UPSERT, GraphQLClient, record


async def _nothing_written(store: Store, source_id: str) -> None:
    assert await store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, source_id)]) == [None]


async def test_unknown_entity_type(gql: GraphQLClient, store: Store) -> None:
    body = await gql.post(UPSERT, {"input": record("CRM", "c1", "SUPPLIER", name="Acme")})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$input" in error["message"]
    assert "entityType" in error["message"]
    assert "SUPPLIER" in error["message"]
    await _nothing_written(store, "c1")


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "unknown attribute",
        record("CRM", "c1", name="Acme", colour="red"),
        "attributes.colour",
        "unknown attribute",
    ),
    ("empty sourceId", record("CRM", "", name="Acme"), "sourceId", "at least 1 character"),
    (
        "10 kB name",
        record("CRM", "c1", name="x" * 10_000),
        "attributes.name",
        "at most 256 characters",
    ),
    (
        "NUL in sourceId",
        record("CRM", "c\x001", name="Acme"),
        "sourceId",
        "control character U+0000",
    ),
    ("wrong type", record("CRM", "c1", name=42), "attributes.name", "valid string"),
    (
        "bad country",
        record("CRM", "c1", country="Narnia"),
        "attributes.country",
        "'Narnia' is not a country; use an ISO 3166-1 code",
    ),
    (
        "undeclared system",
        record("BILLING", "c1", name="Acme"),
        "system",
        "'BILLING' is not declared",
    ),
    (
        "attributes not an object",
        {**record("CRM", "c1"), "attributes": [1, 2]},
        "attributes",
        "JSON object",
    ),
]


@pytest.mark.parametrize(("case", "payload", "field", "reason"), CASES, ids=[c[0] for c in CASES])
async def test_rejected_record(
    gql: GraphQLClient, store: Store, case: str, payload: dict[str, Any], field: str, reason: str
) -> None:
    body = await gql.post(UPSERT, {"input": payload}, **{"X-Correlation-ID": f"test-{len(case)}"})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    problems = {p["field"]: p["reason"] for p in error["extensions"]["problems"]}
    assert reason in problems[field], problems
    assert field in error["message"]
    await _nothing_written(store, payload["sourceId"])
    # Nothing is lost: the rejected row is kept with its reasons and correlation ID.
    [reject] = await store.list_rejects(5)
    assert reject.payload["sourceId"] == payload["sourceId"]
    assert reject.correlation_id == f"test-{len(case)}"
    assert field in [p.field for p in reject.problems]


async def test_rejected_records_are_listed(gql: GraphQLClient) -> None:
    await gql.post(UPSERT, {"input": record("CRM", "c1", colour="red")})
    listed = await gql.data("{ rejectedRecords(first: 5) { payload problems { field reason } } }")
    [reject] = listed["rejectedRecords"]
    assert reject["problems"] == [{"field": "attributes.colour", "reason": "unknown attribute"}]
    assert reject["payload"]["attributes"] == {"colour": "red"}


async def test_resolve_with_an_invalid_key_names_the_field(gql: GraphQLClient) -> None:
    body = await gql.post(RESOLVE, {"system": "CRM", "entityType": "CUSTOMER", "sourceId": ""})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["problems"][0]["field"] == "sourceId"
