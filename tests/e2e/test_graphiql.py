"""GraphiQL (dev mode) runs in the browser from assets the hub serves itself."""

from __future__ import annotations

from playwright.async_api import Page, Request, expect

from tests.e2e.conftest import Hub


async def test_graphiql_loads_nothing_from_elsewhere(hub: Hub, page: Page) -> None:
    fetched: list[str] = []

    def note(request: Request) -> None:
        fetched.append(request.url)

    page.on("request", note)
    await page.goto(f"{hub.url}/graphql")
    await expect(page.locator(".graphiql-editors")).to_be_visible()
    elsewhere = [u for u in fetched if not u.startswith((hub.url, "data:"))]
    assert elsewhere == []
    assert any(u.endswith("graphiql.min.js") for u in fetched)
