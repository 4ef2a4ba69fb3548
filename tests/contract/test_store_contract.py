"""Every Store and StoreTransaction method, on every store (embedded and Neo4j)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateStatus,
    MatchCandidate,
    Membership,
    RejectedRecord,
    ScoredGolden,
    SourceKey,
    StoredCandidate,
    StoredSource,
)
from mdm_hub.errors import NotFound, Problem, RecordRejected
from mdm_hub.matching.rarity import key_weights
from mdm_hub.ports import Store, StoreTransaction, Work
from tests.support.builders import at, golden_with, key, stored

CRM_1 = key("CRM", "c-1")
ERP_7 = key("ERP", "e-7")


async def test_ping_answers_when_open(store: Store) -> None:
    await store.ping()


async def test_unknown_source_is_none(store: Store) -> None:
    async def work(tx: StoreTransaction) -> object:
        return await tx.get_source(CRM_1)

    assert await store.write(work) is None


async def test_put_source_and_membership_round_trip(store: Store) -> None:
    record = stored(CRM_1, {"name": "Acme", "tax_id": "DE1"})
    await golden_with(store, "cus_a", record)

    async def work(tx: StoreTransaction) -> object:
        return await tx.get_source(CRM_1)

    found = await store.write(work)
    assert found is not None
    source, membership = found  # type: ignore[misc]
    assert source == record
    assert membership == Membership("cus_a", at(0), "test", None)


async def test_failed_work_rolls_back_everything(store: Store) -> None:
    async def work(tx: StoreTransaction) -> None:
        await tx.create_golden("cus_x", EntityType.CUSTOMER, at(0))
        await tx.put_source(stored(CRM_1, {"name": "Acme"}), [])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.write(work)
    assert await store.get_golden("cus_x") is None
    assert await store.resolve_many([CRM_1]) == [None]


async def test_new_version_keeps_every_version(store: Store) -> None:
    first = stored(CRM_1, {"name": "Acme"}, version=1, minute=1)
    second = stored(CRM_1, {"name": "Acme Ltd"}, version=2, minute=2)
    await golden_with(store, "cus_a", first)

    async def work(tx: StoreTransaction) -> list[StoredSource]:
        await tx.put_source(second, [])
        return await tx.members("cus_a")

    assert await store.write(work) == [second]
    assert await store.source_versions(CRM_1) == [first, second]


async def _place(tx: StoreTransaction, placed: list[tuple[str, str, list[str]]]) -> None:
    """Source records (golden, source ID, keys); the goldens must exist."""
    for golden_id, source_id, keys in placed:
        source = key("CRM", source_id)
        await tx.put_source(stored(source, {"name": source_id}), keys)
        await tx.set_membership(source, Membership(golden_id, at(0), "test"))


async def test_candidates_share_keys_best_first_and_same_type_only(store: Store) -> None:
    async def work(tx: StoreTransaction) -> list[StoredCandidate]:
        await tx.create_golden("cus_new", EntityType.CUSTOMER, at(5))
        await tx.create_golden("cus_old", EntityType.CUSTOMER, at(1))
        await _place(
            tx,
            [
                ("cus_new", "n", ["K|a"]),
                ("cus_old", "o", ["K|a"]),
                ("cus_new", "m", ["K|a", "K|b"]),
            ],
        )
        await tx.lock_keys(["K|a", "K|b"])
        return await tx.candidates(EntityType.CUSTOMER, ["K|a", "K|b", "K|none", "K|b"], 10, 10)

    found = await store.write(work)
    weights = key_weights(10)
    # K|a returned 3 records, K|b one: m holds both; n and o tie on K|a alone.
    assert [(c.key.source_id, c.shared_keys, c.key_weight) for c in found[:1]] == [
        ("m", 2, weights[3] + weights[1])
    ]
    assert {(c.key.source_id, c.golden_id, c.shared_keys, c.key_weight) for c in found[1:]} == {
        ("o", "cus_old", 1, weights[3]),
        ("n", "cus_new", 1, weights[3]),
    }
    assert found[0].attributes == {"name": "m"}
    assert {c.key.source_id: c.golden_created_at for c in found}["o"] == at(1)

    async def other_type(tx: StoreTransaction) -> list[StoredCandidate]:
        return await tx.candidates(EntityType.PROJECT, ["K|a"], 10, 10)

    assert await store.write(other_type) == []


async def test_a_rare_shared_key_outranks_several_common_ones(store: Store) -> None:
    """Six look-alikes share the common keys; the record sharing the one rare key comes
    first although it shares fewer keys, and top_k keeps it."""

    async def work(tx: StoreTransaction) -> tuple[list[StoredCandidate], list[StoredCandidate]]:
        await tx.create_golden("cus_a", EntityType.CUSTOMER, at(0))
        await tx.create_golden("cus_rare", EntityType.CUSTOMER, at(9))
        await _place(
            tx, [("cus_a", f"common{i}", ["K|city", "K|street", "K|given"]) for i in range(6)]
        )
        await _place(tx, [("cus_rare", "rare", ["K|birth_postcode", "K|given"])])
        keys = ["K|birth_postcode", "K|city", "K|given", "K|street"]
        return (
            await tx.candidates(EntityType.CUSTOMER, keys, 10, 10),
            await tx.candidates(EntityType.CUSTOMER, keys, 10, 2),
        )

    found, top_two = await store.write(work)
    weights = key_weights(10)
    assert (found[0].key.source_id, found[0].shared_keys) == ("rare", 2)
    assert found[0].key_weight == weights[1] + weights[7]
    # The look-alikes share more keys (three), but only common ones.
    assert all((c.shared_keys, c.key_weight) == (3, 2 * weights[6] + weights[7]) for c in found[1:])
    assert [c.key_weight for c in found] == sorted((c.key_weight for c in found), reverse=True)
    assert len(found) == 7
    assert [c.key.source_id for c in top_two][:1] == ["rare"]
    assert len(top_two) == 2


async def test_put_source_replaces_its_keys(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"tax_id": "DE1"}))

    async def work(tx: StoreTransaction) -> tuple[list[str], list[str]]:
        await tx.put_source(stored(CRM_1, {"tax_id": "DE2"}, version=2), ["K|new"])
        old = await tx.candidates(EntityType.CUSTOMER, ["CUSTOMER|tax_id|c-1"], 10, 10)
        new = await tx.candidates(EntityType.CUSTOMER, ["K|new"], 10, 10)
        return [c.golden_id for c in old], [c.golden_id for c in new]

    assert await store.write(work) == ([], ["cus_a"])


async def test_candidates_carry_the_comparison_values_stored_with_their_version(
    store: Store,
) -> None:
    """Matching reads a candidate's stored comparison values instead of standardising it
    again: each candidate carries its current version's, and none when none were stored."""

    def values_of(found: list[StoredCandidate]) -> dict[str, str | None]:
        return {c.key.source_id: c.match_values for c in found}

    async def first(tx: StoreTransaction) -> dict[str, str | None]:
        await tx.create_golden("cus_a", EntityType.CUSTOMER, at(0))
        joined = Membership("cus_a", at(0), "test")
        await tx.put_source(
            replace(stored(CRM_1, {"name": "A"}), match_values="v1"), ["K|a"], joined
        )
        await tx.put_source(stored(ERP_7, {"name": "A"}), ["K|a"], joined)
        return values_of(await tx.candidates(EntityType.CUSTOMER, ["K|a"], 10, 10))

    async def second(tx: StoreTransaction) -> dict[str, str | None]:
        renamed = replace(stored(CRM_1, {"name": "A2"}, version=2), match_values="v2")
        await tx.put_source(renamed, ["K|a"])
        return values_of(await tx.candidates(EntityType.CUSTOMER, ["K|a"], 10, 10))

    # In one group of works (the Neo4j store holds a group's writes until its end).
    assert await store.write_each([first, second]) == [
        {"c-1": "v1", "e-7": None},
        {"c-1": "v2", "e-7": None},
    ]

    async def committed(tx: StoreTransaction) -> dict[str, str | None]:
        return values_of(await tx.candidates(EntityType.CUSTOMER, ["K|a"], 10, 10))

    assert await store.write(committed) == {"c-1": "v2", "e-7": None}


