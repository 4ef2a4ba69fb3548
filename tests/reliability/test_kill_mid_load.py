"""`kill -9` in the middle of `mdm-hub load` into the embedded store, then the same command
again: it carries on from its checkpoint, and every row is stored exactly once, each with a
crosswalk of its own, and the audit chain is intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from tests.support.exports import TEST_MAPPINGS, psa_customers, write_psa_csv
from tests.support.integrity import assert_audit_intact, assert_each_stored_once, stored_at
from tests.support.served_hub import CLI

ROWS = 800
BATCH = 50
KILL_AFTER_ROWS = 200  # well into the load, well before its end
WAIT_S = 120


def load_command(export: Path) -> list[str]:
    mapping = str(TEST_MAPPINGS / "psa" / "customer.yaml")
    return [
        *CLI,
        "load",
        str(export),
        "--system",
        "psa",
        "--mapping",
        mapping,
        "--batch",
        str(BATCH),
    ]


def rows_done(checkpoint: Path) -> int:
    try:
        rows: int = json.loads(checkpoint.read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        return 0
    return rows


async def test_a_load_killed_mid_way_resumes_and_stores_every_row_once(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"
    env = {**os.environ, **stored_at(database)}
    rows = psa_customers(ROWS)
    export = write_psa_csv(tmp_path / "customers.csv", rows)
    checkpoint = export.with_name(f"{export.name}.checkpoint.json")

    loading = subprocess.Popen(
        load_command(export), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + WAIT_S
    while rows_done(checkpoint) < KILL_AFTER_ROWS:
        assert loading.poll() is None, "the load ended before it could be killed"
        assert time.monotonic() < deadline, "the load made no progress"
        time.sleep(0.01)
    loading.send_signal(signal.SIGKILL)
    assert loading.wait(timeout=WAIT_S) == -signal.SIGKILL
    killed_at = rows_done(checkpoint)
    assert killed_at < ROWS

    again = subprocess.run(
        load_command(export), env=env, capture_output=True, text=True, timeout=WAIT_S, check=False
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "resum" in (again.stdout + again.stderr).lower()

    keys = [SourceKey("psa", EntityType.CUSTOMER, row["Account ID"]) for row in rows]
    await assert_each_stored_once(database, keys)
    assert_audit_intact(stored_at(database))
