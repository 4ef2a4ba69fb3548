"""Walking an operation's fields, through fragments, with their arguments' values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    ValueNode,
    value_from_ast_untyped,
)


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[str | None, FieldNode]]:
    """The fields of one level, each with the type condition it sits under (None: none),
    through inline fragments and spreads (a fragment spread within itself is walked once)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield None, selection
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            for inner_condition, field in fields(selection.selection_set, fragments, seen):
                yield inner_condition or condition, field
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                fragment = fragments[name]
                for inner_condition, field in fields(
                    fragment.selection_set, fragments, seen | {name}
                ):
                    yield inner_condition or fragment.type_condition.name.value, field


def argument_values(field: FieldNode, variables: dict[str, Any] | None) -> dict[str, Any]:
    """A field's arguments as sent: literals read, variables looked up (absent: None)."""
    return {arg.name.value: _value(arg.value, variables) for arg in field.arguments or ()}


def _value(node: ValueNode, variables: dict[str, Any] | None) -> Any:
    try:
        return value_from_ast_untyped(node, variables)
    except ValueError:  # an integer literal Python will not read: validation names it
        return None
