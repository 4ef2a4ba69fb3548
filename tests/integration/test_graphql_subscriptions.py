"""GraphQL subscriptions over a real WebSocket (graphql-transport-ws) against the app served by
uvicorn on loopback, on every store: a change made over HTTP reaches a subscriber; the
subscriber of a merged-away golden record hears the merge and its survivor; who may subscribe;
a subscriber resuming from a cursor misses nothing; a change committed by another process
arrives through the outbox poll, and with `serve --workers 2` every subscriber hears every
change."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService, key_prefix
from mdm_hub.services.change_feed import cursor_of
from mdm_hub.services.ingest import RawRecord
from tests.integration.test_serve_end_to_end import serving
from tests.support.auth import bearer, new_key
from tests.support.graphql_client import UPSERT, record
from tests.support.json_log import log_lines
from tests.support.metrics import scrape
from tests.support.services import ingest_service
from tests.support.serving import free_port
from tests.support.serving import serving as serving_in_loop

# Bounds on waiting for the server, never expected durations (the machine may be busy).
RECEIVE_SECONDS = 60.0
PROTOCOL = Subprotocol("graphql-transport-ws")
FIELDS = "cursor kind goldenId entityType change source { system sourceId }"
CHANGES = f"""
subscription Live($after: String, $types: [EntityType!]) {{
  changes(after: $after, entityTypes: $types) {{ {FIELDS} }}
}}"""
GOLDEN_CHANGED = f"""
subscription Watch($id: ID!, $after: String) {{
  goldenRecordChanged(id: $id, after: $after) {{ {FIELDS} }}
}}"""
MERGE = """
mutation Merge($ids: [ID!]!, $survivor: ID, $versions: [GoldenVersionInput!]!) {
  merge(goldenIds: $ids, survivorId: $survivor, expectedVersions: $versions,
        reason: "same company") { id }
}"""
VERSION = "query V($id: ID!) { goldenRecord(id: $id) { version } }"
FEED = f"query Feed {{ changes(first: 500) {{ edges {{ node {{ {FIELDS} }} }} }} }}"


class Subscriber:
    """One graphql-transport-ws connection, as a client library speaks it."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._ids = itertools.count(1)

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(
                await asyncio.wait_for(self.socket.recv(), RECEIVE_SECONDS)
            )
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def init(self, payload: dict[str, Any]) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        operation = str(next(self._ids))
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation, "type": "subscribe", "payload": payload})
        return operation

    async def next_event(self, operation: str) -> dict[str, Any]:
        message = await self.receive()
        assert (message["type"], message.get("id")) == ("next", operation), message
        assert "errors" not in message["payload"], message["payload"]
        [event] = message["payload"]["data"].values()
        result: dict[str, Any] = event
        return result

    async def closed(self) -> tuple[int | None, str]:
        """The close code and reason the server closed the connection with."""
        with pytest.raises(ConnectionClosed) as closed:
            await self.receive()
        received = closed.value.rcvd
        return (received.code, received.reason) if received else (None, "")


class Hub:
    """The app over a real socket: HTTP for mutations and queries, WebSockets to subscribe."""

    def __init__(self, store: Store, address: str) -> None:
        self.store = store
        self.address = address

    async def post(self, query: str, variables: dict[str, Any], role: Role) -> dict[str, Any]:
        token = await new_key(self.store, role)
        async with httpx.AsyncClient(base_url=f"http://{self.address}", timeout=120) as http:
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=bearer(token)
            )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def upsert(self, system: str, source_id: str, **attributes: Any) -> str:
        data = await self.post(
            UPSERT, {"input": record(system, source_id, **attributes)}, Role.INTEGRATION
        )
        golden_id: str = data["upsertSourceRecord"]["goldenId"]
        return golden_id

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Subscriber]:
        url = f"ws://{self.address}/graphql"
        async with connect(url, subprotocols=[PROTOCOL], open_timeout=RECEIVE_SECONDS) as ws:
            assert ws.subprotocol == PROTOCOL
            yield Subscriber(ws)

    @asynccontextmanager
    async def subscriber(self, role: Role, token: str | None = None) -> AsyncIterator[Subscriber]:
        """A connection initialised with `token`, else with a new key of `role`."""
        async with self.connection() as subscriber:
            token = token or await new_key(self.store, role)
            ack = await subscriber.init({"Authorization": f"Bearer {token}"})
            assert ack["type"] == "connection_ack", ack
            yield subscriber


