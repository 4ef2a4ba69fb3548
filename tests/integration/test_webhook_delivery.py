"""Webhook delivery end to end: `mdm-hub dispatch` processes posting to a real HTTP receiver on
loopback. Events arrive signed and in order; a receiver answering 500 for a while gets them
later; a dispatcher killed mid-delivery is replaced and nothing is lost (the cut delivery comes
again with the same delivery ID); events that fail every attempt go to the dead letters and
`mdm-hub webhooks replay` delivers them."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
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
from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.webhooks.dispatcher import DeliveryPolicy, Dispatcher
from mdm_hub.services.webhooks.registry import WebhookService
from tests.support.services import ingest_service

WAIT_SECONDS = 60.0  # a bound on waiting for the dispatcher, never an expected duration


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
    """What the subscriber answers: 500 while `failing` (or for the next `fail_next`), and
    the first request is held open while `hold` is set, until `release` is."""

    received: list[Received] = field(default_factory=list)
    failing: bool = False
    fail_next: int = 0
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
            status = 200
            if self.failing or self.fail_next > 0:
                self.fail_next = max(0, self.fail_next - 1)
                status = 500
            self.received.append(
                Received(
                    headers["X-MDM-Delivery-Id"],
                    headers["X-MDM-Timestamp"],
                    headers["X-MDM-Signature"],
                    body,
                    status,
                )
            )
            return status

    def taken(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 200]


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


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(db),
        "MDM_WEBHOOK_ALLOW_PRIVATE": "true",
        "MDM_WEBHOOK_LEASE_SECONDS": "1",
        "MDM_WEBHOOK_POLL_SECONDS": "0.1",
        "MDM_WEBHOOK_BASE_DELAY_SECONDS": "0.05",
        "MDM_WEBHOOK_MAX_DELAY_SECONDS": "0.2",
        "MDM_WEBHOOK_MAX_ATTEMPTS": "4",
    }


def _dispatcher(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mdm_hub.cli", "dispatch"],
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _until(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        assert time.monotonic() < deadline, "the dispatcher did not get there"
        time.sleep(0.05)


def _in_store(db: Path, act: Callable[[EmbeddedStore], Any]) -> Any:
    async def run() -> Any:
        store = EmbeddedStore(str(db))
        await store.open()
        try:
            return await act(store)
        finally:
            await store.close()

    return asyncio.run(run())


def _post(db: Path, *source_ids: str) -> None:
    async def post(store: EmbeddedStore) -> None:
        for source_id in source_ids:
            attributes = {"name": f"Firm {source_id}", "tax_id": f"DE{source_id}"}
            await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", source_id, attributes))

    _in_store(db, post)


def _positions(db: Path) -> list[int]:
    async def read(store: EmbeddedStore) -> list[int]:
        return [event.position for event in await store.changes(0, 1000)]

    result: list[int] = _in_store(db, read)
    return result


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


def test_deliveries_survive_failures_a_killed_dispatcher_and_dead_letters(
    tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    db = tmp_path / "hub.db"
    hook: Webhook = _in_store(db, lambda store: WebhookService(store, True).create(url))
    _post(db, "1", "2", "3")
    positions = _positions(db)
    assert len(positions) == 6  # each record: golden.created, member.linked

    # The first delivery is held open, and its dispatcher killed while it waits.
    state.hold = True
    first = _dispatcher(db)
    try:
        assert state.held.wait(WAIT_SECONDS)
    finally:
        first.kill()
        first.wait()
    state.fail_next = 3  # then the subscriber is down for a while...
    state.release.set()  # ...and the cut delivery's answer goes nowhere

    second = _dispatcher(db)
    try:
        _until(lambda: len(state.taken()) >= len(positions))
        taken = state.taken()
        assert [d.position for d in taken] == positions  # every event, in order, once taken
        assert all(_verified(hook, d)["webhookId"] == hook.id for d in taken)
        ids = [d.delivery_id for d in state.received]
        assert ids.count(taken[0].delivery_id) >= 2  # redelivered with the same ID
        assert [r.status for r in state.received].count(500) == 3
        kinds = [json.loads(d.body)["event"]["kind"] for d in taken]
        assert kinds == ["golden.created", "member.linked"] * 3

        # A subscriber that refuses everything: each event gets every attempt, then goes to
        # the dead letters, and the events after it are not held up.
        state.failing = True
        _post(db, "4")

        def dead() -> list[DeadLetter]:
            return list(_in_store(db, lambda store: store.dead_letters(hook.id)))

        _until(lambda: len(dead()) == 2)
        assert {letter.attempts for letter in dead()} == {4}
        assert {letter.last_error for letter in dead()} == {"HTTP 500"}

        state.failing = False
        replayed = CliRunner().invoke(app, ["webhooks", "replay", hook.id], env=_env(db))
        assert replayed.exit_code == 0, replayed.output
        assert "queued 2 dead letters" in replayed.output
        _until(lambda: dead() == [])
        assert [d.position for d in state.taken()][-2:] == _positions(db)[-2:]
    finally:
        _stop(second)


async def test_a_slow_subscriber_holds_up_neither_ingestion_nor_the_others(
    tmp_path: Path,
) -> None:
    """One subscriber never answers its first delivery; the other gets every event, and
    records are still ingested, while it hangs."""
    store = EmbeddedStore(str(tmp_path / "hub.db"))
    await store.open()
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
            expected = [e.position for e in await store.changes(0, 100)]
            deadline = time.monotonic() + WAIT_SECONDS
            while [d.position for d in quick.taken()] != expected:
                assert time.monotonic() < deadline, "the quick subscriber was held up"
                await asyncio.sleep(0.05)
            assert slow.held.is_set()
            assert slow.taken() == []
        finally:
            slow.release.set()
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
            await sender.close()
            await store.close()


async def test_deliveries_resume_after_the_store_was_away(tmp_path: Path) -> None:
    """A store outage (here: the store closed under the dispatcher) does not stop delivery for
    good: once it answers again, what was written is delivered without a restart."""
    store = EmbeddedStore(str(tmp_path / "hub.db"))
    await store.open()
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
            expected = [e.position for e in await store.changes(0, 100)]
            deadline = time.monotonic() + WAIT_SECONDS
            while [d.position for d in state.taken()] != expected:
                assert time.monotonic() < deadline, "delivery did not resume"
                await asyncio.sleep(0.05)
        finally:
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
            await sender.close()
            await store.close()
