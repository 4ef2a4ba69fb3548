"""The workbench served for real: the hub's app under uvicorn on a free loopback port (on the
session's event loop, beside the store fixture), driven by Debian's headless Chromium through
Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.support.auth import new_key
from tests.support.graphql_client import GraphQLClient
from tests.support.paths import REPO_ROOT

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Hub:
    url: str
    store: Store
    api: GraphQLClient  # a steward's GraphQL client, to set the scene

    async def key(self, role: Role, name: str) -> str:
        return await new_key(self.store, role, name)


@pytest.fixture
async def hub(store: Store) -> AsyncIterator[Hub]:
    app = create_app(Settings(graphiql=True), store=store)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    token = await new_key(store, Role.STEWARD, "scene-setter")
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        yield Hub(url, store, GraphQLClient(http))
    server.should_exit = True
    await serving


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
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_test_id("who").wait_for()


async def screenshot(page: Page, name: str, store: Store) -> None:
    """Saved for the README from the embedded run (both runs render the same page) when
    MDM_UI_SCREENSHOTS=1: IDs and times differ each run, so a plain `make test` leaves the
    committed pictures alone."""
    if os.environ.get("MDM_UI_SCREENSHOTS") == "1" and type(store).__name__ == "EmbeddedStore":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SCREENSHOTS / f"{name}.png")), full_page=True)
