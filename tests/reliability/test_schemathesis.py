"""schemathesis over the GraphQL schema, on both stores: every query and mutation with
generated arguments, none answered with a 5xx or an unclassified error.

Generated values are made to reach deeper code: attribute objects (the JSON scalar is an
object, not a string) valid for a customer, strings that are often a declared system, and
date-times that parse, so many generated upserts are stored and matched, not refused at the
door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.neo4j_local import Neo4jEndpoint

# Examples per operation: enough to reach every resolver's checks, modest on a busy machine.
EXAMPLES = 3

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)


def _object(values: dict[str, str]) -> graphql.ObjectValueNode:
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=nodes.String(v))
            for k, v in values.items()
        ]
    )


# A customer's attributes as an object literal; names and cities of printable letters.
ATTRIBUTES = st.fixed_dictionaries(
    {"name": st.text(st.characters(categories=("L", "Nd", "Zs")), min_size=1, max_size=40)},
    optional={
        "country": st.sampled_from(["US", "DE", "GB", "FR"]),
        "city": st.sampled_from(["Berlin", "Boston", "Lyon"]),
    },
).map(_object)
# Two times in three a declared system's code or a plain source ID, else any text.
SYSTEMS_OR_TEXT = st.one_of(st.just("CRM"), st.sampled_from(["c-1", "c-2", "Acme"]), TEXT).map(
    nodes.String
)
TIMES = st.datetimes(timezones=st.just(UTC)).map(lambda t: nodes.String(t.isoformat()))

schemathesis.graphql.scalar("JSON", ATTRIBUTES)
schemathesis.graphql.scalar("String", SYSTEMS_OR_TEXT)
schemathesis.graphql.scalar("DateTime", TIMES)
schemathesis.graphql.scalar("ObservedAt", TIMES)


Post = Callable[[dict[str, Any]], httpx.Response]


@pytest.fixture(params=["embedded", "neo4j"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Post]:
    """Posts to the served app, which opens its own store on a loop of its own (hypothesis
    drives a synchronous test); access control off, so every operation may run."""
    common: dict[str, Any] = {"auth": "off", "webhook_dispatcher": False}
    if request.param == "embedded":
        config = Settings(embedded_path=str(tmp_path / "hub.db"), **common)
    else:
        endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
        config = Settings(
            store="neo4j",
            neo4j_uri=endpoint.uri,
            neo4j_user=endpoint.user,
            neo4j_password=endpoint.password,
            **common,
        )
    app = create_app(config)
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://hub",
            headers={"X-Actor": "fuzzer"},
        )
        with portal.wrap_async_context_manager(app.router.lifespan_context(app)):
            yield lambda body: portal.call(lambda: client.post("/graphql", json=body))
        portal.call(client.aclose)


def test_no_generated_operation_gets_a_5xx_or_an_internal_error(hub: Post) -> None:
    introspection = hub({"query": graphql.get_introspection_query()})
    schema = schemathesis.graphql.from_dict(introspection.json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30  # every root field, queries and mutations
    # Upserts drawn more often: they reach matching, survivorship and the store's writes.
    upserts = [op for op in operations if op.definition.field_name.startswith("upsert")]
    stored: list[object] = []

    @settings(
        max_examples=EXAMPLES * len(operations),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(operations + upserts * 8).flatmap(lambda op: op.as_strategy()))
    def check(case: Any) -> None:
        response = hub({"query": case.body})
        assert response.status_code < 500, response.text
        body = response.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        assert "INTERNAL_SERVER_ERROR" not in codes, (case.body, body)
        data = body.get("data") or {}
        stored.extend(filter(None, [data.get("upsertSourceRecord")]))
        stored.extend(filter(None, data.get("upsertSourceRecords") or []))

    check()
    assert stored  # generated records reached the store, not only the door's refusals
