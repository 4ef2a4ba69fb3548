"""auditChainStatus, lineage, sourceLineage and Resolution.decisionEventId over GraphQL, on
every store: who did what (actor, role, correlation ID), and tampering reported."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.integration.test_graphql_stewardship import MERGE, _two_customers, _versions
from tests.support.audit_tamper import (
    delete_head,
    delete_index_entries,
    edit_reason,
    overwrite_after,
)
from tests.support.graphql_client import UPSERT, GraphQLClient

STATUS = (
    "{ auditChainStatus { intact events headSeq headHash firstBrokenSeq gaps { fromSeq toSeq } } }"
)

LINEAGE = """
query Lineage($id: ID!) {
  lineage(goldenId: $id) {
    id seq at actor role correlationId action subjectIds before after reason prevHash hash
  }
}"""

SOURCE_LINEAGE = """
query SourceLineage($system: String!, $sourceId: String!) {
  sourceLineage(system: $system, entityType: CUSTOMER, sourceId: $sourceId) {
    goldenId since eventId action
  }
  sourceEvents(system: $system, entityType: CUSTOMER, sourceId: $sourceId) { seq action }
  resolve(system: $system, entityType: CUSTOMER, sourceId: $sourceId) {
    goldenId decisionEventId
  }
}"""


async def _merged(gql: GraphQLClient) -> tuple[str, str]:
    a, b = await _two_customers(gql)
    variables = {"ids": [a, b], "versions": await _versions(gql, a, b), "reason": "same VAT"}
    body = await gql.post(MERGE, variables, **{"X-Correlation-ID": "req-merge-1"})
    assert "errors" not in body, body
    return a, b


async def test_the_auditor_walks_from_a_golden_record_to_its_source_events(
    gql: GraphQLClient, store: Store
) -> None:
    a, b = await _merged(gql)
    async with client_for(store, role=Role.AUDITOR) as http:
        auditor = GraphQLClient(http)
        status = (await auditor.data(STATUS))["auditChainStatus"]
        assert status == {
            "intact": True,
            "events": 3,
            "headSeq": 3,
            "headHash": status["headHash"],
            "firstBrokenSeq": None,
            "gaps": [],
        }
        lineage = (await auditor.data(LINEAGE, {"id": a}))["lineage"]
        # b's own history comes with it: it was merged into a.
        assert [e["action"] for e in lineage] == [
            "ingest.created",
            "ingest.created",
            "golden.merge",
        ]
        merge: dict[str, Any] = lineage[-1]
        assert (merge["role"], merge["correlationId"], merge["reason"]) == (
            "steward",
            "req-merge-1",
            "same VAT",
        )
        assert merge["after"] == {"survivorId": a, "mergedIds": [b]}
        assert merge["hash"] == status["headHash"]
        assert merge["prevHash"] == lineage[1]["hash"]
        assert lineage[1]["after"]["attributes"]["email"] == "ap@acme.co.uk"

        found = await auditor.data(SOURCE_LINEAGE, {"system": "ERP", "sourceId": "e1"})
        assert [(m["goldenId"], m["action"]) for m in found["sourceLineage"]] == [
            (b, "ingest.created"),
            (a, "golden.merge"),
        ]
        assert found["resolve"] == {"goldenId": a, "decisionEventId": merge["id"]}
        assert [e["action"] for e in found["sourceEvents"]] == ["ingest.created"]


async def test_tampering_shows_in_the_status(gql: GraphQLClient, store: Store) -> None:
    await _merged(gql)
    await edit_reason(store, 2, "forged")
    status = (await gql.data(STATUS))["auditChainStatus"]
    assert (status["intact"], status["firstBrokenSeq"]) == (False, 2)


FULL_STATUS = """{ auditChainStatus {
  intact headMissing firstBrokenSeq firstBrokenReason
  lineageIndexMissing { seq subjectId } lineageIndexExtra { seq subjectId }
} }"""


async def test_an_event_that_is_not_json_is_a_broken_status_not_an_error(
    gql: GraphQLClient, store: Store
) -> None:
    a, _ = await _merged(gql)
    await overwrite_after(store, 3, "not json")
    status = (await gql.data(FULL_STATUS))["auditChainStatus"]
    assert (status["intact"], status["firstBrokenSeq"]) == (False, 3)
    assert "after is not JSON" in status["firstBrokenReason"]
    lineage = (await gql.data(LINEAGE, {"id": a}))["lineage"]
    assert [(e["seq"], e["after"]) for e in lineage][-1] == (3, None)


async def test_lineage_index_faults_and_a_missing_head_show_and_writes_are_refused(
    gql: GraphQLClient, store: Store
) -> None:
    a, _ = await _merged(gql)
    await delete_index_entries(store, 3)
    await delete_head(store)
    status = (await gql.data(FULL_STATUS))["auditChainStatus"]
    assert (status["intact"], status["headMissing"], status["lineageIndexExtra"]) == (
        False,
        True,
        [],
    )
    assert {"seq": 3, "subjectId": a} in status["lineageIndexMissing"]
    record = {
        "system": "CRM",
        "entityType": "CUSTOMER",
        "sourceId": "c9",
        "attributes": {"name": "N"},
    }
    body = await gql.post(UPSERT, {"input": record})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "AUDIT_HEAD_MISSING"
    assert "verify-audit --repair-head" in error["message"]


async def test_an_integration_may_not_read_the_audit_log(store: Store) -> None:
    async with client_for(store, role=Role.INTEGRATION) as http:
        body = await GraphQLClient(http).post(STATUS)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


AS_OF = """
query AsOf($id: ID!, $at: DateTime!) {
  goldenRecord(id: $id, asOf: $at) { id version mergedFrom crosswalk { system sourceId } }
}"""


async def test_golden_record_as_of_a_time_before_the_merge(gql: GraphQLClient) -> None:
    a, b = await _two_customers(gql)
    before_merge = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.01)
    variables = {"ids": [a, b], "versions": await _versions(gql, a, b), "reason": "same VAT"}
    assert "errors" not in await gql.post(MERGE, variables)
    then = (await gql.data(AS_OF, {"id": a, "at": before_merge}))["goldenRecord"]
    assert then["crosswalk"] == [{"system": "CRM", "sourceId": "c1"}]
    now = datetime.now(UTC).isoformat()
    merged = (await gql.data(AS_OF, {"id": b, "at": now}))["goldenRecord"]
    assert (merged["id"], merged["mergedFrom"], len(merged["crosswalk"])) == (a, b, 2)
    assert (await gql.data(AS_OF, {"id": a, "at": "2000-01-01T00:00:00Z"}))["goldenRecord"] is None
