"""The workbench served for real: the hub's app under uvicorn on a free loopback port (on the
session's event loop, beside the store fixture), driven by Debian's headless Chromium through
Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.support.auth import new_key
from tests.support.graphql_client import GraphQLClient
from tests.support.oidc import AUDIENCE
from tests.support.oidc_provider import CLIENT_ID, OidcProvider
from tests.support.paths import REPO_ROOT
from tests.support.serving import free_port, serving

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 900
# A ceiling, not a measure: a merge on a loaded CI machine can take seconds, and the default
# 5 s would fail a correct page.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no chromium on PATH: `make test` installs Debian's chromium package")
    return found


@dataclass
class Hub:
    url: str
    store: Store
    api: GraphQLClient  # a steward's GraphQL client, to set the scene

    async def key(self, role: Role, name: str) -> str:
        return await new_key(self.store, role, name)


@dataclass
class OidcHub(Hub):
    provider: OidcProvider


@asynccontextmanager
async def serving_hub(store: Store, settings: Settings, port: int) -> AsyncIterator[Hub]:
    async with serving(create_app(settings, store=store), port) as url:
        token = await new_key(store, Role.STEWARD, "scene-setter")
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as http:
            yield Hub(url, store, GraphQLClient(http))


@pytest.fixture
async def hub(store: Store) -> AsyncIterator[Hub]:
    async with serving_hub(store, Settings(graphiql=True), free_port()) as served:
        yield served


@pytest.fixture
async def oidc_hub(store: Store) -> AsyncIterator[OidcHub]:
    """The hub with sign-in through a real OIDC provider on another loopback port."""
    hub_port, provider_port = free_port(), free_port()
    while provider_port == hub_port:
        provider_port = free_port()
    provider = OidcProvider(
        issuer=f"http://127.0.0.1:{provider_port}",
        hub_origin=f"http://127.0.0.1:{hub_port}",
        users={"jane": ["steward"], "olga": ["auditor"]},
    )
    settings = Settings(
        oidc_jwks_url=provider.jwks_url,
        oidc_issuer=provider.issuer,
        oidc_audience=AUDIENCE,
        oidc_client_id=CLIENT_ID,
        oidc_provider_name="Firm SSO",
    )
    async with (
        serving(provider.app(), provider_port),
        serving_hub(store, settings, hub_port) as served,
    ):
        yield OidcHub(served.url, store, served.api, provider)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    opened = await context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    await context.close()


async def sign_in(page: Page, hub: Hub, role: Role, name: str) -> None:
    await page.goto(f"{hub.url}/ui/")
    await page.get_by_label("API key").fill(await hub.key(role, name))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.get_by_test_id("who").wait_for()


async def screenshot(page: Page, name: str, store: Store) -> None:
    """Saved for the README from the embedded run (both runs render the same page) when
    MDM_UI_SCREENSHOTS=1: IDs and times differ each run, so a plain `make test` leaves the
    committed pictures alone."""
    if os.environ.get("MDM_UI_SCREENSHOTS") == "1" and type(store).__name__ == "EmbeddedStore":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SCREENSHOTS / f"{name}.png")), full_page=True)
