"""The transforms of an export mapping: small pure functions over one row's cells.

A value is absent (None) or what the export holds: text (CSV, XLSX), or any JSON value
(JSONL). Functions that need text take a JSON number or boolean as its text and refuse an
object or a list with TransformError, which the loader turns into a refused row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

NamePart = Literal["given", "family", "middle"]
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})


class TransformError(Exception):
    """A row's value that a transform cannot use; the message says why."""


class Cells(Protocol):
    """One row of an export: a column's value, or None when the cell is empty or missing."""

    def get(self, column: str, /) -> Any: ...


class Transform(Protocol):
    def __call__(self, cells: Cells) -> Any: ...


def present(value: Any) -> Any:
    """`value`, or None for an empty one: empty cells are absent values, never ''."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def as_text(value: Any, what: str) -> str:
    """A present value as text: JSON numbers and booleans as JSON writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    kind = "an object" if isinstance(value, dict) else "a list"
    raise TransformError(f"{what} holds {kind} ({_short(value)}), not text")


def same_text(value: Any, expected: str) -> bool:
    """Conditions compare text ignoring case and surrounding space."""
    return as_text(value, "the column").strip().casefold() == expected.strip().casefold()


def is_true(value: Any) -> bool:
    """`deleted`: true, yes, y, 1 or T in any case (or a JSON true or 1) is true."""
    value = present(value)
    if value is None:
        return False
    return as_text(value, "the column").strip().casefold() in TRUE_WORDS


# The transforms, each on values already taken from the row.


def concat(parts: Sequence[tuple[Any, bool]]) -> Any:
    """Join parts, each (value, is_constant). Constants before the first column part are a
    prefix and after the last a suffix (`account/` + Internal ID), kept when anything is
    joined; constants between column parts are separators: one next to an absent part is
    dropped, so none leads, trails or doubles. Absent when every column part is."""
    columns = [i for i, (_, constant) in enumerate(parts) if not constant]
    if not columns:
        return present(
            "".join(as_text(v, "a concat part") for v, _ in parts if v not in (None, ""))
        )
    first, last = columns[0], columns[-1]
    joined: list[str] = []
    pending: str | None = None
    for value, constant in parts[first : last + 1]:
        if constant:
            if joined and pending is None and value not in (None, ""):
                pending = as_text(value, "a concat part")  # the first of several in a row wins
            continue
        if present(value) is None:
            continue
        if pending is not None:
            joined.append(pending)
            pending = None
        joined.append(as_text(value, "a concat part"))
    if not joined:
        return None
    prefix = "".join(as_text(v, "a concat part") for v, _ in parts[:first] if v not in (None, ""))
    suffix = "".join(
        as_text(v, "a concat part") for v, _ in parts[last + 1 :] if v not in (None, "")
    )
    return present(prefix + "".join(joined) + suffix)


def split(value: Any, separator: str, index: int) -> Any:
    """Part `index` (from 0; negative counts from the end) of `value` split on `separator`,
    without surrounding space; absent when there is no such part."""
    if present(value) is None:
        return None
    parts = as_text(value, "the column").split(separator)
    if not -len(parts) <= index < len(parts):
        return None
    return present(parts[index].strip())


def split_name(value: Any, part: NamePart) -> Any:
    """One part of a person's name written `Last, First [Middle]` or `First [Middle] Last`.
    A single word is taken as the family name."""
    if present(value) is None:
        return None
    text = as_text(value, "the column")
    if "," in text:
        family, _, rest = text.partition(",")
        words = rest.split()
        given = words[0] if words else None
        middle = " ".join(words[1:])
    else:
        words = text.split()
        family = words[-1]
        given = words[0] if len(words) > 1 else None
        middle = " ".join(words[1:-1])
    chosen = {"given": given, "family": family, "middle": middle}[part]
    return present(chosen.strip()) if chosen is not None else None


def first_of(values: Iterable[Any]) -> Any:
    """The first present value."""
    return next((value for value in values if present(value) is not None), None)


