"""docs/relationships.md's relationship examples run as written, on every store."""

from __future__ import annotations

import re

from tests.support.graphql_client import UPSERT_MANY, GraphQLClient, record
from tests.support.paths import REPO_ROOT

SECTION = (REPO_ROOT / "docs" / "relationships.md").read_text(encoding="utf-8")
TRAVERSAL, PENDING = re.findall(r"```graphql\n(.*?)```", SECTION, flags=re.DOTALL)


async def test_the_traversal_and_pending_queries_answer(gql: GraphQLClient) -> None:
    posted = await gql.data(
        UPSERT_MANY,
        {
            "inputs": [
                record("CRM", "group", name="Acme Group"),
                record("CRM", "acme", name="Acme", parent={"system": "CRM", "sourceId": "group"}),
                record("HRIS", "pm", "EMPLOYEE", given_name="Pat"),
                record(
                    "PSA",
                    "P-1",
                    "PROJECT",
                    name="Audit",
                    customer={"system": "CRM", "sourceId": "acme"},
                    project_manager={"system": "HRIS", "sourceId": "pm"},
                ),
                record("PSA", "P-2", "PROJECT", customer={"system": "CRM", "sourceId": "later"}),
            ]
        },
    )
    acme = posted["upsertSourceRecords"][1]["goldenId"]
    customer = (await gql.data(TRAVERSAL, {"id": acme}))["goldenRecord"]
    [project] = customer["related"]
    assert project["golden"]["related"][0]["golden"]["attributesJson"] == {"given_name": "Pat"}
    assert project["provenance"][0]["sourceId"] == "P-1"
    assert customer["ancestors"][0]["golden"]["attributesJson"] == {"name": "Acme Group"}
    [waiting] = (await gql.data(PENDING))["pendingReferences"]["edges"]
    assert waiting["node"]["target"]["sourceId"] == "later"
