"""The README's stewardship examples are valid against the schema, and the merge runs."""

from __future__ import annotations

import re

from graphql import parse, validate

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from tests.support.graphql_client import UPSERT_MANY, GraphQLClient, record
from tests.support.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Stewardship") : README.index("## Figures")]
MERGE, UNMERGE, DECIDE = re.findall(r"```graphql\n(.*?)```", SECTION, flags=re.DOTALL)


def test_every_example_validates_against_the_schema() -> None:
    schema = build_schema(Settings())._schema
    for document in (MERGE, UNMERGE, DECIDE):
        assert validate(schema, parse(document)) == []


async def test_the_merge_example_runs(gql: GraphQLClient) -> None:
    posted = await gql.data(
        UPSERT_MANY,
        {
            "inputs": [
                record("CRM", "c1", name="Acme Inc", tax_id="DE111"),
                record("ERP", "400", name="Acme", tax_id="GB222"),
            ]
        },
    )
    ids = [r["goldenId"] for r in posted["upsertSourceRecords"]]
    versions = [{"goldenId": g, "version": 1} for g in ids]
    merged = (await gql.data(MERGE, {"ids": ids, "versions": versions}))["merge"]
    assert merged["id"] == ids[0]
    assert len(merged["crosswalk"]) == 2
