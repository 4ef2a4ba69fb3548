"""This process's write transactions, counted as they end.

A cache of reads (the resolve cache) serves what it holds only while it has caught up with the
store's changes since the last write this process made: the count tells it whether a write
ended since it last caught up, and a listener wakes it to catch up at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class WriteWatch:
    def __init__(self) -> None:
        # Write transactions ended (committed, rolled back or failed with an unknown outcome).
        self.ended = 0
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        """Call `listener` (cheap, not blocking) each time a write ends."""
        self._listeners.append(listener)

    def unlisten(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around one write, retries included: counted when it ends, however it ends (a write
        that failed at commit may still have committed)."""
        try:
            yield
        finally:
            self.ended += 1
            for listener in self._listeners:
                listener()
