"""What a query may cost, estimated before it runs.

The cost is the number of objects the query may resolve: every field with a selection counts
once per parent object, and a list multiplies what is below it by its page size (`first`),
the length of the list it was given (`refs`), or else a usual fan-out. `children` of
`children` of `children` at 50 a page is 125,000 objects, refused before any is read.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from mdm_hub.api.limits.documents import argument_values, fields, fragments_of

# A list field without a page size: what one usually holds (a crosswalk, attributes).
USUAL_FAN_OUT = 10
# `edges` of a connection: its page size was counted at the connection field.
_PAGED_BY_PARENT = frozenset({"edges"})


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> int:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Estimate(schema, fragments_of(document), variables).of(root, operation.selection_set)


class _Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables

    def of(self, parent: GraphQLNamedType, selection_set: SelectionSetNode) -> int:
        total = 0
        for condition, node in fields(selection_set, self._fragments):
            owner = self._schema.get_type(condition) if condition else parent
            if node.selection_set is None or not isinstance(
                owner, GraphQLObjectType | GraphQLInterfaceType
            ):
                continue  # a scalar, or a field of a union's member named below
            definition = owner.fields.get(node.name.value)
            if definition is None:
                continue
            below = self.of(get_named_type(definition.type), node.selection_set)
            total += self._fan_out(node, definition) * (1 + below)
        return total

    def _fan_out(self, node: FieldNode, definition: GraphQLField) -> int:
        given = argument_values(node, self._variables)
        first = given.get("first")
        if first is None and "first" in definition.args:
            first = definition.args["first"].default_value
        if isinstance(first, int) and not isinstance(first, bool):
            return max(first, 1)
        if node.name.value in _PAGED_BY_PARENT:
            return 1
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        lengths = [len(value) for value in given.values() if isinstance(value, list)]
        return max(lengths) if lengths else USUAL_FAN_OUT
