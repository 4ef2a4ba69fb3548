"""A subsidiary linked into its parent's golden record before the parent arrived leaves it
when the parent comes and matches it better, on every store (matching/displacement.py): the
arrival order of systems does not decide the clusters. A steward's placement is never
moved, and a subsidiary held there by stronger evidence than the parent's stays."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.audit import Action, AuditContext
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey, UpsertOutcome, UpsertResult
from mdm_hub.domain.relationships import Direction, RelationshipType
from mdm_hub.matching.rules import MatchRules
from mdm_hub.ports import Store
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.contract.test_relationship_ingest_contract import ticking_clock

LYON = {
    "address_line1": "275 Boulevard Haussmann",
    "city": "Lyon",
    "postal_code": "69006",
    "country": "FR",
    "industry": "Financial Services",
    "currency": "EUR",
}


def ref(system: str, source_id: str) -> dict[str, str]:
    return {"system": system, "sourceId": source_id}


def customer(system: str, source_id: str, **attributes: Any) -> RawRecord:
    return RawRecord(system, "CUSTOMER", source_id, attributes)


# A holding and its finance subsidiary, each in the CRM and the ERP; both share the holding's
# address, and the subsidiary's name is the holding's with a word more, so the two names do
# not contradict each other (`compatible_words`) and the subsidiary can pass for a copy of
# the holding until its parent arrives.
RECORDS = {
    "crm-holding": customer("salesforce", "S_H", **LYON, name="Bellows Holdings SAS"),
    "crm-subsidiary": customer(
        "salesforce",
        "S_F",
        **{**LYON, "address_line1": "275 Bd Haussmann"},
        name="Bellows Holdings Finance SAS",
        phone="03 62 25 98 12",
        website="http://bellowsholdings.com",
        tax_id="FR 740 856 30101",
        parent=ref("salesforce", "S_H"),
    ),
    "erp-holding": customer(
        "netsuite",
        "N_H",
        **LYON,
        name="Bellows Holdings SAS",
        phone="+33 3 31 47 45 45",
        website="https://www.bellowsholdings.com",
    ),
    "erp-subsidiary": customer(
        "netsuite",
        "N_F",
        **LYON,
        name="Bellows Holdings Fin SAS",
        phone="+33 3 62 25 98 12",
        website="https://www.bellowsholdings.com",
        parent=ref("netsuite", "N_H"),
    ),
}
TRUTH = {
    frozenset({"crm-holding", "erp-holding"}),
    frozenset({"crm-subsidiary", "erp-subsidiary"}),
}
# Parents first, then the orders where a subsidiary links into its parent's golden record
# (another system's copy of the parent) before that parent arrives: before displacement each
# of these ended with the subsidiary there and its parent apart.
ORDERS = [
    ("erp-holding", "crm-holding", "crm-subsidiary", "erp-subsidiary"),
    ("crm-holding", "erp-subsidiary", "crm-subsidiary", "erp-holding"),
    ("erp-subsidiary", "crm-holding", "erp-holding", "crm-subsidiary"),
    ("erp-holding", "crm-subsidiary", "crm-holding", "erp-subsidiary"),
]


def key(name: str) -> SourceKey:
    raw = RECORDS[name]
    return SourceKey(str(raw.system), EntityType.CUSTOMER, str(raw.source_id))


def ingest_service(store: Store) -> IngestService:
    return IngestService(store, shipped_matcher(), rules=shipped_rules(), clock=ticking_clock())


async def clusters(store: Store, names: list[str]) -> set[frozenset[str]]:
    found: dict[str, set[str]] = {}
    resolved = await store.resolve_many([key(n) for n in names])
    for name, resolution in zip(names, resolved, strict=True):
        assert resolution is not None
        found.setdefault(resolution.golden_id, set()).add(name)
    return {frozenset(names) for names in found.values()}


async def post(ingest: IngestService, names: tuple[str, ...], batched: bool) -> None:
    if batched:  # one call: the store commits the records as one group
        await ingest.upsert_many([RECORDS[name] for name in names])
    else:
        for name in names:
            await ingest.upsert(RECORDS[name])


@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "batched"])
@pytest.mark.parametrize(
    "order",
    ORDERS,
    ids=["parents-first", "crm-holding-first", "erp-subsidiary-first", "crm-subsidiary-early"],
)
async def test_every_arrival_order_ends_in_the_same_clusters(
    store: Store, order: tuple[str, ...], batched: bool
) -> None:
    await post(ingest_service(store), order, batched)
    assert await clusters(store, list(RECORDS)) == TRUTH
    # The subsidiary's golden record is a child of the holding's, whichever record moved.
    subsidiary, holding = await store.resolve_many([key("erp-subsidiary"), key("erp-holding")])
    assert subsidiary is not None
    assert holding is not None
    edges = await store.relationships(
        [subsidiary.golden_id], RelationshipType.CHILD_OF, Direction.OUT
    )
    assert {edge.to_id for edge in edges} == {holding.golden_id}


async def test_the_subsidiary_is_moved_out_audited_and_matched_again(store: Store) -> None:
    ingest = ingest_service(store)
    holding = await ingest.upsert(RECORDS["crm-holding"])
    wrong = await ingest.upsert(RECORDS["erp-subsidiary"])
    assert wrong.golden_id == holding.golden_id  # the look-alike link, before its parent came
    assert wrong.score is not None
    crm_subsidiary = await ingest.upsert(RECORDS["crm-subsidiary"])
    seen = await store.last_change_position()
    parent = await ingest.upsert(RECORDS["erp-holding"])
    assert parent.golden_id == holding.golden_id
    assert parent.score is not None
    assert parent.score > wrong.score

    events = await store.audit_events(0, 1000)
    [split] = [e for e in events if e.action == Action.REMATCH_SPLIT]
    moved = "source:netsuite/CUSTOMER/N_F"
    assert split.before == {"goldenId": holding.golden_id, "sources": [moved], "score": wrong.score}
    new_golden = split.after["goldenId"]
    assert split.after == {
        "goldenId": new_golden,
        "sources": [moved],
        "displacedBy": "source:netsuite/CUSTOMER/N_H",
        "score": parent.score,
        "rule": "matching/customer.yaml#probabilistic",
    }
    assert split.reason is not None
    assert "names netsuite/CUSTOMER/N_H as its parent" in split.reason
    # Matched again, with its parent's golden record out of the question, it joins the CRM's
    # record of the same subsidiary.
    [merge] = [e for e in events if e.action == Action.REMATCH_MERGE]
    assert merge.after["survivorId"] == crm_subsidiary.golden_id
    assert merge.after["mergedIds"] == [new_golden]
    assert merge.seq > split.seq
    [found] = await store.resolve_many([key("erp-subsidiary")])
    assert found is not None
    assert found.golden_id == crm_subsidiary.golden_id

    # Its lineage follows it out and on.
    lineage = await AuditService(store).source_lineage(key("erp-subsidiary"))
    assert [(m.golden_id, m.action) for m in lineage] == [
        (holding.golden_id, Action.INGEST_LINKED),
        (new_golden, Action.REMATCH_SPLIT),
        (crm_subsidiary.golden_id, Action.REMATCH_MERGE),
    ]

    changes = [(c.kind, c.golden_id, c.change) for c in await store.changes(seen, 100)]
    assert ("golden.created", new_golden, {"unmergedFrom": holding.golden_id}) in changes
    assert (
        "golden.unmerged",
        holding.golden_id,
        {"targetId": new_golden, "sources": [moved], "by": "rematch"},
    ) in changes
    assert (
        "member.moved",
        new_golden,
        {"fromGoldenId": holding.golden_id, "toGoldenId": new_golden},
    ) in changes
    merged = {"survivorId": crm_subsidiary.golden_id, "mergedIds": [new_golden], "by": "rematch"}
    assert ("golden.merged", crm_subsidiary.golden_id, merged) in changes


# The subsidiary (names "X") links into the ERP holding's golden record: by its address alone
# ("weak"), or also by the holding's name, phone and website ("strong", a higher score than X
# gets against that golden record).
SUBSIDIARY = {
    "weak": {**LYON, "name": "Bellows Holdings Finance SAS"},
    "strong": {
        **LYON,
        "name": "Bellows Holdings SAS",
        "phone": "+33 3 31 47 45 45",
        "website": "https://www.bellowsholdings.com",
    },
}
X = customer(
    "salesforce",
    "X",
    name="Bellows Holdings SAS",
    city="Lyon",
    country="FR",
    postal_code="69006",
    industry="Financial Services",
)


async def _subsidiary_then_parent(
    store: Store, held: str, steward: bool
) -> tuple[str, str, str, float]:
    """The ERP holding, the subsidiary linked into it (moved back there by a steward, with
    `steward`), then X, its parent: the golden records of the three and X's score."""
    ingest = ingest_service(store)
    holding = await ingest.upsert(RECORDS["erp-holding"])
    child = customer("salesforce", "C", **SUBSIDIARY[held], parent=ref("salesforce", "X"))
    linked = await ingest.upsert(child)
    assert linked.golden_id == holding.golden_id
    if steward:
        merges = MergeService(store, shipped_rules())

        async def expected(golden_id: str) -> ExpectedVersion:
            view = await store.get_golden(golden_id)
            assert view is not None
            return ExpectedVersion(golden_id, view.golden.version)

        apart = await merges.unmerge(
            holding.golden_id,
            [SourceKey("salesforce", EntityType.CUSTOMER, "C")],
            None,
            [await expected(holding.golden_id)],
            "checking the registry",
            "jane",
            audit=AuditContext(actor="jane"),
        )
        target = apart.target.golden.id
        await merges.merge(
            [holding.golden_id, target],
            holding.golden_id,
            [await expected(holding.golden_id), await expected(target)],
            "same company per registry",
            "jane",
            override_not_a_match=True,
        )
    parent = await ingest.upsert(X)
    assert parent.score is not None
    [child_now] = await store.resolve_many([SourceKey("salesforce", EntityType.CUSTOMER, "C")])
    assert child_now is not None
    return holding.golden_id, child_now.golden_id, parent.golden_id, parent.score