async def test_set_membership_moves_the_one_membership(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"name": "A"}), stored(ERP_7, {"name": "B"}))

    async def work(tx: StoreTransaction) -> tuple[list[StoredSource], list[StoredSource]]:
        await tx.create_golden("cus_b", EntityType.CUSTOMER, at(1))
        await tx.set_membership(ERP_7, Membership("cus_b", at(2), "steward", 0.5))
        return await tx.members("cus_a"), await tx.members("cus_b")

    in_a, in_b = await store.write(work)
    assert [m.key for m in in_a] == [CRM_1]
    assert [m.key for m in in_b] == [ERP_7]


async def test_put_source_with_membership_writes_both_at_once(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"name": "A"}))
    explanation = {"rule": "matching/customer.yaml#probabilistic", "score": 0.97}
    joined = Membership("cus_a", at(3), "matching/customer.yaml#probabilistic", 0.97, explanation)

    async def work(tx: StoreTransaction) -> object:
        await tx.put_source(stored(ERP_7, {"name": "A"}), ["K|a", "K|b"], joined)
        return await tx.get_source(ERP_7), await tx.members("cus_a")

    (source, membership), members = await store.write(work)  # type: ignore[misc]
    assert membership == joined

    async def found(tx: StoreTransaction) -> list[list[SourceKey]]:
        return [
            [c.key for c in await tx.candidates(EntityType.CUSTOMER, [key], 10, 10)]
            for key in ("K|a", "K|b")
        ]

    assert await store.write(found) == [[ERP_7], [ERP_7]]  # its keys were written too
    assert [m.key for m in members] == [CRM_1, ERP_7]
    assert source == stored(ERP_7, {"name": "A"})
    [resolved] = await store.resolve_many([ERP_7])
    assert resolved is not None
    assert resolved.golden_id == "cus_a"


