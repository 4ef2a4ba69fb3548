"""GraphQL shows both sides of a standardised value: the golden value is canonical, its
provenance gives the value as the supplying system sent it, and the crosswalk (current and
as of a past time) gives what each source version sent."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.graphql_client import UPSERT, GraphQLClient, record

PROVENANCE = """
query Golden($id: ID!, $asOf: DateTime) {
  goldenRecord(id: $id, asOf: $asOf) {
    attributes { name value sentValue source { system sourceId version } }
    crosswalk { system sourceId version attributes sent }
  }
}"""


async def test_golden_values_are_canonical_with_the_value_as_sent_in_provenance(
    gql: GraphQLClient,
) -> None:
    # The shipped sap system writes dates day first (DMY).
    sent = {"given_name": "Ann", "family_name": "Lee", "hire_date": "17.05.1980"}
    employee = record("sap", "E-1", "EMPLOYEE", **sent, country="Deutschland")
    created = (await gql.data(UPSERT, {"input": employee}))["upsertSourceRecord"]
    before_update = datetime.now(UTC).isoformat()
    employee["attributes"]["country"] = "DE"
    updated = (await gql.data(UPSERT, {"input": employee}))["upsertSourceRecord"]
    assert (created["outcome"], updated["outcome"]) == ("CREATED", "UPDATED")
    golden_id = created["goldenId"]

    now = (await gql.data(PROVENANCE, {"id": golden_id}))["goldenRecord"]
    by_name = {a["name"]: a for a in now["attributes"]}
    assert (by_name["hire_date"]["value"], by_name["hire_date"]["sentValue"]) == (
        "1980-05-17",
        "17.05.1980",
    )
    assert (by_name["country"]["value"], by_name["country"]["sentValue"]) == ("DE", None)
    assert by_name["given_name"]["sentValue"] is None
    [member] = now["crosswalk"]
    assert member["version"] == 2
    assert member["attributes"]["hire_date"] == "1980-05-17"
    assert member["sent"] == {"hire_date": "17.05.1980"}

    then = (await gql.data(PROVENANCE, {"id": golden_id, "asOf": before_update}))["goldenRecord"]
    [past] = then["crosswalk"]
    assert past["version"] == 1
    assert past["sent"] == {"hire_date": "17.05.1980", "country": "Deutschland"}
    by_name = {a["name"]: a for a in then["attributes"]}
    assert (by_name["country"]["value"], by_name["country"]["sentValue"]) == ("DE", "Deutschland")


async def test_a_record_sent_canonical_has_no_sent_values(gql: GraphQLClient) -> None:
    payload = {"input": record("CRM", "C-1", name="Acme", country="US", currency="EUR")}
    created = (await gql.data(UPSERT, payload))["upsertSourceRecord"]
    golden = (await gql.data(PROVENANCE, {"id": created["goldenId"]}))["goldenRecord"]
    assert [a["sentValue"] for a in golden["attributes"]] == [None, None, None]
    assert golden["crosswalk"][0]["sent"] is None
