"""Relationships through GraphQL, on every store: the multi-system scenario, traversals,
pending references, cycles, and a constant number of store calls however many records."""

from __future__ import annotations

from typing import Any

from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.counting_store import CountingStore
from tests.support.graphql_client import UPSERT, UPSERT_MANY, GraphQLClient, record

RELATED = """
query Related($id: ID!, $type: RelationshipType, $direction: Direction!) {
  goldenRecord(id: $id) {
    related(type: $type, direction: $direction) {
      type direction
      golden { id entityType attributesJson }
      provenance { system entityType sourceId attribute version observedAt recordedAt }
    }
  }
}"""

PENDING = """
query Pending($first: Int!, $after: String) {
  pendingReferences(first: $first, after: $after) {
    edges {
      cursor
      node {
        referrer { system entityType sourceId } referrerGoldenId attribute relationshipType
        target { system entityType sourceId } sourceVersion since ageSeconds
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

PROJECTS_WITH_CUSTOMERS = """
query Projects($first: Int!, $after: String) {
  goldenRecords(entityType: PROJECT, first: $first, after: $after) {
    edges { node { id attributesJson customer { id attributesJson } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "sourceId": source_id}


async def upsert(gql: GraphQLClient, payload: dict[str, Any]) -> str:
    result = await gql.data(UPSERT, {"input": payload})
    golden_id: str = result["upsertSourceRecord"]["goldenId"]
    return golden_id


async def golden(gql: GraphQLClient, golden_id: str, fields: str) -> dict[str, Any]:
    query = f'{{ goldenRecord(id: "{golden_id}") {{ {fields} }} }}'
    found: dict[str, Any] = (await gql.data(query))["goldenRecord"]
    return found


async def test_multi_system_scenario(gql: GraphQLClient) -> None:
    # The customer is known to CRM and ERP, linked by tax ID; PSA knows it under its own ID.
    customer_id = await upsert(gql, record("CRM", "0011x", name="Acme Inc", tax_id="DE 111"))
    assert await upsert(gql, record("ERP", "C-100", name="ACME", tax_id="de111")) == customer_id
    assert await upsert(gql, record("PSA", "PC-7", name="Acme", tax_id="DE111")) == customer_id
    # A PSA project names its customer by the PSA customer ID and resolves to the golden record.
    project_id = await upsert(
        gql, record("PSA", "P-1", "PROJECT", code="P-1", name="Audit", customer=ref("PSA", "PC-7"))
    )
    project = await golden(gql, project_id, "customer { id attributesJson }")
    # Survivorship: CRM owns the name, ERP the tax ID.
    assert project["customer"] == {
        "id": customer_id,
        "attributesJson": {"name": "Acme Inc", "tax_id": "de111"},
    }
    [incoming] = (
        await gql.data(RELATED, {"id": customer_id, "type": "FOR_CUSTOMER", "direction": "IN"})
    )["goldenRecord"]["related"]
    assert incoming["golden"]["id"] == project_id
    assert [(p["system"], p["sourceId"], p["attribute"]) for p in incoming["provenance"]] == [
        ("PSA", "P-1", "customer")
    ]
    # A payroll employee whose manager has not arrived yet waits as a pending reference.
    employee_id = await upsert(
        gql, record("PAYROLL", "PR-9", "EMPLOYEE", email="eve@firm.com", manager=ref("HRIS", "H-1"))
    )
    [pending] = (await gql.data(PENDING, {"first": 10}))["pendingReferences"]["edges"]
    assert pending["node"]["referrer"] == {
        "system": "PAYROLL",
        "entityType": "EMPLOYEE",
        "sourceId": "PR-9",
    }
    assert pending["node"]["target"] == {
        "system": "HRIS",
        "entityType": "EMPLOYEE",
        "sourceId": "H-1",
    }
    assert (pending["node"]["referrerGoldenId"], pending["node"]["relationshipType"]) == (
        employee_id,
        "REPORTS_TO",
    )
    assert (await golden(gql, employee_id, "manager { id }"))["manager"] is None
    # The manager's HRIS record arrives: the reference links itself.
    manager_id = await upsert(gql, record("HRIS", "H-1", "EMPLOYEE", given_name="Max"))
    assert (await gql.data(PENDING, {"first": 10}))["pendingReferences"]["edges"] == []
    assert (await golden(gql, employee_id, "manager { id }"))["manager"] == {"id": manager_id}
    assert (await golden(gql, manager_id, "reports { id }"))["reports"] == [{"id": employee_id}]
    customer = await golden(gql, customer_id, "projects { id }")
    assert customer["projects"] == [{"id": project_id}]


async def test_related_filters_by_type_and_direction(gql: GraphQLClient) -> None:
    cost_center = await upsert(
        gql, record("ERP", "CC-1", "ACCOUNTING_DIMENSION", kind="COST_CENTER", code="4100")
    )
    entity = await upsert(
        gql, record("ERP", "LE-1", "ACCOUNTING_DIMENSION", kind="LEGAL_ENTITY", code="DE01")
    )
    employee = await upsert(
        gql,
        record(
            "HRIS",
            "E-1",
            "EMPLOYEE",
            cost_center=ref("ERP", "CC-1"),
            legal_entity=ref("ERP", "LE-1"),
        ),
    )
    everything = (await gql.data(RELATED, {"id": employee, "direction": "OUT"}))["goldenRecord"]
    assert sorted((r["type"], r["golden"]["id"]) for r in everything["related"]) == sorted(
        [("IN_COST_CENTER", cost_center), ("EMPLOYED_BY", entity)]
    )
    [only] = (await gql.data(RELATED, {"id": employee, "type": "EMPLOYED_BY", "direction": "OUT"}))[
        "goldenRecord"
    ]["related"]
    assert (only["direction"], only["golden"]["entityType"]) == ("OUT", "ACCOUNTING_DIMENSION")
    assert only["provenance"][0]["attribute"] == "legal_entity"
    incoming = await gql.data(RELATED, {"id": employee, "direction": "IN"})
    assert incoming["goldenRecord"]["related"] == []


async def test_dimension_children_ancestors_and_descendants(gql: GraphQLClient) -> None:
    ids = {}
    for code, parent in (("root", None), ("mid", "root"), ("leaf", "mid"), ("leaf2", "mid")):
        attributes: dict[str, Any] = {"kind": "DEPARTMENT", "code": code}
        if parent:
            attributes["parent"] = ref("ERP", parent)
        ids[code] = await upsert(gql, record("ERP", code, "ACCOUNTING_DIMENSION", **attributes))
    leaf = await golden(gql, ids["leaf"], "parent { id } ancestors { depth golden { id } }")
    assert leaf["parent"] == {"id": ids["mid"]}
    assert leaf["ancestors"] == [
        {"depth": 1, "golden": {"id": ids["mid"]}},
        {"depth": 2, "golden": {"id": ids["root"]}},
    ]
    near = await golden(gql, ids["leaf"], "ancestors(maxDepth: 1) { golden { id } }")
    assert near["ancestors"] == [{"golden": {"id": ids["mid"]}}]
    root = await golden(gql, ids["root"], "children { id } descendants { depth golden { id } }")
    assert root["children"] == [{"id": ids["mid"]}]
    assert [(d["depth"], d["golden"]["id"]) for d in root["descendants"]] == [
        (1, ids["mid"]),
        *sorted([(2, ids["leaf"]), (2, ids["leaf2"])]),
    ]


async def test_depth_beyond_the_limit_is_bad_input(gql: GraphQLClient) -> None:
    dim = await upsert(gql, record("ERP", "d", "ACCOUNTING_DIMENSION", kind="REGION", code="EU"))
    for depth in (0, 21):
        body = await gql.post(
            f'{{ goldenRecord(id: "{dim}") {{ ancestors(maxDepth: {depth}) {{ depth }} }} }}'
        )
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["problems"] == [
            {"field": "maxDepth", "reason": "must be 1 to 20"}
        ]


async def test_pending_references_page_with_cursors(gql: GraphQLClient) -> None:
    await gql.data(
        UPSERT_MANY,
        {
            "inputs": [
                record("PSA", f"P-{i}", "PROJECT", customer=ref("CRM", f"missing-{i}"))
                for i in range(5)
            ]
        },
    )
    seen, after = [], None
    while True:
        page = (await gql.data(PENDING, {"first": 2, "after": after}))["pendingReferences"]
        seen += [edge["node"]["referrer"]["sourceId"] for edge in page["edges"]]
        assert all(edge["node"]["ageSeconds"] >= 0 for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"P-{i}" for i in range(5)]
    body = await gql.post(PENDING, {"first": 2, "after": "bogus"})
    assert body["errors"][0]["extensions"]["problems"][0]["field"] == "after"
    body = await gql.post(PENDING, {"first": 501})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_cycle_is_refused_with_its_code_and_kept_as_a_reject(gql: GraphQLClient) -> None:
    await upsert(gql, record("HRIS", "ann", "EMPLOYEE", manager=ref("HRIS", "bob")))
    await upsert(gql, record("HRIS", "bob", "EMPLOYEE", given_name="Bob"))
    body = await gql.post(
        UPSERT, {"input": record("HRIS", "bob", "EMPLOYEE", manager=ref("HRIS", "ann"))}
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RELATIONSHIP_CYCLE"
    assert error["extensions"]["problems"][0]["field"] == "attributes.manager"
    assert "record HRIS/EMPLOYEE/bob rejected" in error["message"]
    assert "REPORTS_TO cycle" in error["message"]
    rejects = (await gql.data("{ rejectedRecords(first: 5) { payload problems { field } } }"))[
        "rejectedRecords"
    ]
    assert rejects[0]["payload"]["sourceId"] == "bob"


async def test_golden_records_page_by_entity_type(gql: GraphQLClient) -> None:
    await gql.data(
        UPSERT_MANY,
        {"inputs": [record("PSA", f"P-{i}", "PROJECT", code=f"P-{i}") for i in range(3)]},
    )
    await upsert(gql, record("CRM", "c", name="Not a project"))
    first = (await gql.data(PROJECTS_WITH_CUSTOMERS, {"first": 2}))["goldenRecords"]
    rest = (
        await gql.data(
            PROJECTS_WITH_CUSTOMERS, {"first": 2, "after": first["pageInfo"]["endCursor"]}
        )
    )["goldenRecords"]
    codes = [e["node"]["attributesJson"]["code"] for e in first["edges"] + rest["edges"]]
    assert codes == ["P-0", "P-1", "P-2"]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)


async def _store_calls_to_list_projects(store: Store, count: int) -> dict[str, int]:
    counting = CountingStore(store)
    async with client_for(counting) as http:  # type: ignore[arg-type]
        gql = GraphQLClient(http)
        customers = [record("CRM", f"c{i}", tax_id=f"T{i}", name=f"C{i}") for i in range(count)]
        projects = [
            record("PSA", f"p{i}", "PROJECT", code=f"P{i}", customer=ref("CRM", f"c{i}"))
            for i in range(count)
        ]
        await gql.data(UPSERT_MANY, {"inputs": customers + projects})
        counting.calls.clear()
        page = (await gql.data(PROJECTS_WITH_CUSTOMERS, {"first": count}))["goldenRecords"]
    assert [e["node"]["customer"]["attributesJson"]["name"] for e in page["edges"]] == [
        f"C{i}" for i in range(count)
    ]
    # The caller's key: cached since the upsert read it, unless the upsert outlasted
    # MDM_API_KEY_CACHE_SECONDS (then read once more).
    assert counting.calls.pop("get_api_key", 0) <= 1
    return dict(counting.calls)


async def test_listing_projects_with_customers_takes_constant_store_calls(store: Store) -> None:
    few = await _store_calls_to_list_projects(store, 3)
    assert few == {"list_goldens": 1, "relationships": 1, "get_goldens": 1}
    # The first three are posted again unchanged; 97 more projects and customers join them.
    many = await _store_calls_to_list_projects(store, 100)
    assert many == few
