"""Neo4j holds a group's new records, goldens and audit events and writes them once per group
(adapters/neo4j/write_buffer.py), and reads every record's stored version and candidates once
per group (adapters/neo4j/group_snapshot.py): a batched load must decide exactly what a
record-at-a-time load decides, on Neo4j and on the embedded store alike."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mdm_hub.adapters.embedded.store import EmbeddedStore
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.store import Neo4jStore
from mdm_hub.adapters.neo4j.transaction import Neo4jTransaction
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, StoredSource, UpsertResult
from mdm_hub.errors import RecordRejected
from mdm_hub.evaluation.companies import generate_companies
from mdm_hub.evaluation.harness import evaluation_systems
from mdm_hub.evaluation.landscape.dataset import landscape_dataset
from mdm_hub.evaluation.landscape.generate import Scale
from mdm_hub.ports import Store, StoreTransaction, WorkHint
from mdm_hub.services.audit import AuditService
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.wiring import shipped_matcher, shipped_rules
from tests.conftest import clear_graph

BATCH = 100


def _records() -> list[RawRecord]:
    """A small firm's landscape (every entity type, references parked and resolved, so
    re-matches), customers of several systems sharing tax IDs (links and merges inside a
    batch), and re-sends of some of them with a change (updates of records of the same
    batch)."""
    landscape = landscape_dataset(EntityType.CUSTOMER, 7, Scale.SMALL)
    companies = generate_companies(count=120, seed=3)
    raws = [
        RawRecord(r.system, r.entity_type or landscape.entity_type, r.source_id, r.attributes)
        for r in landscape.records
    ]
    raws += [
        RawRecord(r.system, companies.entity_type, r.source_id, r.attributes)
        for r in companies.records
    ]
    rng = random.Random(5)
    for raw in rng.sample(raws[-len(companies.records) :], 40):
        changed = {**dict(raw.attributes), "phone": f"+44 20 7946 {rng.randrange(1000, 9999)}"}  # type: ignore[call-overload]
        raws.insert(
            rng.randrange(len(raws) - 150, len(raws)),
            RawRecord(raw.system, raw.entity_type, raw.source_id, changed),
        )
    return raws


def _crowded_records() -> list[RawRecord]:
    """Customers of three systems with duplicates inside one batch; a name's first token
    shared by more records than a key may return (customer.yaml: per_key_limit 100), so
    records asking for it are answered by the live query; records sent twice in one batch,
    unchanged and changed."""
    companies = generate_companies(count=150, seed=11)
    raws = [
        RawRecord(r.system, companies.entity_type, r.source_id, r.attributes)
        for r in companies.records
    ]
    rng = random.Random(13)
    for n in range(130):
        raws.insert(
            rng.randrange(len(raws) + 1),
            RawRecord(
                "CRM",
                "CUSTOMER",
                f"crowd-{n}",
                {
                    "name": f"Nordwind {rng.choice(('Kalo', 'Mira', 'Tenso'))}{n} Handel",
                    "tax_id": f"DE{rng.randrange(10**8, 10**9)}",
                    "country": "DE",
                },
            ),
        )
    for raw in rng.sample(raws[:300], 20):
        attributes = dict(raw.attributes)  # type: ignore[call-overload]
        if rng.random() < 0.5:
            attributes["city"] = "Bremen"
        raws.insert(
            rng.randrange(300, 400),
            RawRecord(raw.system, raw.entity_type, raw.source_id, attributes),
        )
    return raws


@dataclass(frozen=True)
class Outcome:
    # per record: its outcome, the golden record answered (IDs are made in creation order),
    # whether it went to review
    results: list[tuple[str, str | None, bool]]
    # members -> golden values and version (each recompute moves it: a reader's expected
    # version must not depend on how the records were batched)
    clusters: dict[frozenset[SourceKey], tuple[dict[str, Any], int]]
    actions: list[str]  # the audit log's actions, in order
    questions: list[tuple[str, ...]]  # per candidate opened: its record and the goldens offered
    chain_intact: bool


async def _load(store: Store, raws: list[RawRecord], batch: int) -> Outcome:
    # IDs in order of creation, not random: ties between candidates are broken by golden ID,
    # so random IDs alone could make two loads decide differently.
    goldens, candidates = itertools.count(1), itertools.count(1)
    ingest = IngestService(
        store,
        shipped_matcher(),
        rules=shipped_rules(),
        systems=evaluation_systems(),
        new_golden_id=lambda entity_type: f"g-{next(goldens):05d}",
        new_candidate_id=lambda: f"c-{next(candidates):05d}",
    )
    results: list[UpsertResult | RecordRejected] = []
    for start in range(0, len(raws), batch):
        results += await ingest.upsert_many(raws[start : start + batch])
    summary: list[tuple[str, str | None, bool]] = [
        (str(r.outcome), r.golden_id, r.match_candidate_id is not None)
        if isinstance(r, UpsertResult)
        else ("REJECTED", None, False)
        for r in results
    ]
    keys = list(
        dict.fromkeys(
            SourceKey.parse(str(r.system), str(r.entity_type), str(r.source_id)) for r in raws
        )
    )
    clusters: dict[frozenset[SourceKey], tuple[dict[str, Any], int]] = {}
    for start in range(0, len(keys), 1000):
        for answer in await store.resolve_many(keys[start : start + 1000]):
            assert answer is not None
            view = await store.get_golden(answer.golden_id)
            assert view is not None
            clusters[frozenset(answer.crosswalk)] = (view.golden.values(), view.golden.version)
    audit = AuditService(store)
    status = await audit.chain_status()
    events = await store.audit_events(0, 100_000)
    questions = [
        (e.subject_ids[2], *sorted(e.after["candidates"]))
        for e in events
        if str(e.action) == "candidate.opened" and e.after
    ]
    return Outcome(summary, clusters, [str(e.action) for e in events], questions, status.intact)


async def _three_loads(
    neo4j_store: Neo4jStore, raws: list[RawRecord], batch: int
) -> tuple[Outcome, Outcome, Outcome]:
    """The records loaded in batches on Neo4j, one by one on Neo4j (the graph emptied
    between) and one by one on the embedded store."""
    batched = await _load(neo4j_store, raws, batch)
    await clear_graph(neo4j_store)
    one_by_one = await _load(neo4j_store, raws, 1)
    embedded = EmbeddedStore(":memory:")
    await embedded.open()
    try:
        reference = await _load(embedded, raws, 1)
    finally:
        await embedded.close()
    return batched, one_by_one, reference


def _record_statements(monkeypatch: pytest.MonkeyPatch) -> list[Query]:
    """The statements every Neo4j transaction sends from now on, in order."""
    sent: list[Query] = []
    send = Neo4jTransaction._send

    async def recording(self: Neo4jTransaction, query: Query, params: dict[str, Any]) -> Any:
        sent.append(query)
        return await send(self, query, params)

    monkeypatch.setattr(Neo4jTransaction, "_send", recording)
    return sent


async def test_a_batched_load_on_neo4j_decides_as_record_at_a_time_does(
    neo4j_store: Neo4jStore,
) -> None:
    batched, one_by_one, reference = await _three_loads(neo4j_store, _records(), BATCH)

    assert all(load.chain_intact for load in (batched, one_by_one, reference))
    assert batched.results == one_by_one.results == reference.results
    assert batched.clusters == one_by_one.clusters == reference.clusters
    # Every event, in order, on both stores: a record matched again when its references
    # resolve sees the same candidates on each (its own golden's members take no places).
    assert batched.actions == one_by_one.actions == reference.actions
    # A second reference resolving does not ask the stewards the same question again.
    for load in (batched, one_by_one, reference):
        assert len(load.questions) == len(set(load.questions))
    # The data exercises what the held writes must get right.
    outcomes = {outcome for outcome, _, _ in batched.results}
    assert {"LINKED", "CREATED", "UPDATED"} <= outcomes
    assert any(review for _, _, review in batched.results)
    assert any(len(members) > 1 for members in batched.clusters)
    assert "golden.rematch_merge" in batched.actions or "golden.bridging_merge" in batched.actions


async def test_neo4j_orders_strings_as_the_held_members_are_merged_in(
    neo4j_store: Neo4jStore,
) -> None:
    """A recompute merges a golden record's held new members into the stored ones by UTF-16
    code unit (write_buffer.py), which must be the order Neo4j's member query gives."""
    texts = ["\uff21", "\U0001f600", "b", "a"]
    records, _, _ = await neo4j_store.driver.execute_query(
        "UNWIND $texts AS text RETURN text ORDER BY text", {"texts": texts}
    )
    in_neo4j = [record["text"] for record in records]
    assert in_neo4j == sorted(texts, key=lambda text: text.encode("utf-16-be"))


