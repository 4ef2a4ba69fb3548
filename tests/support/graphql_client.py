"""A GraphQL client over the real ASGI app, in-process."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.post(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


UPSERT = """
mutation Upsert($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId outcome sourceVersion }
}"""

UPSERT_MANY = """
mutation UpsertMany($inputs: [SourceRecordInput!]!) {
  upsertSourceRecords(inputs: $inputs) { goldenId outcome sourceVersion }
}"""

RESOLVE = """
query Resolve($system: String!, $entityType: EntityType!, $sourceId: String!) {
  resolve(system: $system, entityType: $entityType, sourceId: $sourceId) {
    goldenId entityType crosswalk { system entityType sourceId }
  }
}"""

RESOLVE_MANY = """
query ResolveMany($refs: [SourceRefInput!]!) {
  resolveMany(refs: $refs) { goldenId entityType crosswalk { system sourceId } }
}"""

GOLDEN = """
query Golden($id: ID!) {
  goldenRecord(id: $id) {
    id entityType version attributesJson
    attributes { name value rule source { system sourceId version observedAt } }
    crosswalk { system entityType sourceId version attributes observedAt }
  }
}"""


def record(
    system: str, source_id: str, entity_type: str = "CUSTOMER", **attributes: Any
) -> dict[str, Any]:
    return {
        "system": system,
        "entityType": entity_type,
        "sourceId": source_id,
        "attributes": attributes,
    }


GOLDEN_FIELDS = """
    id version ruleSetHash attributesJson
    attributes {
      name value rule reason source { system sourceId version observedAt }
      parts { value source { system sourceId } }
    }
    overrideHistory { revision attribute action value actor reason at }
"""

OVERRIDE = (
    """
mutation Override(
  $goldenId: ID!, $attribute: String!, $value: JSON!, $expectedVersion: Int!, $reason: String!
) {
  overrideAttribute(
    goldenId: $goldenId, attribute: $attribute, value: $value,
    expectedVersion: $expectedVersion, reason: $reason
  ) {
"""
    + GOLDEN_FIELDS
    + "} }"
)

CLEAR_OVERRIDE = (
    """
mutation Clear($goldenId: ID!, $attribute: String!, $expectedVersion: Int!, $reason: String!) {
  clearOverride(
    goldenId: $goldenId, attribute: $attribute, expectedVersion: $expectedVersion, reason: $reason
  ) {
"""
    + GOLDEN_FIELDS
    + "} }"
)

GOLDEN_STEWARDSHIP = "query Golden($id: ID!) { goldenRecord(id: $id) {" + GOLDEN_FIELDS + "} }"