@pytest.mark.parametrize("steward", [False, True], ids=["matcher-placed", "steward-placed"])
async def test_a_subsidiary_a_steward_placed_is_never_moved(store: Store, steward: bool) -> None:
    holding, child, parent, _ = await _subsidiary_then_parent(store, "weak", steward)
    splits = [e for e in await store.audit_events(0, 1000) if e.action == Action.REMATCH_SPLIT]
    if steward:
        # As before displacement: the parent stays apart, the subsidiary where she put it.
        assert (child, splits) == (holding, [])
        assert parent != holding
    else:
        assert (parent, len(splits)) == (holding, 1)
        assert child != holding


@pytest.mark.parametrize("held", ["weak", "strong"])
async def test_a_subsidiary_held_by_more_evidence_than_its_parent_has_stays(
    store: Store, held: str
) -> None:
    holding, child, parent, score = await _subsidiary_then_parent(store, held, False)
    [membership] = [
        e.after["score"]
        for e in await store.audit_events(0, 1000)
        if e.action == Action.INGEST_LINKED and "source:salesforce/CUSTOMER/C" in e.subject_ids
    ]
    if held == "strong":
        assert membership > score  # the subsidiary's own link outweighs its parent's
        assert (child, parent != holding) == (holding, True)
    else:
        assert membership < score
        assert (parent, child != holding) == (holding, True)


