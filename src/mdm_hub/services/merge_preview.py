"""What a merge would make, before a steward commits to it: the survivor's values recomputed
from every member of the golden records to merge, with the survivor's pins (a merge keeps the
survivor's pins only). Reads only; nothing is written or locked."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.domain.records import GoldenValues, GoldenView
from mdm_hub.errors import InvalidInput, NotFound, Problem
from mdm_hub.ports import Store
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.merges import MAX_MERGE
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.survivorship.rules import RuleSet


class MergePreviewService:
    def __init__(self, store: Store, rules: RuleSet, codes: CodeSets | None = None) -> None:
        self._store = store
        self._golden = GoldenRecomputer(rules, codes)

    async def preview(self, golden_ids: Sequence[str], survivor_id: str | None) -> GoldenValues:
        """The values `merge(golden_ids, survivor_id)` would give the survivor now."""
        if len(set(golden_ids)) != len(golden_ids) or not 2 <= len(golden_ids) <= MAX_MERGE:
            raise InvalidInput([Problem("goldenIds", f"give 2 to {MAX_MERGE} distinct IDs")])
        if survivor_id is not None and survivor_id not in golden_ids:
            raise InvalidInput([Problem("survivorId", "must be one of goldenIds")])
        views: list[GoldenView] = []
        for index, (golden_id, view) in enumerate(
            zip(golden_ids, await self._store.get_goldens(golden_ids), strict=True)
        ):
            if view is None:
                raise NotFound(f"golden record {golden_id} does not exist")
            if view.merged_from is not None:
                why = f"{golden_id} was merged into {view.golden.id}: name that one"
                raise InvalidInput([Problem(f"goldenIds[{index}]", why)])
            views.append(view)
        types = sorted({view.golden.entity_type for view in views})
        if len(types) > 1:
            raise InvalidInput(
                [Problem("goldenIds", f"cannot merge different entity types: {types}")]
            )
        survivor = (
            next(v for v in views if v.golden.id == survivor_id)
            if survivor_id is not None
            else min(views, key=lambda v: (v.golden.created_at, v.golden.id))
        )
        members = sorted(
            (member for view in views for member in view.members),
            key=lambda m: (m.key.system, m.key.source_id),
        )
        return self._golden.compute(types[0], members, survivor.override_history)
