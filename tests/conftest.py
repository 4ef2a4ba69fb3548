"""Fixtures shared by every tier: a real Neo4j for the whole session, and a `store` fixture
that runs each contract test on both the embedded store and Neo4j.

Neo4j is never optional: when it cannot be had, every test that needs it errors with the
reason (set MDM_ALLOW_NO_NEO4J=1 to skip them on a machine without Java and Maven, never in CI).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, LiteralString, cast

import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.neo4j_local import Neo4jEndpoint, Neo4jUnavailable, provide_neo4j
from mdm_hub.ports import Store
from tests.support.paths import SHIPPED

CLEAR_GRAPH = cast(
    LiteralString, (Path(__file__).parent / "support" / "clear_graph.cypher").read_text()
)
STORE_KINDS = ["embedded", "neo4j"]

_endpoint: Neo4jEndpoint | None = None
_neo4j_outcomes: Counter[str] = Counter()


@pytest.fixture(scope="session")
def neo4j_endpoint() -> Iterator[Neo4jEndpoint]:
    global _endpoint  # noqa: PLW0603 - read by the terminal summary below
    try:
        with provide_neo4j() as endpoint:
            _endpoint = endpoint
            yield endpoint
    except Neo4jUnavailable as exc:
        if os.environ.get("MDM_ALLOW_NO_NEO4J") == "1" and os.environ.get("CI") != "true":
            pytest.skip(f"no Neo4j: {exc}")
        pytest.fail(f"Neo4j is required and could not be had: {exc}", pytrace=False)


_shared_neo4j_store: Neo4jStore | None = None


async def shared_neo4j_store(endpoint: Neo4jEndpoint) -> Neo4jStore:
    """One open Neo4jStore (one driver) for the session; every test runs on the session loop."""
    global _shared_neo4j_store  # noqa: PLW0603
    if _shared_neo4j_store is None:
        store = Neo4jStore(
            uri=endpoint.uri,
            user=endpoint.user,
            password=endpoint.password,
            cypher_dir=SHIPPED / "cypher",
        )
        await store.open()
        _shared_neo4j_store = store
    return _shared_neo4j_store


@pytest.fixture(scope="session", autouse=True)
async def _close_shared_neo4j_store() -> AsyncIterator[None]:
    yield
    if _shared_neo4j_store is not None:
        await _shared_neo4j_store.close()


@pytest.fixture
async def neo4j_store(neo4j_endpoint: Neo4jEndpoint) -> Neo4jStore:
    """The shared Neo4j store, emptied for this test."""
    store = await shared_neo4j_store(neo4j_endpoint)
    await clear_graph(store)
    return store


async def clear_graph(store: Neo4jStore) -> None:
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    async with store.driver.session() as session:
        await (await session.run(CLEAR_GRAPH)).consume()


@pytest.fixture(params=STORE_KINDS)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """An open, empty store of each kind."""
    if request.param == "embedded":
        # A file, as deployed: WAL mode, the checkpointer and the reader beside the writer
        # are then under test too (":memory:" has one connection and no WAL).
        folder = request.getfixturevalue("tmp_path")
        embedded = EmbeddedStore(str(folder / "hub.db"))
        await embedded.open()
        yield embedded
        await embedded.close()
        return
    neo4j_store = await shared_neo4j_store(request.getfixturevalue("neo4j_endpoint"))
    await clear_graph(neo4j_store)
    yield neo4j_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_neo4j = callspec is not None and callspec.params.get("store") == "neo4j"
        uses_fixture = "neo4j_endpoint" in getattr(item, "fixturenames", ())
        if on_neo4j or uses_fixture:
            item.add_marker(pytest.mark.neo4j)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "neo4j" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _neo4j_outcomes[report.outcome] += 1


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int) -> None:
    ran = sum(_neo4j_outcomes.values())
    where = (
        f"Neo4j {_endpoint.version} {_endpoint.edition} ({_endpoint.origin}, {_endpoint.uri})"
        if _endpoint
        else "Neo4j (none started)"
    )
    terminalreporter.write_sep("=", "Neo4j")
    terminalreporter.write_line(
        f"{where}: {ran} tests ran on Neo4j: {_neo4j_outcomes['passed']} passed, "
        f"{_neo4j_outcomes['failed']} failed, {_neo4j_outcomes['skipped']} skipped"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # In CI a skipped Neo4j test is a failure: the suite must prove itself on a real server.
    if os.environ.get("CI") == "true" and _neo4j_outcomes["skipped"]:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
