"""After an unmerge, merging the two sides again is refused with a hint that names what
works: the merge mutation with overrideNotAMatch (decideMatchCandidate has no such argument)."""

from __future__ import annotations

from typing import Any

from tests.integration.test_graphql_stewardship import DECIDE, MERGE, UNMERGE
from tests.support.builders import ANN
from tests.support.graphql_client import UPSERT, GraphQLClient, record

UPSERT_REVIEWED = """
mutation Upsert($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId matchCandidateId }
}"""
MERGE_ANYWAY = """
mutation MergeAnyway($ids: [ID!]!, $versions: [GoldenVersionInput!]!, $reason: String!) {
  merge(goldenIds: $ids, expectedVersions: $versions, reason: $reason, overrideNotAMatch: true) {
    id crosswalk { system sourceId }
  }
}"""
HINT = "use the merge mutation with overrideNotAMatch: true"


async def _versions(gql: GraphQLClient, *golden_ids: str) -> list[dict[str, Any]]:
    query = "query G($id: ID!) { goldenRecord(id: $id) { version } }"
    return [
        {"goldenId": g, "version": (await gql.data(query, {"id": g}))["goldenRecord"]["version"]}
        for g in golden_ids
    ]


async def test_the_refusal_after_an_unmerge_names_the_merge_mutation_and_it_works(
    gql: GraphQLClient,
) -> None:
    best = (await gql.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)}))[
        "upsertSourceRecord"
    ]["goldenId"]
    unsure = record("EXPENSE", "e1", "EMPLOYEE", given_name="Ann", family_name="Lee", region="kent")
    queued = (await gql.data(UPSERT_REVIEWED, {"input": unsure}))["upsertSourceRecord"]
    own, candidate = queued["goldenId"], queued["matchCandidateId"]
    assert candidate is not None
    merged = {"ids": [best, own], "versions": await _versions(gql, best, own), "reason": "same"}
    await gql.data(MERGE, merged)
    source = {"system": "EXPENSE", "entityType": "EMPLOYEE", "sourceId": "e1"}
    await gql.data(
        UNMERGE,
        {
            "id": best,
            "sources": [source],
            "target": own,
            "versions": await _versions(gql, best),
            "reason": "not her after all",
        },
    )

    body = await gql.post(
        DECIDE,
        {
            "id": candidate,
            "decision": "MATCH",
            "versions": await _versions(gql, best, own),
            "reason": "it is her",
        },
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    [problem] = error["extensions"]["problems"]
    assert HINT in problem["reason"], problem

    anyway = {"ids": [best, own], "versions": await _versions(gql, best, own), "reason": "HR says"}
    done = (await gql.data(MERGE_ANYWAY, anyway))["merge"]
    assert done["id"] == best
    assert {m["sourceId"] for m in done["crosswalk"]} == {"h1", "e1"}
