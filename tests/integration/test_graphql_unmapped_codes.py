"""`unmappedCodes`: stewards and auditors page through the codes no mapping knows yet."""

from __future__ import annotations

from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import UnmappedCode
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.builders import at
from tests.support.graphql_client import GraphQLClient

UNMAPPED = """
query Unmapped($first: Int!, $after: String, $codeSet: String, $system: String) {
  unmappedCodes(first: $first, after: $after, codeSet: $codeSet, system: $system) {
    edges { node { system entityType attribute codeSet value count firstSeen lastSeen } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

SABBATICAL = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")
DORMANT = UnmappedCode("salesforce", EntityType.CUSTOMER, "status", "record_status", "Dormant")


async def _queue(store: Store) -> None:
    await store.write(lambda tx: tx.count_unmapped_codes([SABBATICAL, SABBATICAL], at(1)))
    await store.write(lambda tx: tx.count_unmapped_codes([SABBATICAL, DORMANT], at(2)))


async def test_stewards_see_each_code_with_its_counts(gql: GraphQLClient, store: Store) -> None:
    await _queue(store)
    found = (await gql.data(UNMAPPED, {"first": 1}))["unmappedCodes"]
    assert found["edges"][0]["node"] == {
        "system": "adp",
        "entityType": "EMPLOYEE",
        "attribute": "status",
        "codeSet": "employment_status",
        "value": "Sabbatical",
        "count": 3,
        "firstSeen": at(1).isoformat(),
        "lastSeen": at(2).isoformat(),
    }
    assert found["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(UNMAPPED, {"first": 5, "after": found["pageInfo"]["endCursor"]})
    assert [e["node"]["value"] for e in rest["unmappedCodes"]["edges"]] == ["Dormant"]


async def test_the_queue_filters_by_code_set_and_system(gql: GraphQLClient, store: Store) -> None:
    await _queue(store)
    by_set = await gql.data(UNMAPPED, {"first": 5, "codeSet": "record_status"})
    assert [e["node"]["value"] for e in by_set["unmappedCodes"]["edges"]] == ["Dormant"]
    by_system = await gql.data(UNMAPPED, {"first": 5, "system": "adp"})
    assert [e["node"]["value"] for e in by_system["unmappedCodes"]["edges"]] == ["Sabbatical"]


async def test_a_bad_page_size_or_cursor_is_named(gql: GraphQLClient) -> None:
    body = await gql.post(UNMAPPED, {"first": 0, "codeSet": "x" * 65})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "first: must be 1 to" in error["message"]
    assert "codeSet: must be 1 to 64 characters" in error["message"]
    body = await gql.post(UNMAPPED, {"first": 5, "after": "not-a-cursor"})
    assert "after: is not a cursor this API returned" in body["errors"][0]["message"]


async def test_integrations_may_not_read_the_queue(store: Store) -> None:
    async with client_for(store, role=Role.INTEGRATION) as http:
        body = await GraphQLClient(http).post(UNMAPPED, {"first": 5})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
