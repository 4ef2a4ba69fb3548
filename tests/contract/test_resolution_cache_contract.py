"""The process's resolve cache, on every store: it answers as the store answers after every
kind of crosswalk change (links, merges, unmerges, retirements, revivals), sees a write made in
its own process at once and one made elsewhere within its staleness bound, and reads the store
when a request carries bookmarks or the outbox cannot be read."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from mdm_hub.causality import causal_chain
from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.records import Resolution, SourceKey
from mdm_hub.ports import Store
from mdm_hub.services.resolution_cache import ResolutionCache
from mdm_hub.write_watch import WriteWatch
from tests.contract.test_merges_contract import ACME, ACME_UK, GLOBEX, key, merge, post, steward
from tests.contract.test_merges_contract import versions as expected_versions
from tests.support.services import ingest_service

WAIT_SECONDS = 60.0  # a bound on waiting for a busy machine, never an expected duration


class CountingStore:
    """The store, counting the resolutions asked of it; its outbox reads fail on demand."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.resolved = 0
        self.outbox_away = False
        # Run once after the next read and before it answers (a change committing meanwhile).
        self.after_read: Callable[[], Awaitable[None]] | None = None

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        self.resolved += len(keys)
        found = await self._store.resolve_many(keys)
        if self.after_read is not None:
            after_read, self.after_read = self.after_read, None
            await after_read()
        return found

    async def changes(self, after: int, limit: int, *filters: Any) -> list[ChangeEvent]:
        if self.outbox_away:
            raise ConnectionError("the outbox is away")
        return await self._store.changes(after, limit, *filters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def cached(
    store: Store,
    writes: WriteWatch | None = None,
    staleness: float = 30.0,
    capacity: int = 1000,
    clock: Callable[[], float] | None = None,
) -> tuple[ResolutionCache, CountingStore]:
    counting = CountingStore(store)
    extra = {"clock": clock} if clock is not None else {}
    cache = ResolutionCache(
        counting,  # type: ignore[arg-type]
        writes if writes is not None else store.writes,
        capacity,
        staleness,
        **extra,
    )
    return cache, counting


async def serving(cache: ResolutionCache) -> None:
    """Wait until the cache has caught up with the outbox (it follows it in the background)."""
    await cache.resolve_many([])
    waited = 0.0
    while not cache.serving():
        assert waited < WAIT_SECONDS, "the cache never caught up with the outbox"
        await asyncio.sleep(0.01)
        waited += 0.01


async def assert_as_the_store(
    cache: ResolutionCache, counting: CountingStore, keys: list[SourceKey]
) -> None:
    """Answered as the store answers, right after the change and once caught up; and once
    caught up, the found ones again without asking the store."""
    assert await cache.resolve_many(keys) == await counting.resolve_many(keys)
    await serving(cache)
    assert await cache.resolve_many(keys) == await counting.resolve_many(keys)
    asked = counting.resolved
    again = await cache.resolve_many(keys)
    unknown = sum(1 for answer in again if answer is None)
    assert counting.resolved - asked == unknown


ALL = [
    key("CRM", "c1"),
    key("CRM", "c2"),
    key("ERP", "e1"),
    key("ERP", "e2"),
    key("PSA", "g1"),
    key("CRM", "never-sent"),
]


async def test_the_cache_answers_as_the_store_through_every_crosswalk_change(
    store: Store,
) -> None:
    cache, counting = cached(store)
    try:
        a = await post(store, "CRM", "c1", **ACME)
        b = await post(store, "ERP", "e1", **ACME_UK)
        await post(store, "PSA", "g1", **GLOBEX)
        await assert_as_the_store(cache, counting, ALL)

        # A new member links: the cached crosswalk of c1 grows.
        assert await post(store, "CRM", "c2", **ACME) == a
        await assert_as_the_store(cache, counting, ALL)

        # A steward merge: e1's cached golden record is merged away.
        await merge(store, a, b)
        await assert_as_the_store(cache, counting, ALL)
        assert {r.golden_id for r in await cache.resolve_many(ALL[:3]) if r} == {a}

        # An unmerge moves e1 out again, to a golden record of its own.
        result = await steward(store).unmerge(
            a, [key("ERP", "e1")], None, await expected_versions(store, a), "wrong", "jane"
        )
        await assert_as_the_store(cache, counting, ALL)
        [e1] = await cache.resolve_many([key("ERP", "e1")])
        assert e1 is not None
        assert e1.golden_id == result.target.golden.id

        # Retired, then sent again (revived).
        service = ingest_service(store)
        await service.retire(key("PSA", "g1"), "closed", None)
        await assert_as_the_store(cache, counting, ALL)
        await post(store, "PSA", "g1", **GLOBEX)
        await assert_as_the_store(cache, counting, ALL)
    finally:
        await cache.close()


async def test_a_write_in_another_process_is_seen_within_the_staleness_bound(
    store: Store,
) -> None:
    staleness = 0.3
    # Its own watch: the writes below are not this cache's process's, as another process's.
    cache, _counting = cached(store, writes=WriteWatch(), staleness=staleness)
    try:
        a = await post(store, "CRM", "c1", **ACME)
        await serving(cache)
        [before] = await cache.resolve_many([key("CRM", "c1")])
        assert before is not None
        assert len(before.crosswalk) == 1

        assert await post(store, "ERP", "e1", **ACME) == a  # links on the tax ID
        await asyncio.sleep(staleness)
        [after] = await cache.resolve_many([key("CRM", "c1")])
        assert after == (await store.resolve_many([key("CRM", "c1")]))[0]
        assert after is not None
        assert len(after.crosswalk) == 2
        # An ID unknown a moment ago is never answered from the cache: seen at once.
        [unknown] = await cache.resolve_many([key("PSA", "p1")])
        await post(store, "PSA", "p1", **GLOBEX)
        [known] = await cache.resolve_many([key("PSA", "p1")])
        assert unknown is None
        assert known is not None
    finally:
        await cache.close()


async def test_a_read_that_a_change_overtook_is_not_kept(store: Store) -> None:
    watch = WriteWatch()  # the writes below are another process's
    cache, counting = cached(store, writes=watch)
    try:
        a = await post(store, "CRM", "c1", **ACME)
        await serving(cache)

        async def another_process_links_a_member() -> None:
            assert await post(store, "ERP", "e1", **ACME) == a
            with watch.writing():  # and the cache reads the outbox past it
                pass
            await serving(cache)

        counting.after_read = another_process_links_a_member
        [overtaken] = await cache.resolve_many([key("CRM", "c1")])
        assert overtaken is not None
        assert len(overtaken.crosswalk) == 1
        [now] = await cache.resolve_many([key("CRM", "c1")])
        assert now is not None
        assert len(now.crosswalk) == 2
    finally:
        await cache.close()


async def test_bookmarks_and_an_unreadable_outbox_send_resolves_to_the_store(
    store: Store,
) -> None:
    now = [0.0]
    cache, counting = cached(store, staleness=1.0, clock=lambda: now[0])
    try:
        with causal_chain() as chain:
            c1_golden = await post(store, "CRM", "c1", **ACME)
        # What the response to that write gave out (a store without replicas gives none and
        # ignores any).
        bookmarks = chain.bookmarks or {"FB:kcwQ"}
        await serving(cache)
        await cache.resolve_many([key("CRM", "c1")])
        asked = counting.resolved
        await cache.resolve_many([key("CRM", "c1")])
        assert counting.resolved == asked  # answered from the cache

        with causal_chain(bookmarks):  # a request that sent X-MDM-Bookmark
            await cache.resolve_many([key("CRM", "c1")])
        assert counting.resolved == asked + 1
        # A request that sent none, whose chain gained bookmarks of its own reads (its API
        # key read, say): answered from the cache.
        with causal_chain() as own:
            await store.resolve_many([key("CRM", "c1")])
            await store.get_golden(c1_golden)
            await cache.resolve_many([key("CRM", "c1")])
        assert counting.resolved == asked + 1, own.bookmarks

        counting.outbox_away = True
        now[0] += 1.5  # past the bound since the last read of the outbox that worked
        await cache.resolve_many([key("CRM", "c1")])
        assert counting.resolved == asked + 2
        counting.outbox_away = False
        await serving(cache)
        await cache.resolve_many([key("CRM", "c1")])
        assert counting.resolved == asked + 2
    finally:
        await cache.close()


async def test_the_least_recently_used_entries_go_first(store: Store) -> None:
    cache, counting = cached(store, capacity=2)
    try:
        for source_id, attributes in (("c1", ACME), ("e1", ACME_UK), ("g1", GLOBEX)):
            await post(store, "CRM", source_id, **attributes)
        await serving(cache)
        c1, e1, g1 = key("CRM", "c1"), key("CRM", "e1"), key("CRM", "g1")
        await cache.resolve_many([c1])
        await cache.resolve_many([e1])
        await cache.resolve_many([c1])  # c1 used last: e1 is the one to go
        await cache.resolve_many([g1])
        assert len(cache) == 2
        asked = counting.resolved
        await cache.resolve_many([c1, g1])
        assert counting.resolved == asked
        await cache.resolve_many([e1])
        assert counting.resolved == asked + 1
    finally:
        await cache.close()
