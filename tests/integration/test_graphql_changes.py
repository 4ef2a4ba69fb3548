"""The change feed over GraphQL, on every store: ordered pages resumable by cursor, filters,
and who may read it (integrations, scoped to their systems, and auditors); and
`goldenRecords(updatedSince)`, which integrations may page through, scoped the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.auth import bearer, new_key
from tests.support.graphql_client import UPSERT, record

CHANGES = """
query Changes($after: String, $first: Int, $types: [EntityType!], $systems: [String!]) {
  changes(after: $after, first: $first, entityTypes: $types, systems: $systems) {
    edges { cursor node {
      cursor kind goldenId entityType goldenVersion change actor correlationId at
      source { system entityType sourceId }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _post(store: Store, query: str, variables: dict[str, Any], token: str) -> Any:
    async with client_for(store, role=None) as http:
        response: httpx.Response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={**bearer(token), "X-Correlation-ID": "sync-7"},
        )
        return response.json()


async def _load(store: Store) -> str:
    writer = await new_key(store, Role.INTEGRATION, "loader")
    for system, source_id, name in (("CRM", "c1", "Acme"), ("ERP", "e1", "Globex")):
        body = await _post(store, UPSERT, {"input": record(system, source_id, name=name)}, writer)
        assert "errors" not in body, body
    return writer


async def test_the_feed_pages_in_order_and_resumes_from_a_cursor(store: Store) -> None:
    await _load(store)
    auditor = await new_key(store, Role.AUDITOR)
    whole = (await _post(store, CHANGES, {"first": 100}, auditor))["data"]["changes"]
    nodes = [edge["node"] for edge in whole["edges"]]
    assert [n["kind"] for n in nodes] == ["golden.created", "member.linked"] * 2
    first = nodes[0]
    assert first["source"] == {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}
    assert (first["entityType"], first["goldenVersion"]) == ("CUSTOMER", 1)
    assert (first["actor"], first["correlationId"]) == ("loader", "sync-7")
    assert whole["pageInfo"] == {"hasNextPage": False, "endCursor": nodes[-1]["cursor"]}

    seen: list[str] = []
    after = None
    while True:
        page = (await _post(store, CHANGES, {"first": 3, "after": after}, auditor))["data"]
        seen += [edge["node"]["cursor"] for edge in page["changes"]["edges"]]
        after = page["changes"]["pageInfo"]["endCursor"]
        if not page["changes"]["pageInfo"]["hasNextPage"]:
            break
    assert seen == [n["cursor"] for n in nodes]
    # Nothing new: an empty page, and the consumer keeps its cursor.
    empty = (await _post(store, CHANGES, {"after": after}, auditor))["data"]["changes"]
    assert empty == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


async def test_a_key_limited_to_systems_sees_only_their_golden_records(store: Store) -> None:
    await _load(store)
    crm_only = await new_key(store, Role.INTEGRATION, "crm-sync", systems=["CRM"])
    mine = (await _post(store, CHANGES, {}, crm_only))["data"]["changes"]["edges"]
    assert {e["node"]["source"]["system"] for e in mine} == {"CRM"}
    assert len(mine) == 2
    refused = await _post(store, CHANGES, {"systems": ["ERP"]}, crm_only)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    auditor = await new_key(store, Role.AUDITOR)
    erp = (await _post(store, CHANGES, {"systems": ["ERP"]}, auditor))["data"]["changes"]
    assert {e["node"]["source"]["sourceId"] for e in erp["edges"]} == {"e1"}
    employees = (await _post(store, CHANGES, {"types": ["EMPLOYEE"]}, auditor))["data"]
    assert employees["changes"]["edges"] == []


async def test_stewards_do_not_read_the_feed_and_bad_cursors_are_named(store: Store) -> None:
    steward = await new_key(store, Role.STEWARD)
    denied = await _post(store, CHANGES, {}, steward)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    auditor = await new_key(store, Role.AUDITOR)
    bad = await _post(store, CHANGES, {"after": "page-2"}, auditor)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "after" in str(bad["errors"][0])


GOLDENS_SINCE = """
query Since($since: DateTime) {
  goldenRecords(entityType: CUSTOMER, updatedSince: $since) {
    edges { node { attributes { name value } } }
  }
}"""


async def test_golden_records_updated_since_a_time(store: Store) -> None:
    """What an integration (the API consumer) pages through, as a steward does."""
    writer = await new_key(store, Role.INTEGRATION, "loader")
    await _post(store, UPSERT, {"input": record("CRM", "c1", name="Acme")}, writer)
    since = datetime.now(UTC)
    await _post(store, UPSERT, {"input": record("ERP", "e1", name="Globex")}, writer)
    consumer = await new_key(store, Role.INTEGRATION, "bi-sync")
    steward = await new_key(store, Role.STEWARD)

    async def names(since: datetime | None, token: str = consumer) -> list[str]:
        variables = {"since": since.isoformat() if since else None}
        body = await _post(store, GOLDENS_SINCE, variables, token)
        assert "errors" not in body, body
        return [
            attribute["value"]
            for edge in body["data"]["goldenRecords"]["edges"]
            for attribute in edge["node"]["attributes"]
            if attribute["name"] == "name"
        ]

    assert await names(None) == ["Acme", "Globex"]
    assert await names(since) == ["Globex"]
    await _post(store, UPSERT, {"input": record("CRM", "c1", name="Acme Corp")}, writer)
    assert await names(since) == ["Acme Corp", "Globex"]
    assert await names(since, steward) == ["Acme Corp", "Globex"]


LISTED = """
query Listed {
  goldenRecords(entityType: CUSTOMER) {
    edges { node { id parent { id } related(type: CHILD_OF) { golden { id } } } }
  }
}"""
ACME = {"name": "Acme Inc", "tax_id": "DE111", "city": "Berlin"}


async def test_a_key_limited_to_systems_lists_only_golden_records_holding_their_members(
    store: Store,
) -> None:
    """As the feed: a CRM-only key sees golden records with a CRM member (one that has ERP
    members too included), not ERP-only ones, neither listed nor as a related record."""
    writer = await new_key(store, Role.INTEGRATION, "loader")

    async def upsert(system: str, source_id: str, **attributes: Any) -> str:
        body = await _post(
            store, UPSERT, {"input": record(system, source_id, **attributes)}, writer
        )
        golden_id: str = body["data"]["upsertSourceRecord"]["goldenId"]
        return golden_id

    acme = await upsert("CRM", "c1", **ACME)
    assert await upsert("ERP", "e2", **ACME) == acme
    globex = await upsert("ERP", "e1", name="Globex", tax_id="FR333", city="Paris")
    initech = await upsert(
        "CRM", "c2", name="Initech", tax_id="US444", parent={"system": "ERP", "sourceId": "e1"}
    )

    async def listed(token: str) -> dict[str, Any]:
        body = await _post(store, LISTED, {}, token)
        assert "errors" not in body, body
        return {edge["node"]["id"]: edge["node"] for edge in body["data"]["goldenRecords"]["edges"]}

    everything = await listed(await new_key(store, Role.INTEGRATION, "all"))
    assert set(everything) == {acme, globex, initech}
    assert everything[initech]["parent"] == {"id": globex}
    assert everything[initech]["related"] == [{"golden": {"id": globex}}]

    crm = await listed(await new_key(store, Role.INTEGRATION, "crm-sync", systems=["CRM"]))
    assert set(crm) == {acme, initech}
    assert (crm[initech]["parent"], crm[initech]["related"]) == (None, [])
    erp = await listed(await new_key(store, Role.INTEGRATION, "erp-sync", systems=["ERP"]))
    assert set(erp) == {acme, globex}
