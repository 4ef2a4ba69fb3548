"""Webhook delivery end to end, on every store: dispatchers (`mdm-hub dispatch` processes, or
the one `serve` runs in-process) posting to a real HTTP receiver on loopback. Events arrive
signed and in order; a receiver down for far longer than a few retries gets them all later, in
order; a dispatcher killed mid-delivery is replaced and nothing is lost (the cut delivery comes
again with the same delivery ID); an event refused every attempt goes to the dead letters while
later ones go on, and `mdm-hub webhooks replay` delivers it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.http_sender import HttpSender
from mdm_hub.cli import app
from mdm_hub.config import Settings
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.webhooks.dispatcher import DeliveryPolicy, Dispatcher
from mdm_hub.services.webhooks.registry import WebhookService
from mdm_hub.wiring import dispatching_webhooks
from tests.conftest import STORE_KINDS, clear_graph, shared_neo4j_store
from tests.support.integrity import neo4j_at
from tests.support.services import ingest_service

WAIT_SECONDS = 60.0  # a bound on waiting for the dispatcher, never an expected duration
# Far more failures than the old default of 8 attempts: at the default 300 s cap, hours down.
OUTAGE_FAILURES = 100


@pytest.fixture(params=STORE_KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """An empty store that a dispatcher process can open too: the embedded one in a file."""
    if request.param == "embedded":
        embedded = EmbeddedStore(str(tmp_path / "hub.db"))
        await embedded.open()
        yield embedded
        await embedded.close()
        return
    neo4j = await shared_neo4j_store(request.getfixturevalue("neo4j_endpoint"))
    await clear_graph(neo4j)
    yield neo4j
    await neo4j.open()  # a test that closed the shared store leaves it usable


@pytest.fixture
def env(store: Store, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A dispatcher process's environment: the same store, timings scaled down."""
    if isinstance(store, EmbeddedStore):
        where = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    else:
        endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
        where = neo4j_at(endpoint)
    return {
        **os.environ,
        **where,
        "MDM_WEBHOOK_ALLOW_PRIVATE": "true",
        "MDM_WEBHOOK_LEASE_SECONDS": "1",
        "MDM_WEBHOOK_POLL_SECONDS": "0.1",
        "MDM_WEBHOOK_BASE_DELAY_SECONDS": "0.05",
        "MDM_WEBHOOK_MAX_DELAY_SECONDS": "0.2",
        "MDM_WEBHOOK_MAX_ATTEMPTS": "4",
    }


@dataclass
class Received:
    delivery_id: str
    timestamp: str
    signature: str
    body: bytes
    status: int

    @property
    def position(self) -> int:
        cursor: str = json.loads(self.body)["event"]["cursor"]
        return int(cursor.removeprefix("change:"))


@dataclass
class Receiver:
    """What the subscriber answers: 500 while `failing`, for the next `fail_next` requests,
    and always for the events at the `refused` positions; the first request is held open
    while `hold` is set, until `release` is."""

    received: list[Received] = field(default_factory=list)
    failing: bool = False
    fail_next: int = 0
    refused: set[int] = field(default_factory=set)
    hold: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: Any, body: bytes) -> int:
        if self.hold:
            self.hold = False
            self.held.set()
            self.release.wait(WAIT_SECONDS)
        with self.lock:
            delivery = Received(
                headers["X-MDM-Delivery-Id"],
                headers["X-MDM-Timestamp"],
                headers["X-MDM-Signature"],
                body,
                200,
            )
            if self.failing or self.fail_next > 0 or delivery.position in self.refused:
                self.fail_next = max(0, self.fail_next - 1)
                delivery.status = 500
            self.received.append(delivery)
            return delivery.status

    def taken(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 200]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    with _receiving() as found:
        yield found


