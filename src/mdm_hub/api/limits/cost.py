"""What a query or mutation may cost, estimated before it runs.

The cost is the number of objects the operation may resolve: every field with a selection
counts once per parent object, and a list multiplies what is below it by its page size
(`first`), the length of the list it was given (`refs`), or else a usual fan-out. `children`
of `children` of `children` at 50 a page is 125,000 objects, refused before any is read.
A hierarchy walk has no page: it is priced per step of `maxDepth`, a page of children a step
down (`descendants`), one parent or manager a step up (`ancestors`). A mutation's root fields
count one each, a write answering a scalar too; what they answer costs as in a query.
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
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from mdm_hub.api.limits.documents import argument_values, fields, fragments_of
from mdm_hub.domain.paging import DEFAULT_PAGE_SIZE

# A list field without a page size: what one usually holds (a crosswalk, attributes).
USUAL_FAN_OUT = 10
# `edges` of a connection: its page size was counted at the connection field.
_PAGED_BY_PARENT = frozenset({"edges"})
# Objects a hierarchy walk may give per step of `maxDepth`: below, a default page of children
# (or reports) at each level, as `children` is priced; above, the one parent (or manager).
_PER_STEP = {"descendants": DEFAULT_PAGE_SIZE, "ancestors": 1}


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> int:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    estimate = _Estimate(schema, fragments_of(document), variables)
    if operation.operation is OperationType.MUTATION:
        return estimate.of_writes(root, operation.selection_set)
    return estimate.of(root, operation.selection_set)


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
        return sum(
            self._field(parent, condition, node)
            for condition, node in fields(selection_set, self._fragments)
        )

    def of_writes(self, root: GraphQLObjectType, selection_set: SelectionSetNode) -> int:
        """A mutation: each root field is a write, one at least even when it answers a scalar."""
        return sum(
            max(1, self._field(root, condition, node))
            for condition, node in fields(selection_set, self._fragments)
        )

    def _field(self, parent: GraphQLNamedType, condition: str | None, node: FieldNode) -> int:
        owner = self._schema.get_type(condition) if condition else parent
        if node.selection_set is None or not isinstance(
            owner, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0  # a scalar, or a field of a union's member named below
        definition = owner.fields.get(node.name.value)
        if definition is None:
            return 0
        below = self.of(get_named_type(definition.type), node.selection_set)
        return self._fan_out(node, definition) * (1 + below)

    def _fan_out(self, node: FieldNode, definition: GraphQLField) -> int:
        given = argument_values(node, self._variables)
        per_step = _PER_STEP.get(node.name.value)
        if per_step is not None and "maxDepth" in definition.args:
            depth = given.get("maxDepth")
            if depth is None:
                depth = definition.args["maxDepth"].default_value
            if isinstance(depth, int) and not isinstance(depth, bool):
                return per_step * max(depth, 1)
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
