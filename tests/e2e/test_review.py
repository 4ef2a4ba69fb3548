"""A steward works through the review queue in a real browser, on each store."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from mdm_hub.domain.access import Role
from tests.e2e.conftest import Hub, screenshot, sign_in
from tests.support.graphql_client import UPSERT, record

UNSURE = """
mutation U($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId matchCandidateId }
}"""
ANN = {
    "given_name": "Ann",
    "family_name": "Lee",
    "birth_date": "1980-05-17",
    "city": "Leeds",
    "region": "yorkshire",
}
REGIONS = {"e0": "kent", "e1": "devon"}


async def _queue_two(hub: Hub) -> tuple[str, list[dict[str, Any]]]:
    """Ann from HR, then two expense users with her name in other regions: each goes to review."""
    person = await hub.api.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)})
    unsure = []
    for source_id, region in REGIONS.items():
        attributes = {"given_name": "Ann", "family_name": "Lee", "region": region}
        payload = {"input": record("EXPENSE", source_id, "EMPLOYEE", **attributes)}
        unsure.append((await hub.api.data(UNSURE, payload))["upsertSourceRecord"])
    assert all(u["matchCandidateId"] for u in unsure)
    return person["upsertSourceRecord"]["goldenId"], unsure


EXPLAINED = """
query C($id: ID!) {
  matchCandidate(id: $id) {
    candidates { goldenId score explanation { rule comparisons { attribute level } } }
  }
}"""
MEMBERS = "query G($id: ID!) { goldenRecord(id: $id) { id crosswalk { system sourceId } } }"


async def _status(hub: Hub, candidate_id: str) -> str:
    query = "query C($id: ID!) { matchCandidate(id: $id) { status } }"
    status: str = (await hub.api.data(query, {"id": candidate_id}))["matchCandidate"]["status"]
    return status


async def test_a_steward_matches_one_candidate_and_rejects_another(hub: Hub, page: Page) -> None:
    ann, unsure = await _queue_two(hub)
    await page.goto(f"{hub.url}/ui/signin")
    await expect(page.get_by_label("API key")).to_be_visible()
    await screenshot(page, "signin", hub.store)
    await sign_in(page, hub, Role.STEWARD, "jane")
    await expect(page.get_by_test_id("chain")).to_contain_text("Intact")
    await expect(page.get_by_test_id("count-candidates")).to_have_text("2")
    await screenshot(page, "front", hub.store)

    await page.get_by_role("link", name="Review queue").click()
    rows = page.get_by_test_id("candidate-row")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("EXPENSE/e0")  # oldest first
    await screenshot(page, "queue", hub.store)

    await rows.first.get_by_role("link").click()
    comparison = page.get_by_test_id("comparison")
    await expect(comparison).to_contain_text(ann)
    await expect(comparison.locator("tr.agrees")).not_to_have_count(0)
    await expect(comparison.locator("tr.disagrees", has_text="region")).to_contain_text("disagrees")
    # The matcher's own account: total score, rule, and each comparison's level.
    explained = await hub.api.data(EXPLAINED, {"id": unsure[0]["matchCandidateId"]})
    [offered] = explained["matchCandidate"]["candidates"]
    await expect(comparison).to_contain_text(f"Total score {offered['score']:.3f}")
    await expect(comparison).to_contain_text(f"rule {offered['explanation']['rule']}")
    comparisons = offered["explanation"]["comparisons"]
    assert comparisons
    for compared in comparisons:
        row = comparison.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=compared["attribute"], exact=True)
        )
        await expect(row).to_contain_text(compared["level"])
    await screenshot(page, "comparison", hub.store)
    await page.get_by_label("Reason").fill("same person per HR")
    await page.get_by_role("button", name="Match", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("matched")
    assert await _status(hub, unsure[0]["matchCandidateId"]) == "MATCHED"

    await expect(page.get_by_test_id("candidate-row")).to_have_count(1)
    await page.get_by_test_id("candidate-row").get_by_role("link").click()
    await page.get_by_label("Reason").fill("a different Ann Lee, in Devon")
    await page.get_by_role("button", name="Not a match").click()
    await expect(page.get_by_role("status")).to_contain_text("not a match")
    await expect(page.get_by_test_id("candidate-row")).to_have_count(0)
    assert await _status(hub, unsure[1]["matchCandidateId"]) == "NOT_A_MATCH"


async def test_a_steward_matches_into_the_candidate_they_choose(hub: Hub, page: Page) -> None:
    # Two Ann Lees in HR, then an expense user Ann Lee in a third region: both are offered.
    await hub.api.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)})
    other = {**ANN, "birth_date": "1991-02-03", "city": "Dover", "region": "kent"}
    await hub.api.data(UPSERT, {"input": record("HRIS", "h2", "EMPLOYEE", **other)})
    unsure = {"given_name": "Ann", "family_name": "Lee", "region": "devon"}
    payload = {"input": record("EXPENSE", "e0", "EMPLOYEE", **unsure)}
    candidate = (await hub.api.data(UNSURE, payload))["upsertSourceRecord"]["matchCandidateId"]
    offered = (await hub.api.data(EXPLAINED, {"id": candidate}))["matchCandidate"]["candidates"]
    assert len(offered) == 2
    second = offered[1]["goldenId"]
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.goto(f"{hub.url}/ui/candidates/{candidate}")
    await expect(page.get_by_test_id("comparison")).to_have_count(2)
    await page.get_by_role("radio", name=f"Candidate 2: {second}").check()
    await page.get_by_label("Reason").fill("the Devon office is the Dover Ann Lee's")
    await page.get_by_role("button", name="Match", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("matched")
    assert await _status(hub, candidate) == "MATCHED"
    chosen = (await hub.api.data(MEMBERS, {"id": second}))["goldenRecord"]
    assert {"system": "EXPENSE", "sourceId": "e0"} in chosen["crosswalk"]
    first = (await hub.api.data(MEMBERS, {"id": offered[0]["goldenId"]}))["goldenRecord"]
    assert {"system": "EXPENSE", "sourceId": "e0"} not in first["crosswalk"]


async def test_a_stale_version_shows_the_conflict_and_the_fresh_state(hub: Hub, page: Page) -> None:
    _, unsure = await _queue_two(hub)
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.goto(f"{hub.url}/ui/candidates/{unsure[0]['matchCandidateId']}")
    # Meanwhile the record's golden record changes: the page's version is stale.
    changed = {"given_name": "Ann", "family_name": "Lee", "region": "kent", "city": "Leeds"}
    await hub.api.data(UPSERT, {"input": record("EXPENSE", "e0", "EMPLOYEE", **changed)})
    await page.get_by_label("Reason").fill("same person")
    await page.get_by_role("button", name="Match", exact=True).click()
    conflict = page.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("Changed since you read it")
    await expect(conflict).to_contain_text(unsure[0]["goldenId"])
    await screenshot(page, "conflict", hub.store)
    assert await _status(hub, unsure[0]["matchCandidateId"]) == "OPEN"
    # The page now carries the fresh versions: deciding again goes through.
    await page.get_by_label("Reason").fill("same person, checked again")
    await page.get_by_role("button", name="Match", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("matched")


async def test_an_auditor_is_offered_no_mutation(hub: Hub, page: Page) -> None:
    _, unsure = await _queue_two(hub)
    await sign_in(page, hub, Role.AUDITOR, "olga")
    await page.goto(f"{hub.url}/ui/candidates/{unsure[0]['matchCandidateId']}")
    await expect(page.get_by_test_id("comparison")).to_have_count(1)
    await expect(page.get_by_role("button", name="Match", exact=True)).to_have_count(0)
    await expect(page.locator("form[method=post]:not([action='/ui/signout'])")).to_have_count(0)
