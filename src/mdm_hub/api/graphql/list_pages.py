"""Pages of a golden record's relationship lists (children, reports, projects, related).

Ordered by the other record's golden ID; `after` is the last golden ID a client received, so
the next page starts after it. Several edges to one record (of different types) stay on one
page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from mdm_hub.domain.paging import MAX_PAGE_SIZE
from mdm_hub.errors import InvalidInput, Problem

ItemT = TypeVar("ItemT")

FIRST_DESCRIPTION = f"At most this many (1 to {MAX_PAGE_SIZE}), in golden ID order."
AFTER_DESCRIPTION = "The last golden ID of the previous page: the page starts after it."


def page_of(
    items: Sequence[ItemT], golden_id: Callable[[ItemT], str], first: int, after: str | None
) -> list[ItemT]:
    if not 0 < first <= MAX_PAGE_SIZE:
        raise InvalidInput([Problem("first", f"must be 1 to {MAX_PAGE_SIZE}")])
    ordered = sorted(items, key=golden_id)
    if after is not None:
        ordered = [item for item in ordered if golden_id(item) > after]
    end = min(first, len(ordered))
    while 0 < end < len(ordered) and golden_id(ordered[end]) == golden_id(ordered[end - 1]):
        end += 1
    return ordered[:end]
