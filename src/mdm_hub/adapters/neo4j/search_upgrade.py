"""Upgrade a store made before golden_search: give its source records their searchText and
its pinned golden records theirs (new writes set both). Once per database: a SchemaUpgrade
node records it, so a start does not scan every source record again."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, Protocol

from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.domain.search import SEARCHED_ATTRIBUTES, search_text

NAME = "golden_search"
BATCH = 1000  # records a write transaction updates: bounded memory on any store size
INDEX_WAIT_SECONDS = 600


class Run(Protocol):
    def __call__(self, query: Query, **params: Any) -> Awaitable[list[dict[str, Any]]]: ...


async def upgrade_search(run: Run) -> None:
    [row] = await run(Query.SCHEMA_UPGRADE_DONE, name=NAME)
    if row["done"]:
        return
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
    await run(Query.MARK_SCHEMA_UPGRADE, name=NAME, at=datetime.now(UTC))
