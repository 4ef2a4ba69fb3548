"""Loading exports into each store through the loader engine: what each row became, the reject
file, the hub's reject queue, and a load that stops and carries on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import RejectedRecord, SourceKey, UpsertResult
from mdm_hub.errors import LoadStopped, MappingFileError, RecordRejected
from mdm_hub.onboarding.loading.checkpoint import read_checkpoint
from mdm_hub.onboarding.loading.engine import FileLoad, LoadOptions, LoadSummary
from mdm_hub.onboarding.loading.hub import DirectHub
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services
from tests.support.exports import (
    mapping_for,
    psa_customers,
    reject_lines,
    write_jsonl,
    write_psa_csv,
    write_xlsx,
)

CORRELATION = "load-test"


def direct_hub(store: Store) -> DirectHub:
    services = Services.over(store)
    return DirectHub(services.ingest, store, CORRELATION, AuditContext("test", "system"))


def counts(summary: LoadSummary) -> dict[str, int]:
    return {outcome.value: n for outcome, n in summary.counts.items() if n}


async def golden_of(store: Store, system: str, entity_type: EntityType, source_id: str) -> str:
    [resolution] = await store.resolve_many([SourceKey(system, entity_type, source_id)])
    assert resolution is not None, source_id
    return resolution.golden_id


def psa(source_id: str) -> SourceKey:
    return SourceKey("psa", EntityType.CUSTOMER, source_id)


async def test_a_csv_export_loads_with_every_outcome_counted(store: Store, tmp_path: Path) -> None:
    services = Services.over(store)
    await services.ingest.upsert_many(
        [
            RawRecord("CRM", "CUSTOMER", "c-1", {"name": "Acme Analytics Inc",
                                                 "tax_id": "DE123456789", "country": "DE",
                                                 "city": "Berlin"}),
            RawRecord("CRM", "CUSTOMER", "c-2", {"name": "Globex Software GmbH", "country": "DE",
                                                 "city": "Munich", "website": "globex.com"}),
        ]
    )  # fmt: skip
    export = write_psa_csv(
        tmp_path / "customers.csv",
        [
            {"Account ID": "A-1", "Account Name": "Acme Analytics", "Legal Form": "Inc",
             "VAT Number": "DE123456789", "Country": "DE", "Address": "1 Main St\nBerlin",
             "Status": "Active", "Type": "Client", "Modified": "2024-03-04T10:00:00Z"},
            {"Account ID": "A-2", "Account Name": "Globex Software GmbH", "Country": "DE"},
            {"Account Name": "Nameless Ltd", "Country": "GB"},
            {"Account ID": "A-3", "Account Name": "Nowhere Corp", "Country": "XX"},
            {"Account ID": "A-4", "Account Name": "Lead Co", "Type": "Prospect"},
            {"Account ID": "A-5", "Account Name": "Initech Zeta", "Tax ID": "US-1",
             "Country": "US", "Parent ID": "A-1", "Status": "On hold"},
            {"Account ID": "A-5", "Account Name": "Initech Zeta", "Tax ID": "US-1",
             "Country": "US", "Parent ID": "A-1", "Status": "On hold"},
            {"Account ID": "A-5", "Account Name": "Initech Zeta Inc", "Tax ID": "US-1",
             "Country": "US", "Parent ID": "A-1", "Status": "On hold"},
            {"Account ID": "A-6", "Account Name": "Hooli", "Country": "US",
             "Modified": "next tuesday"},
        ],
    )  # fmt: skip
    summary = await FileLoad(export, mapping_for("psa/customer"), direct_hub(store)).run()

    assert counts(summary) == {
        "linked": 1,
        "queued for review": 1,
        "created": 1,
        "unchanged": 1,
        "updated": 1,
        "refused (mapping)": 2,
        "refused (hub)": 1,
        "skipped": 1,
    }
    assert summary.rows == 9
    # The address spans two lines: every later row starts a line further down.
    assert reject_lines(export.with_name("customers.csv.rejects.csv")) == [
        ("5", "", "source_id", "missing (empty: 'Account ID')"),
        ("6", "A-3", "attributes.country",
         "'XX' is not a country; use an ISO 3166-1 code (DE, DEU, 276, any case), an English, "
             "official or common name (Germany, Republic of Korea, South Korea) or a local name "
             "(Deutschland, España)"),
        ("11", "A-6", "observed_at", "'next tuesday' is not a date and time: give ISO 8601 "
         "(2024-03-04T14:15:00Z) or the system's date order (YMD, e.g. 2024/03/04 14:15)"),
    ]  # fmt: skip
    assert summary.rejects == export.with_name("customers.csv.rejects.csv")
    assert summary.reject_lines == 3
    assert not export.with_name("customers.csv.checkpoint.json").exists()

    assert await golden_of(store, "psa", EntityType.CUSTOMER, "A-1") == await golden_of(
        store, "CRM", EntityType.CUSTOMER, "c-1"
    )
    [a1] = await store.source_versions(psa("A-1"))
    assert a1.attributes == {
        "name": "Acme Analytics",
        "legal_name": "Acme Analytics Inc",
        "tax_id": "DE123456789",
        "country": "DE",
        "address_line1": "1 Main St",
        "city": "Berlin",
        "status": "ACTIVE",
    }
    assert a1.observed_at == datetime(2024, 3, 4, 10, tzinfo=UTC)
    a5 = await store.source_versions(psa("A-5"))
    assert [version.attributes["name"] for version in a5] == ["Initech Zeta", "Initech Zeta Inc"]
    assert a5[-1].attributes["parent"] == {"system": "psa", "sourceId": "A-1"}
    assert a5[-1].attributes["status"] == "INACTIVE"


async def test_refused_rows_land_in_the_hubs_reject_queue_too(store: Store, tmp_path: Path) -> None:
    export = write_psa_csv(
        tmp_path / "customers.csv",
        [
            {"Account Name": "Nameless Ltd", "Country": "GB"},
            {"Account ID": "A-3", "Account Name": "Nowhere Corp", "Country": "XX"},
        ],
    )
    await FileLoad(export, mapping_for("psa/customer"), direct_hub(store)).run()

    rejects = await store.list_rejects(10)
    [by_mapping] = [reject for reject in rejects if "line" in reject.payload]
    [by_hub] = [reject for reject in rejects if "line" not in reject.payload]
    assert by_mapping.payload == {
        "system": "psa",
        "entityType": "CUSTOMER",
        "sourceId": None,
        "file": str(export),
        "line": 2,
        "row": {"Account Name": "Nameless Ltd", "Country": "GB"},
    }
    assert [(p.field, p.reason) for p in by_mapping.problems] == [
        ("source_id", "missing (empty: 'Account ID')")
    ]
    assert by_mapping.correlation_id == CORRELATION
    assert by_hub.payload["sourceId"] == "A-3"
    assert [p.field for p in by_hub.problems] == ["attributes.country"]
    assert by_hub.correlation_id == CORRELATION


async def test_a_jsonl_export_loads_nested_values_and_refuses_bad_lines(
    store: Store, tmp_path: Path
) -> None:
    export = write_jsonl(
        tmp_path / "workers.jsonl",
        [
            {"worker": {"id": "WD-100", "name": "Hopper, Grace Brewster"},
             "contact": {"email": "grace@example.com"}, "address": {"country": "US"},
             "lastUpdated": "2024-05-01T08:30:00+02:00", "terminated": False},
            {"worker": {"id": "WD-101", "name": "Alan Turing"}, "managerId": "WD-100",
             "title": "Mathematician", "terminated": False},
            '{"worker": {"id": "WD-102", "name": "Ada Lovelace"',
            {"worker": {"name": "No Id"}},
            {"worker": {"id": "WD-103", "name": "Bad Email"}, "contact": {"email": 42}},
        ],
    )  # fmt: skip
    summary = await FileLoad(export, mapping_for("workday/employee"), direct_hub(store)).run()

    assert counts(summary) == {"created": 2, "refused (mapping)": 2, "refused (hub)": 1}
    lines = reject_lines(export.with_name("workers.jsonl.rejects.csv"))
    assert [(line, source_id, field) for line, source_id, field, _ in lines] == [
        ("3", "", ""),
        ("4", "", "source_id"),
        ("5", "103", "attributes.email"),
    ]
    assert lines[0][3].startswith("not JSON")
    key = SourceKey("workday", EntityType.EMPLOYEE, "101")
    [turing] = await store.source_versions(key)
    assert turing.attributes == {
        "employee_number": "101",
        "given_name": "Alan",
        "family_name": "Turing",
        "job_title": "Mathematician",
        "manager": {"system": "workday", "sourceId": "100"},
    }
    [hopper] = await store.source_versions(SourceKey("workday", EntityType.EMPLOYEE, "100"))
    assert hopper.attributes["middle_name"] == "Brewster"
    assert hopper.attributes["job_title"] == "Consultant"
    assert hopper.attributes["email"] == "grace@example.com"
    assert hopper.observed_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)


async def test_an_xlsx_export_loads_with_references_into_another_system(
    store: Store, tmp_path: Path
) -> None:
    customers = write_psa_csv(tmp_path / "customers.csv", psa_customers(1))
    await FileLoad(customers, mapping_for("psa/customer"), direct_hub(store)).run()
    export = write_xlsx(
        tmp_path / "projects.xlsx",
        [
            ["Internal ID", "Project ID", "Project Name", "Customer Internal ID", "Billing Type",
             "Currency", "Start Date", "Status"],
            [5001, "PRJ-0042", "Data platform", "A-1", "T&M", "EUR", datetime(2024, 3, 4),
             "Closed - complete"],
            [5002, "PRJ-0043", "Audit", None, "Fixed", "$", None, "Open"],
        ],
    )  # fmt: skip
    summary = await FileLoad(export, mapping_for("netsuite/project"), direct_hub(store)).run()

    assert counts(summary) == {"created": 1, "refused (hub)": 1}
    [(line, source_id, field, _)] = reject_lines(export.with_name("projects.xlsx.rejects.csv"))
    assert (line, source_id, field) == ("3", "5002", "attributes.currency")
    [project] = await store.source_versions(SourceKey("netsuite", EntityType.PROJECT, "5001"))
    assert project.attributes == {
        "code": "0042",
        "name": "Data platform",
        "customer": {"system": "psa", "sourceId": "A-1"},
        "billing_method": "TIME_AND_MATERIALS",
        "currency": "EUR",
        "start_date": "2024-03-04",
        "status": "CLOSED",
    }


async def test_a_header_without_a_mapped_column_stops_before_anything_is_sent(
    store: Store, tmp_path: Path
) -> None:
    export = tmp_path / "customers.csv"
    export.write_text("Account ID;Name\nA-1;Acme\n", encoding="utf-8")
    with pytest.raises(MappingFileError) as raised:
        await FileLoad(export, mapping_for("psa/customer"), direct_hub(store)).run()
    assert "column 'Account Name' is not in the header of customers.csv" in str(raised.value)
    assert await store.resolve_many([psa("A-1")]) == [None]


class CrashingHub:
    """The hub, until the `crash_on`-th upsert call: that one is written, then the load
    'crashes' before it can checkpoint the batch (the worst moment)."""

    def __init__(self, inner: DirectHub, crash_on: int) -> None:
        self.inner = inner
        self.crash_on = crash_on
        self.calls = 0

    async def upsert(self, records: Sequence[RawRecord]) -> list[UpsertResult | RecordRejected]:
        self.calls += 1
        results = await self.inner.upsert(records)
        if self.calls == self.crash_on:
            raise LoadStopped("the connection dropped")
        return results

    async def retire(self, *args: object) -> object:
        raise AssertionError("no retirements in this export")

    async def keep_refusals(self, rejects: Sequence[RejectedRecord]) -> None:
        await self.inner.keep_refusals(rejects)


async def test_a_stopped_load_carries_on_after_its_last_batch_without_duplicates(
    store: Store, tmp_path: Path
) -> None:
    rows = psa_customers(25)
    rows.insert(3, {"Account Name": "Nameless", "Country": "DE"})  # refused, in batch 1
    rows.insert(15, {"Account Name": "Nameless too", "Country": "DE"})  # refused, in batch 2
    export = write_psa_csv(tmp_path / "customers.csv", rows)
    mapping = mapping_for("psa/customer")
    options = LoadOptions(batch_size=10)
    checkpoint = export.with_name("customers.csv.checkpoint.json")

    with pytest.raises(LoadStopped):
        await FileLoad(export, mapping, CrashingHub(direct_hub(store), 2), options).run()
    saved = read_checkpoint(checkpoint)
    assert saved is not None
    assert saved.last_line == 12  # the header, 10 records and the refused row of batch 1
    assert saved.rows == 11
    assert saved.reject_lines == 1
    goldens_before = [await golden_of(store, "psa", EntityType.CUSTOMER, f"A-{n}")
                      for n in range(1, 21)]  # fmt: skip

    notes: list[str] = []
    summary = await FileLoad(export, mapping, direct_hub(store), options, notes.append).run()

    assert notes == ["resuming after line 12 (11 rows done)"]
    assert summary.resumed_after_line == 12
    # Batch 2 was written before the crash: sent again, it changes nothing.
    assert counts(summary) == {"created": 15, "unchanged": 10, "refused (mapping)": 2}
    assert summary.rows == 27
    assert summary.rows_this_run == 16
    assert await store.count_goldens(EntityType.CUSTOMER) == 25
    for n in range(1, 26):
        assert len(await store.source_versions(psa(f"A-{n}"))) == 1
    goldens_after = [await golden_of(store, "psa", EntityType.CUSTOMER, f"A-{n}")
                     for n in range(1, 21)]  # fmt: skip
    assert goldens_after == goldens_before
    assert [line for line, *_ in reject_lines(summary.rejects or Path())] == ["5", "17"]
    assert not checkpoint.exists()


async def test_a_changed_file_or_mapping_invalidates_the_checkpoint(
    store: Store, tmp_path: Path
) -> None:
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(5))
    mapping = mapping_for("psa/customer")
    options = LoadOptions(batch_size=2)
    with pytest.raises(LoadStopped):
        await FileLoad(export, mapping, CrashingHub(direct_hub(store), 2), options).run()

    write_psa_csv(export, psa_customers(6))  # the system exported again meanwhile
    notes: list[str] = []
    summary = await FileLoad(export, mapping, direct_hub(store), options, notes.append).run()
    [note] = notes
    assert "for another version of the file or mapping (changed: size" in note
    assert "starting over" in note
    assert counts(summary) == {"unchanged": 4, "created": 2}
    assert summary.resumed_after_line is None

    with pytest.raises(LoadStopped):
        await FileLoad(export, mapping, CrashingHub(direct_hub(store), 2), options).run()
    other = mapping_for("psa/customer")
    changed = type(other)(**{**other.__dict__, "sha256": "0" * 64})
    notes.clear()
    await FileLoad(export, changed, direct_hub(store), options, notes.append).run()
    assert "changed: the mapping" in notes[0]


async def test_restart_ignores_the_checkpoint(store: Store, tmp_path: Path) -> None:
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(4))
    mapping = mapping_for("psa/customer")
    with pytest.raises(LoadStopped):
        await FileLoad(
            export, mapping, CrashingHub(direct_hub(store), 2), LoadOptions(batch_size=2)
        ).run()
    notes: list[str] = []
    options = LoadOptions(batch_size=2, restart=True)
    summary = await FileLoad(export, mapping, direct_hub(store), options, notes.append).run()
    assert notes == []
    assert counts(summary) == {"unchanged": 4}


async def test_deleted_rows_retire_their_records_and_a_reload_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    first = write_psa_csv(tmp_path / "first.csv", psa_customers(3))
    await FileLoad(first, mapping_for("psa/customer"), direct_hub(store)).run()
    kept = await golden_of(store, "psa", EntityType.CUSTOMER, "A-1")
    # The next export: A-2 deleted since; A-9 was deleted before the hub ever saw it.
    rows = psa_customers(3)
    rows[1]["Status"] = "Deleted"
    rows.append({**psa_customers(1, start=9)[0], "Status": "Deleted"})
    second = write_psa_csv(tmp_path / "second.csv", rows)

    summary = await FileLoad(second, mapping_for("psa/customer"), direct_hub(store)).run()
    assert counts(summary) == {"unchanged": 2, "retired": 2}
    for source_id in ("A-2", "A-9"):
        golden_id = await golden_of(store, "psa", EntityType.CUSTOMER, source_id)
        view = await store.get_golden(golden_id)
        assert view is not None
        assert view.golden.status.value == "RETIRED", source_id  # it still resolves
    assert await golden_of(store, "psa", EntityType.CUSTOMER, "A-1") == kept

    again = await FileLoad(second, mapping_for("psa/customer"), direct_hub(store)).run()
    assert counts(again) == {"unchanged": 4}
