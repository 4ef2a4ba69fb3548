"""Loading into a running hub over GraphQL (the real app, in-process, on each store): the same
outcomes as a direct load; the hub's own refusals in its reject queue, the mapping's in the
reject file only; a hub that cannot be reached is retried, then the load stops resumable."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import ConfigurationError, LoadStopped
from mdm_hub.onboarding.loading.checkpoint import read_checkpoint
from mdm_hub.onboarding.loading.engine import FileLoad, LoadOptions, LoadSummary
from mdm_hub.onboarding.loading.remote import RemoteHub
from mdm_hub.ports import Store
from tests.support.auth import KeyAuth, new_key
from tests.support.exports import mapping_for, psa_customers, reject_lines, write_psa_csv

URL = "http://hub/graphql"


def app_transport(store: Store) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_app(Settings(), store=store))


class FlakyTransport(httpx.AsyncBaseTransport):
    """Passes the first `good` requests to the hub, then fails `bad` in a row as the network
    does, then passes again."""

    def __init__(self, inner: httpx.AsyncBaseTransport, good: int, bad: int) -> None:
        self.inner = inner
        self.good = good
        self.bad = bad
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.good < self.requests <= self.good + self.bad:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def load_remote(
    store: Store,
    export: Path,
    transport: httpx.AsyncBaseTransport | None = None,
    options: LoadOptions | None = None,
    pauses: list[float] | None = None,
) -> LoadSummary:
    async def sleep(seconds: float) -> None:
        (pauses if pauses is not None else []).append(seconds)

    auth = KeyAuth(store, Role.INTEGRATION)
    async with httpx.AsyncClient(transport=transport or app_transport(store), auth=auth) as http:
        hub = RemoteHub(http, URL, sleep=sleep)
        return await FileLoad(export, mapping_for("psa/customer"), hub, options).run()


async def test_a_remote_load_gives_the_same_outcomes(store: Store, tmp_path: Path) -> None:
    rows = [
        *psa_customers(3),
        {"Account Name": "Nameless Ltd", "Country": "GB"},
        {"Account ID": "A-9", "Account Name": "Nowhere Corp", "Country": "XX"},
        {"Account ID": "A-4", "Account Name": "Lead Co", "Type": "Prospect"},
        {**psa_customers(1)[0], "Status": "On hold", "Modified": "2024-06-01T12:00:00Z"},
    ]
    export = write_psa_csv(tmp_path / "customers.csv", rows)
    summary = await load_remote(store, export)

    assert {o.value: n for o, n in summary.counts.items() if n} == {
        "created": 3,
        "updated": 1,
        "refused (mapping)": 1,
        "refused (hub)": 1,
        "skipped": 1,
    }
    assert reject_lines(export.with_name("customers.csv.rejects.csv")) == [
        ("5", "", "source_id", "missing (empty: 'Account ID')"),
        ("6", "A-9", "attributes.country",
         "'XX' is not a country; use an ISO 3166-1 code (DE, DEU, 276, any case), an English, "
         "official or common name (Germany, Republic of Korea, South Korea) or a local name "
         "(Deutschland, España)"),
    ]  # fmt: skip
    # The hub keeps what it refused itself; the mapping's refusals are in the file only.
    [queued] = await store.list_rejects(10)
    assert queued.payload["sourceId"] == "A-9"
    versions = await store.source_versions(SourceKey("psa", EntityType.CUSTOMER, "A-1"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[-1].observed_at.isoformat() == "2024-06-01T12:00:00+00:00"


async def test_a_network_failure_is_retried_with_backoff(store: Store, tmp_path: Path) -> None:
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(4))
    flaky = FlakyTransport(app_transport(store), good=1, bad=2)
    pauses: list[float] = []
    summary = await load_remote(store, export, flaky, LoadOptions(batch_size=2), pauses)
    assert summary.counts.total() == 4
    assert pauses == [1.0, 2.0]
    assert await store.count_goldens(EntityType.CUSTOMER) == 4


async def test_a_hub_gone_for_good_stops_the_load_with_the_checkpoint_kept(
    store: Store, tmp_path: Path
) -> None:
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(6))
    options = LoadOptions(batch_size=2)
    gone = FlakyTransport(app_transport(store), good=1, bad=1_000)
    pauses: list[float] = []
    with pytest.raises(LoadStopped) as stopped:
        await load_remote(store, export, gone, options, pauses)
    assert "did not take the batch after 5 attempts (last: ConnectError" in str(stopped.value)
    assert pauses == [1.0, 2.0, 4.0, 8.0]
    checkpoint = read_checkpoint(export.with_name("customers.csv.checkpoint.json"))
    assert checkpoint is not None
    assert checkpoint.last_line == 3

    summary = await load_remote(store, export, options=options)
    assert summary.resumed_after_line == 3
    assert {o.value: n for o, n in summary.counts.items() if n} == {"created": 6}
    assert await store.count_goldens(EntityType.CUSTOMER) == 6


async def test_a_key_the_hub_refuses_stops_the_load_as_a_configuration_error(
    store: Store, tmp_path: Path
) -> None:
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(1))
    async with httpx.AsyncClient(transport=app_transport(store)) as http:
        hub = RemoteHub(http, URL)
        with pytest.raises(ConfigurationError, match="refused the credentials"):
            await FileLoad(export, mapping_for("psa/customer"), hub).run()
    token = await new_key(store, Role.INTEGRATION, systems=["CRM"])
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=app_transport(store), headers=headers) as http:
        hub = RemoteHub(http, URL)
        with pytest.raises(ConfigurationError, match="FORBIDDEN"):
            await FileLoad(export, mapping_for("psa/customer"), hub).run()
    assert await store.count_goldens(EntityType.CUSTOMER) == 0
