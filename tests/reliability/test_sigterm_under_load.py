"""SIGTERM to `mdm-hub serve` (embedded store) while a 600-record batch is being written
and another client resolves: the batch is answered in full, every answered request
succeeded, the process exits cleanly, and what it answered as written is there afterwards."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from tests.support.exports import company_name
from tests.support.graphql_client import RESOLVE, UPSERT_MANY, record
from tests.support.integrity import (
    assert_audit_intact,
    assert_each_stored_once,
    integration_key,
    stored_at,
)
from tests.support.served_hub import answered, started

BATCH = 600  # six groups of the store's group commit
WAIT_S = 120


async def test_sigterm_mid_batch_fails_no_request_and_loses_nothing(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"
    env = stored_at(database)
    headers = {"Authorization": f"Bearer {await integration_key(database)}"}
    batch = [record("ERP", f"T-{n}", name=company_name(n), country="DE") for n in range(BATCH)]
    first = {"system": "ERP", "entityType": "CUSTOMER", "sourceId": "T-0"}
    answers: list[httpx.Response] = []
    with (
        started(env, tmp_path / "serve.log") as hub,
        httpx.Client(base_url=hub.base, headers=headers, timeout=WAIT_S) as reader,
        httpx.Client(base_url=hub.base, headers=headers, timeout=WAIT_S) as writer,
    ):

        def write() -> None:
            payload = {"query": UPSERT_MANY, "variables": {"inputs": batch}}
            answers.append(writer.post("/graphql", json=payload))

        loader = threading.Thread(target=write)
        loader.start()
        # Resolve the batch's first record until its first group is committed: the server
        # is then in the middle of the batch.
        deadline = time.monotonic() + WAIT_S
        while True:
            found = answered(reader, RESOLVE, first)["resolve"]
            if found is not None:
                break
            assert loader.is_alive(), "the batch ended before the server was stopped"
            assert time.monotonic() < deadline
        hub.process.send_signal(signal.SIGTERM)
        loader.join(timeout=WAIT_S)
        # uvicorn ends a graceful shutdown by re-raising the signal it handled.
        assert hub.process.wait(timeout=WAIT_S) in (0, -signal.SIGTERM)

    [answer] = answers
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body["errors"]
    assert [r["outcome"] for r in body["data"]["upsertSourceRecords"]] == ["CREATED"] * BATCH
    keys = [SourceKey("ERP", EntityType.CUSTOMER, r["sourceId"]) for r in batch]
    await assert_each_stored_once(database, keys)
    assert_audit_intact(env)
