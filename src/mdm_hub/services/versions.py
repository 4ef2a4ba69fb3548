"""Optimistic concurrency for steward actions: the caller names the version of every golden
record it read, and the action goes ahead only if each is still at that version when it holds
the record's lock, inside the transaction that changes it (so the check is race-free)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mdm_hub.domain.records import GoldenView
from mdm_hub.errors import InvalidInput, NotFound, Problem, VersionConflict
from mdm_hub.ports import StoreTransaction

FIELD = "expectedVersions"


@dataclass(frozen=True)
class ExpectedVersion:
    golden_id: str
    version: int


class ExpectedVersions:
    """The versions a caller read, by golden ID."""

    def __init__(self, expected: Sequence[ExpectedVersion]) -> None:
        self._by_id: dict[str, int] = {}
        for index, item in enumerate(expected):
            if item.golden_id in self._by_id:
                raise InvalidInput(
                    [Problem(f"{FIELD}[{index}]", f"{item.golden_id} is named twice")]
                )
            if item.version < 0:
                raise InvalidInput([Problem(f"{FIELD}[{index}].version", "must be 0 or more")])
            self._by_id[item.golden_id] = item.version

    @classmethod
    def of_one(cls, golden_id: str, version: int, field: str) -> ExpectedVersions:
        """The version of the one golden record an action changes, given as `field`."""
        if version < 0:
            raise InvalidInput([Problem(field, "must be 0 or more")])
        return cls([ExpectedVersion(golden_id, version)])

    def require(self, golden_ids: Iterable[str]) -> None:
        """Every golden record the action touches must come with the version the caller read."""
        missing = [golden_id for golden_id in golden_ids if golden_id not in self._by_id]
        if missing:
            raise InvalidInput(
                [Problem(FIELD, f"give the version you read of {', '.join(missing)}")]
            )

    def check(self, golden_id: str, view: GoldenView) -> None:
        """`view` is what `golden_id` stands for now, read under its lock. An ID merged away
        since the caller read it conflicts too: it now stands for its survivor."""
        expected = self._by_id.get(golden_id)
        if expected is None:
            return
        if view.merged_from is not None:
            raise VersionConflict(golden_id, expected, view.golden.version, view.golden.id)
        if view.golden.version != expected:
            raise VersionConflict(golden_id, expected, view.golden.version)

    async def lock(self, tx: StoreTransaction, golden_ids: Iterable[str]) -> dict[str, GoldenView]:
        """Lock each golden record (in ID order, so two actions never wait on each other in a
        circle), check its version and return what each ID stands for now."""
        views: dict[str, GoldenView] = {}
        for golden_id in sorted(set(golden_ids)):
            view = await tx.golden_for_update(golden_id)
            if view is None:
                raise NotFound(f"golden record {golden_id} does not exist")
            self.check(golden_id, view)
            views[golden_id] = view
        return views
