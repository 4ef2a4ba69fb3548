"""Text in arguments checked once, at the edge, before any resolver reads it.

Lone surrogates cannot be stored, logged or answered as UTF-8, and integers beyond 64 bits
cannot be stored: either refuses the request as bad input naming the argument. Arguments
that are identifiers (IDs, attribute names, key prefixes) refuse invisible characters too,
so two that look the same are the same. Upserted records are left to ingest, which refuses
each bad record alone and keeps it in the reject queue.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode, SelectionSetNode

from mdm_hub.api.limits.documents import argument_values, fields, fragments_of
from mdm_hub.domain.numbers import integer_problem
from mdm_hub.domain.text import check_encodable, check_identifier_text, printable
from mdm_hub.errors import Problem

# The control characters ASCII holds (C0 and DEL): the others are beyond ASCII.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Root fields whose records ingest checks one by one (a bad one is rejected alone).
_CHECKED_PER_RECORD = frozenset({"upsertSourceRecord", "upsertSourceRecords"})
# Arguments that name something: invisible characters are refused in them as in source IDs.
IDENTIFIERS = frozenset(
    {"id", "goldenId", "attribute", "prefix", "system", "sourceId", "after", "ids"}
)


def argument_problems(
    document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> list[Problem]:
    fragments = fragments_of(document)
    problems: list[Problem] = []

    def walk(selection_set: SelectionSetNode, root: bool) -> None:
        for _, field in fields(selection_set, fragments):
            if root and field.name.value in _CHECKED_PER_RECORD:
                continue
            for name, value in argument_values(field, variables).items():
                identifier = name in IDENTIFIERS
                if not _surely_fine(value, identifier):
                    problems.extend(_problems(value, name, identifier))
            if field.selection_set is not None:
                walk(field.selection_set, root=False)

    walk(operation.selection_set, root=True)
    return problems


def _surely_fine(value: object, identifier: bool) -> bool:
    """Whether nothing in `value` can be refused, read in one pass without recursion: text
    all ASCII (no surrogate nor invisible character can be in it) and, in identifiers, free
    of ASCII control characters; integers within 64 bits. Only what fails this is checked
    again by `_problems`, which names each problem (1,000 refs of `resolveMany`: one pass
    of cheap tests instead of a call per value)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() or (identifier and _ASCII_CONTROL.search(item) is not None):
                return False
        elif isinstance(item, dict):
            if not all(isinstance(key, str) and key.isascii() for key in item):
                return False
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif integer_problem(item) is not None:
            return False
    return True


def _problems(value: object, path: str, identifier: bool) -> list[Problem]:
    too_large = integer_problem(value)
    if too_large is not None:
        return [Problem(path, too_large)]
    if isinstance(value, str):
        try:
            (check_identifier_text if identifier else check_encodable)(value)
        except ValueError as exc:
            return [Problem(path, str(exc))]
        return []
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            inner_path = f"{path}.{printable(str(key))}"
            found.extend(_problems(str(key), inner_path, identifier=False))
            found.extend(_problems(inner, inner_path, identifier))
        return found
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _problems(v, f"{path}[{i}]", identifier)]
    return []
