"""Upgrades of the data a store made by an earlier release holds, run at start after the
schema: properties that new writes set and that Cypher alone cannot derive from the old ones
(they are JSON text). Each runs once per database: a SchemaUpgrade node records it, so a
start does not scan every record again."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from mdm_hub.adapters.codecs.rejects import payload_system
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.search import SEARCHED_ATTRIBUTES, search_text

BATCH = 1000  # records a write transaction updates: bounded memory on any store size
INDEX_WAIT_SECONDS = 600


class Run(Protocol):
    def __call__(self, query: Query, **params: Any) -> Awaitable[list[dict[str, Any]]]: ...


async def upgrade_data(run: Run) -> None:
    for name, upgrade in UPGRADES.items():
        [row] = await run(Query.SCHEMA_UPGRADE_DONE, name=name)
        if not row["done"]:
            await upgrade(run)
            await run(Query.MARK_SCHEMA_UPGRADE, name=name, at=datetime.now(UTC))


async def _golden_search(run: Run) -> None:
    """Source records' searchText and pinned golden records' (golden_search indexes both)."""
    while rows := await run(Query.UNSEARCHED_SOURCES, batch=BATCH):
        texts = [
            {"id": r["id"], "searchText": search_text(json.loads(r["attributes"]))} for r in rows
        ]
        await run(Query.SET_SEARCH_TEXTS, rows=texts)
    after = ""
    while ids := [r["id"] for r in await run(Query.PINNED_GOLDEN_IDS, after=after, batch=BATCH)]:
        await run(Query.REFRESH_PIN_SEARCH, goldenIds=ids, searched=list(SEARCHED_ATTRIBUTES))
        after = ids[-1]
    await run(Query.AWAIT_GOLDEN_SEARCH, seconds=INDEX_WAIT_SECONDS)


async def _reject_system(run: Run) -> None:
    """Rejected records' system (the reject queue's filter), "" when the payload names none."""
    while rows := await run(Query.UNSYSTEMED_REJECTS, batch=BATCH):
        systems = [
            {"id": r["id"], "system": payload_system(json.loads(r["payload"]))} for r in rows
        ]
        await run(Query.SET_REJECT_SYSTEMS, rows=systems)


UPGRADES: dict[str, Callable[[Run], Awaitable[None]]] = {
    "golden_search": _golden_search,
    "rejected_record_system": _reject_system,
}
