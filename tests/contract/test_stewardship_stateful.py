"""A hypothesis state machine of upsert, merge, unmerge and resolve against a simple model of
the crosswalk, on each store: after every step each source record resolves to the golden
record the model says, with the model's crosswalk, and unmerge(merge(a, b)) restores both
golden records exactly (values with provenance, crosswalk, overrides).

Hypothesis drives the rules synchronously; each machine runs its store on its own event loop
(a fresh Neo4j driver on that loop too), so the session loop is never re-entered."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import GoldenView, SourceKey, UpsertOutcome
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.merges import MergeService
from mdm_hub.services.versions import ExpectedVersion
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.wiring import shipped_rules
from tests.support.paths import SHIPPED
from tests.support.services import ingest_service

T = TypeVar("T")
RULES = shipped_rules().for_type(EntityType.CUSTOMER)
CITIES = st.sampled_from(["Berlin", "Paris", "Leeds", "Oslo"])
SETTINGS = settings(
    max_examples=15,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class Crosswalk(RuleBasedStateMachine):
    """The model: which source records share a golden record (by its live ID), each record's
    attributes, the order golden records were created in, and every golden ID handed out."""

    kind = "embedded"
    endpoint: Neo4jEndpoint | None = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.store = self.run(self._open())
        self.ingest = ingest_service(self.store)
        self.steward = MergeService(self.store, shipped_rules())
        self.run_id = secrets.token_hex(4)  # isolates this run's records on a shared Neo4j
        self.numbers = itertools.count()
        self.attributes: dict[SourceKey, dict[str, Any]] = {}
        self.golden_of: dict[SourceKey, str] = {}
        self.created: list[str] = []  # live and merged-away golden IDs, oldest first
        self.redirect: dict[str, str] = {}  # every golden ID ever seen -> its live golden ID

    def run(self, work: Awaitable[T]) -> T:
        return self.loop.run_until_complete(work)

    async def _open(self) -> Store:
        if self.kind == "embedded":
            store: Store = EmbeddedStore(":memory:")
        else:
            assert self.endpoint is not None
            store = Neo4jStore(
                self.endpoint.uri,
                self.endpoint.user,
                self.endpoint.password,
                SHIPPED / "cypher",
            )
        await store.open()
        return store

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()

    # The model's view.

    def live(self) -> list[str]:
        return sorted(set(self.golden_of.values()), key=self.created.index)

    def members(self, golden_id: str) -> list[SourceKey]:
        return sorted(k for k, g in self.golden_of.items() if g == golden_id)

    def view(self, golden_id: str) -> GoldenView:
        found = self.run(self.store.get_golden(golden_id))
        assert found is not None
        return found

    def version(self, golden_id: str) -> ExpectedVersion:
        return ExpectedVersion(golden_id, self.view(golden_id).golden.version)

    # Rules.

    @rule(city=CITIES)
    def upsert_new(self, city: str) -> None:
        number = next(self.numbers)
        key = SourceKey("CRM", EntityType.CUSTOMER, f"{self.run_id}-{number}")
        attributes = {
            "name": f"Firm {self.run_id} {number}",
            "tax_id": f"T{number}{self.run_id}",
            "city": city,
        }
        result = self.run(
            self.ingest.upsert(RawRecord(key.system, "CUSTOMER", key.source_id, attributes))
        )
        assert result.outcome is UpsertOutcome.CREATED
        self.attributes[key] = attributes
        self.golden_of[key] = result.golden_id
        self.created.append(result.golden_id)
        self.redirect[result.golden_id] = result.golden_id

    @precondition(lambda self: bool(self.attributes))
    @rule(data=st.data(), city=CITIES)
    def upsert_update(self, data: st.DataObject, city: str) -> None:
        key = data.draw(st.sampled_from(sorted(self.attributes)))
        attributes = {**self.attributes[key], "city": city}
        result = self.run(
            self.ingest.upsert(RawRecord(key.system, "CUSTOMER", key.source_id, attributes))
        )
        assert result.golden_id == self.golden_of[key]
        self.attributes[key] = attributes

    def _merge(self, a: str, b: str) -> str:
        merged = self.run(
            self.steward.merge(
                [a, b],
                None,
                [self.version(a), self.version(b)],
                "model says so",
                "bot",
                override_not_a_match=True,
            )
        )
        survivor = min(a, b, key=self.created.index)  # the oldest survives
        assert merged.golden.id == survivor
        loser = b if survivor == a else a
        for key in self.members(loser):
            self.golden_of[key] = survivor
        for asked, live in self.redirect.items():
            if live == loser:
                self.redirect[asked] = survivor
        return loser

    @precondition(lambda self: len(set(self.golden_of.values())) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        a, b = data.draw(
            st.lists(st.sampled_from(self.live()), min_size=2, max_size=2, unique=True)
        )
        self._merge(a, b)

    @precondition(lambda self: len(set(self.golden_of.values())) >= 2)
    @rule(data=st.data())
    def merge_then_unmerge_restores_both(self, data: st.DataObject) -> None:
        a, b = data.draw(
            st.lists(st.sampled_from(self.live()), min_size=2, max_size=2, unique=True)
        )
        before = {g: snapshot(self.view(g)) for g in (a, b)}
        redirects = dict(self.redirect)
        loser = self._merge(a, b)
        survivor = self.golden_of[self.members(a if loser == b else b)[0]]
        moved = [k for k in self.members(survivor) if k in before[loser][2]]
        self.run(
            self.steward.unmerge(survivor, moved, loser, [self.version(survivor)], "undo", "bot")
        )
        for key in moved:
            self.golden_of[key] = loser
        self.redirect = redirects  # IDs merged into the loser earlier answer as it again
        assert {g: snapshot(self.view(g)) for g in (a, b)} == before

    @precondition(lambda self: any(len(self.members(g)) > 1 for g in self.live()))
    @rule(data=st.data())
    def unmerge_to_a_new_golden(self, data: st.DataObject) -> None:
        golden_id = data.draw(st.sampled_from([g for g in self.live() if len(self.members(g)) > 1]))
        members = self.members(golden_id)
        moved = data.draw(
            st.lists(st.sampled_from(members), min_size=1, max_size=len(members) - 1, unique=True)
        )
        result = self.run(
            self.steward.unmerge(golden_id, moved, None, [self.version(golden_id)], "split", "bot")
        )
        target = result.target.golden.id
        self.created.append(target)
        self.redirect[target] = target
        for key in moved:
            self.golden_of[key] = target

    # What must hold after every step.

    @invariant()
    def resolve_agrees_with_the_model(self) -> None:
        keys = sorted(self.golden_of)
        for key, answer in zip(keys, self.run(self.store.resolve_many(keys)), strict=True):
            assert answer is not None
            assert answer.golden_id == self.golden_of[key]
            assert sorted(answer.crosswalk) == self.members(answer.golden_id)

    @invariant()
    def every_golden_id_resolves_to_its_live_golden(self) -> None:
        for asked, live in self.redirect.items():
            found = self.view(asked)
            assert found.golden.id == live
            assert found.merged_from == (None if asked == live else asked)
            assert [m.attributes for m in found.members] == [
                self.attributes[k] for k in self.members(live)
            ]
            # Survivorship was recomputed from exactly these members.
            assert found.golden.attributes == compute_golden_attributes(found.members, RULES, {})


def snapshot(view: GoldenView) -> tuple[Any, ...]:
    return (
        view.golden.id,
        view.golden.attributes,
        tuple(m.key for m in view.members),
        tuple(view.members),
        view.override_history,
    )


def test_crosswalk_model_on_the_embedded_store() -> None:
    run(Crosswalk, "embedded", None)


@pytest.mark.neo4j
def test_crosswalk_model_on_neo4j(neo4j_endpoint: Neo4jEndpoint) -> None:
    run(Crosswalk, "neo4j", neo4j_endpoint)


def run(machine: type[Crosswalk], kind: str, endpoint: Neo4jEndpoint | None) -> None:
    class OnStore(machine):  # type: ignore[valid-type,misc]
        pass

    OnStore.kind = kind
    OnStore.endpoint = endpoint
    run_state_machine_as_test(OnStore, settings=SETTINGS)
