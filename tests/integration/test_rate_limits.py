"""Per-caller rate limits through the real app: 429 with Retry-After, one key's use never
spends another's allowance, per-key overrides, and limits that do not parse stop start-up."""

from __future__ import annotations

import httpx
import pytest

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.errors import ConfigurationError
from mdm_hub.ports import Store
from tests.support.auth import bearer, new_key

QUERY = {"query": "{ rejectedRecords(first: 1) { payload } }"}


async def _post(http: httpx.AsyncClient, token: str) -> httpx.Response:
    response = await http.post("/graphql", json=QUERY, headers=bearer(token))
    if response.status_code == 200:
        assert "errors" not in response.json(), response.json()
    return response


def _client(store: Store, settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_a_key_over_its_limit_gets_429_with_retry_after_and_others_go_on(
    store: Store,
) -> None:
    busy = await new_key(store, Role.STEWARD, "busy")
    quiet = await new_key(store, Role.STEWARD, "quiet")
    async with _client(store, Settings(rate_limit="2/minute")) as http:
        assert [(await _post(http, busy)).status_code for _ in range(2)] == [200, 200]
        refused = await _post(http, busy)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "rate limit" in refused.json()["detail"]
        assert (await _post(http, quiet)).status_code == 200


async def test_a_wrong_secret_with_a_keys_prefix_does_not_spend_that_keys_allowance(
    store: Store,
) -> None:
    token = await new_key(store, Role.STEWARD)
    _, prefix, secret = token.split("_", 2)
    forged = f"mdm_{prefix}_{'x' * len(secret)}"
    async with _client(store, Settings(rate_limit="2/minute")) as http:
        # The forger is limited by its address: its third try is refused ...
        assert [(await _post(http, forged)).status_code for _ in range(3)] == [401, 401, 429]
        # ... while the key's owner still has all of its allowance.
        assert [(await _post(http, token)).status_code for _ in range(2)] == [200, 200]


async def test_an_override_gives_one_key_its_own_limit(store: Store) -> None:
    loader = await new_key(store, Role.STEWARD, "bulk-loader")
    prefix = loader.split("_")[1]
    settings = Settings(rate_limit="1/minute", rate_limit_overrides={prefix: "3/minute"})
    async with _client(store, settings) as http:
        statuses = [(await _post(http, loader)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


async def test_no_limit_by_default(store: Store) -> None:
    token = await new_key(store, Role.STEWARD)
    async with _client(store, Settings()) as http:
        statuses = {(await _post(http, token)).status_code for _ in range(20)}
    assert statuses == {200}


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (Settings(rate_limit="lots"), "MDM_RATE_LIMIT"),
        (Settings(rate_limit_overrides={"abc": "10/fortnight"}), "MDM_RATE_LIMIT_OVERRIDES"),
    ],
)
async def test_a_limit_that_does_not_parse_stops_start_up(
    store: Store, settings: Settings, named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        create_app(settings, store=store)
