"""Start a real Neo4j from the Maven jars, query it, stop it, and check nothing is left."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from mdm_hub.neo4j_local import LocalNeo4jServer, Neo4jMemory, provide_neo4j, read_state
from mdm_hub.neo4j_local.server import port_is_free, process_alive


@pytest.mark.neo4j_runtime
def test_local_server_starts_answers_and_stops_cleanly(tmp_path: Path) -> None:
    server = LocalNeo4jServer(tmp_path / "neo4j", startup_timeout=180)
    began = time.monotonic()
    with server:
        state = server.state
        startup_s = time.monotonic() - began
        assert read_state(server.home) == state
        with GraphDatabase.driver(state.uri, auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        assert state.version.startswith("5.26")
        assert state.edition == "community"
    print(f"Neo4j {state.version} answered after {startup_s:.1f}s")  # visible with -s
    assert not process_alive(state.pid)
    assert port_is_free(state.bolt_port)
    assert port_is_free(state.http_port)
    assert read_state(server.home) is None


@pytest.mark.neo4j_runtime
def test_provide_neo4j_starts_a_server_of_the_memory_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What bench/matching_scale.py --store neo4j asks for a graph of a million golden records.
    monkeypatch.delenv("MDM_NEO4J_URI", raising=False)
    with provide_neo4j(Neo4jMemory(pagecache="96m", heap="384m")) as endpoint:
        with GraphDatabase.driver(endpoint.uri, auth=(endpoint.user, endpoint.password)) as db:
            settings, _, _ = db.execute_query(
                "SHOW SETTINGS YIELD name, value "
                "WHERE name = 'server.memory.pagecache.size' RETURN value"
            )
            memory, _, _ = db.execute_query(
                "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                "RETURN attributes.HeapMemoryUsage.value.properties.max AS heapMax"
            )
        assert settings[0]["value"] == "96.00MiB"
        assert memory[0]["heapMax"] == 384 * 2**20
        pid = endpoint.pid
        if endpoint.origin == "local":  # the server's process, for its memory (/proc/<pid>)
            assert pid is not None
            assert process_alive(pid)
    if pid is not None:
        assert not process_alive(pid)  # stopped on leaving, as every server it starts
