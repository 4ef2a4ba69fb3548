"""Text in arguments checked once, at the edge, before any resolver reads it.

Lone surrogates cannot be stored, logged or answered as UTF-8, and integers beyond 64 bits
cannot be stored: either refuses the request as bad input naming the argument. Arguments
that are identifiers (IDs, attribute names, key prefixes) refuse invisible characters too,
so two that look the same are the same. Upserted records are left to ingest, which refuses
each bad record alone and keeps it in the reject queue.
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, OperationDefinitionNode, SelectionSetNode

from mdm_hub.api.limits.documents import argument_values, fields, fragments_of
from mdm_hub.domain.numbers import integer_problem
from mdm_hub.domain.text import check_encodable, check_identifier_text, printable
from mdm_hub.errors import Problem

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
                problems.extend(_problems(value, name, name in IDENTIFIERS))
            if field.selection_set is not None:
                walk(field.selection_set, root=False)

    walk(operation.selection_set, root=True)
    return problems


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
