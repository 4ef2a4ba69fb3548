"""`Store.write_each` for a store that commits every work in its own transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from mdm_hub.errors import RecordRejected
from mdm_hub.ports import Work

T = TypeVar("T")


async def write_one_by_one(
    write: Callable[[Work[T]], Awaitable[T]], works: Sequence[Work[T]]
) -> list[T | RecordRejected]:
    results: list[T | RecordRejected] = []
    for work in works:
        try:
            results.append(await write(work))
        except RecordRejected as refused:
            results.append(refused)
    return results
