"""Matching through the ingest service, on every store: review queue, bridging merges,
not-a-match memory, explanations and concurrency of arrivals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus, SourceKey, UpsertOutcome
from mdm_hub.errors import NotFound
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import Store
from mdm_hub.services import matching as matching_service
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.builders import ANN
from tests.support.paths import SHIPPED
from tests.support.services import ingest_service, review_service

# Two halves of Ann's record with nothing in common: only the whole record links them.
HALF_A = {"given_name": "Ann", "birth_date": "1980-05-17", "city": "Leeds"}
HALF_B = {"family_name": "Lee", "address_line1": "12 High Street", "postal_code": "LS1 4AB"}


def employee(system: str, source_id: str, **attributes: Any) -> RawRecord:
    return RawRecord(system, "EMPLOYEE", source_id, attributes)


async def test_a_fuzzy_duplicate_links_with_its_score_and_explanation(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("HRIS", "h1", **ANN))
    typo = {**ANN, "family_name": "Leee", "address_line1": "12 High Stret"}
    second = await ingest.upsert(employee("PAYROLL", "p1", **typo))
    assert (second.outcome, second.golden_id) == (UpsertOutcome.LINKED, first.golden_id)
    assert second.score is not None
    assert second.score > 0.99
    assert second.match_candidate_id is None

    async def membership(tx: Any) -> Any:
        return await tx.get_source(SourceKey("PAYROLL", EntityType.EMPLOYEE, "p1"))

    _, linked = await store.write(membership)
    assert linked.decided_by == "matching/employee.yaml#probabilistic"
    assert linked.explanation["member"]["sourceId"] == "h1"
    family = next(c for c in linked.explanation["comparisons"] if c["attribute"] == "family_name")
    assert (family["incoming"], family["candidate"]) == ("leee", "lee")


async def test_an_uncertain_record_is_queued_for_review(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("HRIS", "h1", **ANN))
    unsure = await ingest.upsert(
        employee("EXPENSE", "e1", given_name="Ann", family_name="Lee", region="kent")
    )
    assert unsure.outcome is UpsertOutcome.CREATED
    assert unsure.golden_id != first.golden_id
    assert unsure.match_candidate_id is not None
    page = await review_service(store).match_candidates(CandidateStatus.OPEN, None, 10, None)
    [(_, candidate)] = page.items
    assert candidate.id == unsure.match_candidate_id
    assert candidate.source == SourceKey("EXPENSE", EntityType.EMPLOYEE, "e1")
    assert candidate.golden_id == unsure.golden_id
    assert [c.golden_id for c in candidate.candidates] == [first.golden_id]
    assert candidate.candidates[0].score == unsure.score
    assert candidate.candidates[0].explanation["rule"] == "matching/employee.yaml#probabilistic"


async def test_a_bridging_record_merges_the_goldens_it_matches(store: Store) -> None:
    ingest = ingest_service(store)
    # Two partial records that do not match each other...
    a = await ingest.upsert(employee("HRIS", "h1", **HALF_A))
    b = await ingest.upsert(employee("PAYROLL", "p1", **HALF_B))
    assert b.golden_id != a.golden_id
    # ...and a complete one that matches both: they are one person.
    c = await ingest.upsert(employee("PSA", "s1", **ANN))
    assert (c.outcome, c.golden_id) == (UpsertOutcome.LINKED, a.golden_id)  # the oldest survives
    answers = await store.resolve_many(
        [SourceKey(s, EntityType.EMPLOYEE, i) for s, i in (("HRIS", "h1"), ("PAYROLL", "p1"))]
    )
    assert {r.golden_id for r in answers if r} == {a.golden_id}
    merged = await store.get_golden(b.golden_id)
    assert merged is not None
    assert (merged.golden.id, merged.merged_from) == (a.golden_id, b.golden_id)
    assert len(merged.members) == 3


async def test_a_moved_employee_is_found_among_more_look_alikes_than_top_k(store: Store) -> None:
    """Ann moves to Bradford, into a street where more neighbours than `top_k` share her new
    address keys, each sharing more keys with her than her own old record does. Only her
    name and birth date keys are rare; ranking by rarity keeps her old record in the top-K."""
    ingest = ingest_service(store)
    ann = await ingest.upsert(employee("HRIS", "h1", **ANN))
    top_k = shipped_matcher().rules_for(EntityType.EMPLOYEE).rules.candidates.top_k
    new_home = {"address_line1": "7 Park Road", "city": "Bradford", "postal_code": "BD1 1AA"}
    # Family names that sound like Lee (soundex L000): two more keys shared with the arrival.
    family = ["Law", "Lowe", "Leigh", "Lay", "Low", "Loy", "Ley", "Lea", "Lye", "Loo"]
    given = ["Bob", "Carl", "Dora", "Eve", "Finn", "Gail", "Hugo", "Ida", "Jon", "Kay"]
    for index in range(top_k + 1):
        neighbour = {
            "given_name": given[index],
            "family_name": family[index],
            "birth_date": f"195{index}-0{index % 9 + 1}-1{index}",
            "region": "yorkshire",
            **new_home,
        }
        await ingest.upsert(employee("HRIS", f"n{index}", **neighbour))
    moved = await ingest.upsert(employee("PAYROLL", "p1", **{**ANN, **new_home}))
    assert (moved.outcome, moved.golden_id) == (UpsertOutcome.LINKED, ann.golden_id)


async def test_not_a_match_is_remembered(store: Store) -> None:
    ingest = ingest_service(store)
    a = await ingest.upsert(employee("HRIS", "h1", **HALF_A))
    b = await ingest.upsert(employee("PAYROLL", "p1", **HALF_B))
    await review_service(store).record_not_a_match(
        SourceKey("PAYROLL", EntityType.EMPLOYEE, "p1"), a.golden_id
    )
    c = await ingest.upsert(employee("PSA", "s1", **ANN))
    assert c.golden_id == a.golden_id
    kept_apart = await store.get_golden(b.golden_id)
    assert kept_apart is not None
    assert kept_apart.golden.id == b.golden_id  # never merged


async def test_not_a_match_with_an_unknown_golden_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await review_service(store).record_not_a_match(
            SourceKey("HRIS", EntityType.EMPLOYEE, "h1"), "emp_missing"
        )


async def test_explain_compares_a_record_with_a_golden(store: Store) -> None:
    ingest = ingest_service(store)
    first = await ingest.upsert(employee("HRIS", "h1", **ANN))
    await ingest.upsert(employee("EXPENSE", "e1", given_name="Ann", family_name="Lee"))
    scored = await review_service(store).explain(
        SourceKey("EXPENSE", EntityType.EMPLOYEE, "e1"), first.golden_id
    )
    assert scored.explanation.member == SourceKey("HRIS", EntityType.EMPLOYEE, "h1")
    compared = {c.name: c for c in scored.explanation.comparisons}
    assert compared["given_name"].level == ">=1"
    assert compared["birth_date"].level == "missing"


async def test_concurrent_arrivals_of_one_customer_make_one_golden(store: Store) -> None:
    ingest = ingest_service(store)
    records = [
        RawRecord(system, "CUSTOMER", f"{system}-1", {"name": "Acme", "tax_id": "DE999"})
        for system in ("CRM", "ERP", "PSA", "HRIS", "EXPENSE")
    ]
    results = await asyncio.gather(*(ingest.upsert(r) for r in records))
    assert len({r.golden_id for r in results}) == 1


async def test_a_hub_started_again_compares_candidates_by_their_stored_values(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A matcher that has seen none of the stored records (a restarted process, a hub larger
    than its memory) reads each candidate's comparison values as ingest stored them rather
    than standardising the candidate again, and decides as the first process would."""
    first = await ingest_service(store).upsert(employee("HRIS", "h1", **ANN))
    # A new matcher: it has prepared nothing yet.
    matcher = RecordMatcher.from_directory(SHIPPED / "matching", shipped_systems())
    restarted = IngestService(store, matcher, rules=shipped_rules())
    standardised: list[dict[str, Any]] = []
    real_prepare = matching_service.prepare

    def counting(rules: Any, attributes: Any, with_keys: bool = True, **kw: Any) -> Any:
        if not with_keys:  # how candidates are standardised
            standardised.append(dict(attributes))
        return real_prepare(rules, attributes, with_keys, **kw)

    monkeypatch.setattr(matching_service, "prepare", counting)
    typo = {**ANN, "family_name": "Leee", "address_line1": "12 High Stret"}
    second = await restarted.upsert(employee("PAYROLL", "p1", **typo))
    assert (second.outcome, second.golden_id) == (UpsertOutcome.LINKED, first.golden_id)
    assert standardised == []
