from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.support.auth import KeyAuth
from tests.support.graphql_client import GraphQLClient
from tests.support.json_log import captured_json_log


def client_for(
    store: Store, settings: Settings | None = None, role: Role | None = Role.STEWARD
) -> httpx.AsyncClient:
    """The real app with access control on (unless `settings` turn it off), sending a real
    key of `role` created in `store` (None: no credentials)."""
    app = create_app(settings or Settings(), store=store)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://hub",
        auth=KeyAuth(store, role) if role is not None else None,
    )


@pytest.fixture
async def gql(store: Store) -> AsyncIterator[GraphQLClient]:
    async with client_for(store) as http:
        yield GraphQLClient(http)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The hub's structured logging, as JSON lines written to a buffer (read them with
    `log_lines`); the root logger is put back after."""
    with captured_json_log() as buffer:
        yield buffer
