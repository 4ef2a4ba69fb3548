"""retireSourceRecord over GraphQL, on every store: what integrations and readers see of a
retired record and a RETIRED golden record, revival through the upsert, NOT_FOUND, and who
may retire what."""

from __future__ import annotations

from typing import Any

import httpx

from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.auth import bearer, new_key
from tests.support.graphql_client import UPSERT, record

RETIRE = """
mutation Retire($system: String!, $entityType: EntityType!, $sourceId: String!,
                $reason: String, $observedAt: DateTime) {
  retireSourceRecord(system: $system, entityType: $entityType, sourceId: $sourceId,
                     reason: $reason, observedAt: $observedAt) {
    source { system sourceId } goldenId outcome goldenStatus
    retirement { observedAt reason recordedAt }
  }
}"""

RESOLVE = """
query Resolve($refs: [SourceRefInput!]!) {
  resolveMany(refs: $refs) {
    goldenId status crosswalk { system sourceId } retiredCrosswalk { system sourceId }
  }
}"""

GOLDEN = """
query Golden($id: ID!) {
  goldenRecord(id: $id) {
    status attributesJson crosswalk { system sourceId }
    retiredCrosswalk { system sourceId version attributes retirement { observedAt reason } }
  }
}"""


def _ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "entityType": "CUSTOMER", "sourceId": source_id}


class Caller:
    """Posts operations with one real key."""

    def __init__(self, store: Store, token: str) -> None:
        self._store = store
        self._headers = bearer(token)

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        async with client_for(self._store, role=None) as http:
            response: httpx.Response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers=self._headers,
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


async def _caller(store: Store, role: Role, systems: list[str] | None = None) -> Caller:
    return Caller(store, await new_key(store, role, systems=systems))


async def test_an_integration_retires_revives_and_reads_the_status(store: Store) -> None:
    sync = await _caller(store, Role.INTEGRATION, ["CRM", "ERP"])
    crm = record("CRM", "C-1", name="Acme Inc", tax_id="DE111")
    await sync.data(UPSERT, input=crm)
    linked = await sync.data(UPSERT, input=record("ERP", "400", tax_id="DE111", currency="EUR"))
    golden_id = linked["upsertSourceRecord"]["goldenId"]

    observed = "2025-12-24T17:00:00+00:00"
    retired = (
        await sync.data(RETIRE, **_ref("ERP", "400"), reason="deleted", observedAt=observed)
    )["retireSourceRecord"]
    assert retired["source"] == {"system": "ERP", "sourceId": "400"}
    assert (retired["goldenId"], retired["outcome"], retired["goldenStatus"]) == (
        golden_id,
        "RETIRED",
        "ACTIVE",
    )
    assert (retired["retirement"]["observedAt"], retired["retirement"]["reason"]) == (
        observed,
        "deleted",
    )
    [answer] = (await sync.data(RESOLVE, refs=[_ref("ERP", "400")]))["resolveMany"]
    assert answer == {
        "goldenId": golden_id,
        "status": "ACTIVE",
        "crosswalk": [{"system": "CRM", "sourceId": "C-1"}],
        "retiredCrosswalk": [{"system": "ERP", "sourceId": "400"}],
    }
    again = (await sync.data(RETIRE, **_ref("ERP", "400")))["retireSourceRecord"]
    assert (again["outcome"], again["retirement"]) == ("ALREADY_RETIRED", retired["retirement"])

    # The last live member retired: the golden record is RETIRED and still answers.
    last = (await sync.data(RETIRE, **_ref("CRM", "C-1")))["retireSourceRecord"]
    assert last["goldenStatus"] == "RETIRED"
    answers = await sync.data(RESOLVE, refs=[_ref("CRM", "C-1"), _ref("ERP", "400")])
    assert {(a["goldenId"], a["status"]) for a in answers["resolveMany"]} == {
        (golden_id, "RETIRED")
    }
    reader = await _caller(store, Role.STEWARD)
    golden = (await reader.data(GOLDEN, id=golden_id))["goldenRecord"]
    assert (golden["status"], golden["crosswalk"]) == ("RETIRED", [])
    assert golden["attributesJson"] == {"name": "Acme Inc", "tax_id": "DE111", "currency": "EUR"}
    assert [(e["system"], e["retirement"]["reason"]) for e in golden["retiredCrosswalk"]] == [
        ("CRM", None),
        ("ERP", "deleted"),
    ]

    revived = (await sync.data(UPSERT, input=crm))["upsertSourceRecord"]
    assert (revived["goldenId"], revived["outcome"], revived["sourceVersion"]) == (
        golden_id,
        "REVIVED",
        1,
    )
    golden = (await reader.data(GOLDEN, id=golden_id))["goldenRecord"]
    assert (golden["status"], golden["crosswalk"]) == (
        "ACTIVE",
        [{"system": "CRM", "sourceId": "C-1"}],
    )


async def test_an_unknown_record_is_not_found_with_its_key(store: Store) -> None:
    sync = await _caller(store, Role.INTEGRATION, ["CRM"])
    body = await sync.post(RETIRE, **_ref("CRM", "missing"), reason="deleted")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["source"] == _ref("CRM", "missing")
    assert "CRM/CUSTOMER/missing" in error["message"]


async def test_a_key_for_another_system_may_not_retire_and_changes_nothing(store: Store) -> None:
    crm_sync = await _caller(store, Role.INTEGRATION, ["CRM"])
    await crm_sync.data(UPSERT, input=record("CRM", "C-1", name="Acme"))
    erp_sync = await _caller(store, Role.INTEGRATION, ["ERP"])
    auditor = await _caller(store, Role.AUDITOR)

    refused = await erp_sync.post(RETIRE, **_ref("CRM", "C-1"), reason="not mine")
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "may not act for system(s) CRM" in error["message"]
    refused = await auditor.post(RETIRE, **_ref("CRM", "C-1"))
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    [answer] = await store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, "C-1")])
    assert answer is not None
    assert (answer.crosswalk, answer.retired) == (
        (SourceKey("CRM", EntityType.CUSTOMER, "C-1"),),
        (),
    )
    assert [e.action for e in await store.audit_events(0, 100)] == ["ingest.created"]