@contextmanager
def _receiving() -> Iterator[tuple[Receiver, str]]:
    """A real HTTP server on a free loopback port, answering as the Receiver says."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.answer(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    state.release.set()
    server.shutdown()
    server.server_close()


def _dispatcher(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mdm_hub.cli", "dispatch"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _until(done: Callable[[], bool | Awaitable[bool]]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await _answer(done()):
        assert time.monotonic() < deadline, "the dispatcher did not get there"
        await asyncio.sleep(0.05)


async def _answer(found: bool | Awaitable[bool]) -> bool:
    return await found if inspect.isawaitable(found) else found


async def _post(store: Store, *source_ids: str) -> None:
    for source_id in source_ids:
        attributes = {"name": f"Firm {source_id}", "tax_id": f"DE{source_id}"}
        await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", source_id, attributes))


async def _positions(store: Store) -> list[int]:
    return [event.position for event in await store.changes(0, 1000)]


def _scaled(**settings: Any) -> Settings:
    """Settings as deployed but for the timings: milliseconds where production has seconds
    (at a 300 s cap, each failure below stands for 150 to 300 s of a subscriber down)."""
    return Settings(
        webhook_allow_private=True,
        webhook_poll_seconds=0.05,
        webhook_lease_seconds=5,
        webhook_base_delay_seconds=0.001,
        webhook_max_delay_seconds=0.02,
        **settings,
    )


def _verified(hook: Webhook, delivery: Received) -> dict[str, Any]:
    """What a consumer does: recompute the signature over the timestamp and the raw body."""
    mac = hmac.new(
        hook.secret.encode(), delivery.timestamp.encode() + b"." + delivery.body, hashlib.sha256
    )
    assert hmac.compare_digest(delivery.signature, f"v1={mac.hexdigest()}")
    body: dict[str, Any] = json.loads(delivery.body)
    assert body["deliveryId"] == delivery.delivery_id
    return body


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def test_deliveries_survive_failures_a_killed_dispatcher_and_dead_letters(
    store: Store, env: dict[str, str], receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    hook = await WebhookService(store, True).create(url)
    await _post(store, "1", "2", "3")
    positions = await _positions(store)
    assert len(positions) == 6  # each record: golden.created, member.linked

    # The first delivery is held open, and its dispatcher killed while it waits.
    state.hold = True
    first = _dispatcher(env)
    try:
        assert await asyncio.to_thread(state.held.wait, WAIT_SECONDS)
    finally:
        first.kill()
        first.wait()
    state.fail_next = 3  # then the subscriber is down for a while...
    state.release.set()  # ...and the cut delivery's answer goes nowhere

    async def dead() -> list[DeadLetter]:
        return await store.dead_letters(hook.id)

    async def dead_count(count: int) -> bool:
        return len(await dead()) == count

    second = _dispatcher(env)
    try:
        await _until(lambda: len(state.taken()) >= len(positions))
        taken = state.taken()
        assert [d.position for d in taken] == positions  # every event, in order, once taken
        assert all(_verified(hook, d)["webhookId"] == hook.id for d in taken)
        ids = [d.delivery_id for d in state.all()]
        assert ids.count(taken[0].delivery_id) >= 2  # redelivered with the same ID
        assert [r.status for r in state.all()].count(500) == 3
        kinds = [json.loads(d.body)["event"]["kind"] for d in taken]
        assert kinds == ["golden.created", "member.linked"] * 3

        # A subscriber that refuses everything: each event gets every attempt, then goes to
        # the dead letters, and the events after it are not held up.
        state.failing = True
        await _post(store, "4")
        await _until(lambda: dead_count(2))
        assert {letter.attempts for letter in await dead()} == {4}
        assert {letter.last_error for letter in await dead()} == {"HTTP 500"}

        state.failing = False
        replayed = await asyncio.to_thread(
            CliRunner().invoke, app, ["webhooks", "replay", hook.id], env=env
        )
        assert replayed.exit_code == 0, replayed.output
        assert "queued 2 dead letters" in replayed.output
        await _until(lambda: dead_count(0))
        assert [d.position for d in state.taken()][-2:] == (await _positions(store))[-2:]
    finally:
        await asyncio.to_thread(_stop, second)


async def test_a_subscriber_down_far_longer_than_a_few_retries_gets_everything_in_order(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    """Default attempts, delays scaled down: the subscriber refuses many times the old
    default's 8 attempts, while more events are committed; it waits behind its first event,
    dead-letters nothing, and then takes every event, signed, in feed order."""
    state, url = receiver
    hook = await WebhookService(store, True).create(url)
    state.fail_next = OUTAGE_FAILURES
    await _post(store, "1", "2")

    async def dead_letters_or(done: Callable[[], bool]) -> bool:
        return done() or bool(await store.dead_letters(hook.id))

    async with dispatching_webhooks(_scaled(), store):
        await _until(lambda: dead_letters_or(lambda: len(state.all()) >= OUTAGE_FAILURES // 2))
        await _post(store, "3")  # committed while the subscriber is down
        positions = await _positions(store)

        async def settled() -> bool:
            [listed] = await store.list_webhooks()
            return await dead_letters_or(lambda: listed.cursor == positions[-1])

        await _until(settled)
    assert await store.dead_letters(hook.id) == []
    taken = state.taken()
    assert [d.position for d in taken] == positions
    assert all(_verified(hook, d)["event"]["cursor"] == f"change:{d.position}" for d in taken)
    refused = [d for d in state.all() if d.status == 500]
    assert len(refused) == OUTAGE_FAILURES
    assert {d.position for d in refused} == {positions[0]}  # later events waited behind it
    [listed] = await store.list_webhooks()
    assert (listed.cursor, listed.attempts) == (positions[-1], 0)


async def test_a_poison_event_is_dead_lettered_after_the_set_attempts_and_the_rest_go_on(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    """Only one event is refused: it gets MDM_WEBHOOK_MAX_ATTEMPTS attempts, then its dead
    letter, and the events after it are delivered in order. A replay while it is still refused
    tries it a few times, not the attempts of a first delivery again, and puts it back."""
    state, url = receiver
    hook = await WebhookService(store, True).create(url)
    await _post(store, "1", "2", "3")
    positions = await _positions(store)
    poison = positions[2]
    state.refused = {poison}
    attempts = 12
    async with dispatching_webhooks(_scaled(webhook_max_attempts=attempts), store):
        await _until(lambda: len(state.taken()) >= len(positions) - 1)
        [letter] = await store.dead_letters(hook.id)
        assert (letter.position, letter.attempts, letter.last_error) == (
            poison,
            attempts,
            "HTTP 500",
        )
        assert [d.position for d in state.taken()] == [p for p in positions if p != poison]
        statuses = [(d.position, d.status) for d in state.all()]
        assert statuses.count((poison, 500)) == attempts
        last_try = max(i for i, (position, _) in enumerate(statuses) if position == poison)
        assert [position for position, _ in statuses[last_try + 1 :]] == positions[3:]

        await WebhookService(store, True).replay(hook.id)
        await _post(store, "4")  # committed while the replay runs

        async def back() -> bool:
            letters = await store.dead_letters(hook.id)
            return bool(letters) and not letters[0].replay and letters[0].attempts > attempts

        await _until(back)
        [again] = await store.dead_letters(hook.id)
        replayed = again.attempts - attempts
        assert 0 < replayed < 5  # a few more attempts, not another `attempts`
        assert [d.position for d in state.all()].count(poison) == attempts + replayed
        newer = [p for p in await _positions(store) if p > positions[-1]]
        await _until(lambda: [d.position for d in state.taken()][-len(newer) :] == newer)


async def test_a_slow_subscriber_holds_up_neither_ingestion_nor_the_others(store: Store) -> None:
    """One subscriber never answers its first delivery; the other gets every event, and
    records are still ingested, while it hangs."""
    with _receiving() as (slow, slow_url), _receiving() as (quick, quick_url):
        slow.hold = True
        registry = WebhookService(store, allow_private=True)
        await registry.create(slow_url)
        await registry.create(quick_url)
        sender = HttpSender(timeout_seconds=WAIT_SECONDS)
        policy = DeliveryPolicy(poll_seconds=0.05, lease_seconds=5)
        dispatcher = Dispatcher(store, sender, allow_private=True, policy=policy)
        running = asyncio.create_task(dispatcher.run())
        try:
            ingest = ingest_service(store)
            for n in range(3):
                record = RawRecord("CRM", "CUSTOMER", f"c{n}", {"name": f"Firm {n}"})
                await ingest.upsert(record)
                await asyncio.sleep(0)
            expected = await _positions(store)
            await _until(lambda: [d.position for d in quick.taken()] == expected)
            assert slow.held.is_set()
            assert slow.taken() == []
        finally:
            slow.release.set()
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
            await sender.close()


async def test_deliveries_resume_after_the_store_was_away(store: Store) -> None:
    """A store outage (here: the store closed under the dispatcher) does not stop delivery for
    good: once it answers again, what was written is delivered without a restart."""
    with _receiving() as (state, url):
        await WebhookService(store, allow_private=True).create(url)
        sender = HttpSender(timeout_seconds=WAIT_SECONDS)
        policy = DeliveryPolicy(poll_seconds=0.05, lease_seconds=5)
        dispatcher = Dispatcher(store, sender, allow_private=True, policy=policy)
        running = asyncio.create_task(dispatcher.run())
        try:
            await store.close()
            await asyncio.sleep(0.5)  # several rounds meet an unavailable store
            assert not running.done()
            await store.open()
            await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "c1", {"name": "Firm"}))
            expected = await _positions(store)
            await _until(lambda: [d.position for d in state.taken()] == expected)
        finally:
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
            await sender.close()
