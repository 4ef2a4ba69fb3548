"""The workbench over HTTP, on every store: the front page names a missing audit head, and a
pin sent from a page showing an old version is refused as a conflict, changing nothing."""

from __future__ import annotations

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from tests.integration.test_workbench_session import _browser
from tests.support.audit_tamper import delete_head
from tests.support.auth import new_key
from tests.support.services import ingest_service


async def test_the_front_page_says_the_head_is_missing(store: Store) -> None:
    await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "c1", {"name": "Acme"}))
    await delete_head(store)
    token = await new_key(store, Role.AUDITOR, "olga")
    async with _browser(store) as browser:
        await browser.post("/ui/signin", data={"credential": token})
        front = await browser.get("/ui/")
    assert front.status_code == 200
    assert "the head is missing, so writes are refused" in front.text


async def test_a_pin_from_a_stale_page_is_a_conflict(store: Store) -> None:
    ingest = ingest_service(store)
    golden_id = (
        await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c1", {"name": "Acme", "tax_id": "D1"}))
    ).golden_id
    # Another writer moves the golden record on after the page was shown at version 1.
    await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {"name": "Acme", "tax_id": "D1"}))
    token = await new_key(store, Role.STEWARD, "jane")
    form = {
        f"version:{golden_id}": "1",
        "attribute": "name",
        "value": "Acme AG",
        "reason": "registry",
    }
    async with _browser(store) as browser:
        await browser.post("/ui/signin", data={"credential": token})
        answer = await browser.post(f"/ui/goldens/{golden_id}/override", data=form)
    assert answer.status_code == 409
    assert "is now at version 2, not 1" in answer.text
    assert "Nothing was changed" in answer.text
    view = await store.get_golden(golden_id)
    assert view is not None
    assert view.override_history == ()
