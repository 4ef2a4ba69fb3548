"""A steward finds, merges, unmerges, overrides and reads a golden record's lineage in a real
browser, on each store; an auditor reads the same pages with nothing to act on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from playwright.async_api import Page, expect

from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import UnmappedCode
from tests.e2e.conftest import Hub, screenshot, sign_in
from tests.support.graphql_client import OVERRIDE, UPSERT_MANY, record

CUSTOMERS = [
    record("CRM", "c1", name="Acme Corporation", tax_id="DE811907980", city="Berlin"),
    record("CRM", "c3", name="Initech Limited", city="Austin"),
    record("ERP", "e3", name="Initech Software", email="ap@initech.example"),
]
MERGE = """
mutation Merge($ids: [ID!]!, $survivor: ID, $versions: [GoldenVersionInput!]!) {
  merge(goldenIds: $ids, survivorId: $survivor, expectedVersions: $versions, reason: "one firm") {
    id
  }
}"""
CUSTOMER_C9 = {"system": "CRM", "sourceId": "c9"}
DORMANT = UnmappedCode("CRM", EntityType.CUSTOMER, "status", "record_status", "Dormant")
PLAIN_UPSERT_MANY = """
mutation UpsertMany($inputs: [SourceRecordInput!]!) {
  upsertSourceRecords(inputs: $inputs) { goldenId }
}"""


async def _customers(hub: Hub) -> list[str]:
    result = await hub.api.data(UPSERT_MANY, {"inputs": CUSTOMERS})
    ids = [r["goldenId"] for r in result["upsertSourceRecords"]]
    assert len(set(ids)) == 3  # nothing linked on its own: the steward decides
    return ids


async def test_a_steward_searches_merges_unmerges_overrides_and_reads_lineage(
    hub: Hub, page: Page
) -> None:
    acme, initech, initech_software = await _customers(hub)
    await sign_in(page, hub, Role.STEWARD, "jane")

    await page.get_by_role("link", name="Search").click()
    await page.get_by_label("Name, tax ID").fill("Acme Corportion")  # misspelt
    hits = page.get_by_test_id("hit")
    await expect(hits.first).to_contain_text(acme)
    await screenshot(page, "search", hub.store)

    await page.get_by_label("Name, tax ID").fill("Initech")
    await expect(hits).to_have_count(2)
    await page.get_by_label("Pick Initech Limited").check()
    await page.get_by_label("Pick Initech Software").check()
    await page.get_by_role("button", name="Merge the picked records").click()
    await expect(page.get_by_test_id("preview")).to_contain_text("ap@initech.example")
    await page.get_by_label("Initech Limited").check()
    await screenshot(page, "merge", hub.store)
    await page.get_by_label("Reason").fill("same firm: one VAT registration")
    await page.get_by_role("button", name="Merge", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("merged")
    assert page.url.endswith(f"/ui/goldens/{initech}?done=merged")
    await expect(page.get_by_test_id("crosswalk").locator("tbody tr")).to_have_count(2)

    await page.get_by_label("Split off ERP/e3").check()
    await page.get_by_label("Reason for the unmerge").fill("the software arm is its own customer")
    await page.get_by_role("button", name="Unmerge").click()
    await expect(page.get_by_role("status")).to_contain_text("unmerged")
    await expect(page.get_by_test_id("crosswalk").locator("tbody tr")).to_have_count(1)

    override = page.get_by_test_id("override")
    await override.get_by_label("Attribute").fill("name")
    await override.get_by_label("Value").fill("Initech Ltd")
    await override.get_by_label("Reason for the override").fill("legal name per registry")
    await override.get_by_role("button", name="Override").click()
    name_row = page.get_by_test_id("values").locator("tr", has_text="name")
    await expect(name_row.first).to_contain_text("Initech Ltd")
    await expect(name_row.first).to_contain_text("STEWARD")

    lineage = page.get_by_test_id("lineage")
    for action in ("ingest.created", "golden.merge", "golden.unmerge", "attribute.override"):
        await expect(lineage).to_contain_text(action)
    await expect(lineage).to_contain_text("legal name per registry")
    await screenshot(page, "golden", hub.store)
    assert initech_software != initech


async def test_a_steward_undoes_a_merge_from_the_survivors_page(hub: Hub, page: Page) -> None:
    _, initech, software = await _customers(hub)
    pin = {
        "goldenId": software,
        "attribute": "name",
        "value": "Initech Software GmbH",
        "expectedVersion": 1,
        "reason": "registry",
    }
    await hub.api.data(OVERRIDE, pin)
    versions = [{"goldenId": initech, "version": 1}, {"goldenId": software, "version": 2}]
    await hub.api.data(
        MERGE, {"ids": [initech, software], "survivor": initech, "versions": versions}
    )
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.goto(f"{hub.url}/ui/goldens/{initech}")
    merged = page.get_by_test_id("merged-in")
    await expect(merged.locator("tbody tr")).to_have_count(1)
    await expect(merged).to_contain_text(software)
    await expect(merged).to_contain_text("ERP/e3")  # the record it brought

    await screenshot(page, "undo-merge", hub.store)
    await page.get_by_label(f"Reason to undo the merge of {software}").fill("two firms after all")
    await page.get_by_role("button", name=f"Undo merge of {software}").click()
    await expect(page.get_by_role("status")).to_contain_text("unmerged")
    await expect(page.get_by_test_id("crosswalk").locator("tbody tr")).to_have_count(1)
    await expect(page.get_by_test_id("merged-in")).to_have_count(0)

    await page.get_by_role("status").get_by_role("link", name=software).click()
    assert page.url.endswith(f"/ui/goldens/{software}")  # its own ID again, not a new one
    await expect(page.get_by_test_id("crosswalk")).to_contain_text("ERP/e3")
    await expect(page.get_by_test_id("values")).to_contain_text("Initech Software GmbH")  # pin
    await expect(page.get_by_text("was merged into this golden record")).to_have_count(0)


async def test_a_steward_merges_into_the_survivor_they_choose(hub: Hub, page: Page) -> None:
    _, initech, software = await _customers(hub)
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.goto(f"{hub.url}/ui/merge?id={initech}&id={software}")
    survivor = page.get_by_role("radio", name=software)
    await expect(page.get_by_role("radio", name=initech)).to_be_checked()  # the default
    await survivor.check()
    await page.get_by_label("Reason").fill("the software arm is the parent")
    await page.get_by_role("button", name="Merge", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("merged")
    assert page.url.endswith(f"/ui/goldens/{software}?done=merged")
    await expect(page.get_by_test_id("crosswalk").locator("tbody tr")).to_have_count(2)
    await page.goto(f"{hub.url}/ui/goldens/{initech}")  # the other ID resolves to the survivor
    await expect(page.get_by_text(f"{initech} was merged into this golden record")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(software)


async def test_the_record_as_of_a_past_moment_shows_what_it_was_then(hub: Hub, page: Page) -> None:
    _, initech, _ = await _customers(hub)
    await asyncio.sleep(1.1)  # the as-of field reads to the second
    then = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    renamed = record("CRM", "c3", name="Initech Holdings", city="Austin")
    await hub.api.data(UPSERT_MANY, {"inputs": [renamed]})
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.goto(f"{hub.url}/ui/goldens/{initech}")
    name_row = page.get_by_test_id("values").locator("tr", has_text="name").first
    await expect(name_row).to_contain_text("Initech Holdings")
    await expect(name_row).to_contain_text("CRM/c3 v2")  # which member, which version

    await page.get_by_label("As of (UTC)").fill(then)
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_test_id("as-of")).to_contain_text(then)
    await expect(name_row).to_contain_text("Initech Limited")
    await expect(name_row).to_contain_text("CRM/c3 v1")
    await expect(page.get_by_test_id("values")).not_to_contain_text("Initech Holdings")
    await expect(page.get_by_test_id("override")).to_have_count(0)
    await expect(page.get_by_role("button")).to_have_count(2)  # sign out, as-of "Show"
    await expect(page.locator("form[method=post]:not([action='/ui/signout'])")).to_have_count(0)


async def test_an_auditor_reads_records_with_no_action_offered(hub: Hub, page: Page) -> None:
    acme, _, _ = await _customers(hub)
    customer = {"system": "CRM", "sourceId": "c1"}
    project = record("CRM", "p1", "PROJECT", code="P1", name="Website relaunch", customer=customer)
    await hub.api.data(UPSERT_MANY, {"inputs": [project]})
    await sign_in(page, hub, Role.AUDITOR, "olga")
    await page.goto(f"{hub.url}/ui/search?entityType=CUSTOMER&text=Acme")
    await expect(page.get_by_test_id("hit")).to_have_count(1)
    await expect(page.get_by_role("checkbox")).to_have_count(0)
    await page.get_by_role("link", name=acme).click()
    await expect(page.get_by_test_id("values")).to_contain_text("Acme Corporation")
    await expect(page.get_by_test_id("lineage")).to_contain_text("ingest.created")
    await expect(page.get_by_test_id("related")).to_contain_text("Website relaunch")
    await expect(page.get_by_test_id("graph")).to_contain_text("Website relaunch")
    await screenshot(page, "related", hub.store)
    await page.get_by_test_id("related").get_by_role("link", name="Website relaunch").click()
    await expect(page.get_by_test_id("related")).to_contain_text("Acme Corporation")
    await expect(page.get_by_role("button")).to_have_count(2)  # sign out, as-of "Show"
    await expect(page.get_by_test_id("override")).to_have_count(0)
    await expect(page.locator("form[method=post]:not([action='/ui/signout'])")).to_have_count(0)


async def test_the_queues_list_their_entries_with_counts_and_filter_by_system(
    hub: Hub, page: Page
) -> None:
    bad = record("NOPE", "x1", name="Nobody")
    body = await hub.api.post(PLAIN_UPSERT_MANY, {"inputs": [bad]})
    assert body["errors"]
    waiting = record("PSA", "p1", "PROJECT", code="P1", name="Relaunch", customer=CUSTOMER_C9)
    await hub.api.data(UPSERT_MANY, {"inputs": [waiting]})
    await hub.store.write(lambda tx: tx.count_unmapped_codes([DORMANT, DORMANT], datetime.now(UTC)))
    await sign_in(page, hub, Role.STEWARD, "jane")
    await page.get_by_role("link", name="Queues").click()
    rejects = page.get_by_test_id("rejects")
    await expect(rejects).to_contain_text("NOPE/CUSTOMER/x1")
    await expect(rejects).to_contain_text("is not declared")
    await expect(page.get_by_role("heading", name="Rejected records (1)")).to_be_visible()
    await expect(page.get_by_test_id("pending")).to_contain_text("CRM/CUSTOMER/c9")
    await expect(page.get_by_role("heading", name="Pending references (1)")).to_be_visible()
    await expect(page.get_by_test_id("unmapped")).to_contain_text("Dormant")
    await expect(page.get_by_role("heading", name="Unmapped codes (1)")).to_be_visible()
    await screenshot(page, "queues", hub.store)

    await page.get_by_label("Source system").fill("CRM")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_role("heading", name="Rejected records (0)")).to_be_visible()
    await expect(page.get_by_test_id("pending")).to_contain_text("PSA/p1")  # waits for CRM
    await expect(page.get_by_test_id("unmapped")).to_contain_text("Dormant")
