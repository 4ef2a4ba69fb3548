"""The pull feed of change events: pages in position order, resumable from a cursor, scoped
to the systems a caller may see (an integration limited to some systems sees the changes of
golden records that hold a member of those systems)."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.domain.changes import ChangeEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.paging import MAX_PAGE_SIZE, Page
from mdm_hub.errors import Forbidden, InvalidInput, Problem
from mdm_hub.ports import ChangeFeed

# A position as a cursor: a consumer stores it and passes it back as `after`.
_CURSOR_PREFIX = "change:"


def cursor_of(position: int) -> str:
    return f"{_CURSOR_PREFIX}{position}"


def position_of(cursor: str | None, field: str = "after") -> int:
    """The position a cursor names (0: from the oldest event kept)."""
    if cursor is None or cursor == "":
        return 0
    text = cursor.removeprefix(_CURSOR_PREFIX)
    if not text.isdigit() or not cursor.startswith(_CURSOR_PREFIX):
        raise InvalidInput([Problem(field, f"{cursor[:80]!r} is not a change feed cursor")])
    return int(text)


def scoped_systems(
    asked: Sequence[str] | None, allowed: frozenset[str] | None, field: str = "systems"
) -> list[str] | None:
    """The systems to filter by: those asked for (each one the caller may see), else every
    system the caller may see (None: no filter)."""
    if asked is not None:
        outside = sorted({s for s in asked if allowed is not None and s not in allowed})
        if outside:
            raise Forbidden(f"{field}: may not read changes of system(s) {', '.join(outside)}")
        return sorted(set(asked))
    return sorted(allowed) if allowed is not None else None


class ChangeFeedService:
    def __init__(self, store: ChangeFeed) -> None:
        self._store = store

    async def page(
        self,
        after: str | None,
        first: int,
        entity_types: Sequence[EntityType] | None = None,
        systems: Sequence[str] | None = None,
        allowed_systems: frozenset[str] | None = None,
    ) -> Page[ChangeEvent]:
        if not 0 < first <= MAX_PAGE_SIZE:
            raise InvalidInput([Problem("first", f"must be 1 to {MAX_PAGE_SIZE}")])
        events = await self._store.changes(
            position_of(after),
            first + 1,
            list(entity_types) if entity_types is not None else None,
            scoped_systems(systems, allowed_systems),
        )
        return Page(tuple((cursor_of(e.position), e) for e in events[:first]), len(events) > first)
