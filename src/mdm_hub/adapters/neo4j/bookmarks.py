"""The driver's bookmark manager for every session of a Neo4jStore: the causal chain of the
caller (one API request) when it runs in one, else the process's own chain, so a read after a
write sees it even when a cluster serves the read from a secondary."""

from __future__ import annotations

from collections.abc import Collection

from neo4j.api import AsyncBookmarkManager

from mdm_hub.causality import CausalChain, current_chain


class ChainBookmarks(AsyncBookmarkManager):
    def __init__(self) -> None:
        # Calls outside any chain (the CLI, the webhook dispatcher) chain through the process.
        self._process = CausalChain()

    def _chain(self) -> CausalChain:
        chain = current_chain()
        return chain if chain is not None else self._process

    async def get_bookmarks(self) -> Collection[str]:
        return self._chain().bookmarks

    async def update_bookmarks(
        self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]
    ) -> None:
        self._chain().advance(previous_bookmarks, new_bookmarks)
