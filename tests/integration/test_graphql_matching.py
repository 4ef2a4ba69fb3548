"""Stewards' view of matching through GraphQL, on every store."""

from __future__ import annotations

from tests.support.graphql_client import UPSERT, GraphQLClient, record

CANDIDATES = """
query Candidates($first: Int!, $after: String) {
  matchCandidates(status: OPEN, entityType: EMPLOYEE, first: $first, after: $after) {
    edges { cursor node { id status goldenId source { system sourceId }
      candidates { goldenId score explanation { rule member { sourceId }
        comparisons { attribute incoming candidate level weight } } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

EXPLAIN = """
query Explain($source: SourceRefInput!, $goldenId: ID!) {
  explainMatch(source: $source, goldenId: $goldenId) {
    rule score member { system sourceId } conflicts unverifiedIdentifiers
    comparisons { attribute incoming candidate similarity level weight }
  }
}"""

UPSERT_WITH_SCORE = """
mutation Upsert($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId outcome score matchCandidateId }
}"""

ANN = {
    "given_name": "Ann",
    "family_name": "Lee",
    "birth_date": "1980-05-17",
    "city": "Leeds",
    "region": "yorkshire",
}


REGIONS = {"e0": "kent", "e1": "devon", "e2": "essex"}


async def _unsure(gql: GraphQLClient, source_id: str) -> dict[str, object]:
    # Same name, another region each: evidence both ways, so each goes to review.
    attributes = {"given_name": "Ann", "family_name": "Lee", "region": REGIONS[source_id]}
    payload = {"input": record("EXPENSE", source_id, "EMPLOYEE", **attributes)}
    result: dict[str, object] = (await gql.data(UPSERT_WITH_SCORE, payload))["upsertSourceRecord"]
    return result


async def test_review_queue_pages_with_explanations(gql: GraphQLClient) -> None:
    person = (await gql.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)}))[
        "upsertSourceRecord"
    ]
    unsure = [await _unsure(gql, f"e{i}") for i in range(3)]
    assert all(u["matchCandidateId"] and u["outcome"] == "CREATED" for u in unsure)
    first = (await gql.data(CANDIDATES, {"first": 2}))["matchCandidates"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in first["edges"]] == [u["matchCandidateId"] for u in unsure[:2]]
    node = first["edges"][0]["node"]
    assert node["source"] == {"system": "EXPENSE", "sourceId": "e0"}
    candidate_ids = [c["goldenId"] for c in node["candidates"]]
    assert person["goldenId"] in candidate_ids
    best = node["candidates"][0]
    assert best["explanation"]["rule"] == "matching/employee.yaml#probabilistic"
    assert {c["attribute"] for c in best["explanation"]["comparisons"]} >= {"given_name"}
    rest = (await gql.data(CANDIDATES, {"first": 2, "after": first["pageInfo"]["endCursor"]}))[
        "matchCandidates"
    ]
    assert [e["node"]["source"]["sourceId"] for e in rest["edges"]] == ["e2"]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][0]["cursor"]}


async def test_unknown_cursor_is_bad_input(gql: GraphQLClient) -> None:
    body = await gql.post(CANDIDATES, {"first": 2, "after": "mc_nope"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["problems"][0]["field"] == "after"


async def test_explain_match_attribute_by_attribute(gql: GraphQLClient) -> None:
    person = (await gql.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)}))[
        "upsertSourceRecord"
    ]
    await _unsure(gql, "e1")
    source = {"system": "EXPENSE", "entityType": "EMPLOYEE", "sourceId": "e1"}
    explained = (await gql.data(EXPLAIN, {"source": source, "goldenId": person["goldenId"]}))[
        "explainMatch"
    ]
    assert explained["member"] == {"system": "HRIS", "sourceId": "h1"}
    by_name = {c["attribute"]: c for c in explained["comparisons"]}
    assert by_name["given_name"]["incoming"] == by_name["given_name"]["candidate"] == "ann"
    assert by_name["region"]["level"] == "otherwise"
    assert by_name["region"]["weight"] < 0
    assert by_name["birth_date"]["similarity"] is None


async def test_explain_match_of_unknown_things_is_not_found(gql: GraphQLClient) -> None:
    source = {"system": "EXPENSE", "entityType": "EMPLOYEE", "sourceId": "nope"}
    body = await gql.post(EXPLAIN, {"source": source, "goldenId": "emp_x"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_mistyped_tax_id_links_and_the_explanation_says_so(gql: GraphQLClient) -> None:
    company = {"name": "Acme Analytics GmbH", "country": "DE", "city": "Berlin"}
    crm = await gql.data(
        UPSERT_WITH_SCORE,
        {"input": record("CRM", "c1", "CUSTOMER", **company, tax_id="DE136695976")},
    )
    # ERP keyed one digit wrong: the German check digit fails, so it is no conflict.
    erp = await gql.data(
        UPSERT_WITH_SCORE,
        {"input": record("ERP", "e1", "CUSTOMER", **company, tax_id="DE136695977")},
    )
    golden_id = crm["upsertSourceRecord"]["goldenId"]
    assert erp["upsertSourceRecord"]["outcome"] == "LINKED"
    assert erp["upsertSourceRecord"]["goldenId"] == golden_id
    source = {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "e1"}
    explained = (await gql.data(EXPLAIN, {"source": source, "goldenId": golden_id}))["explainMatch"]
    assert explained["conflicts"] == []
    assert explained["unverifiedIdentifiers"] == ["tax_id"]
