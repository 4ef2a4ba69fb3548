"""mergePreview shows exactly the values the merge then gives, and writes nothing."""

from __future__ import annotations

from tests.integration.test_graphql_stewardship import MERGE, _golden, _two_customers, _versions
from tests.support.graphql_client import GraphQLClient

PREVIEW = """
query Preview($ids: [ID!]!, $survivor: ID) {
  mergePreview(goldenIds: $ids, survivorId: $survivor) { name value rule source { sourceId } }
}"""


async def test_the_preview_is_what_the_merge_makes(gql: GraphQLClient) -> None:
    a, b = await _two_customers(gql)
    before = [await _golden(gql, a), await _golden(gql, b)]
    preview = (await gql.data(PREVIEW, {"ids": [a, b], "survivor": b}))["mergePreview"]
    assert [await _golden(gql, a), await _golden(gql, b)] == before  # nothing written
    variables = {"ids": [a, b], "survivor": b, "versions": await _versions(gql, a, b)}
    merged = (await gql.data(MERGE, {**variables, "reason": "same firm"}))["merge"]
    assert {p["name"]: p["value"] for p in preview} == merged["attributesJson"]


async def test_a_preview_of_one_record_is_refused_by_field(gql: GraphQLClient) -> None:
    a, _ = await _two_customers(gql)
    body = await gql.post(PREVIEW, {"ids": [a]})
    assert body["errors"][0]["extensions"]["problems"][0]["field"] == "goldenIds"
