"""Access control over HTTP, on every store: who gets in (API keys), what a scoped key may
touch, how a refused operation executes nothing, admin key management, and MDM_AUTH=off."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import ConfigurationError
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService
from tests.integration.conftest import client_for
from tests.support.auth import bearer, new_key
from tests.support.graphql_client import RESOLVE, RESOLVE_MANY, UPSERT, UPSERT_MANY, record

HR_1 = SourceKey("HR", EntityType.CUSTOMER, "h1")


async def _post(
    store: Store, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    async with client_for(store, role=None) as http:
        return await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors") or []]


async def test_health_readiness_and_introspection_need_no_credentials(store: Store) -> None:
    async with client_for(store, role=None) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 200
        typename = await http.post("/graphql", json={"query": "{ __typename }"})
    assert typename.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer mdm_000000000000_wrong"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."},  # a JWT, but no OIDC configured
    ],
    ids=["none", "unknown-key", "empty-bearer", "basic", "jwt-without-oidc"],
)
async def test_missing_or_invalid_credentials_are_401_unauthenticated(
    store: Store, headers: dict[str, str]
) -> None:
    variables = {"input": record("CRM", "c1", name="Acme")}
    response = await _post(store, UPSERT, variables, headers)
    assert response.status_code == 401
    assert _codes(response) == ["UNAUTHENTICATED"]
    assert await store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, "c1")]) == [None]


async def test_revoked_and_expired_keys_are_401(store: Store) -> None:
    keys = ApiKeyService(store)
    _, revoked = await keys.create("gone", Role.STEWARD)
    await keys.revoke(revoked.split("_")[1])
    expired = await new_key(store, Role.STEWARD, "brief", expires_in=timedelta(microseconds=1))
    for token in (revoked, expired):
        response = await _post(store, RESOLVE, {**RESOLVE_VARS}, bearer(token))
        assert response.status_code == 401
        assert _codes(response) == ["UNAUTHENTICATED"]
        assert "expired or revoked" in response.json()["errors"][0]["message"]


RESOLVE_VARS = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}


async def test_a_scoped_key_acts_only_for_its_systems(store: Store) -> None:
    token = await new_key(store, Role.INTEGRATION, "crm-sync", systems=["CRM", "ERP"])
    ok = await _post(store, UPSERT, {"input": record("CRM", "c1", name="Acme")}, bearer(token))
    assert ok.json()["data"]["upsertSourceRecord"]["outcome"] == "CREATED"
    resolved = await _post(store, RESOLVE, RESOLVE_VARS, bearer(token))
    assert resolved.json()["data"]["resolve"]["crosswalk"] == [
        {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}
    ]

    outside = [
        (UPSERT, {"input": record("HR", "h1", name="Acme")}),
        (UPSERT_MANY, {"inputs": [record("ERP", "e1", name="A"), record("HR", "h1", name="A")]}),
        (RESOLVE, {**RESOLVE_VARS, "system": "HR"}),
        (RESOLVE_MANY, {"refs": [{"system": "HR", "entityType": "CUSTOMER", "sourceId": "h1"}]}),
    ]
    for query, variables in outside:
        response = await _post(store, query, variables, bearer(token))
        body = response.json()
        assert _codes(response) == ["FORBIDDEN"], body
        assert "may not act for system(s) HR" in body["errors"][0]["message"]
    # Nothing of the refused batch was written, not even its in-scope ERP record.
    erp = SourceKey("ERP", EntityType.CUSTOMER, "e1")
    assert await store.resolve_many([HR_1, erp]) == [None, None]


async def test_a_refused_field_refuses_the_whole_operation_even_through_fragments(
    store: Store,
) -> None:
    auditor = bearer(await new_key(store, Role.AUDITOR))
    smuggled = """
    mutation($input: SourceRecordInput!) { ...Write }
    fragment Write on Mutation { ... on Mutation { upsertSourceRecord(input: $input) { outcome } } }
    """
    response = await _post(store, smuggled, {"input": record("HR", "h1", name="A")}, auditor)
    assert response.json()["data"] is None
    assert _codes(response) == ["FORBIDDEN"]
    assert await store.resolve_many([HR_1]) == [None]

    integration = bearer(await new_key(store, Role.INTEGRATION))
    mixed = """query { resolve(system: "CRM", entityType: CUSTOMER, sourceId: "c1") { goldenId }
                      rejectedRecords { receivedAt } keys: apiKeys { prefix } }"""
    response = await _post(store, mixed, {}, integration)
    assert response.json()["data"] is None
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages == [
        "Query.rejectedRecords is not allowed for role integration",
        "Query.apiKeys is not allowed for role integration",
    ]


async def test_admins_manage_keys_over_graphql_and_never_see_a_secret(store: Store) -> None:
    admin = bearer(await new_key(store, Role.ADMIN, "root"))
    create = """mutation { createApiKey(name: "psa", role: INTEGRATION, systems: ["PSA"],
                  expiresInDays: 30) { token key { prefix name role systems expiresAt } } }"""
    created = (await _post(store, create, {}, admin)).json()["data"]["createApiKey"]
    token, prefix = created["token"], created["key"]["prefix"]
    assert token.startswith(f"mdm_{prefix}_")
    assert (created["key"]["role"], created["key"]["systems"]) == ("INTEGRATION", ["PSA"])

    listing = await _post(store, "{ apiKeys { prefix name role revokedAt } }", {}, admin)
    assert token.split("_", 2)[2] not in listing.text
    assert [k["name"] for k in listing.json()["data"]["apiKeys"]] == ["root", "psa"]

    upsert = {"input": record("PSA", "p1", name="Acme")}
    assert (await _post(store, UPSERT, upsert, bearer(token))).status_code == 200
    revoke = "mutation($p: String!) { revokeApiKey(prefix: $p) { prefix revokedAt } }"
    revoked = (await _post(store, revoke, {"p": prefix}, admin)).json()["data"]["revokeApiKey"]
    assert revoked["revokedAt"] is not None
    assert (await _post(store, UPSERT, upsert, bearer(token))).status_code == 401


async def test_with_auth_off_anyone_may_do_anything_and_it_is_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="mdm_hub.api.app"):
        async with client_for(store, Settings(auth="off"), role=None) as http:
            upsert = {"query": UPSERT, "variables": {"input": record("HRIS", "h1", name="A")}}
            written = await http.post("/graphql", json=upsert)
            listed = await http.post("/graphql", json={"query": "{ apiKeys { prefix } }"})
    assert written.json()["data"]["upsertSourceRecord"]["outcome"] == "CREATED"
    assert listed.json() == {"data": {"apiKeys": []}}
    assert any("MDM_AUTH=off" in r.getMessage() for r in caplog.records)


def test_auth_is_on_by_default_and_oidc_needs_issuer_and_audience() -> None:
    assert Settings(_env_file=None).auth == "on"  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="MDM_OIDC_ISSUER"):
        create_app(Settings(oidc_jwks_url="http://127.0.0.1:1/jwks"))