async def test_a_group_read_at_once_decides_as_each_record_asking_alone(
    neo4j_store: Neo4jStore,
) -> None:
    # Groups of 100, all in one call.
    batched, one_by_one, reference = await _three_loads(neo4j_store, _crowded_records(), 500)

    assert all(load.chain_intact for load in (batched, one_by_one, reference))
    assert batched.results == one_by_one.results == reference.results
    assert batched.clusters == one_by_one.clusters == reference.clusters
    assert batched.actions == one_by_one.actions == reference.actions
    assert batched.questions == one_by_one.questions == reference.questions
    outcomes = {outcome for outcome, _, _ in batched.results}
    assert {"LINKED", "CREATED", "UPDATED", "UNCHANGED"} <= outcomes


async def test_a_member_written_to_a_golden_merged_away_meanwhile_joins_its_survivor(
    neo4j_store: Neo4jStore,
) -> None:
    """Matching chose a golden record a steward merged away before the group committed (the
    group's reads were made at its start): the membership lands in the survivor, where the
    merge moved every other member, never in the merged-away record."""
    ingest = IngestService(neo4j_store, shipped_matcher(), rules=shipped_rules())
    chosen = await ingest.upsert(RawRecord("CRM", "CUSTOMER", "a", {"name": "Acme Inc"}))
    other = await ingest.upsert(RawRecord("ERP", "CUSTOMER", "b", {"name": "Globex Ltd"}))
    versions = []
    for golden_id in (chosen.golden_id, other.golden_id):
        view = await neo4j_store.get_golden(golden_id)
        assert view is not None
        versions.append(ExpectedVersion(golden_id, view.golden.version))
    merges = MergeService(neo4j_store, shipped_rules())
    await merges.merge([chosen.golden_id, other.golden_id], other.golden_id, versions, "one", "jo")

    key = SourceKey("PSA", EntityType.CUSTOMER, "late")
    now = datetime.now(UTC)
    late = StoredSource(key, {"name": "Acme Inc"}, "h", 1, now, now)
    membership = Membership(chosen.golden_id, now, "customer.yaml#test", 0.99, None)

    async def link_to_the_stale_choice(tx: StoreTransaction) -> None:
        await tx.put_source(late, [], membership)

    await neo4j_store.write(link_to_the_stale_choice)

    [found] = await neo4j_store.resolve_many([key])
    assert found is not None
    assert found.golden_id == other.golden_id
    survivor = await neo4j_store.get_golden(other.golden_id)
    assert survivor is not None
    assert key in {m.key for m in survivor.members}


