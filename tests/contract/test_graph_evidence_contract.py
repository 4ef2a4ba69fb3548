"""Graph evidence through the ingest service, on every store: references are compared by the
golden records they resolve to, and a record is never linked into the golden record its own
hierarchy reference points at (nor the parent into its subsidiary)."""

from __future__ import annotations

from typing import Any

from mdm_hub.domain.audit import Action
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome
from mdm_hub.matching.rules import MatchRules
from mdm_hub.ports import Store, StoreTransaction
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.review import ReviewService
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.support.services import ingest_service, review_service

NORTHWIND = {
    "name": "Northwind Holdings",
    "country": "US",
    "city": "New York",
    "address_line1": "317 Market Street",
    "postal_code": "10086",
}
CONTOSO = {
    "name": "Contoso Manufacturing",
    "country": "GB",
    "city": "Leeds",
    "address_line1": "38 High Street",
    "postal_code": "LS8 6GP",
}


def ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "sourceId": source_id}


def customer(system: str, source_id: str, base: dict[str, Any], **more: Any) -> RawRecord:
    return RawRecord(system, "CUSTOMER", source_id, {**base, **more})


def project(system: str, source_id: str, name: str, customer_ref: dict[str, str]) -> RawRecord:
    return RawRecord(
        system,
        "PROJECT",
        source_id,
        {
            "name": name,
            "customer": customer_ref,
            "billing_method": "FIXED_FEE",
            "currency": "GBP",
            "start_date": "2022-12-18",
            "end_date": "2024-03-30",
        },
    )


async def _two_customers_in_two_systems(ingest: IngestService) -> tuple[str, str]:
    """Northwind in the ERP and the PSA (one golden record), Contoso in the PSA only."""
    northwind = await ingest.upsert(customer("netsuite", "1808", NORTHWIND))
    psa = await ingest.upsert(customer("psa", "NORTHW01", NORTHWIND))
    assert psa.golden_id == northwind.golden_id
    contoso = await ingest.upsert(customer("psa", "CONTOS01", CONTOSO))
    return northwind.golden_id, contoso.golden_id


