"""The workbench fits 1280 pixels and laptop screens: no main page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from mdm_hub.domain.access import Role
from tests.e2e.conftest import Hub, sign_in
from tests.e2e.test_accessibility import _main_pages
from tests.e2e.test_records import MERGE, _customers
from tests.e2e.test_review import _queue_two
from tests.support.graphql_client import UPSERT_MANY, record

LONG_ADDRESS = "https://www.initech-software.example/" + "customers/" * 10 + "accounts-payable"
LONG_EMAIL = "accounts.payable.department.initech.software.gmbh@" + "subsidiary." * 4 + "example"

# What sticks out past the viewport's right edge (the page then scrolls sideways), by tag,
# test ID or class, with how far.
STICKING_OUT = """
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => `${el.tagName} ${el.dataset.testid || el.className || ""}: `
               + `${Math.round(el.getBoundingClientRect().right - width)} px`)
    .slice(0, 8);
}
"""


@pytest.mark.parametrize(
    ("width", "height"),
    [(1280, 800), (1366, 768), (1024, 768)],  # the width; common laptop screens
)
async def test_no_main_page_scrolls_sideways(hub: Hub, page: Page, width: int, height: int) -> None:
    _, unsure = await _queue_two(hub)
    _, initech, software = await _customers(hub)
    # A value with no space to break at, as systems send web addresses and e-mails.
    long = record("ERP", "e3", name="Initech Software", website=LONG_ADDRESS, email=LONG_EMAIL)
    await hub.api.data(UPSERT_MANY, {"inputs": [long]})
    versions = [{"goldenId": initech, "version": 1}, {"goldenId": software, "version": 2}]
    merged = await hub.api.data(
        MERGE, {"ids": [initech, software], "survivor": initech, "versions": versions}
    )
    assert merged["merge"]["id"] == initech
    await page.set_viewport_size({"width": width, "height": height})
    await page.goto(f"{hub.url}/ui/signin")
    assert await page.evaluate(STICKING_OUT) == [], "sign-in"
    await sign_in(page, hub, Role.STEWARD, "jane")
    # The record after a merge: its widest tables (crosswalk, merged records) are full.
    for path in _main_pages(unsure[0]["matchCandidateId"], initech, software):
        await page.goto(f"{hub.url}{path}")
        await expect(page.locator("h1")).to_be_visible()
        assert await page.evaluate(STICKING_OUT) == [], f"{path} at {width} px"
