"""The workbench by keyboard alone, and every control named for a screen reader."""

from __future__ import annotations

from playwright.async_api import Page, expect

from mdm_hub.domain.access import Role
from tests.e2e.conftest import Hub, OidcHub, sign_in
from tests.e2e.test_records import _customers
from tests.e2e.test_review import _queue_two
from tests.support.graphql_client import GOLDEN_STEWARDSHIP, OVERRIDE

UNNAMED_CONTROLS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML)
"""


def _main_pages(candidate_id: str, golden_id: str, other_id: str) -> list[str]:
    """The workbench's main pages, with a candidate and two golden records to show."""
    return [
        "/ui/",
        "/ui/queue",
        f"/ui/candidates/{candidate_id}",
        "/ui/search?entityType=CUSTOMER&text=Initech",
        f"/ui/goldens/{golden_id}",
        f"/ui/merge?id={golden_id}&id={other_id}",
        "/ui/queues",
    ]


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
    for path in _main_pages(unsure[0]["matchCandidateId"], initech, other):
        await page.goto(f"{hub.url}{path}")
        assert await page.evaluate(UNNAMED_CONTROLS) == [], path


# WCAG 2.1 contrast (1.4.3) of each visible piece of text on its effective background: the
# text's colour (an SVG text's fill) over the backgrounds behind it, composited up to the
# first opaque one (the canvas is white). Large text (24 px, or 18.66 px bold) needs 3:1,
# other text 4.5:1; disabled controls are exempt.
LOW_CONTRAST = """
() => {
  const parse = (css) => {
    const found = css.match(/rgba?\\(([^)]+)\\)/);
    if (!found) return null;
    const parts = found[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]))
    .concat([1]);
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  };
  const luminance = (colour) => {
    const [r, g, b] = colour.slice(0, 3).map(v => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const carriers = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (walker.currentNode.textContent.trim()) carriers.add(walker.currentNode.parentElement);
  }
  document.querySelectorAll(
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"
  ).forEach(field => carriers.add(field));
  const failures = [];
  for (const element of carriers) {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const shown = element.getClientRects().length > 0 && style.visibility !== "hidden"
      && box.right + scrollX > 0 && box.bottom + scrollY > 0;
    if (!shown || element.closest(":disabled")) continue;
    const under = background(element);
    // An empty field shows its placeholder; an SVG text is painted with its fill.
    const placeholder = element.placeholder && !element.value;
    const ink = placeholder ? getComputedStyle(element, "::placeholder").color
      : element instanceof SVGElement ? style.fill : style.color;
    const text = over(parse(ink), under);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const measured = ratio(text, under);
    if (measured < (large ? 3 : 4.5)) {
      const words = (element.value || element.placeholder || element.textContent).trim();
      failures.push(`${element.tagName} "${words.slice(0, 40)}": ${measured.toFixed(2)}:1, `
        + `${ink} on rgb(${under.slice(0, 3).map(Math.round)}), ${size}px`);
    }
  }
  return failures;
}
"""


async def _contrast_failures(page: Page) -> list[str]:
    await expect(page.locator("h1")).to_be_visible()  # the page is there, not a blank one
    failures: list[str] = await page.evaluate(LOW_CONTRAST)
    return failures


async def test_text_on_every_main_page_has_enough_contrast(oidc_hub: OidcHub, page: Page) -> None:
    hub = oidc_hub  # its sign-in page offers OIDC too
    _, unsure = await _queue_two(hub)
    _, initech, other = await _customers(hub)
    reason = "per the trade register"
    held = await hub.api.data(GOLDEN_STEWARDSHIP, {"id": initech})
    version = held["goldenRecord"]["version"]
    pin = {"goldenId": initech, "attribute": "city", "value": "Dallas", "reason": reason}
    await hub.api.data(OVERRIDE, {**pin, "expectedVersion": version})
    await page.goto(f"{hub.url}/ui/signin")
    assert await _contrast_failures(page) == [], "sign-in"
    await page.get_by_label("API key").fill("mdm_not_a_key")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("alert")).to_be_visible()
    assert await _contrast_failures(page) == [], "sign-in refused"
    await page.goto(f"{hub.url}/ui/oidc/callback")
    await expect(page.get_by_test_id("oidc-error")).to_be_visible()
    assert await _contrast_failures(page) == [], "sign-in with OIDC refused"
    await sign_in(page, hub, Role.STEWARD, "jane")
    for path in _main_pages(unsure[0]["matchCandidateId"], initech, other):
        await page.goto(f"{hub.url}{path}")
        assert await _contrast_failures(page) == [], path
    await page.goto(f"{hub.url}/ui/candidates/{unsure[1]['matchCandidateId']}")
    await page.get_by_label("Reason").fill("a different Ann Lee")
    await page.get_by_role("button", name="Not a match").click()
    await expect(page.get_by_role("status")).to_be_visible()
    assert await _contrast_failures(page) == [], "queue after a decision"
