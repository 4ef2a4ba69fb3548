"""The workbench by keyboard alone, and every control named for a screen reader."""

from __future__ import annotations

from playwright.async_api import Page, expect

from mdm_hub.domain.access import Role
from tests.e2e.conftest import Hub, sign_in
from tests.e2e.test_records import _customers
from tests.e2e.test_review import _queue_two

UNNAMED_CONTROLS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML)
"""


async def test_a_steward_signs_in_and_decides_by_keyboard(hub: Hub, page: Page) -> None:
    _, unsure = await _queue_two(hub)
    token = await hub.key(Role.STEWARD, "kim")
    await page.goto(f"{hub.url}/ui/")
    await page.keyboard.type(token)  # the key field has the focus
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("who")).to_have_text("kim")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.goto(f"{hub.url}/ui/candidates/{unsure[0]['matchCandidateId']}")
    await page.get_by_label("Reason").focus()
    await page.keyboard.type("same person per HR")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Match", exact=True)).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("matched")


async def test_every_control_on_every_page_has_a_name(hub: Hub, page: Page) -> None:
    _, unsure = await _queue_two(hub)
    _, initech, other = await _customers(hub)
    await sign_in(page, hub, Role.STEWARD, "jane")
    paths = [
        "/ui/",
        "/ui/queue",
        f"/ui/candidates/{unsure[0]['matchCandidateId']}",
        "/ui/search?entityType=CUSTOMER&text=Initech",
        f"/ui/goldens/{initech}",
        f"/ui/merge?id={initech}&id={other}",
        "/ui/queues",
    ]
    for path in paths:
        await page.goto(f"{hub.url}{path}")
        assert await page.evaluate(UNNAMED_CONTROLS) == [], path
