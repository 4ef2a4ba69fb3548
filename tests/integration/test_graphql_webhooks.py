"""Webhook subscribers over GraphQL, on every store: admins only, the SSRF guard, the secret
shown once, dead letters listed and replayed, deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mdm_hub.domain.access import Role
from mdm_hub.domain.webhooks import DeadLetter
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.graphql_client import GraphQLClient

CREATE = """
mutation Create($url: String!, $events: [String!], $systems: [String!]) {
  createWebhook(url: $url, events: $events, systems: $systems) {
    secret webhook { id url events entityTypes systems cursor }
  }
}"""
LIST = """{ webhooks { id url cursor failedAttempts
                      deadLetters { cursor attempts lastError replayQueued } } }"""
REPLAY = "mutation R($id: ID!) { replayWebhookDeliveries(id: $id) }"
DELETE = "mutation D($id: ID!) { deleteWebhook(id: $id) }"
PUBLIC = "https://93.184.216.34/mdm"


async def _as(store: Store, role: Role, query: str, variables: dict[str, Any]) -> Any:
    async with client_for(store, role=role) as http:
        return await GraphQLClient(http).post(query, variables)


def _code(body: Any) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_an_admin_registers_lists_replays_and_deletes_a_webhook(store: Store) -> None:
    made = await _as(store, Role.ADMIN, CREATE, {"url": PUBLIC, "systems": ["ERP", "CRM"]})
    created = made["data"]["createWebhook"]
    assert created["secret"].startswith("whsec_")
    webhook = created["webhook"]
    assert (webhook["url"], webhook["events"], webhook["systems"]) == (
        PUBLIC,
        None,
        ["CRM", "ERP"],
    )
    await store.put_dead_letter(DeadLetter(webhook["id"], 4, 8, "HTTP 500", datetime.now(UTC)))
    # A dispatcher has failed 7 times at the event after position 5: the subscriber waits.
    now = datetime.now(UTC)
    assert await store.lease_webhook(webhook["id"], "d1", now, now + timedelta(seconds=30))
    assert await store.advance_webhook(webhook["id"], "d1", 5, 7)
    listed = (await _as(store, Role.ADMIN, LIST, {}))["data"]["webhooks"]
    assert listed == [
        {
            "id": webhook["id"],
            "url": PUBLIC,
            "cursor": "change:5",
            "failedAttempts": 7,
            "deadLetters": [
                {
                    "cursor": "change:4",
                    "attempts": 8,
                    "lastError": "HTTP 500",
                    "replayQueued": False,
                }
            ],
        }
    ]
    replayed = await _as(store, Role.ADMIN, REPLAY, {"id": webhook["id"]})
    assert replayed["data"]["replayWebhookDeliveries"] == 1
    assert (await _as(store, Role.ADMIN, DELETE, {"id": webhook["id"]}))["data"] == {
        "deleteWebhook": True
    }
    assert (await _as(store, Role.ADMIN, LIST, {}))["data"]["webhooks"] == []
    assert _code(await _as(store, Role.ADMIN, DELETE, {"id": webhook["id"]})) == "NOT_FOUND"


async def test_private_urls_unknown_kinds_and_non_admins_are_refused(store: Store) -> None:
    private = await _as(store, Role.ADMIN, CREATE, {"url": "http://127.0.0.1:9000/hook"})
    assert _code(private) == "BAD_USER_INPUT"
    assert "MDM_WEBHOOK_ALLOW_PRIVATE" in str(private["errors"])
    kinds = await _as(store, Role.ADMIN, CREATE, {"url": PUBLIC, "events": ["golden.deleted"]})
    assert _code(kinds) == "BAD_USER_INPUT"
    assert "events[0]" in str(kinds["errors"])
    for role in (Role.STEWARD, Role.INTEGRATION, Role.AUDITOR):
        assert _code(await _as(store, role, CREATE, {"url": PUBLIC})) == "FORBIDDEN"
    assert (await _as(store, Role.ADMIN, LIST, {}))["data"]["webhooks"] == []
