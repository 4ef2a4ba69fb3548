"""The queues page over HTTP on every store: pending references, unmapped codes and rejected
records with their counts, and the source-system filter applied to each whole queue (not to
the first page of it)."""

from __future__ import annotations

import re

from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import RejectedRecord
from mdm_hub.domain.reference import UnmappedCode
from mdm_hub.errors import Problem
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.ui.queues import SHOWN
from tests.integration.test_workbench_session import _browser
from tests.support.auth import new_key
from tests.support.builders import at
from tests.support.services import ingest_service

DORMANT = UnmappedCode("CRM", EntityType.CUSTOMER, "status", "record_status", "Dormant")
SABBATICAL = UnmappedCode("HRIS", EntityType.EMPLOYEE, "status", "employment_status", "Sabbatical")


def _reject(system: str, n: int) -> RejectedRecord:
    payload = {"system": system, "entityType": "CUSTOMER", "sourceId": f"x{n}"}
    return RejectedRecord(at(n), payload, (Problem("system", "is not declared"),))


async def _queues(store: Store) -> None:
    """One CRM entry in each queue, behind a full page of others where the queue has pages."""
    await store.record_rejects([_reject("CRM", 0)])
    await store.record_rejects([_reject("NOPE", n) for n in range(1, SHOWN + 1)])  # newer
    ingest = ingest_service(store)
    project = {"code": "P1", "name": "Relaunch", "customer": {"system": "CRM", "sourceId": "c9"}}
    await ingest.upsert(RawRecord("PSA", "PROJECT", "p1", project))
    manager = {"system": "HRIS", "sourceId": "m1"}
    employee = {"given_name": "Ann", "family_name": "Lee", "manager": manager}
    await ingest.upsert(RawRecord("HRIS", "EMPLOYEE", "h1", employee))
    await store.write(lambda tx: tx.count_unmapped_codes([SABBATICAL, DORMANT, DORMANT], at(1)))


def _count(html: str, queue: str) -> str:
    found = re.search(rf"<h2 id=\"{queue}\">[^(]*\(([^)]*)\)", html)
    assert found is not None, queue
    return found.group(1)


async def test_the_queues_and_their_counts(store: Store) -> None:
    await _queues(store)
    token = await new_key(store, Role.STEWARD, "jane")
    async with _browser(store) as browser:
        await browser.post("/ui/signin", data={"credential": token})
        page = (await browser.get("/ui/queues")).text
    assert (_count(page, "rejected"), _count(page, "pending"), _count(page, "unmapped")) == (
        f"{SHOWN}+",
        "2",
        "2",
    )
    assert "PSA/p1" in page  # a project waiting for its customer
    assert "CRM/CUSTOMER/c9" in page
    assert "HRIS/EMPLOYEE/m1" in page
    assert "<code>Dormant</code>" in page
    assert '<td class="num">2</td>' in page  # seen twice
    assert "x0" not in page  # the CRM reject is past the newest page


async def test_the_system_filter_covers_each_whole_queue(store: Store) -> None:
    await _queues(store)
    token = await new_key(store, Role.STEWARD, "jane")
    async with _browser(store) as browser:
        await browser.post("/ui/signin", data={"credential": token})
        page = (await browser.get("/ui/queues", params={"system": "CRM"})).text
        refused = await browser.get("/ui/queues", params={"system": "X" * 300})
    assert (_count(page, "rejected"), _count(page, "pending"), _count(page, "unmapped")) == (
        "1",
        "1",
        "1",
    )
    assert "CRM/CUSTOMER/x0" in page  # older than a whole page of other rejects
    assert "PSA/p1" in page  # waits for a CRM record
    assert "HRIS/EMPLOYEE/m1" not in page
    assert "<code>Dormant</code>" in page
    assert "Sabbatical" not in page
    assert refused.status_code == 200
    assert 'data-testid="error"' in refused.text
    assert "system" in refused.text
