"""A real `mdm-hub serve` subprocess for tests, and the CLI commands run beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
CLI = (sys.executable, "-m", "mdm_hub.cli")
KEYS_CREATE = [*CLI, "keys", "create"]
SYSTEMS = ("--systems", "CRM,ERP")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ServedHub:
    base: str  # http://127.0.0.1:port
    process: subprocess.Popen[bytes]

    @property
    def graphql(self) -> str:
        return f"{self.base}/graphql"


def probe(url: str) -> int | None:
    """The HTTP status `url` answers with; None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@contextmanager
def started(
    env: dict[str, str],
    log: Path,
    *args: str,
    command: tuple[str, ...] = CLI,
    cwd: Path | None = None,
    ready: bool = True,
) -> Iterator[ServedHub]:
    """`mdm-hub serve` (`command` runs the CLI) until the block ends, stopped with SIGTERM.
    Waits for /readyz to answer 200 (`ready`) or for /healthz (the process is up, whatever
    the store says)."""
    port = free_port()
    full_env = {**os.environ, **env, "MDM_PORT": str(port), "MDM_HOST": "127.0.0.1"}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "serve", *args],
            env=full_env,
            stdout=out,
            stderr=out,
            cwd=cwd,
        )
    base = f"http://127.0.0.1:{port}"
    wanted = f"{base}/readyz" if ready else f"{base}/healthz"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while probe(wanted) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mdm-hub serve did not become ready:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield ServedHub(base, process)
    finally:
        process.terminate()
        process.wait(timeout=STOP_TIMEOUT_S)


@contextmanager
def serving(
    env: dict[str, str],
    log: Path,
    *args: str,
    command: tuple[str, ...] = CLI,
    cwd: Path | None = None,
) -> Iterator[str]:
    """`mdm-hub serve`, ready, until the block ends; yields the GraphQL URL."""
    with started(env, log, *args, command=command, cwd=cwd) as hub:
        yield hub.graphql


def create_key(
    env: dict[str, str],
    command: tuple[str, ...] = CLI,
    cwd: Path | None = None,
    role: str = "integration",
) -> str:
    """`mdm-hub keys create` on the store the server uses; the key is its only stdout line."""
    done = subprocess.run(
        [*command, "keys", "create", "--role", role, "--name", "quickstart", *SYSTEMS],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    token = done.stdout.strip()
    assert token.startswith("mdm_"), done.stdout
    return token


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` made read-only for the hub: mode 0444, and for a root test process (which file
    modes do not stop) the immutable attribute too. Restored when the block ends."""
    mode = path.stat().st_mode
    path.chmod(0o444)
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        path.chmod(mode)


def answered(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The data of a GraphQL request to a served hub, which must succeed (HTTP 200, no errors)."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data
