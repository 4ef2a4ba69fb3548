"""Real API keys for tests: created through the service, in the store under test."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import timedelta

import httpx

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService


async def new_key(
    store: Store,
    role: Role,
    name: str | None = None,
    systems: list[str] | None = None,
    expires_in: timedelta | None = None,
) -> str:
    _, token = await ApiKeyService(store).create(name or f"test-{role}", role, systems, expires_in)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class KeyAuth(httpx.Auth):
    """Sends a real key of `role`, created in `store` on the first request (client_for is
    synchronous, the store is not)."""

    def __init__(self, store: Store, role: Role, name: str | None = None) -> None:
        self._store = store
        self._role = role
        self._name = name
        self._token: str | None = None

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._token is None:
            self._token = await new_key(self._store, self._role, self._name)
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
