"""Provide a Neo4j server for tests: an external one, a testcontainer, or a local JVM."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from mdm_hub.neo4j_local.jars import JarResolutionError
from mdm_hub.neo4j_local.java import JavaNotFoundError
from mdm_hub.neo4j_local.server import (
    DEFAULT_HEAP_MAX,
    DEFAULT_HEAP_MIN,
    DEFAULT_PAGECACHE,
    LocalNeo4jServer,
    Neo4jStartError,
    read_server_info,
)

log = logging.getLogger(__name__)

TESTCONTAINERS_IMAGE = "neo4j:5.26-community"
_CONTAINER_PASSWORD = "mdm-hub-test"  # noqa: S105 - throwaway container; Neo4j 5 wants 8+ chars
_DOCKER_PING_TIMEOUT_S = 3


@dataclass(frozen=True)
class Neo4jEndpoint:
    uri: str
    user: str
    password: str
    version: str
    edition: str
    origin: Literal["external", "testcontainers", "local"]
    # The server's process ID when it runs on this machine as our child (local), else None.
    pid: int | None = None


@dataclass(frozen=True)
class Neo4jMemory:
    """Memory for a Neo4j that provide_neo4j starts (Neo4j's size syntax: "512m", "4g"); None
    keeps the default (a local JVM: 256m page cache, heap 512m growing to 1g). An external
    server (MDM_NEO4J_URI) keeps its own settings."""

    pagecache: str | None = None
    heap: str | None = None  # initial and maximum heap alike, as Neo4j advises


class Neo4jUnavailable(Exception):
    """No Neo4j could be provided; the message lists each method tried and why it failed."""


def _server_info(uri: str, user: str, password: str) -> tuple[str, str]:
    with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10.0) as driver:
        driver.verify_connectivity()
        return read_server_info(driver)


def _external(env: Mapping[str, str]) -> Neo4jEndpoint:
    """MDM_NEO4J_URI is an explicit choice: if it does not answer, fail instead of falling back."""
    uri = env["MDM_NEO4J_URI"]
    user = env.get("MDM_NEO4J_USER", "neo4j")
    password = env.get("MDM_NEO4J_PASSWORD", "")
    try:
        version, edition = _server_info(uri, user, password)
    except (Neo4jError, DriverError, ValueError, OSError) as exc:
        raise Neo4jUnavailable(
            f"MDM_NEO4J_URI={uri} (user {user!r}) is set but unusable: "
            f"{type(exc).__name__}: {exc}. Fix the server or credentials, or unset MDM_NEO4J_URI "
            "to let mdm-hub start one."
        ) from exc
    return Neo4jEndpoint(uri, user, password, version, edition, origin="external")


def docker_unreachable_reason() -> str | None:
    """None if a Docker engine answers a ping, else why not. Costs ~0.2 s without an engine."""
    try:
        from testcontainers.core.docker_client import DockerClient  # noqa: PLC0415 - optional
    except ImportError as exc:
        return f"testcontainers is not installed ({exc})"
    try:
        DockerClient(timeout=_DOCKER_PING_TIMEOUT_S).client.ping()
    except Exception as exc:  # docker-py raises DockerException and raw requests/OS errors alike
        return f"no Docker engine answered: {exc}"
    return None


def _testcontainers(
    stack: ExitStack, failures: list[str], memory: Neo4jMemory
) -> Neo4jEndpoint | None:
    if (reason := docker_unreachable_reason()) is not None:
        failures.append(f"testcontainers: {reason}")
        return None
    from testcontainers.community.neo4j import Neo4jContainer  # noqa: PLC0415 - needs Docker

    container = Neo4jContainer(TESTCONTAINERS_IMAGE, password=_CONTAINER_PASSWORD)
    if memory.pagecache:
        container.with_env("NEO4J_server_memory_pagecache_size", memory.pagecache)
    if memory.heap:
        container.with_env("NEO4J_server_memory_heap_initial__size", memory.heap)
        container.with_env("NEO4J_server_memory_heap_max__size", memory.heap)
    try:
        stack.enter_context(container)  # its __enter__ removes the container if start fails
        uri = container.get_connection_url()
        version, edition = _server_info(uri, container.username, container.password)
    except Exception as exc:  # image pull, daemon and driver errors share no base class
        failures.append(f"testcontainers ({TESTCONTAINERS_IMAGE}): {type(exc).__name__}: {exc}")
        log.warning("Neo4j testcontainer failed, trying a local JVM instead: %s", exc)
        return None
    return Neo4jEndpoint(
        uri, container.username, container.password, version, edition, origin="testcontainers"
    )


def _local(stack: ExitStack, failures: list[str], memory: Neo4jMemory) -> Neo4jEndpoint | None:
    home = Path(tempfile.mkdtemp(prefix="mdm-neo4j-"))
    stack.callback(shutil.rmtree, home, ignore_errors=True)
    # PR_SET_PDEATHSIG follows the starting thread, so only arm it from the main thread.
    on_main_thread = threading.current_thread() is threading.main_thread()
    server = LocalNeo4jServer(
        home,
        die_with_parent=on_main_thread,
        heap_min=memory.heap or DEFAULT_HEAP_MIN,
        heap_max=memory.heap or DEFAULT_HEAP_MAX,
        pagecache=memory.pagecache or DEFAULT_PAGECACHE,
    )
    try:
        state = server.start()
    except (JavaNotFoundError, JarResolutionError, Neo4jStartError) as exc:
        failures.append(f"local JVM: {exc}")
        return None
    stack.callback(server.stop)
    return Neo4jEndpoint(
        state.uri, "neo4j", "", state.version, state.edition, origin="local", pid=state.pid
    )


@contextmanager
def provide_neo4j(memory: Neo4jMemory | None = None) -> Iterator[Neo4jEndpoint]:
    """Yield a reachable Neo4j; whatever this started is stopped on exit, errors included.

    Order: MDM_NEO4J_URI (+ MDM_NEO4J_USER/MDM_NEO4J_PASSWORD), then a testcontainer if a
    Docker engine answers, then a LocalNeo4jServer in a temporary home deleted afterwards.
    `memory` sizes a server this starts (a bulk benchmark wants a larger page cache).
    """
    memory = memory or Neo4jMemory()
    if os.environ.get("MDM_NEO4J_URI"):
        yield _external(os.environ)
        return
    failures = ["external: MDM_NEO4J_URI is not set"]
    with ExitStack() as stack:
        endpoint = _testcontainers(stack, failures, memory) or _local(stack, failures, memory)
        if endpoint is None:
            raise Neo4jUnavailable("No Neo4j server could be provided:\n- " + "\n- ".join(failures))
        log.info("using Neo4j %s (%s) at %s", endpoint.version, endpoint.origin, endpoint.uri)
        yield endpoint
