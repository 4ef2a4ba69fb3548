"""Resolutions kept in the process, so that resolving an ID the hub answered a moment ago costs
no store round trip (on Neo4j the round trip is most of a resolve's cost).

What is kept stays right by following the outbox: every change to a crosswalk is a change
event naming its golden records (a link, a merge, an unmerge, a retirement, a revival), and an
entry is dropped when an event names its golden record or its source key. How fresh an answer
from the cache is:

- after a write this process made, no entry is served until the outbox has been read past it
  (a write that returned is always seen by the next resolve in the same process);
- a write made by another process (`serve --workers`, another replica, `mdm-hub load`) is seen
  within `staleness_seconds`: the outbox is read five times in that, and entries are served
  only while the last read began less than `staleness_seconds` ago (the store away means no
  entries served, not old ones);
- a request that sends X-MDM-Bookmark (an integration reading what it wrote through another
  replica) reads the store, as a read on a cluster's secondary would wait for the bookmark.

Only found resolutions are kept: an unknown ID is asked of the store every time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from typing import Protocol

import structlog

from mdm_hub.causality import current_chain
from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.records import Resolution, SourceKey
from mdm_hub.observability.metrics import RESOLVE_CACHE
from mdm_hub.ports import ChangeFeed, GoldenReads
from mdm_hub.services.outages import OutageLog
from mdm_hub.write_watch import WriteWatch

# The outbox is read this many times per staleness bound: one slow read (a store's pause, a
# busy event loop) then leaves the entries served, not bypassed until the next read.
POLLS_PER_BOUND = 5
# Events read per outbox read; more than this waiting reads again at once.
BATCH = 500
# Not caught up for this long (the store away): the entries are dropped, not checked event by
# event, since the outbox may have been pruned meanwhile.
FORGET_AFTER_SECONDS = 60.0
# Golden IDs an event's body names besides its own: a merge's losers, a move's two ends.
_NAMED_GOLDENS = ("mergedIds", "fromGoldenId", "toGoldenId", "targetId", "survivorId")

log = structlog.stdlib.get_logger("mdm_hub.resolution_cache")

_HIT = RESOLVE_CACHE.labels("hit")
_MISS = RESOLVE_CACHE.labels("miss")
_BYPASS = RESOLVE_CACHE.labels("bypass")


class ResolutionStore(GoldenReads, ChangeFeed, Protocol):
    """What the cache reads: resolutions, and the outbox that says when they change."""


class ResolutionCache:
    def __init__(
        self,
        store: ResolutionStore,
        writes: WriteWatch,
        capacity: int,
        staleness_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or staleness_seconds <= 0:
            raise ValueError("a resolution cache needs room for an entry and a staleness bound")
        self._store = store
        self._writes = writes
        self._capacity = capacity
        self._staleness = staleness_seconds
        self._clock = clock
        # Least recently used first.
        self._entries: dict[SourceKey, Resolution] = {}
        self._by_golden: dict[str, set[SourceKey]] = {}
        # Moved whenever entries may have gone stale: a read begun before it is not kept.
        self._generation = 0
        # The outbox position read up to (None: not read yet).
        self._position: int | None = None
        # This process's writes ended, and the clock, when the last outbox read began that
        # succeeded.
        self._synced_writes = -1
        self._synced_at = -math.inf
        self._wake = asyncio.Event()
        self._follower: asyncio.Task[None] | None = None
        writes.listen(self._woken)

    def __len__(self) -> int:
        return len(self._entries)

    def serving(self) -> bool:
        """Whether a resolve now may be answered from the entries (outside any request that
        sent bookmarks)."""
        return self._synced_writes == self._writes.ended and (
            self._clock() - self._synced_at <= self._staleness
        )

    async def resolve_many(self, keys: Sequence[SourceKey]) -> list[Resolution | None]:
        """As the store answers, from the entries where they may be served."""
        self._follow()
        if not self._servable():
            _BYPASS.inc(len(keys))
            return await self._store.resolve_many(keys)
        answers = [self._hit(key) for key in keys]
        missing = [i for i, answer in enumerate(answers) if answer is None]
        _HIT.inc(len(keys) - len(missing))
        if not missing:
            return answers
        _MISS.inc(len(missing))
        generation = self._generation
        found = await self._store.resolve_many([keys[i] for i in missing])
        keep = generation == self._generation
        for i, resolution in zip(missing, found, strict=True):
            answers[i] = resolution
            if keep and resolution is not None:
                self._put(keys[i], resolution)
        return answers

    async def close(self) -> None:
        self._writes.unlisten(self._woken)
        if self._follower is not None:
            self._follower.cancel()
            with suppress(asyncio.CancelledError):
                await self._follower
            self._follower = None

    def _servable(self) -> bool:
        chain = current_chain()
        if chain is not None and chain.started_at:
            # The caller sent bookmarks: it asks to read at or after them, the store's part.
            # (Bookmarks the chain gained since, from its own reads and writes, ask nothing
            # the write watch does not answer.)
            return False
        return self.serving()

    def _hit(self, key: SourceKey) -> Resolution | None:
        resolution = self._entries.pop(key, None)
        if resolution is not None:
            self._entries[key] = resolution  # most recently used now
        return resolution

    def _put(self, key: SourceKey, resolution: Resolution) -> None:
        self._drop(key)
        if len(self._entries) >= self._capacity:
            self._drop(next(iter(self._entries)))
        self._entries[key] = resolution
        self._by_golden.setdefault(resolution.golden_id, set()).add(key)

    def _drop(self, key: SourceKey) -> None:
        resolution = self._entries.pop(key, None)
        if resolution is None:
            return
        keys = self._by_golden.get(resolution.golden_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_golden[resolution.golden_id]

    def _forget(self, events: Iterable[ChangeEvent]) -> None:
        for event in events:
            if event.source is not None:
                self._drop(event.source)
            for golden_id in _goldens_named(event):
                for key in list(self._by_golden.get(golden_id, ())):
                    self._drop(key)
        self._generation += 1

    def _clear(self) -> None:
        self._entries.clear()
        self._by_golden.clear()
        self._generation += 1

    def _woken(self) -> None:
        self._wake.set()

    def _follow(self) -> None:
        """Start following the outbox, on the running loop, if nothing follows it there."""
        loop = asyncio.get_running_loop()
        follower = self._follower
        if follower is not None and not follower.done() and follower.get_loop() is loop:
            return
        self._wake = asyncio.Event()  # an event serves the loop it was first awaited on
        self._synced_writes = -1  # nothing served until this follower has read the outbox
        self._follower = loop.create_task(self._following(), name="mdm-hub-resolution-cache")

    async def _following(self) -> None:
        outage = OutageLog(log, "reading the outbox for the resolve cache")
        while True:
            self._wake.clear()
            writes, started = self._writes.ended, self._clock()
            try:
                await self._catch_up(started)
            except Exception:  # the store may be away for a while: nothing served meanwhile
                outage.failed()
            else:
                outage.worked()
                self._synced_writes, self._synced_at = writes, started
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._staleness / POLLS_PER_BOUND)

    async def _catch_up(self, started: float) -> None:
        if self._position is None or started - self._synced_at > FORGET_AFTER_SECONDS:
            # Read first, cleared after: a resolution read before the head is not kept.
            self._position = await self._store.last_change_position()
            self._clear()
            return
        while True:
            events = await self._store.changes(self._position, BATCH)
            if events:
                self._forget(events)
                self._position = events[-1].position
            if len(events) < BATCH:
                return


def _goldens_named(event: ChangeEvent) -> set[str]:
    named = {event.golden_id}
    body = event.change if isinstance(event.change, dict) else {}
    for field in _NAMED_GOLDENS:
        value = body.get(field)
        if isinstance(value, str):
            named.add(value)
        elif isinstance(value, list):
            named.update(item for item in value if isinstance(item, str))
    return named
