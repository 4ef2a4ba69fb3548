"""Reading one's own writes when reads may be served by another copy of the store (a Neo4j
cluster's secondaries): the causal chain of one unit of calls, such as one API request.

A chain holds bookmarks, opaque strings a store hands out when a transaction commits: a read
made in the chain waits until the copy serving it has caught up with them. The API opens a
chain per request, seeded with the bookmarks the caller sent back, and returns the chain's
bookmarks after a write; a store without replicas ignores them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class CausalChain:
    def __init__(self, bookmarks: Iterable[str] = ()) -> None:
        self._bookmarks = frozenset(bookmarks)
        # What the chain started at: the bookmarks its caller sent back (none: it asked for
        # no earlier write of its own to be seen).
        self.started_at = self._bookmarks

    @property
    def bookmarks(self) -> frozenset[str]:
        return self._bookmarks

    def advance(self, previous: Collection[str], new: Collection[str]) -> None:
        """A transaction that began at `previous` committed at `new`: `new` supersedes those
        (a concurrent one's bookmarks stay until a later transaction supersedes them too)."""
        self._bookmarks = (self._bookmarks - frozenset(previous)) | frozenset(new)


_current: ContextVar[CausalChain | None] = ContextVar("mdm_causal_chain", default=None)


@contextmanager
def causal_chain(bookmarks: Iterable[str] = ()) -> Iterator[CausalChain]:
    """Run the block (and the tasks it starts) in a chain of its own, starting at `bookmarks`."""
    chain = CausalChain(bookmarks)
    token = _current.set(chain)
    try:
        yield chain
    finally:
        _current.reset(token)


def current_chain() -> CausalChain | None:
    """The chain the caller runs in; None outside any."""
    return _current.get()