def reference(value: Any, system: str) -> dict[str, str] | None:
    """A reference to the record `value` in `system`."""
    if present(value) is None:
        return None
    return {"system": system, "sourceId": as_text(value, "the reference").strip()}


def strip_prefix(value: Any, prefix: str) -> Any:
    if present(value) is None:
        return None
    return present(as_text(value, "the value").removeprefix(prefix))


def strip_suffix(value: Any, suffix: str) -> Any:
    if present(value) is None:
        return None
    return present(as_text(value, "the value").removesuffix(suffix))


def map_value(value: Any, table: Mapping[str, str | None]) -> Any:
    """`table`'s entry for `value` (keys match in any case); a value not in it passes as it is.
    A key mapped to null makes the value absent."""
    if present(value) is None:
        return None
    key = as_text(value, "the value").strip().casefold()
    return table.get(key, value)


# Compiled transforms: each node takes its inputs from the row and calls a function above.


@dataclass(frozen=True)
class Column:
    name: str

    def __call__(self, cells: Cells) -> Any:
        return present(cells.get(self.name))


@dataclass(frozen=True)
class Constant:
    value: Any

    def __call__(self, cells: Cells) -> Any:
        # Kept as written (a concat separator may be " "); only '' is absent.
        return None if self.value == "" else self.value


@dataclass(frozen=True)
class Concat:
    parts: tuple[tuple[Transform, bool], ...]  # (part, is it a constant separator)

    def __call__(self, cells: Cells) -> Any:
        return concat([(part(cells), separator) for part, separator in self.parts])


@dataclass(frozen=True)
class Split:
    column: str
    separator: str
    index: int

    def __call__(self, cells: Cells) -> Any:
        return split(cells.get(self.column), self.separator, self.index)


@dataclass(frozen=True)
class SplitName:
    column: str
    part: NamePart

    def __call__(self, cells: Cells) -> Any:
        return split_name(cells.get(self.column), self.part)


@dataclass(frozen=True)
class FirstOf:
    options: tuple[Transform, ...]

    def __call__(self, cells: Cells) -> Any:
        return first_of(option(cells) for option in self.options)


@dataclass(frozen=True)
class Test:
    """A condition on one column."""

    column: str
    holds: Callable[[Any], bool]  # on the column's value (None when empty)

    def __call__(self, cells: Cells) -> bool:
        return self.holds(present(cells.get(self.column)))


def equals(expected: str) -> Callable[[Any], bool]:
    return lambda value: value is not None and same_text(value, expected)


def one_of(options: Sequence[str]) -> Callable[[Any], bool]:
    return lambda value: value is not None and any(same_text(value, o) for o in options)


def empty(wanted: bool) -> Callable[[Any], bool]:
    return lambda value: (value is None) is wanted


def matches(pattern: re.Pattern[str]) -> Callable[[Any], bool]:
    return lambda value: value is not None and bool(pattern.search(as_text(value, "the column")))


@dataclass(frozen=True)
class When:
    clauses: tuple[tuple[Test, Transform], ...]
    otherwise: Transform | None

    def __call__(self, cells: Cells) -> Any:
        for test, then in self.clauses:
            if test(cells):
                return then(cells)
        return self.otherwise(cells) if self.otherwise is not None else None


@dataclass(frozen=True)
class Reference:
    target: Transform
    system: str

    def __call__(self, cells: Cells) -> Any:
        return reference(self.target(cells), self.system)


@dataclass(frozen=True)
class Modified:
    """A transform followed by its modifiers: strip_prefix, strip_suffix, then map."""

    inner: Transform
    prefix: str | None
    suffix: str | None
    table: Mapping[str, str | None] | None

    def __call__(self, cells: Cells) -> Any:
        value = self.inner(cells)
        if self.prefix is not None:
            value = strip_prefix(value, self.prefix)
        if self.suffix is not None:
            value = strip_suffix(value, self.suffix)
        if self.table is not None:
            value = map_value(value, self.table)
        return value


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else f"{text[:37]}..."
