"""Change events as they commit, for live consumers (GraphQL subscriptions).

The outbox is the source of truth: a follower reads it from its position on, so it misses
nothing between a cursor and now, and hears of changes any process commits (`serve --workers`,
the CLI, a dispatcher) within `poll_seconds`. A change committed through this process wakes its
followers at once (`committed`, called after the operation returned, so after its transaction
committed); nothing is published from inside a transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import suppress

from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ports import ChangeFeed
from mdm_hub.services.change_feed import position_of

DEFAULT_POLL_SECONDS = 1.0
# Events read per round trip; a follower behind by more reads again at once.
BATCH = 100


class LiveChanges:
    def __init__(self, feed: ChangeFeed, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self._feed = feed
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def committed(self) -> None:
        """Something may have committed in this process: followers look now."""
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

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
        while True:
            # Taken before reading: a commit during the read still wakes the wait below.
            wake = self._wake
            events = await self._feed.changes(position, BATCH, types, systems)
            for event in events:
                position = event.position
                yield event
            if len(events) < BATCH:
                with suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._poll_seconds)
