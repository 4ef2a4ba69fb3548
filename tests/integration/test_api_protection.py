"""The HTTP surface: health, readiness, masking, limits, correlation IDs, GraphiQL."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.config import Settings
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.graphql_client import RESOLVE, GraphQLClient

RESOLVE_VARS = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}


class BrokenStore:
    """A real store whose resolve path hits a bug (to see what a client and the log get)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def resolve_many(self, keys: object) -> object:
        raise KeyError("secret internal detail")


async def test_health_and_readiness(store: Store) -> None:
    async with client_for(store) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200


async def test_readiness_is_503_when_the_store_is_gone() -> None:
    embedded = EmbeddedStore(":memory:")
    await embedded.open()
    async with client_for(embedded, role=None) as http:  # health needs no credentials
        await embedded.close()
        assert (await http.get("/healthz")).status_code == 200
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_unexpected_errors_are_masked_and_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async with client_for(BrokenStore(store)) as http:  # type: ignore[arg-type]
        with caplog.at_level(logging.ERROR, logger="mdm_hub.api"):
            body = await GraphQLClient(http).post(RESOLVE, RESOLVE_VARS)
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in str(body)
    [logged] = [r for r in caplog.records if r.exc_info]
    assert "secret internal detail" in str(logged.exc_info[1])  # type: ignore[index]


@pytest.mark.parametrize(
    ("settings", "query", "phrase"),
    [
        (
            Settings(max_query_depth=1),
            '{ resolve(system: "a", entityType: CUSTOMER, sourceId: "b") '
            "{ crosswalk { system } } }",
            "exceeds maximum operation depth",
        ),
        (
            Settings(max_aliases=3),
            "{ "
            + " ".join(
                f'a{i}: resolve(system: "a", entityType: CUSTOMER, sourceId: "{i}") {{ goldenId }}'
                for i in range(4)
            )
            + " }",
            "aliases",
        ),
        (Settings(max_tokens=20), "{ " + "__typename " * 30 + "}", "token"),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_abusive_documents_are_refused(settings: Settings, query: str, phrase: str) -> None:
    embedded = EmbeddedStore(":memory:")
    await embedded.open()
    async with client_for(embedded, settings) as http:
        response = await http.post("/graphql", json={"query": query})
    await embedded.close()
    errors = response.json()["errors"]
    assert phrase in errors[0]["message"].lower() or phrase in errors[0]["message"]
    assert errors[0]["extensions"]["code"] in {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}


async def _embedded_client(
    settings: Settings | None = None,
) -> tuple[EmbeddedStore, httpx.AsyncClient]:
    embedded = EmbeddedStore(":memory:")
    await embedded.open()
    return embedded, client_for(embedded, settings)


async def test_batched_operations_are_refused() -> None:
    embedded, http = await _embedded_client()
    async with http:
        response = await http.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    await embedded.close()
    assert response.status_code == 400


async def test_queries_over_get_are_refused() -> None:
    embedded, http = await _embedded_client()
    async with http:
        response = await http.get("/graphql", params={"query": "{ __typename }"})
    await embedded.close()
    assert response.status_code in {400, 404, 405}
    assert "__typename" not in response.text


async def test_correlation_id_is_echoed_or_generated() -> None:
    embedded, http = await _embedded_client()
    async with http:
        given = await http.get("/healthz", headers={"X-Correlation-ID": "req-123"})
        made = await http.get("/healthz")
        unsafe = await http.get("/healthz", headers={"X-Correlation-ID": "bad id\twith tab"})
    await embedded.close()
    assert given.headers["X-Correlation-ID"] == "req-123"
    assert len(made.headers["X-Correlation-ID"]) == 36
    assert unsafe.headers["X-Correlation-ID"] != "bad id\twith tab"


async def test_graphiql_only_in_dev_mode() -> None:
    html = {"Accept": "text/html"}
    embedded, dev = await _embedded_client(Settings(graphiql=True))
    async with dev:
        assert "graphiql" in (await dev.get("/graphql", headers=html)).text.lower()
    _, prod = await _embedded_client(Settings(graphiql=False))
    async with prod:
        assert (await prod.get("/graphql", headers=html)).status_code == 404
    await embedded.close()
