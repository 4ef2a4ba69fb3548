"""A `neo4j://` routing URI, as a Neo4j cluster is addressed, against the test server (a single
Community server routes to itself): writes go to the leader, reads are read transactions (sent
to secondaries on a cluster), and bookmarks carry a caller's writes to its later reads, within a
request and, through X-MDM-Bookmark, from one request to the next."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from neo4j.exceptions import ClientError

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.api.bookmarks import HEADER
from mdm_hub.causality import causal_chain
from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services
from tests.integration.conftest import client_for
from tests.support.graphql_client import RESOLVE, UPSERT_MANY, record
from tests.support.paths import SHIPPED

LIST = """query($first: Int!) {
  goldenRecords(entityType: CUSTOMER, first: $first) { edges { node { id } } }
}"""
# Reads given a write to do: a read transaction is refused it, whichever server it reaches.
WRITING_READS = {
    "resolve_many.cypher": "UNWIND $refs AS ref CREATE (:RoutingProbe) RETURN null AS goldenId",
    "get_goldens.cypher": "UNWIND $ids AS id CREATE (:RoutingProbe) RETURN id AS askedId",
    "list_goldens.cypher": "CREATE (:RoutingProbe) RETURN null AS golden",
}


def routing_uri(endpoint: Neo4jEndpoint) -> str:
    scheme, _, address = endpoint.uri.partition("://")
    assert scheme == "bolt", endpoint.uri
    return f"neo4j://{address}"


async def routed_store(
    endpoint: Neo4jEndpoint, cypher_dir: Path = SHIPPED / "cypher"
) -> Neo4jStore:
    store = Neo4jStore(routing_uri(endpoint), endpoint.user, endpoint.password, cypher_dir)
    await store.open()
    return store


@pytest.fixture
async def routed(
    neo4j_store: Neo4jStore, neo4j_endpoint: Neo4jEndpoint
) -> AsyncIterator[Neo4jStore]:
    """A store over a neo4j:// URI, on the (emptied) test server."""
    store = await routed_store(neo4j_endpoint)
    yield store
    await store.close()


def _resolve_variables(source_id: str) -> dict[str, str]:
    return {"system": "CRM", "entityType": "CUSTOMER", "sourceId": source_id}


async def test_over_a_routing_uri_writes_hand_out_a_bookmark_that_later_reads_accept(
    routed: Neo4jStore,
) -> None:
    inputs = [
        record("CRM", "C-1", name="Routed GmbH", tax_id="DE100200300"),
        record("ERP", "E-1", name="Routed GmbH", tax_id="de 100200300"),
    ]
    async with client_for(routed, Settings(auth="off"), role=None) as http:
        wrote = await http.post(
            "/graphql", json={"query": UPSERT_MANY, "variables": {"inputs": inputs}}
        )
        assert wrote.status_code == 200, wrote.text
        golden_id = wrote.json()["data"]["upsertSourceRecords"][0]["goldenId"]
        bookmark = wrote.headers[HEADER]
        assert bookmark

        # Another request, as another replica would get it, reads at or after that write.
        read = await http.post(
            "/graphql",
            json={"query": RESOLVE, "variables": _resolve_variables("C-1")},
            headers={HEADER: bookmark},
        )
        assert read.status_code == 200, read.text
        assert read.json()["data"]["resolve"]["goldenId"] == golden_id
        listed = await http.post(
            "/graphql", json={"query": LIST, "variables": {"first": 10}}, headers={HEADER: bookmark}
        )
        assert [e["node"]["id"] for e in listed.json()["data"]["goldenRecords"]["edges"]] == [
            golden_id
        ]

        # The header's bookmarks reach Neo4j with the read: one it never gave out is refused.
        made_up = await http.post(
            "/graphql",
            json={"query": RESOLVE, "variables": _resolve_variables("C-1")},
            headers={HEADER: "FB:madeup"},
        )
        [error] = made_up.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["problems"][0]["field"] == "bookmarks"

        # Not a list of bookmarks at all: refused before anything runs, naming the header.
        garbage = await http.post(
            "/graphql",
            json={"query": RESOLVE, "variables": _resolve_variables("C-1")},
            headers={HEADER: "<script>"},
        )
        assert garbage.status_code == 400
        assert garbage.json()["errors"][0]["message"].startswith(f"{HEADER}: ")


async def test_bookmarks_follow_a_callers_writes_to_its_reads_within_one_chain(
    routed: Neo4jStore,
) -> None:
    services = Services.over(routed)
    key = SourceKey("CRM", EntityType.CUSTOMER, "C-7")
    with causal_chain() as chain:
        assert chain.bookmarks == frozenset()
        await services.ingest.upsert(RawRecord("CRM", "CUSTOMER", "C-7", {"name": "Chain AG"}))
        after_write = chain.bookmarks
        assert len(after_write) == 1  # the write's commit, which the next read waits for
        [resolution] = await routed.resolve_many([key])
        assert resolution is not None
    with causal_chain() as other:
        # Chains are per caller: another request starts from what it was sent.
        assert other.bookmarks == frozenset()


async def test_reads_run_as_read_transactions_and_writes_on_the_leader(
    neo4j_store: Neo4jStore, neo4j_endpoint: Neo4jEndpoint, tmp_path: Path
) -> None:
    cypher = tmp_path / "cypher"
    shutil.copytree(SHIPPED / "cypher", cypher)
    for name, text in WRITING_READS.items():
        (cypher / name).write_text(text + "\n")
    store = await routed_store(neo4j_endpoint, cypher)
    try:
        services = Services.over(store)
        written = await services.ingest.upsert(
            RawRecord("CRM", "CUSTOMER", "C-1", {"name": "Leader Ltd"})
        )
        reads = (
            store.resolve_many([SourceKey("CRM", EntityType.CUSTOMER, "C-1")]),
            store.get_goldens([written.golden_id]),
            store.list_goldens(EntityType.CUSTOMER, 10, None),
        )
        for read in reads:
            with pytest.raises(ClientError) as refused:
                await read
            assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
    finally:
        await store.close()
    async with neo4j_store.driver.session() as session:
        probes = await (await session.run("MATCH (p:RoutingProbe) RETURN count(p) AS n")).single()
    assert probes is not None
    assert probes["n"] == 0