@asynccontextmanager
async def hub_over(store: Store, settings: Settings | None = None) -> AsyncIterator[Hub]:
    app = create_app(settings or Settings(), store=store)
    async with serving_in_loop(app, free_port()) as url:
        yield Hub(store, url.removeprefix("http://"))


@pytest.fixture
async def hub(store: Store) -> AsyncIterator[Hub]:
    async with hub_over(store) as found:
        yield found


async def head(store: Store) -> str:
    """The cursor of the latest event: a subscription from it is sure to start before what
    the test does next (one without a cursor starts whenever the server gets to it)."""
    return cursor_of(await store.last_change_position())


async def test_a_subscriber_hears_an_upsert_made_over_http(hub: Hub) -> None:
    await hub.upsert("CRM", "before", name="Initech", tax_id="US987654321")  # before: not sent
    async with hub.subscriber(Role.INTEGRATION) as subscriber:
        variables = {"after": await head(hub.store), "types": ["CUSTOMER"]}
        live = await subscriber.subscribe(CHANGES, variables)
        await hub.upsert("HRIS", "e1", entity_type="EMPLOYEE", given_name="Ann", family_name="Lee")
        golden_id = await hub.upsert("CRM", "c1", name="Acme Inc", tax_id="DE111")
        created = await subscriber.next_event(live)  # the employee's are filtered out
        linked = await subscriber.next_event(live)
    assert (created["kind"], created["goldenId"], created["entityType"]) == (
        "golden.created",
        golden_id,
        "CUSTOMER",
    )
    assert created["source"] == {"system": "CRM", "sourceId": "c1"}
    assert (linked["kind"], linked["goldenId"]) == ("member.linked", golden_id)


async def test_without_a_cursor_a_subscriber_hears_only_what_commits_after_it(hub: Hub) -> None:
    await hub.upsert("CRM", "before", name="Initech", tax_id="US987654321")
    async with hub.subscriber(Role.AUDITOR) as subscriber:
        live = await subscriber.subscribe(CHANGES)
        # Records go on arriving until the subscription (started whenever the server got to
        # it) hears one: the first it hears is one of them, never the one from before.
        sent: list[str] = []
        received = asyncio.ensure_future(subscriber.next_event(live))
        while not received.done():
            sent.append(f"p{len(sent)}")
            unrelated = uuid.uuid4()  # nothing for matching to link them by
            await hub.upsert(
                "PSA",
                sent[-1],
                name=f"Firm {unrelated.hex[:10]}",
                tax_id=f"GB{unrelated.int % 10**9:09d}",
            )
            await asyncio.wait([received], timeout=1.0)
            assert len(sent) < RECEIVE_SECONDS, "the subscription heard nothing"
        first = received.result()
    assert first["kind"] == "golden.created"
    assert first["source"]["sourceId"] in sent


async def test_the_subscriber_of_a_merged_away_id_hears_the_merge_and_its_survivor(
    hub: Hub,
) -> None:
    survivor = await hub.upsert("ERP", "C1", name="Acme Inc", tax_id="DE111")
    merged = await hub.upsert("CRM", "K1", name="Globex", tax_id="FR333")
    versions = []
    for golden_id in (survivor, merged):
        found = await hub.post(VERSION, {"id": golden_id}, Role.STEWARD)
        versions.append({"goldenId": golden_id, "version": found["goldenRecord"]["version"]})
    async with hub.subscriber(Role.STEWARD) as subscriber:
        variables = {"id": merged, "after": await head(hub.store)}
        watch = await subscriber.subscribe(GOLDEN_CHANGED, variables)
        variables = {"ids": [survivor, merged], "survivor": survivor, "versions": versions}
        await hub.post(MERGE, variables, Role.STEWARD)
        event = await subscriber.next_event(watch)
        # The record is gone: its subscription ends with the merge.
        assert await subscriber.receive() == {"id": watch, "type": "complete"}
        # Watching it now (without a cursor from before the merge) says where it went.
        late = await subscriber.subscribe(GOLDEN_CHANGED, {"id": merged})
        gone = await subscriber.receive()
        assert (gone["type"], gone["id"]) == ("next", late), gone
        [error] = gone["payload"]["errors"]
        assert error["extensions"]["code"] == "NOT_FOUND"
        assert error["message"] == f"golden record {merged} was merged into {survivor}"
    assert (event["kind"], event["goldenId"]) == ("golden.merged", survivor)
    assert event["change"]["survivorId"] == survivor
    assert event["change"]["mergedIds"] == [merged]