def _weighing_parents() -> RecordMatcher:
    """The shipped rules, with customers also compared by the golden record their parent
    reference resolves to: a customer is then matched again when its parent arrives."""
    shipped = shipped_matcher()
    rules = {t: shipped.rules_for(t) for t in EntityType}
    document = rules[EntityType.CUSTOMER].rules.model_dump(mode="json", exclude_none=True)
    document["comparisons"].append(
        {
            "attributes": ["parent"],
            "comparator": "reference",
            "levels": [{"min": 1.0, "m": 0.9, "u": 0.02}],
            "otherwise": {"m": 0.1, "u": 0.98},
        }
    )
    rules[EntityType.CUSTOMER] = MatchRules.parse(document, "customer.yaml")
    return RecordMatcher(rules)


PARIS = {**LYON, "address_line1": "12 Rue de la Paix", "city": "Paris", "postal_code": "75002"}
GROUP = [
    customer("salesforce", "S_GP", **PARIS, name="Bellows Group SA"),
    customer(
        "salesforce", "S_H", **LYON, name="Bellows Holdings SAS", parent=ref("salesforce", "S_GP")
    ),
    # The ERP's subsidiary joins the CRM holding's golden record before its own parent comes.
    customer(
        "netsuite",
        "N_F",
        **LYON,
        name="Bellows Holdings Finance SAS",
        parent=ref("netsuite", "N_H"),
    ),
    # Its parent says little of itself: on arrival it matches that golden record less well
    # than the subsidiary does, and stays apart.
    customer(
        "netsuite",
        "N_H",
        name="Bellows Holdings SAS",
        city="Lyon",
        country="FR",
        parent=ref("netsuite", "N_GP"),
    ),
    # Its own parent arrives: matched again, it now agrees with the CRM holding's parent too.
    customer("netsuite", "N_GP", **PARIS, name="Bellows Group SA"),
]


