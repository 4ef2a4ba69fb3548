"""Store loss on a served hub (embedded store): a database file that cannot be written, and a
data directory deleted while the hub runs. Either is reported (/readyz 503) and every write
is refused with STORE_UNAVAILABLE (HTTP 503, Retry-After); none is answered as done and lost."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx

from tests.support.graphql_client import RESOLVE, UPSERT_MANY, record
from tests.support.integrity import integration_key, stored_at
from tests.support.served_hub import ServedHub, read_only, started

SERVICE_UNAVAILABLE = 503


def upsert(hub: ServedHub, key: str, source_id: str) -> httpx.Response:
    records = [record("CRM", source_id, name=f"Store Loss {source_id} GmbH", country="DE")]
    return httpx.post(
        hub.graphql,
        json={"query": UPSERT_MANY, "variables": {"inputs": records}},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )


def resolve(hub: ServedHub, key: str, source_id: str) -> httpx.Response:
    variables = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": source_id}
    return httpx.post(
        hub.graphql,
        json={"query": RESOLVE, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )


def assert_refused_as_unavailable(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == SERVICE_UNAVAILABLE, response.text
    assert int(response.headers["Retry-After"]) > 0
    body: dict[str, Any] = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["STORE_UNAVAILABLE"]
    return body


async def test_a_read_only_database_file_is_reported_and_writes_are_refused(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"
    env = stored_at(database)
    key = await integration_key(database)
    log = tmp_path / "serve.log"
    with read_only(database), started(env, log, ready=False) as hub:
        ready = httpx.get(f"{hub.base}/readyz", timeout=30)
        assert ready.status_code == SERVICE_UNAVAILABLE
        assert "read-only" in ready.json()["reason"]
        assert "Retry-After" in ready.headers

        body = assert_refused_as_unavailable(upsert(hub, key, "RO-1"))
        assert body["data"] is None
        # Reads are still served from the file as it is.
        answer = resolve(hub, key, "RO-1")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"data": {"resolve": None}}
    assert "is read-only" in log.read_text()


async def test_a_deleted_data_directory_is_reported_and_no_write_is_answered_as_done(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "hub.db"
    env = stored_at(database)
    key = await integration_key(database)
    with started(env, tmp_path / "serve.log") as hub:
        before = upsert(hub, key, "DIR-1")
        assert before.status_code == 200, before.text
        assert before.json()["data"]["upsertSourceRecords"][0]["outcome"] == "CREATED"

        shutil.rmtree(data)

        ready = httpx.get(f"{hub.base}/readyz", timeout=30)
        assert ready.status_code == SERVICE_UNAVAILABLE
        assert "is gone" in ready.json()["reason"]
        assert_refused_as_unavailable(upsert(hub, key, "DIR-2"))
        assert_refused_as_unavailable(resolve(hub, key, "DIR-1"))
    assert not data.exists()  # nothing was written anywhere else in its name
