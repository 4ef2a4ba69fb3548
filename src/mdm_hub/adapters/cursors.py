"""Opaque page cursors, the same for both stores: a listing position (a time and a key that
breaks ties) as base64url JSON. Callers get them from a page and hand them back unchanged."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from mdm_hub.adapters.codecs.relationships import reference_key
from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.domain.paging import Page
from mdm_hub.domain.records import GoldenView
from mdm_hub.domain.relationships import PendingReference
from mdm_hub.errors import InvalidInput, Problem

T = TypeVar("T")

# A real cursor is well under this; a longer one is not worth decoding.
MAX_CURSOR_LENGTH = 1024


def encode_cursor(at: datetime, key: str) -> str:
    return base64.urlsafe_b64encode(dumps([at.isoformat(), key]).encode("utf-8")).decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The position after which a page starts; None for the first page."""
    if cursor is None:
        return None
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        at, key = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or not isinstance(key, str):
            raise ValueError("not a position")
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise InvalidInput([Problem("after", "is not a cursor this API returned")]) from None
    return moment, key


def after_position(cursor: str | None) -> tuple[datetime | None, str | None]:
    """The (time, key) a page starts after, both None for the first page."""
    position = decode_cursor(cursor)
    return position if position is not None else (None, None)


def page_of(
    items: Sequence[T], limit: int, position: Callable[[T], tuple[datetime, str]]
) -> Page[T]:
    """A page from up to `limit + 1` items read in listing order (the extra one only says that
    more follow)."""
    return Page(
        items=tuple((encode_cursor(*position(item)), item) for item in items[:limit]),
        has_next=len(items) > limit,
    )


def golden_position(view: GoldenView) -> tuple[datetime, str]:
    """Golden records are listed oldest first; the ID breaks ties."""
    return view.golden.created_at, view.golden.id


def pending_position(pending: PendingReference) -> tuple[datetime, str]:
    """Pending references are listed oldest first; the reference's own key breaks ties."""
    return pending.recorded_at, reference_key(pending.referrer, pending.reference.attribute)
