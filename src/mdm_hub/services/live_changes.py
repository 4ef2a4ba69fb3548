"""Change events as they commit, for live consumers (GraphQL subscriptions).

The outbox is the source of truth: a follower reads it from its position on, so it misses
nothing between a cursor and now, and hears of changes any process commits (`serve --workers`,
the CLI, a dispatcher) within `poll_seconds`. A change committed through this process wakes its
followers at once (`committed`, called after the operation returned, so after its transaction
committed); nothing is published from inside a transaction.

While nothing happens the store is asked one thing per `poll_seconds` however many follow:
where the outbox ends (one watcher per process, running while anyone follows). A follower
reads the outbox itself only when that end has moved past what it last read, so a thousand
idle subscribers cost one query a second, not a thousand.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import suppress

import structlog

from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ports import ChangeFeed
from mdm_hub.services.change_feed import position_of
from mdm_hub.services.outages import OutageLog

DEFAULT_POLL_SECONDS = 1.0
# Events read per round trip; a follower behind by more reads again at once.
BATCH = 100

log = structlog.stdlib.get_logger("mdm_hub.live_changes")


class LiveChanges:
    def __init__(self, feed: ChangeFeed, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self._feed = feed
        self._poll_seconds = poll_seconds
        # The outbox's last position as the watcher last read it (None: not read yet).
        self._head: int | None = None
        # Set (and replaced) each time the watcher sees the head move.
        self._moved = asyncio.Event()
        # Set by `committed`: the watcher looks now rather than at its next poll.
        self._look = asyncio.Event()
        self._followers = 0
        self._watcher: asyncio.Task[None] | None = None

    def committed(self) -> None:
        """Something may have committed in this process: followers look now."""
        self._look.set()

    async def start(self, after: str | None) -> int:
        """Where to follow from: after the cursor `after` (InvalidInput if it is none), else
        after the latest event (only what commits from now on)."""
        if after:
            return position_of(after)
        return await self._feed.last_change_position()

    async def follow(
        self,
        after: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
    ) -> AsyncIterator[ChangeEvent]:
        """Every event after position `after`, in position order, as they commit (filtered as
        the pull feed filters); ends only when the consumer stops."""
        position = after
        types = list(entity_types) if entity_types is not None else None
        self._join()
        try:
            while True:
                # Taken before reading: a head that moves during the read still wakes the
                # wait below; an event at or before `read_up_to` is in this read or earlier.
                moved, read_up_to = self._moved, self._head
                events = await self._feed.changes(position, BATCH, types, systems)
                for event in events:
                    position = event.position
                    yield event
                if len(events) == BATCH:
                    continue  # behind: read on at once
                while self._head is None or self._head == read_up_to:
                    await moved.wait()
                    moved = self._moved
        finally:
            self._leave()

    def _join(self) -> None:
        self._followers += 1
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(
                self._watch(), name="mdm-hub-live-changes"
            )

    def _leave(self) -> None:
        self._followers -= 1
        if self._followers == 0 and self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None

    async def _watch(self) -> None:
        """Read where the outbox ends, each poll or when told something committed, and wake
        the followers when it moved."""
        outage = OutageLog(log, "reading the outbox's end")
        while True:
            self._look.clear()
            try:
                head = await self._feed.last_change_position()
            except Exception:  # the store may be away for a while: try again next poll
                outage.failed()
            else:
                outage.worked()
                if head != self._head:
                    self._head = head
                    moved, self._moved = self._moved, asyncio.Event()
                    moved.set()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._look.wait(), self._poll_seconds)
