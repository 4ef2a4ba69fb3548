"""The rows of each exported table, read from the store page by page.

Incremental exports (`since`) take the golden records whose version moved since a time, or
that a change event after a feed cursor names, and their crosswalk and relationships; open
match candidates are always exported whole (the stewards' queue as it stands)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus, GoldenView, SourceKey
from mdm_hub.domain.relationships import Direction
from mdm_hub.ports import Store

PAGE = 500
Row = dict[str, Any]


@dataclass
class Tables:
    """Every table's rows, by table name (golden_<entity type>, crosswalk, relationships,
    match_candidates)."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)


def golden_row(view: GoldenView) -> Row:
    golden = view.golden
    row: Row = {
        "golden_id": golden.id,
        "version": golden.version,
        "status": str(golden.status),
        "created_at": golden.created_at.isoformat(),
        "updated_at": golden.updated_at.isoformat(),
    }
    for value in golden.attributes:
        row[value.name] = value.value
    return row


async def _changed_views(
    store: Store, entity_type: EntityType, since_position: int
) -> AsyncIterator[GoldenView]:
    """The golden records of one type named by change events after a feed position, as
    they stand now (a merged-away ID reads as its survivor, once)."""
    after, seen = since_position, set[str]()
    while events := await store.changes(after, PAGE, [entity_type]):
        after = events[-1].position
        ids = sorted({e.golden_id for e in events} - seen)
        for view in await store.get_goldens(ids):
            if view is not None and view.golden.id not in seen:
                seen.add(view.golden.id)
                yield view
        seen.update(ids)


async def _all_views(
    store: Store, entity_type: EntityType, updated_since: datetime | None
) -> AsyncIterator[GoldenView]:
    after: str | None = None
    while True:
        page = await store.list_goldens(entity_type, PAGE, after, updated_since)
        for _, view in page.items:
            yield view
        if not page.has_next or not page.items:
            return
        after = page.items[-1][0]


async def collect(
    store: Store,
    since_time: datetime | None = None,
    since_position: int | None = None,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> Tables:
    tables = Tables()
    for entity_type in EntityType:
        views = (
            _changed_views(store, entity_type, since_position)
            if since_position is not None
            else _all_views(store, entity_type, since_time)
        )
        batch: list[GoldenView] = []
        async for view in views:
            batch.append(view)
            if len(batch) == PAGE:
                await _add_goldens(store, tables, entity_type, batch)
                progress(f"golden_{entity_type.lower()}", len(batch))
                batch = []
        await _add_goldens(store, tables, entity_type, batch)
        progress(f"golden_{entity_type.lower()}", len(batch))
    await _add_candidates(store, tables)
    return tables


async def _add_goldens(
    store: Store, tables: Tables, entity_type: EntityType, views: Sequence[GoldenView]
) -> None:
    if not views:
        return
    for view in views:
        tables.add(f"golden_{entity_type.lower()}", golden_row(view))
        members: list[tuple[SourceKey, datetime | None]] = [(m.key, None) for m in view.members]
        members += [(r.source.key, r.retirement.recorded_at) for r in view.retired]
        for key, retired_at in members:
            tables.add(
                "crosswalk",
                {
                    "golden_id": view.golden.id,
                    "entity_type": str(entity_type),
                    "system": key.system,
                    "source_id": key.source_id,
                    "retired_at": retired_at.isoformat() if retired_at else None,
                },
            )
    edges = await store.relationships([v.golden.id for v in views], None, Direction.OUT)
    for edge in edges:
        tables.add(
            "relationships",
            {"from_id": edge.from_id, "type": str(edge.type), "to_id": edge.to_id},
        )


async def _add_candidates(store: Store, tables: Tables) -> None:
    after: str | None = None
    while found := await store.list_match_candidates(CandidateStatus.OPEN, None, PAGE, after):
        for candidate in found:
            tables.add(
                "match_candidates",
                {
                    "candidate_id": candidate.id,
                    "entity_type": str(candidate.source.entity_type),
                    "system": candidate.source.system,
                    "source_id": candidate.source.source_id,
                    "golden_id": candidate.golden_id,
                    "created_at": candidate.created_at.isoformat(),
                    "candidates": [
                        {"goldenId": c.golden_id, "score": c.score} for c in candidate.candidates
                    ],
                },
            )
        after = found[-1].id