async def test_a_crowded_key_read_with_the_group_keeps_what_the_live_query_keeps(
    neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key with more live records than a record's per-key limit: the group's read at its
    start keeps the records candidates.cypher's LIMIT keeps, on a sparse key and on a dense
    one (over 50 relationships: Neo4j reads them through relationship groups), written in
    several transactions, for each per-key limit of the group."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    holders = {"sparse": 30, "dense": 70}

    async def write_holders(tx: StoreTransaction, first: int, last: int) -> None:
        for n in range(first, last):
            # Golden records older the later they are written: the ranking's order is not
            # the order written, so a different subset kept would show in the answer.
            at = start - timedelta(minutes=n)
            golden_id = f"g-{n:03d}"
            await tx.create_golden(golden_id, EntityType.CUSTOMER, at)
            record = StoredSource(
                SourceKey("ERP", EntityType.CUSTOMER, f"h-{n:03d}"), {}, "h", 1, at, at
            )
            keys = [key for key, count in holders.items() if n < count]
            await tx.put_source(record, keys, Membership(golden_id, at, "test", None, None))

    for first in range(0, 70, 25):
        await neo4j_store.write(
            lambda tx, first=first: write_holders(tx, first, min(first + 25, 70))
        )

    async def ask(
        tx: StoreTransaction, limits: tuple[int, ...]
    ) -> dict[tuple[str, int], list[str]]:
        answers = {}
        for key in holders:
            for limit in limits:
                found = await tx.candidates(EntityType.CUSTOMER, [key], limit, top_k=100)
                answers[key, limit] = [c.key.source_id for c in found]
        return answers

    limits = (20, 25)
    live = await neo4j_store.write(lambda tx: ask(tx, limits))
    sent = _record_statements(monkeypatch)
    new = [SourceKey("CRM", EntityType.CUSTOMER, f"new-{limit}") for limit in limits]
    hints = [
        WorkHint(key, "x", tuple(holders), limit) for key, limit in zip(new, limits, strict=True)
    ]
    [grouped, _] = await neo4j_store.write_each(
        [lambda tx: ask(tx, limits), lambda tx: ask(tx, ())], hints=hints
    )
    assert Query.GROUP_CANDIDATES in sent
    assert Query.CANDIDATES not in sent  # answered from the group's read, not asked again
    assert grouped == live
    assert {len(ids) for ids in live.values()} == set(limits)


VERSIONS_BATCH = 50


def _versions_and_newcomers() -> tuple[list[RawRecord], list[RawRecord]]:
    """Customers loaded first; then, in batches mixing them, new versions of 60 of them (a
    renamed company: new name keys, old ones gone; a new phone), a third of them followed by
    a new record of another system named as the company is now or as it was."""
    companies = generate_companies(count=150, seed=21)
    first = [
        RawRecord(r.system, companies.entity_type, r.source_id, r.attributes)
        for r in companies.records
    ]
    first = first[: len(first) // VERSIONS_BATCH * VERSIONS_BATCH]  # then: a group of its own
    rng = random.Random(23)
    then: list[RawRecord] = []
    for n, raw in enumerate(rng.sample(first, 60)):
        attributes = dict(raw.attributes)  # type: ignore[call-overload]
        was = attributes["name"]
        attributes["name"] = f"{rng.choice(('Helios', 'Ardent', 'Quill'))} {was.split()[-1]}"
        attributes["phone"] = f"+44 20 7946 {rng.randrange(1000, 9999)}"
        then.append(RawRecord(raw.system, raw.entity_type, raw.source_id, attributes))
        if n % 3 == 0:
            named = attributes["name"] if n % 2 == 0 else was
            newcomer = {"name": named, "country": attributes["country"]}
            then.append(RawRecord("hubspot", raw.entity_type, f"new-{n}", newcomer))
    return first, then


async def test_new_versions_of_stored_records_are_held_and_decide_as_record_at_a_time(
    neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group's new versions of records stored before it are held and sent with its other
    writes (no statement per record), and records matched after them in the group see their
    new values and match keys, as each asking alone would."""
    first, then = _versions_and_newcomers()
    batched, one_by_one, reference = await _three_loads(neo4j_store, first + then, VERSIONS_BATCH)

    assert all(load.chain_intact for load in (batched, one_by_one, reference))
    assert batched.results == one_by_one.results == reference.results
    assert batched.clusters == one_by_one.clusters == reference.clusters
    assert batched.actions == one_by_one.actions == reference.actions
    assert batched.questions == one_by_one.questions == reference.questions
    updated = [outcome for outcome, _, _ in batched.results[len(first) :] if outcome == "UPDATED"]
    assert len(updated) == 60

    # The same records changed again, in one group: each new version held, sent with the
    # group's other writes, and the group's first reads kept throughout.
    sent = _record_statements(monkeypatch)
    again = [
        RawRecord(r.system, r.entity_type, r.source_id, {**r.attributes, "city": "Nordstadt"})  # type: ignore[dict-item]
        for r in then
        if r.system != "hubspot"
    ]
    ingest = IngestService(neo4j_store, shipped_matcher(), rules=shipped_rules())
    results = await ingest.upsert_many(again)
    assert Query.PUT_SOURCE not in sent
    assert Query.GET_SOURCE not in sent
    assert Query.LOCK_READ_GOLDEN not in sent
    for raw, result in zip(again, results, strict=True):
        assert isinstance(result, UpsertResult)
        assert str(result.outcome) == "UPDATED"
        view = await neo4j_store.get_golden(result.golden_id)
        assert view is not None
        [member] = [m for m in view.members if m.key.source_id == raw.source_id]
        assert (member.version, member.attributes["city"]) == (3, "Nordstadt")


async def test_a_merge_in_a_group_is_followed_by_its_first_reads_as_the_live_queries_answer(
    neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a golden record is merged away in a group, the group's first reads answer as the
    live queries would: the loser's members are the survivor's candidates, their stored
    memberships name the survivor, and no later record asks Neo4j again."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    merged_at = start + timedelta(days=1)
    stored = [SourceKey("ERP", EntityType.CUSTOMER, f"s-{n}") for n in range(3)]
    newcomer = SourceKey("CRM", EntityType.CUSTOMER, "new")

    async def write_stored(tx: StoreTransaction) -> None:
        for n, key in enumerate(stored):
            golden_id = f"g-{n}"
            await tx.create_golden(golden_id, EntityType.CUSTOMER, start + timedelta(minutes=n))
            record = StoredSource(key, {"name": f"s{n}"}, f"h-{n}", 1, start, start)
            await tx.put_source(record, ["shared"], Membership(golden_id, start, "test"))

    async def merge(tx: StoreTransaction) -> None:
        await tx.merge_golden("g-0", "g-2", merged_at)

    async def ask(tx: StoreTransaction) -> tuple[Any, ...]:
        found = await tx.candidates(EntityType.CUSTOMER, ["shared"], 10, top_k=10)
        sources = [await tx.get_source(key) for key in stored]
        return [(c.key, c.golden_id) for c in found], sources

    async def answers(grouped: bool) -> tuple[Any, ...]:
        await clear_graph(neo4j_store)
        await neo4j_store.write(write_stored)
        if not grouped:  # each work alone: no group reads, every answer live
            await neo4j_store.write(merge)
            return await neo4j_store.write(ask)
        hints = [WorkHint(newcomer, "x", ("shared",), 10, top_k=10)] + [
            WorkHint(key, f"h-{n}", ("shared",), 10) for n, key in enumerate(stored)
        ]

        async def nothing(tx: StoreTransaction) -> None:
            return None

        # One hint a work: the merge's names the new record, whose keys the group reads.
        [_, answer, _, _] = await neo4j_store.write_each([merge, ask, nothing, nothing], hints)
        assert isinstance(answer, tuple)
        return answer

    live = await answers(grouped=False)
    sent = _record_statements(monkeypatch)
    grouped = await answers(grouped=True)
    assert Query.MERGE_GOLDEN in sent
    assert Query.CANDIDATES not in sent
    assert Query.GET_SOURCE not in sent
    assert grouped == live
    candidates, sources = live
    assert {golden_id for _, golden_id in candidates} == {"g-1", "g-2"}
    assert sources[0][1].golden_id == "g-2"
