"""docs/stewardship.md's examples are valid against the schema; the merge and the unmerge
that undoes it run."""

from __future__ import annotations

import re

from graphql import parse, validate

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from tests.support.graphql_client import UPSERT_MANY, GraphQLClient, record
from tests.support.paths import REPO_ROOT

SECTION = (REPO_ROOT / "docs" / "stewardship.md").read_text(encoding="utf-8")
MERGE, UNMERGE, DECIDE = re.findall(r"```graphql\n(.*?)```", SECTION, flags=re.DOTALL)


def test_every_example_validates_against_the_schema() -> None:
    schema = build_schema(Settings())._schema
    for document in (MERGE, UNMERGE, DECIDE):
        assert validate(schema, parse(document)) == []


async def test_the_merge_and_unmerge_examples_run(gql: GraphQLClient) -> None:
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
    # Quoted, and both at once: a random ID can itself begin with "cus_b".
    names = {'"cus_a"': f'"{ids[0]}"', '"cus_b"': f'"{ids[1]}"'}
    undo = re.sub(r'"cus_[ab]"', lambda m: names[m.group(0)], UNMERGE)
    survivor = [{"goldenId": ids[0], "version": merged["version"]}]
    unmerged = (await gql.data(undo, {"versions": survivor}))["unmerge"]
    assert unmerged["target"]["id"] == ids[1]
    assert unmerged["target"]["crosswalk"] == [{"system": "ERP", "sourceId": "400"}]