async def test_set_membership_of_unknown_source_is_not_found(store: Store) -> None:
    await golden_with(store, "cus_a")

    async def work(tx: StoreTransaction) -> None:
        await tx.set_membership(CRM_1, Membership("cus_a", at(0), "test"))

    with pytest.raises(NotFound):
        await store.write(work)


async def test_update_golden_bumps_version_and_keeps_provenance(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"name": "Acme"}))
    value = AttributeValue("name", "Acme", "most_recent", CRM_1, 1, at(0))

    async def work(tx: StoreTransaction) -> tuple[int, int]:
        return (
            await tx.update_golden("cus_a", [value], at(3), "hash-1"),
            await tx.update_golden("cus_a", [value], at(4), "hash-2"),
        )

    assert await store.write(work) == (1, 2)
    view = await store.get_golden("cus_a")
    assert view is not None
    assert view.golden.attributes == (value,)
    assert view.golden.version == 2
    assert view.golden.rule_set_hash == "hash-2"
    assert view.golden.created_at == at(0)
    assert view.golden.updated_at == at(4)
    assert [m.key for m in view.members] == [CRM_1]


async def test_update_unknown_golden_is_not_found(store: Store) -> None:
    async def work(tx: StoreTransaction) -> int:
        return await tx.update_golden("cus_missing", [], at(0), "hash")

    with pytest.raises(NotFound):
        await store.write(work)


async def test_get_unknown_golden_is_none(store: Store) -> None:
    assert await store.get_golden("cus_missing") is None


async def test_resolve_many_in_input_order_with_crosswalk(store: Store) -> None:
    await golden_with(store, "cus_a", stored(ERP_7, {}), stored(CRM_1, {}))
    unknown = key("CRM", "nope")
    answers = await store.resolve_many([ERP_7, unknown, CRM_1])
    assert answers[1] is None
    for answer in (answers[0], answers[2]):
        assert answer is not None
        assert answer.golden_id == "cus_a"
        assert answer.entity_type is EntityType.CUSTOMER
        assert answer.crosswalk == (CRM_1, ERP_7)


async def test_resolve_many_does_not_confuse_entity_types(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {}))
    assert await store.resolve_many([key("CRM", "c-1", EntityType.PROJECT)]) == [None]


async def test_rejects_are_kept_newest_first(store: Store) -> None:
    older = RejectedRecord(at(1), {"sourceId": ""}, (Problem("sourceId", "empty"),), "corr-1")
    newer = RejectedRecord(at(2), {"x": [1, 2]}, (Problem("attributes.x", "unknown"),), None)
    await store.record_rejects([older])
    await store.record_rejects([newer])
    assert await store.list_rejects(10) == [newer, older]
    assert await store.list_rejects(1) == [newer]


async def test_open_again_keeps_data_and_schema(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {}))
    await store.open()
    answer = (await store.resolve_many([CRM_1]))[0]
    assert answer is not None
    assert answer.golden_id == "cus_a"


async def test_merge_golden_moves_members_and_redirects(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {"name": "A"}))
    await golden_with(store, "cus_b", stored(ERP_7, {"name": "B"}))

    async def work(tx: StoreTransaction) -> None:
        await tx.merge_golden("cus_b", "cus_a", at(9))

    await store.write(work)
    view = await store.get_golden("cus_b")
    assert view is not None
    assert view.golden.id == "cus_a"
    assert view.merged_from == "cus_b"
    assert [m.key for m in view.members] == [CRM_1, ERP_7]
    answer = (await store.resolve_many([ERP_7]))[0]
    assert answer is not None
    assert answer.golden_id == "cus_a"

    async def membership(tx: StoreTransaction) -> object:
        return await tx.get_source(ERP_7)

    _, moved = await store.write(membership)  # type: ignore[misc]
    assert (moved.golden_id, moved.decided_by, moved.since) == ("cus_a", "merge:cus_b", at(9))


async def test_merge_chains_resolve_to_the_last_survivor(store: Store) -> None:
    for golden_id, source_id in (("cus_a", "1"), ("cus_b", "2"), ("cus_c", "3")):
        await golden_with(store, golden_id, stored(key("CRM", source_id), {}))

    async def work(tx: StoreTransaction) -> None:
        await tx.merge_golden("cus_a", "cus_b", at(1))
        await tx.merge_golden("cus_b", "cus_c", at(2))

    await store.write(work)
    view = await store.get_golden("cus_a")
    assert view is not None
    assert (view.golden.id, view.merged_from, len(view.members)) == ("cus_c", "cus_a", 3)