async def test_projects_of_one_golden_customer_named_in_each_systems_ids_link(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    await _two_customers_in_two_systems(ingest)
    erp = await ingest.upsert(
        project(
            "netsuite",
            "2843",
            "Northwind Holdings : Close & Consolidation",
            ref("netsuite", "1808"),
        )
    )
    psa = await ingest.upsert(
        project(
            "psa", "PRJ-21247", "Close & Consolidation (Northwind Hldgs)", ref("psa", "NORTHW01")
        )
    )
    assert (psa.outcome, psa.golden_id) == (UpsertOutcome.LINKED, erp.golden_id)
    explained = await review_service(store).explain(
        SourceKey("psa", EntityType.PROJECT, "PRJ-21247"), psa.golden_id
    )
    by_name = {c.name: c for c in explained.explanation.comparisons}
    # The two references differ as sent; they agree as golden records.
    assert by_name["customer"].level == ">=1"
    assert by_name["customer"].weight > 0
    # The client's words (the golden customer's name, however each system spells it) are out
    # of both names.
    name = by_name["name"]
    assert (name.incoming, name.candidate, name.level) == (*("close consolidation",) * 2, ">=1")


async def test_a_project_of_another_golden_customer_does_not_link(store: Store) -> None:
    ingest = ingest_service(store)
    await _two_customers_in_two_systems(ingest)
    erp = await ingest.upsert(
        project(
            "netsuite",
            "2843",
            "Northwind Holdings : Close & Consolidation",
            ref("netsuite", "1808"),
        )
    )
    other = await ingest.upsert(
        project("psa", "PRJ-30000", "Close & Consolidation (Contoso)", ref("psa", "CONTOS01"))
    )
    assert other.golden_id != erp.golden_id
    assert other.outcome is UpsertOutcome.CREATED


async def test_a_reference_not_yet_resolvable_is_no_evidence_either_way(store: Store) -> None:
    ingest = ingest_service(store)
    await ingest.upsert(
        project("netsuite", "2843", "Close & Consolidation", ref("netsuite", "unknown-1"))
    )
    psa = await ingest.upsert(
        project("psa", "PRJ-21247", "Close & Consolidation", ref("psa", "unknown-2"))
    )
    explained = await review_service(store).explain(
        SourceKey("psa", EntityType.PROJECT, "PRJ-21247"),
        (await store.resolve_many([SourceKey("netsuite", EntityType.PROJECT, "2843")]))[
            0
        ].golden_id,  # type: ignore[union-attr]
    )
    by_name = {c.name: c for c in explained.explanation.comparisons}
    assert (by_name["customer"].level, by_name["customer"].weight) == ("missing", 0.0)
    assert psa.outcome in (UpsertOutcome.LINKED, UpsertOutcome.CREATED)


async def test_a_subsidiary_is_not_linked_into_its_parent_nor_refused(store: Store) -> None:
    ingest = ingest_service(store)
    parent = await ingest.upsert(customer("salesforce", "P1", NORTHWIND, name="Northwind"))
    # Same address and a name the parent's is part of: without the graph it would link.
    child = await ingest.upsert(
        customer(
            "salesforce", "C1", NORTHWIND, name="Northwind Holdings", parent=ref("salesforce", "P1")
        )
    )
    assert child.outcome is UpsertOutcome.CREATED
    assert child.golden_id != parent.golden_id
    view = await store.get_golden(child.golden_id)
    assert view is not None


async def test_a_parent_arriving_after_its_subsidiary_is_not_linked_into_it(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    child = await ingest.upsert(
        customer(
            "salesforce", "C1", NORTHWIND, name="Northwind Holdings", parent=ref("salesforce", "P1")
        )
    )
    parent = await ingest.upsert(customer("salesforce", "P1", NORTHWIND, name="Northwind"))
    assert parent.outcome is UpsertOutcome.CREATED
    assert parent.golden_id != child.golden_id


BELLOWS = {"industry": "Financial Services", "currency": "EUR", "country": "FR", "city": "Lyon"}
BELLOWS_ADDRESS = {"address_line1": "275 Boulevard Haussmann", "postal_code": "69006"}


async def test_a_record_resembling_a_subsidiary_and_its_parent_does_not_merge_them(
    store: Store,
) -> None:
    # The landscape's case: a subsidiary shares its parent's address, and the ERP's record of
    # it resembles both the parent's golden record and the subsidiary's own.
    ingest = ingest_service(store)
    holding = await ingest.upsert(customer("psa", "BELLOW04", BELLOWS, name="Bellows Holdings"))
    subsidiary = await ingest.upsert(
        customer("psa", "BELLOW05", BELLOWS, name="Bellows Fin Svcs", parent=ref("psa", "BELLOW04"))
    )
    crm = customer("salesforce", "S1", {**BELLOWS, **BELLOWS_ADDRESS}, name="Bellows Holdings SAS")
    assert (await ingest.upsert(crm)).golden_id == holding.golden_id
    erp = await ingest.upsert(
        customer(
            "netsuite",
            "2459",
            {**BELLOWS, **BELLOWS_ADDRESS},
            name="Bellows Fin Svcs SAS",
            phone="+33 3 62 25 98 12",
            parent=ref("netsuite", "2456"),
        )
    )
    parent_of, child_of = await store.resolve_many(
        [
            SourceKey.parse("psa", "CUSTOMER", "BELLOW04"),
            SourceKey.parse("psa", "CUSTOMER", "BELLOW05"),
        ]
    )
    assert parent_of is not None
    assert child_of is not None
    assert parent_of.golden_id != child_of.golden_id  # never its own parent
    assert erp.golden_id in (holding.golden_id, subsidiary.golden_id)
    events = await store.audit_events(0, 1000)
    assert not [e for e in events if e.action is Action.BRIDGING_MERGE]


async def test_a_parent_is_not_linked_where_its_awaiting_subsidiary_would_close_a_loop(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    holding = await ingest.upsert(customer("psa", "H", NORTHWIND, name="Northwind Holdings"))
    services = await ingest.upsert(
        customer("psa", "S", NORTHWIND, name="Northwind Services", parent=ref("psa", "H"))
    )
    # The ERP's subsidiary record lands with the holding (a look-alike mislink a steward may
    # correct later); it names its ERP parent, not sent yet.
    erp_child = await ingest.upsert(
        customer("netsuite", "F", NORTHWIND, name="Northwind Holdings", parent=ref("netsuite", "R"))
    )
    assert erp_child.golden_id == holding.golden_id
    # The ERP parent looks like the PSA's "Northwind Services", a child of the golden record
    # holding its own subsidiary: joining it would make that golden record its own ancestor.
    erp_parent = await ingest.upsert(
        customer("netsuite", "R", NORTHWIND, name="Northwind Services")
    )
    assert erp_parent.outcome is UpsertOutcome.CREATED
    assert erp_parent.golden_id not in (holding.golden_id, services.golden_id)


async def test_the_store_resolves_many_keys_to_golden_ids_in_one_read(store: Store) -> None:
    ingest = ingest_service(store)
    known = await ingest.upsert(customer("netsuite", "1808", NORTHWIND))
    keys = [
        SourceKey("netsuite", EntityType.CUSTOMER, "1808"),
        SourceKey("netsuite", EntityType.CUSTOMER, "nobody"),
        SourceKey("netsuite", EntityType.PROJECT, "1808"),
    ]

    async def read(tx: StoreTransaction) -> list[str | None]:
        return await tx.golden_ids_of(keys)

    assert await store.write(read) == [known.golden_id, None, None]


async def _project_clusters(store: Store, order: list[RawRecord]) -> set[frozenset[str]]:
    ingest = ingest_service(store)
    for record in order:
        await ingest.upsert(record)
    keys = [SourceKey(r.system, EntityType.PROJECT, str(r.source_id)) for r in order]  # type: ignore[arg-type]
    keys = [k for k, r in zip(keys, order, strict=True) if r.entity_type == "PROJECT"]
    found = await store.resolve_many(keys)
    clusters: dict[str, set[str]] = {}
    for key, resolution in zip(keys, found, strict=True):
        assert resolution is not None
        clusters.setdefault(resolution.golden_id, set()).add(key.system)
    return {frozenset(members) for members in clusters.values()}


CUSTOMERS = [customer("netsuite", "1808", NORTHWIND), customer("psa", "NORTHW01", NORTHWIND)]
PROJECTS = [
    project(
        "netsuite", "2843", "Northwind Holdings : Close & Consolidation", ref("netsuite", "1808")
    ),
    project("psa", "PRJ-21247", "Year-End Close Programme (NW)", ref("psa", "NORTHW01")),
]


async def test_projects_before_their_customers_end_as_customers_first_do(store: Store) -> None:
    """The projects arrive first: their customers are unknown, so nothing says they are one
    project. When the customers arrive and the parked references link, the projects are
    matched again and merge, as they link when the customers come first."""
    clusters = await _project_clusters(store, [*PROJECTS, *CUSTOMERS])
    assert clusters == {frozenset({"netsuite", "psa"})}
    merges = [e for e in await store.audit_events(0, 100) if e.action == Action.REMATCH_MERGE]
    assert len(merges) == 1
    assert merges[0].reason is not None
    assert "customer resolved" in merges[0].reason


async def test_customers_before_their_projects_link_the_projects_on_arrival(store: Store) -> None:
    clusters = await _project_clusters(store, [*CUSTOMERS, *PROJECTS])
    assert clusters == {frozenset({"netsuite", "psa"})}
    merges = [e for e in await store.audit_events(0, 100) if e.action == Action.REMATCH_MERGE]
    assert merges == []


def employee(system: str, source_id: str, given: str, family: str, **more: Any) -> RawRecord:
    return RawRecord(
        system, "EMPLOYEE", source_id, {"given_name": given, "family_name": family, **more}
    )


async def test_the_hub_counts_values_as_records_arrive_and_change(store: Store) -> None:
    ingest = ingest_service(store)
    for index in range(3):
        await ingest.upsert(employee("workday", f"w{index}", "James", f"Family{index}"))
    await ingest.upsert(employee("workday", "w0", "Jim", "Family0"))

    async def read(tx: StoreTransaction) -> list[int]:
        return await tx.term_counts(
            [
                "EMPLOYEE\x1fgiven_name\x1fjames",
                "EMPLOYEE\x1fgiven_name\x1fjim",
                "EMPLOYEE\x1fgiven_name\x1f",
                "EMPLOYEE\x1fgiven_name\x1fnobody",
            ]
        )

    assert await store.write(read) == [2, 1, 3, 0]


def _trusting_after(records: int) -> RecordMatcher:
    """The shipped rules, but term counts trusted once `records` hold a value."""
    shipped = shipped_matcher()
    rules = {t: shipped.rules_for(t) for t in EntityType}
    document = rules[EntityType.EMPLOYEE].rules.model_dump(mode="json")
    document["term_frequency_after"] = records
    rules[EntityType.EMPLOYEE] = MatchRules.parse(document, "employee.yaml")
    return RecordMatcher(rules)


async def test_explain_match_shows_a_common_values_lower_weight(store: Store) -> None:
    matcher = _trusting_after(100)
    ingest = IngestService(store, matcher, rules=shipped_rules())
    # Enough Jameses that the name is common in this hub.
    await ingest.upsert_many(
        [employee("workday", f"w{index}", "James", f"Family{index}") for index in range(150)]
    )
    first = await ingest.upsert(
        employee("workday", "target", "James", "Wilson", birth_date="1982-05-05")
    )
    await ingest.upsert(employee("psa", "p1", "James", "Wilson", birth_date="1982-05-05"))
    explained = await ReviewService(store, matcher).explain(
        SourceKey("psa", EntityType.EMPLOYEE, "p1"), first.golden_id
    )
    given = {c.name: c for c in explained.explanation.comparisons}["given_name"]
    assert "common value" in given.level
    [rule] = [c for c in shipped_rules_employee().rules.comparisons if c.label == "given_name"]
    assert 0 <= given.weight < rule.levels[0].weight
    # With the shipped rules (counts trusted after 1,000 records) these few say nothing yet.
    shipped = await review_service(store).explain(
        SourceKey("psa", EntityType.EMPLOYEE, "p1"), first.golden_id
    )
    assert {c.name: c for c in shipped.explanation.comparisons}["given_name"].level == ">=1"


def shipped_rules_employee() -> MatchRules:
    return shipped_matcher().rules_for(EntityType.EMPLOYEE)


async def test_a_projects_name_keeps_its_words_while_its_customer_is_unresolved(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    await ingest.upsert(
        project(
            "netsuite", "2843", "Northwind Holdings : Close & Consolidation", ref("netsuite", "x")
        )
    )
    psa = await ingest.upsert(
        project("psa", "PRJ-21247", "Close & Consolidation (Northwind)", ref("psa", "y"))
    )
    explained = await review_service(store).explain(
        SourceKey("psa", EntityType.PROJECT, "PRJ-21247"),
        (await store.resolve_many([SourceKey("netsuite", EntityType.PROJECT, "2843")]))[
            0
        ].golden_id,  # type: ignore[union-attr]
    )
    name = {c.name: c for c in explained.explanation.comparisons}["name"]
    assert "northwind" in name.incoming
    assert "northwind holdings" in name.candidate
    assert psa.outcome in (UpsertOutcome.LINKED, UpsertOutcome.CREATED)
