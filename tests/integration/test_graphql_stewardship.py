"""merge, unmerge and decideMatchCandidate over GraphQL, on every store: happy paths, the
VERSION_CONFLICT error with the current version, NOT_FOUND and bad input."""

from __future__ import annotations

from typing import Any

from tests.contract.test_matching_contract import ANN
from tests.support.graphql_client import UPSERT, UPSERT_MANY, GraphQLClient, record

GOLDEN = "id version mergedFrom crosswalk { system sourceId } attributesJson"

MERGE = f"""
mutation Merge($ids: [ID!]!, $survivor: ID, $versions: [GoldenVersionInput!]!, $reason: String!) {{
  merge(goldenIds: $ids, survivorId: $survivor, expectedVersions: $versions, reason: $reason) {{
    {GOLDEN}
  }}
}}"""

UNMERGE = f"""
mutation Unmerge($id: ID!, $sources: [SourceRefInput!]!, $target: ID,
                 $versions: [GoldenVersionInput!]!, $reason: String!) {{
  unmerge(goldenId: $id, sources: $sources, targetGoldenId: $target,
          expectedVersions: $versions, reason: $reason) {{
    source {{ {GOLDEN} }}
    target {{ {GOLDEN} }}
  }}
}}"""

DECIDE = f"""
mutation Decide($id: ID!, $decision: MatchDecision!, $versions: [GoldenVersionInput!],
                $reason: String!) {{
  decideMatchCandidate(id: $id, decision: $decision, expectedVersions: $versions,
                       reason: $reason) {{
    candidate {{ id status decidedBy decisionReason decidedAt }}
    golden {{ {GOLDEN} }}
  }}
}}"""

GOLDEN_QUERY = f"query Golden($id: ID!) {{ goldenRecord(id: $id) {{ {GOLDEN} }} }}"

ACTOR = {"X-Actor": "jane@firm.example"}


async def _golden(gql: GraphQLClient, golden_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(GOLDEN_QUERY, {"id": golden_id}))["goldenRecord"]
    return found


async def _versions(gql: GraphQLClient, *golden_ids: str) -> list[dict[str, Any]]:
    return [{"goldenId": g, "version": (await _golden(gql, g))["version"]} for g in golden_ids]


async def _two_customers(gql: GraphQLClient) -> tuple[str, str]:
    result = await gql.data(
        UPSERT_MANY,
        {
            "inputs": [
                record("CRM", "c1", name="Acme Inc", tax_id="DE111"),
                record("ERP", "e1", name="Acme Ltd", tax_id="GB222", email="ap@acme.co.uk"),
            ]
        },
    )
    a, b = (r["goldenId"] for r in result["upsertSourceRecords"])
    return a, b


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    [error] = body["errors"]
    found: dict[str, Any] = error
    return found


async def test_merge_then_unmerge_back(gql: GraphQLClient) -> None:
    a, b = await _two_customers(gql)
    before = [await _golden(gql, a), await _golden(gql, b)]
    variables = {"ids": [b, a], "versions": await _versions(gql, a, b), "reason": "same VAT"}
    body = await gql.post(MERGE, variables, **ACTOR)
    assert "errors" not in body, body
    merged = body["data"]["merge"]
    assert merged["id"] == a
    assert merged["attributesJson"]["email"] == "ap@acme.co.uk"
    redirected = await _golden(gql, b)
    assert (redirected["id"], redirected["mergedFrom"]) == (a, b)

    source = {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "e1"}
    split = await gql.data(
        UNMERGE,
        {
            "id": a,
            "sources": [source],
            "target": b,
            "versions": await _versions(gql, a),
            "reason": "wrong merge",
        },
    )
    result = split["unmerge"]
    assert (result["source"]["id"], result["target"]["id"]) == (a, b)
    after = [await _golden(gql, a), await _golden(gql, b)]
    for old, new in zip(before, after, strict=True):
        assert (new["crosswalk"], new["attributesJson"], new["mergedFrom"]) == (
            old["crosswalk"],
            old["attributesJson"],
            None,
        )


