"""Per-request DataLoaders over the store's batch reads.

Resolvers ask for one golden record's neighbours; the loaders gather every such ask made while
a GraphQL level resolves and answer them with one store call per kind of ask (type, direction,
depth), so a page of 100 projects with their customers costs the same few calls as a page of 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader

from mdm_hub.api.auth.scopes import may_see
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.relationships import (
    Direction,
    HierarchyStep,
    Relationship,
    RelationshipType,
)
from mdm_hub.ports import Store


@dataclass(frozen=True)
class EdgesOf:
    golden_id: str
    relationship: RelationshipType | None
    direction: Direction


@dataclass(frozen=True)
class WalkFrom:
    golden_id: str
    relationship: RelationshipType
    direction: Direction
    max_depth: int


class _Ask(Protocol):
    @property
    def golden_id(self) -> str: ...


AskT = TypeVar("AskT", bound=_Ask)
KindT = TypeVar("KindT", bound=Hashable)


def _grouped(asks: Sequence[AskT], kind: Callable[[AskT], KindT]) -> dict[KindT, list[str]]:
    """Golden IDs per kind of ask: one store call answers each kind."""
    groups: dict[KindT, list[str]] = defaultdict(list)
    for ask in asks:
        groups[kind(ask)].append(ask.golden_id)
    return groups


def _anchor(edge: Relationship, direction: Direction) -> str:
    return edge.from_id if direction is Direction.OUT else edge.to_id


class Loaders:
    def __init__(
        self, store: Store, systems: Callable[[], frozenset[str] | None] = lambda: None
    ) -> None:
        """`systems`: those the caller's key is limited to (None: any), asked when a read
        runs (a WebSocket's caller is known only after it connects)."""
        self._store = store
        self._systems = systems
        self.goldens = DataLoader[str, GoldenView | None](load_fn=self._goldens)
        self.edges = DataLoader[EdgesOf, list[Relationship]](load_fn=self._edges)
        self.walks = DataLoader[WalkFrom, list[HierarchyStep]](load_fn=self._walks)

    async def _goldens(self, golden_ids: Sequence[str]) -> list[GoldenView | None]:
        # A neighbour a system-limited key may not see reads as absent, so no relationship
        # field leads it to a golden record `goldenRecords` would not list.
        systems = self._systems()
        views = await self._store.get_goldens(golden_ids)
        return [view if view is None or may_see(systems, view) else None for view in views]

    async def _edges(self, asks: Sequence[EdgesOf]) -> list[list[Relationship]]:
        found: dict[EdgesOf, list[Relationship]] = defaultdict(list)
        for (relationship, direction), ids in _grouped(
            asks, lambda ask: (ask.relationship, ask.direction)
        ).items():
            for edge in await self._store.relationships(ids, relationship, direction):
                found[EdgesOf(_anchor(edge, direction), relationship, direction)].append(edge)
        return [found[ask] for ask in asks]

    async def _walks(self, asks: Sequence[WalkFrom]) -> list[list[HierarchyStep]]:
        found: dict[WalkFrom, list[HierarchyStep]] = defaultdict(list)
        for (relationship, direction, depth), ids in _grouped(
            asks, lambda ask: (ask.relationship, ask.direction, ask.max_depth)
        ).items():
            for step in await self._store.walk(ids, relationship, direction, depth):
                found[WalkFrom(step.anchor_id, relationship, direction, depth)].append(step)
        return [found[ask] for ask in asks]
