"""What an operator sees through the real app, on every store: /metrics after a load, one JSON
log line per request with its correlation ID, failed sign-ins with client and key prefix."""

from __future__ import annotations

import io
from typing import Any

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import UnmappedCode
from mdm_hub.ports import Store
from mdm_hub.wiring import Services
from tests.integration.conftest import client_for
from tests.support.auth import bearer, new_key
from tests.support.builders import ANN, at
from tests.support.graphql_client import RESOLVE, UPSERT, GraphQLClient, record
from tests.support.json_log import log_lines
from tests.support.metrics import scrape

UPSERT_REVIEWED = """
mutation Upsert($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId outcome matchCandidateId }
}"""
API_KEYS = "query Keys { apiKeys { prefix } }"
SABBATICAL = UnmappedCode("adp", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")
DORMANT = UnmappedCode("salesforce", EntityType.CUSTOMER, "status", "record_status", "Dormant")
EMPLOYEE_RULE = "matching/employee.yaml"


class BrokenStore:
    """A real store whose resolve path fails (to see the store error counted)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def resolve_many(self, keys: object) -> object:
        raise KeyError("broken on purpose")


async def _load(gql: GraphQLClient, store: Store) -> None:
    """New employees (one a likely match sent to review, one referring to a manager not sent
    yet), a rejected record, a resolve, a refused query and two unmapped codes."""
    await gql.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)})
    unsure = record("EXPENSE", "e1", "EMPLOYEE", given_name="Ann", family_name="Lee", region="kent")
    reviewed = await gql.data(UPSERT_REVIEWED, {"input": unsure})
    assert reviewed["upsertSourceRecord"]["matchCandidateId"] is not None
    manager = {"system": "HRIS", "sourceId": "H-404"}
    waiting = record("PAYROLL", "PR-9", "EMPLOYEE", email="eve@firm.com", manager=manager)
    await gql.data(UPSERT, {"input": waiting})
    rejected = await gql.post(UPSERT, {"input": record("CRM", "c1", colour="red")})
    assert rejected["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    found = await gql.data(RESOLVE, {"system": "HRIS", "entityType": "EMPLOYEE", "sourceId": "h1"})
    assert found["resolve"] is not None
    refused = await gql.post(API_KEYS)  # a steward may not list keys
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await store.write(lambda tx: tx.count_unmapped_codes([SABBATICAL, DORMANT], at(1)))


async def test_metrics_show_requests_upserts_decisions_queues_and_store_calls(
    store: Store,
) -> None:
    async with client_for(store) as http:
        before = await scrape(http)
        await _load(GraphQLClient(http), store)
        after = await scrape(http)

    def grew(name: str, **labels: str) -> float:
        return after(name, **labels) - before(name, **labels)

    requests = "mdm_graphql_requests_total"
    upsert = {"operation": "mutation", "root_field": "upsertSourceRecord"}
    assert grew(requests, **upsert, outcome="ok") == 3
    assert grew(requests, **upsert, outcome="BAD_USER_INPUT") == 1
    assert grew(requests, operation="query", root_field="resolve", outcome="ok") == 1
    assert grew(requests, operation="query", root_field="apiKeys", outcome="FORBIDDEN") == 1
    latency = "mdm_graphql_request_duration_seconds_count"
    assert grew(latency, operation="mutation", root_field="upsertSourceRecord") == 4
    assert grew("mdm_http_requests_total", route="/graphql", status="200") == 6

    upserts = "mdm_upserts_total"
    assert grew(upserts, entity_type="EMPLOYEE", system="HRIS", outcome="CREATED") == 1
    assert grew(upserts, entity_type="EMPLOYEE", system="EXPENSE", outcome="CREATED") == 1
    assert grew(upserts, entity_type="EMPLOYEE", system="PAYROLL", outcome="CREATED") == 1
    assert grew(upserts, entity_type="CUSTOMER", system="CRM", outcome="REJECTED") == 1
    decisions = "mdm_match_decisions_total"
    assert grew(decisions, rule=EMPLOYEE_RULE, band="review") == 1
    assert grew(decisions, rule=EMPLOYEE_RULE, band="new") == 2

    # Gauges are read from this store when scraped.
    assert after("mdm_review_queue_size") == 1
    assert after("mdm_pending_references") == 1
    assert after("mdm_rejected_records") == 1
    assert after("mdm_unmapped_codes") == 2
    head = await store.audit_head()
    assert head is not None
    assert after("mdm_audit_head_seq") == head[0]

    calls = "mdm_store_calls_total"
    assert grew(calls, method="resolve_many", outcome="ok") == 1
    assert grew(calls, method="tx.get_source", outcome="ok") >= 3
    assert grew(calls, method="queue_sizes", outcome="ok") == 1
    assert grew("mdm_store_call_duration_seconds_count", method="resolve_many") == 1


async def test_store_errors_are_counted_by_method_and_error(store: Store) -> None:
    async with client_for(BrokenStore(store)) as http:  # type: ignore[arg-type]
        before = await scrape(http)
        body = await GraphQLClient(http).post(
            RESOLVE, {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}
        )
        after = await scrape(http)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    labels = {"method": "resolve_many", "outcome": "KeyError"}
    assert after("mdm_store_calls_total", **labels) - before("mdm_store_calls_total", **labels) == 1
    labels = {"operation": "query", "root_field": "resolve", "outcome": "INTERNAL_SERVER_ERROR"}
    assert (
        after("mdm_graphql_requests_total", **labels)
        - before("mdm_graphql_requests_total", **labels)
        == 1
    )


async def test_each_request_logs_one_json_line_with_its_correlation_id(
    store: Store, json_log: io.StringIO
) -> None:
    async with client_for(store) as http:
        await GraphQLClient(http).post(
            UPSERT,
            {"input": record("CRM", "c1", name="Acme Inc")},
            **{"X-Correlation-ID": "load-42"},
        )
    [line] = [x for x in log_lines(json_log) if x.get("correlation_id") == "load-42"]
    assert line["event"] == "request"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")
    assert (line["actor"], line["role"]) == ("test-steward", "steward")
    assert (line["operation"], line["operation_type"]) == ("Upsert", "mutation")
    assert line["root_fields"] == ["upsertSourceRecord"]
    assert (line["status"], line["outcome"]) == (200, "ok")
    assert isinstance(line["duration_ms"], float)


async def test_a_failed_sign_in_is_logged_with_client_and_key_prefix_never_the_secret(
    json_log: io.StringIO,
) -> None:
    store = EmbeddedStore(":memory:")
    await store.open()
    try:
        token = await new_key(store, Role.STEWARD)
        _, prefix, secret = token.split("_", 2)
        wrong = f"mdm_{prefix}_{'A' * len(secret)}"
        async with client_for(store, role=None) as http:
            anonymous = await http.post("/graphql", json={"query": "{ apiKeys { prefix } }"})
            assert anonymous.status_code == 401
            response = await http.post(
                "/graphql",
                json={"query": "{ apiKeys { prefix } }"},
                headers={**bearer(wrong), "X-Correlation-ID": "who-knocks"},
            )
        assert response.status_code == 401
    finally:
        await store.close()
    failures = [x for x in log_lines(json_log) if x["event"] == "authentication failed"]
    missing, bad_key = failures
    assert (missing["credential"], missing["key_prefix"]) == ("none", None)
    assert "authentication required" in missing["reason"]
    assert bad_key["client"] == "127.0.0.1"
    assert (bad_key["credential"], bad_key["key_prefix"]) == ("api_key", prefix)
    assert bad_key["reason"] == "invalid API key"
    assert bad_key["correlation_id"] == "who-knocks"
    assert bad_key["level"] == "warning"
    assert secret not in json_log.getvalue()
    assert "A" * len(secret) not in json_log.getvalue()


async def test_swagger_is_served_only_in_dev_mode() -> None:
    store = EmbeddedStore(":memory:")
    await store.open()
    try:
        for settings, expected in ((Settings(), 404), (Settings(api_docs=True), 200)):
            async with client_for(store, settings, role=None) as http:
                assert (await http.get("/docs")).status_code == expected
                assert (await http.get("/openapi.json")).status_code == expected
    finally:
        await store.close()


async def test_metrics_can_be_turned_off() -> None:
    store = EmbeddedStore(":memory:")
    await store.open()
    try:
        async with client_for(store, Settings(metrics=False), role=None) as http:
            assert (await http.get("/metrics")).status_code == 404
    finally:
        await store.close()


async def test_metrics_show_each_webhooks_backlog(store: Store) -> None:
    services = Services.over(store, allow_private_webhooks=True)
    created = await services.webhooks.create("http://127.0.0.1:9/hook")
    async with client_for(store) as http:
        before = await scrape(http)
        await _load(GraphQLClient(http), store)
        after = await scrape(http)
    webhook = created.id
    assert before("mdm_webhook_backlog", webhook=webhook) == 0
    # Nothing delivers in this test: every change event of the load is waiting.
    waiting = len(await store.changes(0, 1000))
    assert waiting > 0
    assert after("mdm_webhook_backlog", webhook=webhook) == waiting
    assert after("mdm_webhook_dead_letters", webhook=webhook) == 0
