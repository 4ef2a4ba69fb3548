"""Pages of a listing, resumable from an opaque cursor (Relay-style connections build on it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items in listing order, each with the cursor that resumes right after it."""

    items: tuple[tuple[str, T], ...]
    has_next: bool
