"""docs/audit.md's audit and lineage examples are valid against the schema and run."""

from __future__ import annotations

import re

from graphql import parse, validate

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from tests.support.graphql_client import UPSERT, GraphQLClient, record
from tests.support.paths import REPO_ROOT

SECTION = (REPO_ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
STATUS, WALK = re.findall(r"```graphql\n(.*?)```", SECTION, flags=re.DOTALL)


def test_every_example_validates_against_the_schema() -> None:
    schema = build_schema(Settings())._schema
    for document in (STATUS, WALK):
        assert validate(schema, parse(document)) == []


async def test_the_walk_runs(gql: GraphQLClient) -> None:
    posted = await gql.data(UPSERT, {"input": record("CRM", "c1", name="Acme Inc")})
    golden_id = posted["upsertSourceRecord"]["goldenId"]
    walk = await gql.data(WALK.replace("cus_a", golden_id))
    assert walk["goldenRecord"]["attributes"][0]["source"]["system"] == "CRM"
    assert [e["action"] for e in walk["lineage"]] == ["ingest.created"]
    assert walk["sourceLineage"][0]["goldenId"] == golden_id
    assert (await gql.data(STATUS))["auditChainStatus"]["intact"] is True
