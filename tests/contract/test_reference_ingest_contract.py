"""Reference data at the door, through the real ingest on every store: a system's own code
becomes the canonical code (what it sent is kept); an unknown code is queued for stewards and
kept as sent, or refused with the known codes, as its code set says; and a mapping added later
reaches the golden record through `recompute`."""

from __future__ import annotations

from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import RecordRejected
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services
from tests.support.reference import shipped_with_mapping


def employee(source_id: str, status: str, **more: Any) -> RawRecord:
    attributes = {"employee_number": source_id, "family_name": f"Doe{source_id}", "status": status}
    return RawRecord("adp", "EMPLOYEE", source_id, {**attributes, **more})


async def golden_values(store: Store, golden_id: str) -> dict[str, Any]:
    view = await store.get_golden(golden_id)
    assert view is not None
    return view.golden.values()


async def test_a_systems_own_code_becomes_the_canonical_code(store: Store) -> None:
    services = Services.over(store, codes=shipped_code_sets())
    result = await services.ingest.upsert(employee("004711", " A "))
    assert (await golden_values(store, result.golden_id))["status"] == "ACTIVE"
    view = await store.get_golden(result.golden_id)
    assert view is not None
    [member] = view.members
    assert member.key == SourceKey("adp", EntityType.EMPLOYEE, "004711")
    assert member.attributes["status"] == "ACTIVE"
    assert member.sent == {"status": " A "}  # what ADP sent, kept with the version
    assert not (await store.unmapped_codes(10, None)).items


async def test_an_unknown_code_is_kept_as_sent_and_queued_once_per_version(store: Store) -> None:
    services = Services.over(store, codes=shipped_code_sets())
    first = await services.ingest.upsert(employee("1", "Sabbatical"))
    await services.ingest.upsert(employee("1", "Sabbatical"))  # the same record again
    await services.ingest.upsert(employee("2", "sabbatical "))
    assert (await golden_values(store, first.golden_id))["status"] == "Sabbatical"
    page = await store.unmapped_codes(10, None)
    queued = {(q.code.system, q.code.code_set, q.code.value): q.count for _, q in page.items}
    assert queued == {
        ("adp", "employment_status", "Sabbatical"): 1,
        ("adp", "employment_status", "sabbatical"): 1,
    }


async def test_an_unknown_code_of_a_refusing_code_set_refuses_the_record(store: Store) -> None:
    services = Services.over(store, codes=shipped_code_sets())
    project = {"code": "P-1", "name": "Audit", "billing_method": "T&M"}
    ok, bad = await services.ingest.upsert_many(
        [
            RawRecord("psa", "PROJECT", "P-1", project),
            RawRecord("psa", "PROJECT", "P-2", {**project, "billing_method": "Barter"}),
        ]
    )
    assert not isinstance(ok, RecordRejected)
    assert (await golden_values(store, ok.golden_id))["billing_method"] == "TIME_AND_MATERIALS"
    assert isinstance(bad, RecordRejected)
    [problem] = bad.problems
    assert problem.field == "attributes.billing_method"
    assert "'Barter'" in problem.reason
    assert "TIME_AND_MATERIALS" in problem.reason
    rejects = await store.list_rejects(10)
    assert [r.payload["sourceId"] for r in rejects] == ["P-2"]


async def test_a_mapping_added_later_reaches_the_golden_record_on_recompute(
    store: Store,
) -> None:
    before = Services.over(store, codes=shipped_code_sets())
    result = await before.ingest.upsert(employee("9", "Sabbatical"))
    # The firm decides a sabbatical is leave: a new version of the code set.
    mapped = shipped_with_mapping("employment_status", "adp", {"Sabbatical": "LEAVE"})
    report = await Services.over(store, codes=mapped).recompute.recompute(EntityType.EMPLOYEE)
    assert (report.changed, report.dropped_codes) == (1, 1)
    assert (await golden_values(store, result.golden_id))["status"] == "LEAVE"
    assert not (await store.unmapped_codes(10, None)).items
