"""A writer beside readers on a served hub (embedded store): while one client's 1,000-record
batch is being written, another client's resolves keep being answered, between the batch's
groups, not all after it (bench/reads_beside_writer.py measures how long they wait)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.exports import company_name
from tests.support.graphql_client import RESOLVE, UPSERT_MANY, record
from tests.support.integrity import integration_key, stored_at
from tests.support.served_hub import answered, started

BATCH = 1000  # ten groups of the store's group commit
# Reads answered while the batch was in flight. A writer that holds the event loop for the
# whole batch lets at most the one read already under way through; a read that waits at most
# one group gets about one per group.
AT_LEAST = 4


async def test_resolves_are_answered_while_a_batch_is_written(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"
    env = stored_at(database)
    headers = {"Authorization": f"Bearer {await integration_key(database)}"}
    batch = [record("ERP", f"W-{n}", name=company_name(n), country="DE") for n in range(BATCH)]
    resolve = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "R-1"}
    with (
        started(env, tmp_path / "serve.log") as hub,
        httpx.Client(base_url=hub.base, headers=headers, timeout=120) as reader,
        httpx.Client(base_url=hub.base, headers=headers, timeout=120) as writer,
    ):
        seed = [record("CRM", "R-1", name="Reader Seed Holding AG", country="CH")]
        answered(writer, UPSERT_MANY, {"inputs": seed})
        golden_id = answered(reader, RESOLVE, resolve)["resolve"]["goldenId"]

        written: list[dict[str, Any]] = []
        window: list[float] = []

        def write() -> None:
            window.append(time.monotonic())
            written.extend(answered(writer, UPSERT_MANY, {"inputs": batch})["upsertSourceRecords"])
            window.append(time.monotonic())

        loader = threading.Thread(target=write)
        loader.start()
        answered_at: list[float] = []
        while loader.is_alive():
            assert answered(reader, RESOLVE, resolve)["resolve"]["goldenId"] == golden_id
            answered_at.append(time.monotonic())
        loader.join()

    assert [r["outcome"] for r in written] == ["CREATED"] * BATCH
    began, ended = window
    during = [t for t in answered_at if began < t < ended]
    assert len(during) >= AT_LEAST, (
        f"{len(during)} resolves answered during a {ended - began:.1f} s batch"
    )