async def test_merging_a_merged_golden_again_is_refused(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {}))
    await golden_with(store, "cus_b", stored(ERP_7, {}))

    async def twice(tx: StoreTransaction) -> None:
        await tx.merge_golden("cus_b", "cus_a", at(1))
        await tx.merge_golden("cus_b", "cus_a", at(2))

    with pytest.raises(NotFound):
        await store.write(twice)
    view = await store.get_golden("cus_b")
    assert view is not None
    assert view.golden.id == "cus_b"  # rolled back whole


async def test_not_a_match_memory_separates_goldens(store: Store) -> None:
    third = key("PSA", "p-3")
    await golden_with(store, "cus_a", stored(CRM_1, {}))
    await golden_with(store, "cus_b", stored(ERP_7, {}))
    await golden_with(store, "cus_c", stored(third, {}))

    async def work(tx: StoreTransaction) -> tuple[set[str], set[frozenset[str]]]:
        await tx.record_not_a_match(CRM_1, ERP_7, at(1))
        await tx.record_not_a_match(ERP_7, CRM_1, at(2))  # idempotent, either order
        return await tx.separations(CRM_1, ["cus_a", "cus_b", "cus_c"])

    blocked, separated = await store.write(work)
    assert blocked == {"cus_b"}
    assert separated == {frozenset({"cus_a", "cus_b"})}


async def test_match_candidates_round_trip_and_page(store: Store) -> None:
    await golden_with(store, "cus_a", stored(CRM_1, {}))
    await golden_with(store, "cus_b", stored(ERP_7, {}))
    explanation = {"rule": "matching/customer.yaml#probabilistic", "comparisons": []}
    made = [
        MatchCandidate(
            f"mc_{index}",
            ERP_7,
            "cus_b",
            CandidateStatus.OPEN,
            at(index),
            (ScoredGolden("cus_a", 0.8, explanation),),
        )
        for index in range(3)
    ]

    async def work(tx: StoreTransaction) -> None:
        for candidate in reversed(made):
            await tx.add_match_candidate(candidate)

    await store.write(work)
    assert await store.get_match_candidate("mc_1") == made[1]
    assert await store.get_match_candidate("mc_missing") is None
    first = await store.list_match_candidates(CandidateStatus.OPEN, EntityType.CUSTOMER, 2, None)
    assert [c.id for c in first] == ["mc_0", "mc_1"]
    rest = await store.list_match_candidates(None, None, 2, "mc_1")
    assert [c.id for c in rest] == ["mc_2"]
    assert await store.list_match_candidates(CandidateStatus.MATCHED, None, 5, None) == []
    assert await store.list_match_candidates(None, EntityType.PROJECT, 5, None) == []


def _creating(golden_id: str, refuse: bool = False, fail: bool = False) -> Work[str]:
    async def work(tx: StoreTransaction) -> str:
        await tx.create_golden(golden_id, EntityType.CUSTOMER, at(0))
        if refuse:
            raise RecordRejected(golden_id, [Problem("parent", "would loop")])
        if fail:
            raise RuntimeError("boom")
        return golden_id

    return work


async def _exists(store: Store, golden_ids: list[str]) -> list[bool]:
    return [view is not None for view in await store.get_goldens(golden_ids)]


async def test_write_each_undoes_only_the_refused_work(store: Store) -> None:
    results = await store.write_each(
        [_creating("cus_a"), _creating("cus_b", refuse=True), _creating("cus_c")]
    )
    assert results[0] == "cus_a"
    assert results[2] == "cus_c"
    assert isinstance(results[1], RecordRejected)
    assert await _exists(store, ["cus_a", "cus_b", "cus_c"]) == [True, False, True]


async def test_write_each_keeps_the_works_before_a_failure_and_raises(store: Store) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        await store.write_each(
            [_creating("cus_a"), _creating("cus_b", fail=True), _creating("cus_c")]
        )
    assert await _exists(store, ["cus_a", "cus_b", "cus_c"]) == [True, False, False]


async def test_write_each_answers_every_work_in_order_across_commit_groups(store: Store) -> None:
    # More works than the embedded store commits at once, with a refusal in the second group.
    ids = [f"cus_{n:03d}" for n in range(150)]
    works = [_creating(i, refuse=(n == 100)) for n, i in enumerate(ids)]
    results = await store.write_each(works)
    assert [r if isinstance(r, str) else None for r in results] == [
        None if n == 100 else i for n, i in enumerate(ids)
    ]
    assert await _exists(store, ids) == [n != 100 for n in range(150)]
