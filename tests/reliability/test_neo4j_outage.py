"""Neo4j going away under load, through a served hub (`mdm-hub serve` over a `neo4j://` URI, on
a private Neo4j this module starts, stops and starts again on the same ports and data).

- Stopped under a resolve load: within 2 s of its last answer every request is answered 503
  STORE_UNAVAILABLE with Retry-After (not 500, no hang) and /readyz says unavailable; while
  it starts again, no request waits longer than the read timeout; back, requests succeed
  within 10 s of its return, without restarting the hub.
- Restarted under a write load: every batch either succeeds or is answered STORE_UNAVAILABLE,
  and the client sending refused ones again ends with every record written exactly once.

The 2 s and 10 s are the hub's promise and are asserted as measured; only a request's own
latency gets a second of slack, for the hub process being starved on a busy 2-core machine.
One wait is Neo4j's, not the hub's: a transaction that reaches Neo4j while its database stops is
held by Neo4j's availability guard and then refused DatabaseUnavailable, about 2 s later on
5.26 (its driver log shows the RUN sent and the FAILURE received 2.02 s apart). The hub passes
that refusal on at once; the first 503 then counts from Neo4j's hold, not from the hub's 2 s.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.config import Settings
from mdm_hub.domain.audit import Action, source_subject
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.neo4j_local import LocalNeo4jServer
from mdm_hub.services.audit import AuditService
from tests.integration.test_serve_end_to_end import create_key, serving
from tests.support.graphql_client import RESOLVE, RESOLVE_MANY, UPSERT_MANY
from tests.support.paths import SHIPPED

pytestmark = pytest.mark.neo4j_runtime

REPORT_WITHIN_S = 2.0  # the promise: 503 within 2 s of Neo4j stopping
RECOVER_WITHIN_S = 10.0  # and success within 10 s of its return
BUSY_MACHINE_SLACK_S = 1.0  # a starved hub process's own delay, on one request's latency
NEO4J_STOPPING_HOLD_S = 2.0  # how long Neo4j holds a transaction while its database stops
READ_TIMEOUT_S = Settings().neo4j_read_timeout_seconds  # the hub's default
NEO4J_STARTUP_S = 300.0
CLIENT_TIMEOUT_S = 60.0  # far beyond any answer the hub should give: a hang is measured
COMPANIES = 30
SEEDED = 5  # companies the resolve load asks for; the write load sends the others


@dataclass(frozen=True)
class Answer:
    sent: float
    done: float
    status: int
    code: str | None  # the first GraphQL error's code; None when it succeeded
    retry_after: str | None
    message: str = ""


class PrivateNeo4j:
    """A Neo4j of this module's own, stopped and started on the same ports and data."""

    def __init__(self, home: Path) -> None:
        self._server = LocalNeo4jServer(home, startup_timeout=NEO4J_STARTUP_S)
        self.state = self._server.start()

    @property
    def routing_uri(self) -> str:
        return self.state.uri.replace("bolt://", "neo4j://")

    def stop(self) -> None:
        self._server.stop()

    def start(self) -> None:
        self._server = LocalNeo4jServer(
            Path(self.state.home),
            bolt_port=self.state.bolt_port,
            http_port=self.state.http_port,
            startup_timeout=NEO4J_STARTUP_S,
        )
        self._server.start()


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    server = PrivateNeo4j(tmp_path_factory.mktemp("outage") / "neo4j")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hub(neo4j: PrivateNeo4j, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The served hub's GraphQL URL and an integration key for CRM, ERP and PSA."""
    env = {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": neo4j.routing_uri,
        "MDM_LOG_LEVEL": "warning",
        "MDM_WEBHOOK_DISPATCHER": "false",
    }
    key = create_key(env)
    with serving(env, tmp_path_factory.mktemp("hub") / "serve.log") as url:
        yield url, key


def _records() -> list[dict[str, Any]]:
    """Each company as CRM and ERP send it: the same tax ID written two ways."""
    records = []
    for n in range(COMPANIES):
        for system, tax_id in (("CRM", f"GB {n:09d}"), ("ERP", f"gb{n:09d}")):
            records.append(
                {
                    "system": system,
                    "entityType": "CUSTOMER",
                    "sourceId": f"{system}-{n}",
                    "attributes": {
                        "name": f"Outage Test {n:03d} Ltd",
                        "tax_id": tax_id,
                        "country": "GB",
                    },
                }
            )
    return records


def _ask(client: httpx.Client, url: str, query: str, variables: dict[str, Any]) -> Answer:
    sent = time.monotonic()
    response = client.post(url, json={"query": query, "variables": variables})
    done = time.monotonic()
    errors = response.json().get("errors") if response.content else None
    code = errors[0].get("extensions", {}).get("code") if errors else None
    if response.status_code != 200 and code is None:
        code = f"HTTP_{response.status_code}"
    message = str(errors[0].get("message"))[:300] if errors else ""
    retry_after = response.headers.get("Retry-After")
    return Answer(sent, done, response.status_code, code, retry_after, message)


def _client(key: str) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=CLIENT_TIMEOUT_S)