async def test_a_connection_without_valid_credentials_is_closed_4401(hub: Hub) -> None:
    async with hub.connection() as subscriber:
        await subscriber.send({"type": "connection_init", "payload": {}})
        assert await subscriber.closed() == (4401, "Unauthorized")
    async with hub.connection() as subscriber:
        await subscriber.send(
            {"type": "connection_init", "payload": {"Authorization": "Bearer mdm_not_a_key"}}
        )
        assert await subscriber.closed() == (4401, "Unauthorized")
    async with hub.connection() as subscriber:  # subscribing before connection_init
        await subscriber.subscribe(CHANGES)
        assert await subscriber.closed() == (4401, "Unauthorized")


async def test_a_role_that_may_not_read_changes_is_refused(hub: Hub) -> None:
    async with hub.connection() as subscriber:  # an admin reads no master data
        token = await new_key(hub.store, Role.ADMIN)
        await subscriber.send(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        assert await subscriber.closed() == (4403, "Forbidden")
    golden_id = await hub.upsert("CRM", "c1", name="Acme Inc", tax_id="DE111")
    for role, query, variables in (
        (Role.STEWARD, CHANGES, {}),  # the feed is for integrations and auditors
        (Role.INTEGRATION, GOLDEN_CHANGED, {"id": golden_id}),  # golden reads: stewards...
    ):
        async with hub.subscriber(role) as subscriber:
            operation = await subscriber.subscribe(query, variables)
            refused = await subscriber.receive()
            assert (refused["type"], refused["id"]) == ("next", operation), refused
            [error] = refused["payload"]["errors"]
            assert error["extensions"]["code"] == "FORBIDDEN"
            assert str(role) in error["message"]
            assert await subscriber.receive() == {"id": operation, "type": "complete"}


async def test_connections_count_against_the_callers_rate_limit(store: Store) -> None:
    token = await new_key(store, Role.AUDITOR)
    async with hub_over(store, Settings(rate_limit="1/minute")) as hub:
        async with hub.subscriber(Role.AUDITOR, token):
            pass
        async with hub.connection() as subscriber:
            await subscriber.send(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
            )
            code, reason = await subscriber.closed()
    assert code == 4429
    assert reason.startswith("rate limit exceeded: retry in ")


async def test_a_key_revoked_while_subscribed_ends_its_subscription(store: Store) -> None:
    token = await new_key(store, Role.AUDITOR)
    async with (
        hub_over(store, Settings(api_key_cache_seconds=0)) as hub,
        hub.subscriber(Role.AUDITOR, token) as subscriber,
    ):
        live = await subscriber.subscribe(CHANGES, {"after": await head(store)})
        await ApiKeyService(store).revoke(key_prefix(token))
        await hub.upsert("CRM", "c1", name="Acme Inc", tax_id="DE111")
        refused = await subscriber.receive()
        assert (refused["type"], refused["id"]) == ("next", live), refused
        [error] = refused["payload"]["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert await subscriber.receive() == {"id": live, "type": "complete"}


async def test_a_subscriber_resuming_from_its_cursor_misses_nothing(hub: Hub) -> None:
    async with hub.subscriber(Role.AUDITOR) as subscriber:
        live = await subscriber.subscribe(CHANGES, {"after": await head(hub.store)})
        await hub.upsert("CRM", "c1", name="Acme Inc", tax_id="DE111")
        kept = (await subscriber.next_event(live))["cursor"]  # then the connection drops
    # While it is away: the rest of that upsert's events, and more.
    await hub.upsert("ERP", "e1", name="Globex", tax_id="FR333")
    await hub.upsert("CRM", "c1", name="Acme Incorporated", tax_id="DE111")
    feed = [e["node"] for e in (await hub.post(FEED, {}, Role.AUDITOR))["changes"]["edges"]]
    missed = feed[[e["cursor"] for e in feed].index(kept) + 1 :]
    assert len(missed) >= 4
    async with hub.subscriber(Role.AUDITOR) as subscriber:
        resumed = await subscriber.subscribe(CHANGES, {"after": kept})
        assert [await subscriber.next_event(resumed) for _ in missed] == missed
        await hub.upsert("PSA", "p1", name="Initech", tax_id="US999")
        after = await subscriber.next_event(resumed)
    assert after["kind"] == "golden.created"
    assert after["source"] == {"system": "PSA", "sourceId": "p1"}


async def test_a_change_committed_by_another_process_arrives_through_the_outbox(
    store: Store,
) -> None:
    # Nothing in this app's process hears of the write below: only the poll finds it (as a
    # worker of `serve --workers` finds what another worker committed).
    settings = Settings(subscription_poll_seconds=0.2)
    async with hub_over(store, settings) as hub, hub.subscriber(Role.AUDITOR) as subscriber:
        live = await subscriber.subscribe(CHANGES, {"after": await head(store)})
        raw = RawRecord("ERP", "CUSTOMER", "C7", {"name": "Umbrella", "tax_id": "GB777"})
        golden_id = (await ingest_service(store).upsert(raw)).golden_id
        event = await subscriber.next_event(live)
    assert (event["kind"], event["goldenId"]) == ("golden.created", golden_id)


async def test_subscribers_of_several_serve_processes_hear_every_change(
    neo4j_store: Neo4jStore, neo4j_endpoint: Neo4jEndpoint, tmp_path: Path
) -> None:
    """`serve --workers 2`: connections and upserts land on either process; every subscriber
    hears every event, in feed order, whichever process committed it."""
    env = {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": neo4j_endpoint.uri,
        "MDM_NEO4J_USER": neo4j_endpoint.user,
        "MDM_NEO4J_PASSWORD": neo4j_endpoint.password,
        "MDM_LOG_LEVEL": "warning",
    }
    with serving(env, tmp_path / "serve.log", "--workers", "2") as url:
        hub = Hub(neo4j_store, url.removeprefix("http://").removesuffix("/graphql"))
        start = await head(neo4j_store)
        async with AsyncExitStack() as stack:
            subscribers = [
                await stack.enter_async_context(hub.subscriber(Role.AUDITOR)) for _ in range(4)
            ]
            operations = [await s.subscribe(CHANGES, {"after": start}) for s in subscribers]
            for n in range(6):  # each over a new HTTP connection: to either process
                await hub.upsert("PSA", f"w{n}", name=f"Workers Firm {n}", tax_id=f"GB{n:09d}")
            feed = [e["node"] for e in (await hub.post(FEED, {}, Role.AUDITOR))["changes"]["edges"]]
            assert len(feed) == 12  # created and linked, per record
            for subscriber, operation in zip(subscribers, operations, strict=True):
                assert [await subscriber.next_event(operation) for _ in feed] == feed


async def test_operators_see_subscriptions_open_and_how_each_ended(
    hub: Hub, json_log: io.StringIO
) -> None:
    async with httpx.AsyncClient(base_url=f"http://{hub.address}", timeout=120) as http:
        before = await scrape(http)
        async with hub.subscriber(Role.AUDITOR) as subscriber:
            live = await subscriber.subscribe(CHANGES, {"after": await head(hub.store)})
            await hub.upsert("CRM", "c1", name="Acme Inc", tax_id="DE111")
            await subscriber.next_event(live)  # golden.created
            await subscriber.next_event(live)  # member.linked
            during = await scrape(http)
        # The client has gone: its subscription ends on the server soon after.
        for _ in range(int(RECEIVE_SECONDS * 10)):
            after = await scrape(http)
            if after("mdm_live_subscriptions", root_field="changes") == before(
                "mdm_live_subscriptions", root_field="changes"
            ):
                break
            await asyncio.sleep(0.1)
    open_now = "mdm_live_subscriptions"
    assert during(open_now, root_field="changes") == before(open_now, root_field="changes") + 1
    ended = "mdm_subscriptions_ended_total"
    assert after(ended, root_field="changes", outcome="closed") == (
        before(ended, root_field="changes", outcome="closed") + 1
    )
    lines = [line for line in log_lines(json_log) if line["event"].startswith("subscription ")]
    assert [line["event"] for line in lines] == ["subscription started", "subscription ended"]
    assert {line["root_field"] for line in lines} == {"changes"}
    assert all(line["role"] == str(Role.AUDITOR) and line["actor"] for line in lines)
    assert (lines[1]["outcome"], lines[1]["events"]) == ("closed", 2)
