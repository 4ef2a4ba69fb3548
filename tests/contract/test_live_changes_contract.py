"""Live followers of the outbox (what GraphQL subscriptions run on), on every store: each hears
every change that commits after its start, and idle followers cost the store one query per
poll between them, not one each."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from mdm_hub.services.live_changes import LiveChanges
from tests.support.services import ingest_service

POLL_SECONDS = 0.05
FOLLOWERS = 8
IDLE_POLLS = 10
WAIT_SECONDS = 60.0  # a bound on waiting for a busy machine, never an expected duration


class CountingFeed:
    """The store's change feed, counting what followers ask of it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = 0
        self.heads = 0

    async def changes(
        self,
        after: int,
        limit: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
    ) -> list[ChangeEvent]:
        self.reads += 1
        return await self._store.changes(after, limit, entity_types, systems)

    async def last_change_position(self) -> int:
        self.heads += 1
        return await self._store.last_change_position()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


async def _first_event(live: LiveChanges, after: int) -> ChangeEvent:
    async for event in live.follow(after):
        return event
    raise AssertionError("the feed ended")


async def test_idle_followers_share_one_poll_and_each_hears_the_next_change(
    store: Store,
) -> None:
    feed = CountingFeed(store)
    live = LiveChanges(feed, POLL_SECONDS)  # type: ignore[arg-type]
    start = await live.start(None)
    followers = [asyncio.ensure_future(_first_event(live, start)) for _ in range(FOLLOWERS)]
    waited = 0.0
    while feed.heads < IDLE_POLLS and waited < WAIT_SECONDS:  # the followers wait a while
        await asyncio.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
    idle_reads, idle_heads = feed.reads, feed.heads

    await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "c1", {"name": "Acme Inc"}))
    live.committed()
    heard = await asyncio.wait_for(asyncio.gather(*followers), WAIT_SECONDS)

    assert {(e.kind, e.source.source_id if e.source else None) for e in heard} == {
        ("golden.created", "c1")
    }
    # Each follower read the outbox on joining and once when the watcher first read its end;
    # after that, polls read only the end, once for all of them.
    assert idle_reads <= 2 * FOLLOWERS
    assert idle_heads < 2 * IDLE_POLLS


async def test_a_follower_from_a_cursor_hears_what_committed_before_and_after_it(
    store: Store,
) -> None:
    ingest = ingest_service(store)
    live = LiveChanges(store, POLL_SECONDS)
    start = await live.start(None)
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "before", {"name": "Initech"}))
    heard: list[ChangeEvent] = []

    async def follow() -> None:
        async for event in live.follow(start, [EntityType.CUSTOMER]):
            heard.append(event)
            if event.source is not None and event.source.source_id == "after":
                return

    following = asyncio.ensure_future(follow())
    await ingest.upsert(RawRecord("CRM", "CUSTOMER", "after", {"name": "Globex"}))
    # Not told: the watcher's poll finds it.
    await asyncio.wait_for(following, WAIT_SECONDS)
    # Each new record's events (golden.created, member.linked), in commit order.
    sources = [e.source.source_id for e in heard if e.source]
    assert list(dict.fromkeys(sources)) == ["before", "after"]
