"""`mdm-hub serve` as a user runs it: the quick-start script, a restart, the same answers.
Once on the embedded store (a file) and once on Neo4j."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from mdm_hub.neo4j_local import Neo4jEndpoint
from tests.support.paths import REPO_ROOT
from tests.support.served_hub import create_key, serving

QUICKSTART = REPO_ROOT / "examples" / "quickstart.py"


def quickstart(url: str, api_key: str, *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, str(QUICKSTART), "--url", url, "--api-key", api_key, *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _same_answers_after_restart(env: dict[str, str], log: Path) -> None:
    api_key = create_key(env)
    with serving(env, log) as url:
        first = quickstart(url, api_key)
    with serving(env, log) as url:
        again = quickstart(url, api_key, "--resolve-only")
    resolved = [line for line in first.splitlines() if line.startswith("resolve")]
    assert resolved == [line for line in again.splitlines() if line.startswith("resolve")]
    assert "OK: both IDs resolve to one golden record" in again


def test_quickstart_on_the_embedded_store_survives_a_restart(tmp_path: Path) -> None:
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    _same_answers_after_restart(env, tmp_path / "serve.log")
    assert (tmp_path / "hub.db").exists()


DEV_KEY = re.compile(r"mdm_[0-9a-f]{12}_[A-Za-z0-9_-]+")


def test_serve_dev_prints_a_working_dev_key_and_reuses_it(tmp_path: Path) -> None:
    env = {
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"),
        "MDM_DEV_KEY_FILE": str(tmp_path / "dev-key"),
    }
    log = tmp_path / "serve.log"
    with serving(env, log, "--dev") as url:
        [dev_key] = set(DEV_KEY.findall(log.read_text()))
        assert "OK: both IDs resolve" in quickstart(url, dev_key)
        refused = subprocess.run(
            [sys.executable, str(QUICKSTART), "--url", url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={k: v for k, v in os.environ.items() if k != "MDM_API_KEY"},
        )
        assert refused.returncode != 0
        assert "UNAUTHENTICATED" in refused.stderr + refused.stdout
    with serving(env, log, "--dev"):
        assert set(DEV_KEY.findall(log.read_text())) == {dev_key}  # the same key, reused
    assert (tmp_path / "dev-key").stat().st_mode & 0o077 == 0


def test_quickstart_on_neo4j_survives_a_restart(
    tmp_path: Path, neo4j_endpoint: Neo4jEndpoint
) -> None:
    env = {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": neo4j_endpoint.uri,
        "MDM_NEO4J_USER": neo4j_endpoint.user,
        "MDM_NEO4J_PASSWORD": neo4j_endpoint.password,
    }
    _same_answers_after_restart(env, tmp_path / "serve.log")
