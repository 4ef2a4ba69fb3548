from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.ports import Store
from tests.support.graphql_client import GraphQLClient


def client_for(store: Store, settings: Settings | None = None) -> httpx.AsyncClient:
    app = create_app(settings or Settings(), store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


@pytest.fixture
async def gql(store: Store) -> AsyncIterator[GraphQLClient]:
    async with client_for(store) as http:
        yield GraphQLClient(http)
