"""The review queue's filters, over HTTP on every store: entity type, score band, age."""

from __future__ import annotations

import pytest

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.integration.test_workbench_session import _browser
from tests.support.auth import new_key
from tests.support.graphql_client import UPSERT, GraphQLClient, record

ANN = {"given_name": "Ann", "family_name": "Lee", "birth_date": "1980-05-17", "region": "york"}


@pytest.mark.parametrize(
    ("filters", "rows"),
    [
        ("", 2),
        ("entityType=EMPLOYEE", 2),
        ("entityType=CUSTOMER", 0),
        ("band=mid", 2),  # same name, another region: about 0.64
        ("band=high", 0),
        ("olderThanDays=1", 0),
        ("olderThanDays=nonsense", 2),
    ],
)
async def test_the_queue_filters(store: Store, filters: str, rows: int) -> None:
    token = await new_key(store, Role.STEWARD, "jane")
    async with _browser(store) as browser:
        api = GraphQLClient(browser)
        headers = {"Authorization": f"Bearer {token}"}
        browser.headers.update(headers)
        await api.data(UPSERT, {"input": record("HRIS", "h1", "EMPLOYEE", **ANN)})
        for source_id, region in (("e0", "kent"), ("e1", "devon")):
            unsure = {"given_name": "Ann", "family_name": "Lee", "region": region}
            await api.data(UPSERT, {"input": record("EXPENSE", source_id, "EMPLOYEE", **unsure)})
        await browser.post("/ui/signin", data={"credential": token})
        page = await browser.get(f"/ui/queue?{filters}")
        assert page.status_code == 200
        assert page.text.count('data-testid="candidate-row"') == rows