def _in_background(count: int, body: Callable[[int, threading.Event], None]) -> Callable[[], None]:
    """Run `body(index, stop)` in `count` threads; the returned call stops and joins them."""
    stop = threading.Event()
    threads = [threading.Thread(target=body, args=(i, stop), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()

    def finish() -> None:
        stop.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT_S + 10)

    return finish


def _readyz(url: str) -> int:
    return httpx.get(url.replace("/graphql", "/readyz"), timeout=CLIENT_TIMEOUT_S).status_code


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _is_unavailable(answer: Answer) -> bool:
    return answer.status == 503 and answer.code == "STORE_UNAVAILABLE"


def _held_by_neo4j(answer: Answer) -> bool:
    """Refused by Neo4j's own availability guard, after it held the transaction."""
    return _is_unavailable(answer) and "DatabaseUnavailable" in answer.message


def test_stopping_neo4j_under_resolve_load_is_reported_at_once_and_recovered_from(
    neo4j: PrivateNeo4j, hub: tuple[str, str]
) -> None:
    url, key = hub
    with _client(key) as client:
        seeded = _ask(client, url, UPSERT_MANY, {"inputs": _records()[: 2 * SEEDED]})
        assert (seeded.status, seeded.code) == (200, None)

    answers: list[Answer] = []

    def resolving(index: int, stop: threading.Event) -> None:
        with _client(key) as client:
            n = 0
            while not stop.is_set():
                source_id = f"CRM-{n % SEEDED}"
                variables = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": source_id}
                answers.append(_ask(client, url, RESOLVE, variables))
                n += 1
                time.sleep(0.02)

    finish = _in_background(4, resolving)
    try:
        assert _wait_for(lambda: sum(a.status == 200 for a in answers) >= 30, 60)
        stopping = time.monotonic()
        neo4j.stop()
        stopped = time.monotonic()
        ready_while_down = _readyz(url)
        time.sleep(3)  # a while down, under load
        starting = time.monotonic()
        neo4j.start()
        back = time.monotonic()
        assert _wait_for(lambda: any(a.sent > back + RECOVER_WITHIN_S for a in answers), 60)
        ready_after = _readyz(url)
    finally:
        finish()

    odd = [a for a in answers if a.status != 200 and not _is_unavailable(a)]
    assert not odd, odd[:5]  # nothing but success or 503 STORE_UNAVAILABLE: no 500
    refused = [a for a in answers if a.status == 503]
    assert all(a.retry_after for a in refused)
    assert ready_while_down == 503
    assert ready_after == 200

    first_refused = min(a.done for a in refused if a.done > stopping)
    # Neo4j may go on serving while it shuts down (a checkpoint on a busy machine takes seconds):
    # the promise counts from when it stops answering, the last success after the stop began.
    last_served = max(
        (a.done for a in answers if a.status == 200 and stopping < a.done < first_refused),
        default=stopping,
    )
    # From the moment Neo4j is asked to stop until it starts again, answered within 2 s.
    stopping_phase = [a for a in answers if a.done > stopping and a.sent < starting]
    slowest = max(a.done - max(a.sent, stopping) for a in stopping_phase)
    # While it starts (it takes connections before its database answers), never a hang: the
    # key check and the resolve each wait for their answer at most the read timeout.
    starting_phase = [a for a in answers if starting <= a.sent < back]
    slowest_starting = max((a.done - a.sent for a in starting_phase), default=0.0)
    down = [a for a in answers if stopped + REPORT_WITHIN_S < a.sent < starting]
    back_again = [a for a in answers if a.done > back]
    assert any(a.status == 200 for a in back_again), [
        (a.done - back, a.message) for a in back_again
    ][:10]
    first_ok = min(a.done for a in back_again if a.status == 200)
    # Held by Neo4j itself (see the module's doc): refused by Neo4j, not by the hub's own limits.
    held = any(_held_by_neo4j(a) for a in refused if a.done == first_refused)
    report_within = NEO4J_STOPPING_HOLD_S + BUSY_MACHINE_SLACK_S if held else REPORT_WITHIN_S
    print(  # the measured figures, shown with -s
        f"first 503 {first_refused - stopping:.2f}s after stop began, "
        f"{first_refused - last_served:.2f}s after the last success"
        f"{' (held by Neo4j)' if held else ''} (Neo4j gone after {stopped - stopping:.2f}s); "
        f"slowest answer while stopping and down {slowest:.2f}s, "
        f"while starting ({back - starting:.0f}s) {slowest_starting:.2f}s; first success "
        f"{first_ok - back:.2f}s after Neo4j answered again"
    )
    assert first_refused - last_served <= report_within
    assert slowest <= REPORT_WITHIN_S + BUSY_MACHINE_SLACK_S
    assert slowest_starting <= 2 * READ_TIMEOUT_S + BUSY_MACHINE_SLACK_S
    assert down
    assert all(_is_unavailable(a) for a in down)
    assert first_ok - back <= RECOVER_WITHIN_S
    # Once recovered it stays so, on the same hub process.
    settled = [a for a in answers if a.sent >= back + RECOVER_WITHIN_S]
    assert settled
    assert all(a.status == 200 for a in settled), [a.message for a in settled if a.status != 200]


def test_restarting_neo4j_under_write_load_writes_every_record_exactly_once(
    neo4j: PrivateNeo4j, hub: tuple[str, str]
) -> None:
    url, key = hub
    records = [r for r in _records() if int(r["sourceId"].split("-")[1]) >= SEEDED]
    slices = [records[i::3] for i in range(3)]
    outcomes: list[Answer] = []
    sent_batches = [0]

    def writing(index: int, stop: threading.Event) -> None:
        mine = slices[index]
        with _client(key) as client:
            for start in range(0, len(mine), 4):
                batch = mine[start : start + 4]
                while not stop.is_set():  # as an integration does: send a refused batch again
                    answer = _ask(client, url, UPSERT_MANY, {"inputs": batch})
                    outcomes.append(answer)
                    if not _is_unavailable(answer):
                        break
                    time.sleep(float(answer.retry_after or 1))
                sent_batches[0] += 1
                time.sleep(0.2)

    finish = _in_background(3, writing)
    try:
        assert _wait_for(lambda: sent_batches[0] >= 3, 120)
        neo4j.stop()
        time.sleep(1)
        neo4j.start()
        total = sum(len(range(0, len(s), 4)) for s in slices)
        assert _wait_for(lambda: sent_batches[0] == total, 300), outcomes[-5:]
    finally:
        finish()

    assert all(a.status == 200 or _is_unavailable(a) for a in outcomes), outcomes
    refused = [a for a in outcomes if a.status != 200]
    slowest = max(a.done - a.sent for a in outcomes)
    print(f"{len(outcomes)} batches sent, {len(refused)} refused 503; slowest {slowest:.1f}s")
    assert any(_is_unavailable(a) for a in outcomes) or len(outcomes) == total
    with _client(key) as client:
        refs = [{k: r[k] for k in ("system", "entityType", "sourceId")} for r in records]
        response = client.post(url, json={"query": RESOLVE_MANY, "variables": {"refs": refs}})
    answers = response.json()["data"]["resolveMany"]
    clusters = {frozenset((m["system"], m["sourceId"]) for m in a["crosswalk"]) for a in answers}
    companies = range(SEEDED, COMPANIES)
    assert clusters == {frozenset({("CRM", f"CRM-{n}"), ("ERP", f"ERP-{n}")}) for n in companies}
    _assert_written_once(neo4j, records)


def _assert_written_once(neo4j: PrivateNeo4j, records: list[dict[str, Any]]) -> None:
    """Each record has one version and one ingest event; the audit chain is intact."""

    async def check() -> None:
        store = Neo4jStore(neo4j.state.uri, "neo4j", "", SHIPPED / "cypher")
        await store.open()
        try:
            audit = AuditService(store)
            assert (await audit.chain_status()).intact
            for r in records:
                key = SourceKey(r["system"], EntityType.CUSTOMER, r["sourceId"])
                assert [v.version for v in await store.source_versions(key)] == [1], key
                events = await store.audit_events_for([source_subject(key)], 100)
                ingested = [e.action for e in events if e.action.startswith("ingest.")]
                assert ingested in ([Action.INGEST_CREATED], [Action.INGEST_LINKED]), key
        finally:
            await store.close()

    asyncio.run(check())
