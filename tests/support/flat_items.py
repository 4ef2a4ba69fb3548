"""An input type with a leaf of every kind (text, enum, ID, nullable int, JSON, a default),
for the tests of flat input lists and their variables."""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.enum
class Kind(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


def item_type() -> Any:
    """A new input type named `Item`: each call makes a class of its own, so one schema can
    build it the flat way and another Strawberry's own way."""

    @strawberry.input(name="Item")
    class Item:
        name: str
        kind: Kind
        key: strawberry.ID
        count: int | None
        data: JSON
        note: str | None = "none given"

    return Item