@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "batched"])
async def test_a_parent_matched_again_displaces_its_subsidiary(store: Store, batched: bool) -> None:
    ingest = IngestService(store, _weighing_parents(), rules=shipped_rules(), clock=ticking_clock())
    if batched:
        results = await ingest.upsert_many(GROUP)
    else:
        results = [await ingest.upsert(record) for record in GROUP]
    _, _, child, parent, _ = results
    assert isinstance(child, UpsertResult)
    assert isinstance(parent, UpsertResult)
    assert parent.outcome is UpsertOutcome.CREATED  # kept apart on arrival
    assert parent.score is not None
    assert child.score is not None
    assert parent.score < child.score

    keys = [SourceKey(str(r.system), EntityType.CUSTOMER, str(r.source_id)) for r in GROUP]
    found: dict[str, set[str]] = {}
    for record, resolution in zip(GROUP, await store.resolve_many(keys), strict=True):
        assert resolution is not None
        found.setdefault(resolution.golden_id, set()).add(str(record.source_id))
    assert set(map(frozenset, found.values())) == {
        frozenset({"S_GP", "N_GP"}),
        frozenset({"S_H", "N_H"}),
        frozenset({"N_F"}),
    }
    events = await store.audit_events(0, 1000)
    moves = [e for e in events if e.action in (Action.REMATCH_SPLIT, Action.REMATCH_MERGE)]
    assert [e.action for e in moves] == [Action.REMATCH_SPLIT, Action.REMATCH_MERGE]
    split, merge = moves
    assert split.after["sources"] == ["source:netsuite/CUSTOMER/N_F"]
    assert split.after["score"] > split.before["score"] == child.score
    assert merge.reason is not None
    assert "netsuite/CUSTOMER/N_H matches it once its parent resolved" in merge.reason
    # The hierarchy follows: subsidiary -> holding -> group.
    sub, hold, group = await store.resolve_many([keys[2], keys[1], keys[0]])
    assert sub is not None
    assert hold is not None
    assert group is not None
    up = await store.relationships(
        [sub.golden_id, hold.golden_id], RelationshipType.CHILD_OF, Direction.OUT
    )
    assert {(e.from_id, e.to_id) for e in up} == {
        (sub.golden_id, hold.golden_id),
        (hold.golden_id, group.golden_id),
    }
