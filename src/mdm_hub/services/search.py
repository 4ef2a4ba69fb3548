"""searchGoldenRecords: the store's full-text index proposes golden records, and each is
ranked here by how closely the text matches its best value or source ID (the same ranking on
every store). The index is asked for a bounded pool, so a search costs the same whatever it
matches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rapidfuzz import fuzz, utils

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.paging import Page
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.search import SearchText
from mdm_hub.errors import InvalidInput, Problem
from mdm_hub.ports import Store

POOL = 500  # source records the index may propose for one search
CANDIDATES = 100  # golden records ranked for one search: the most a search pages through
MAX_PAGE = 50
MIN_SIMILARITY = 65.0  # 0-100: below it a proposal is noise


class SearchService:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def search(
        self, entity_type: EntityType, raw_text: str, first: int, after: str | None
    ) -> Page[GoldenView]:
        text = SearchText.parse(raw_text)
        if not 0 < first <= MAX_PAGE:
            raise InvalidInput([Problem("first", f"must be 1 to {MAX_PAGE}")])
        start = _offset(after)
        ids = await self._store.search_goldens(entity_type, text, POOL, CANDIDATES)
        views = [v for v in await self._store.get_goldens(ids) if v is not None]
        scored = [(similarity(text.text, view), view) for view in views]
        ranked = sorted(
            (pair for pair in scored if pair[0] >= MIN_SIMILARITY),
            key=lambda pair: (-pair[0], pair[1].golden.id),
        )
        window = ranked[start : start + first]
        items = tuple((str(start + i + 1), view) for i, (_, view) in enumerate(window))
        return Page(items, start + first < len(ranked))


def similarity(text: str, view: GoldenView) -> float:
    """How closely `text` matches the golden record's best value or source ID (0-100)."""
    return max((_alike(text, value) for value in _texts(view)), default=0.0)


def _alike(text: str, value: str) -> float:
    # WRatio scores a part of the longer string: fair for a name in a longer value, noise for
    # a value shorter than the text (one letter of "e3" would make it 60% like "Acme").
    if len(value) < len(text) - 1:
        return fuzz.ratio(text, value, processor=utils.default_process)
    return fuzz.WRatio(text, value, processor=utils.default_process)


def _texts(view: GoldenView) -> Iterator[str]:
    for attribute in view.golden.attributes:
        yield from _strings(attribute.value)
    for member in view.members:
        yield member.key.source_id
        for value in member.attributes.values():
            yield from _strings(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    if not after.isdigit() or len(after) > 4:
        raise InvalidInput([Problem("after", f"unknown cursor {after!r}")])
    return int(after)