async def test_a_stale_version_is_a_version_conflict_with_the_current_one(
    gql: GraphQLClient,
) -> None:
    a, b = await _two_customers(gql)
    stale = await _versions(gql, a, b)
    await gql.data(UPSERT, {"input": record("CRM", "c1", name="Acme SE", tax_id="DE111")})
    current = (await _golden(gql, a))["version"]
    body = await gql.post(MERGE, {"ids": [a, b], "versions": stale, "reason": "same"})
    error = _error(body)
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    assert error["extensions"]["currentVersion"] == current
    assert error["extensions"]["goldenId"] == a
    assert (await _golden(gql, b))["mergedFrom"] is None


async def test_unknown_golden_is_not_found(gql: GraphQLClient) -> None:
    a, _ = await _two_customers(gql)
    versions = [*await _versions(gql, a), {"goldenId": "cus_nope", "version": 1}]
    body = await gql.post(MERGE, {"ids": [a, "cus_nope"], "versions": versions, "reason": "x"})
    assert _error(body)["extensions"]["code"] == "NOT_FOUND"
    body = await gql.post(DECIDE, {"id": "mc_nope", "decision": "MATCH", "reason": "x"})
    assert _error(body)["extensions"]["code"] == "NOT_FOUND"


async def test_bad_input_names_the_field(gql: GraphQLClient) -> None:
    a, b = await _two_customers(gql)
    versions = await _versions(gql, a, b)
    body = await gql.post(MERGE, {"ids": [a, b], "versions": versions, "reason": " "})
    error = _error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [p["field"] for p in error["extensions"]["problems"]] == ["reason"]
    body = await gql.post(MERGE, {"ids": [a, a], "versions": versions, "reason": "r"})
    assert _error(body)["extensions"]["problems"][0]["field"] == "goldenIds"
    source = {"system": "", "entityType": "CUSTOMER", "sourceId": "e1"}
    body = await gql.post(
        UNMERGE, {"id": a, "sources": [source], "versions": versions, "reason": "r"}
    )
    assert _error(body)["extensions"]["problems"][0]["field"] == "sources[0].system"


async def test_decide_a_match_candidate(gql: GraphQLClient) -> None:
    first = await gql.data(
        UPSERT,
        {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)},
    )
    unsure = await gql.data(
        "mutation U($input: SourceRecordInput!) { upsertSourceRecord(input: $input) "
        "{ goldenId matchCandidateId } }",
        {
            "input": record(
                "EXPENSE", "e1", "EMPLOYEE", given_name="Ann", family_name="Lee", region="kent"
            )
        },
    )
    candidate_id = unsure["upsertSourceRecord"]["matchCandidateId"]
    assert candidate_id is not None
    best = first["upsertSourceRecord"]["goldenId"]
    own = unsure["upsertSourceRecord"]["goldenId"]
    body = await gql.post(
        DECIDE,
        {
            "id": candidate_id,
            "decision": "MATCH",
            "versions": await _versions(gql, best, own),
            "reason": "same person per HR",
        },
        **ACTOR,
    )
    assert "errors" not in body, body
    decided = body["data"]["decideMatchCandidate"]
    candidate = decided["candidate"]
    # The authenticated key's name is recorded, not what the X-Actor header claims.
    assert (candidate["status"], candidate["decidedBy"], candidate["decisionReason"]) == (
        "MATCHED",
        "test-steward",
        "same person per HR",
    )
    assert candidate["decidedAt"] is not None
    assert decided["golden"]["id"] == best
    assert len(decided["golden"]["crosswalk"]) == 2
    again = await gql.post(
        DECIDE, {"id": candidate_id, "decision": "NOT_A_MATCH", "reason": "oops"}
    )
    assert _error(again)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_stale_unmerge_conflicts_and_an_unknown_one_is_not_found(
    gql: GraphQLClient,
) -> None:
    a, b = await _two_customers(gql)
    variables = {"ids": [a, b], "versions": await _versions(gql, a, b), "reason": "same"}
    await gql.data(MERGE, variables)
    source = {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "e1"}
    stale = [{"goldenId": a, "version": 1}]
    body = await gql.post(
        UNMERGE, {"id": a, "sources": [source], "versions": stale, "reason": "undo"}
    )
    error = _error(body)
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    assert error["extensions"]["currentVersion"] == (await _golden(gql, a))["version"]
    missing = [{"goldenId": "cus_nope", "version": 1}]
    body = await gql.post(
        UNMERGE, {"id": "cus_nope", "sources": [source], "versions": missing, "reason": "x"}
    )
    assert _error(body)["extensions"]["code"] == "NOT_FOUND"
