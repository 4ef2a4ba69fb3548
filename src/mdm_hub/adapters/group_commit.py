"""`Store.write_each` for any store: several works per transaction (group commit), with the
outcome of running each work alone, in order.

No savepoints (Neo4j has none; SQLite's cost a journal write per page): when a work is
refused or fails, its group's transaction rolls back, the works before it are written again
in a transaction of their own, and then the refusal is recorded or the failure raised.
Refusals are rare (a hierarchy cycle), so the replay costs little.

Between works the event loop gets a turn: on the embedded store a work runs on the loop
itself, so without it a 1,000-record batch would hold every other request (not just the
store) for its whole length. Other requests run between two works: on an embedded file
store, resolves and golden record reads go through a second connection, beside the group's
transaction; other reads of the embedded store wait on its FIFO lock for at most the rest of
one group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from mdm_hub.errors import RecordRejected
from mdm_hub.ports import StoreTransaction, Work, WorkHint

T = TypeVar("T")
# Writes one group in one transaction, with the group's hints (None: none were given).
GroupWrite = Callable[[Work[list[T]], Sequence[WorkHint] | None], Awaitable[list[T]]]


class _Stopped(Exception):
    """Work `index` of a group was refused or failed; the group's transaction rolls back."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


async def write_in_groups(
    write: GroupWrite[T],
    works: Sequence[Work[T]],
    size: int,
    passthrough: tuple[type[BaseException], ...] = (),
    hints: Sequence[WorkHint] | None = None,
) -> list[T | RecordRejected]:
    """Run `works` through `write` (one transaction per call), up to `size` per call, each
    group with its works' `hints`. Errors of a `passthrough` type leave the group as they
    are (a driver retries the whole transaction on a transient one)."""
    if hints is not None and len(hints) != len(works):
        raise ValueError(f"{len(hints)} hints for {len(works)} works")
    results: list[T | RecordRejected] = []
    pending = list(works)
    limit = size
    while pending:
        group = pending[:limit]
        done = len(results)
        group_hints = hints[done : done + len(group)] if hints is not None else None
        try:
            results += await write(_in_order(group, passthrough), group_hints)
        except _Stopped as stopped:
            if stopped.index > 0:
                limit = stopped.index  # write the ones before it, then meet it first
                continue
            if not isinstance(stopped.error, RecordRejected):
                raise stopped.error from None
            results.append(stopped.error)
            group = group[:1]
        del pending[: len(group)]
        limit = size
    return results


def _in_order(
    works: Sequence[Work[T]], passthrough: tuple[type[BaseException], ...]
) -> Work[list[T]]:
    async def run(tx: StoreTransaction) -> list[T]:
        done: list[T] = []
        for index, work in enumerate(works):
            if index:
                await asyncio.sleep(0)  # let other requests in (see the module)
            try:
                done.append(await work(tx))
            except passthrough:
                raise
            except Exception as error:
                raise _Stopped(index, error) from error
        return done

    return run
