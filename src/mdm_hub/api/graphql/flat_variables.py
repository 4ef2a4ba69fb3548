"""Variables that are lists of flat input objects, coerced in one pass.

`resolveMany` takes up to 1,000 refs and `upsertSourceRecords` up to 1,000 records, each an
input object of scalars and enums. graphql-core walks such a variable once to check its
nesting, then coerces it item by item and field by field through its general recursion: a
third of a 1,000-ref `resolveMany` in process. For a list of input objects whose fields are all
leaves (no nested input, no list, not `@oneOf`, defaults only of plain values) the same
coercion is a loop over a plan made once per type: the keys checked against the fields, each
leaf coerced by its own type's function, the defaults filled in, `out_type` applied. Its
nesting is bounded by the type, so there is nothing to check there.

The one pass only ever gives what graphql-core gives. Anything it does not finish cleanly (a
value that is not a list, an item that is not an object, an unknown or missing field, a null
where the type forbids one, a value a leaf refuses) leaves the variable to graphql-core, which
then gives the same error it always gave.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLSchema,
    GraphQLString,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    TypeNode,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution import Executor
from graphql.utilities.coerce_input_value import coerce_default_value
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Defaults a plan may hand to every request as they are: nothing a resolver could change.
_PLAIN_DEFAULTS = (str, int, float, bool, type(None))
# The built-in scalars that give back any string as it is.
_TEXT = (GraphQLString, GraphQLID)
# A type's shape as its AST spells it: "!" non-null, "[" list, then the named type.
Shape = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    out_name: str
    coerce: Callable[[Any], Any]  # the leaf type's own coercion
    keeps_text: bool  # String and ID give back a str as it is: no call needed
    required: bool  # non-null without a default
    nullable: bool
    default: Any  # Undefined: nothing put in when absent

    def put(self, item: dict[str, Any], out: dict[str, Any]) -> bool:
        """Put this field's coerced value from `item` into `out`; False when graphql-core must
        take the item (a required field missing, a null it forbids, a value it refuses)."""
        given = item.get(self.name, Undefined)
        if given is Undefined:
            if self.default is not Undefined:
                out[self.out_name] = self.default
            return not self.required
        if given is None:
            out[self.out_name] = None
            return self.nullable
        if self.keeps_text and type(given) is str:
            out[self.out_name] = given
            return True
        try:
            out[self.out_name] = self.coerce(given)
        except Exception:  # graphql-core reports it
            return False
        return True


@dataclass(frozen=True, slots=True)
class FlatListPlan:
    """How to coerce a list of one flat input object type."""

    names: frozenset[str]
    fields: tuple[_Field, ...]
    out_type: Callable[[dict[str, Any]], Any]

    def coerce(self, value: object) -> list[Any] | None:
        """The coerced list, or None when graphql-core must take it (and report it)."""
        if type(value) is not list:
            return None
        names, fields, out_type = self.names, self.fields, self.out_type
        coerced: list[Any] = []
        for item in value:
            if type(item) is not dict or not names.issuperset(item):
                return None
            out: dict[str, Any] = {}
            for field in fields:
                if not field.put(item, out):
                    return None
            try:  # Strawberry checks @oneOf here, by raising
                coerced.append(out_type(out))
            except Exception:  # graphql-core reports it
                return None
        return coerced


class FlatListPlans:
    """The plans of one schema, by the variable type's shape (None: not a flat list)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
        self._plans: dict[Shape, FlatListPlan | None] = {}

    def coerce(
        self, operation: OperationDefinitionNode, raw: Mapping[str, Any]
    ) -> dict[str, list[Any]]:
        """The operation's flat-list variables coerced in one pass, by name; the others (and
        any the pass leaves to graphql-core) are not in it."""
        coerced: dict[str, list[Any]] = {}
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            value = raw.get(name)
            if type(value) is not list:
                continue
            plan = self._plan(_shape(definition.type))
            if plan is None:
                continue
            items = plan.coerce(value)
            if items is not None:
                coerced[name] = items
        return coerced

    def _plan(self, shape: Shape) -> FlatListPlan | None:
        if shape not in self._plans:
            self._plans[shape] = _plan_of(self._schema, shape)
        return self._plans[shape]


def _shape(node: TypeNode) -> Shape:
    shape: list[str] = []
    while not isinstance(node, NamedTypeNode):
        if isinstance(node, NonNullTypeNode):
            shape.append("!")
            node = node.type
        elif isinstance(node, ListTypeNode):
            shape.append("[")
            node = node.type
        else:  # a type node graphql-core may add later: not planned
            return ("?",)
    shape.append(node.name.value)
    return tuple(shape)


def _plan_of(schema: GraphQLSchema, shape: Shape) -> FlatListPlan | None:
    # A list, non-null or not (a null list is left to graphql-core), of non-null items of one
    # input object type.
    if shape[:-1] not in (("!", "[", "!"), ("[", "!")):
        return None
    item = schema.get_type(shape[-1])
    if not isinstance(item, GraphQLInputObjectType) or item.is_one_of:
        return None
    fields: list[_Field] = []
    for name, field in item.fields.items():
        planned = _field_plan(name, field.type, field.out_name, coerce_default_value(field))
        if planned is None:
            return None
        fields.append(planned)
    return FlatListPlan(frozenset(item.fields), tuple(fields), item.out_type)


def _field_plan(
    name: str, type_: GraphQLInputType, out_name: str | None, default: Any
) -> _Field | None:
    nullable = not is_non_null_type(type_)
    leaf = get_nullable_type(type_)
    if not is_leaf_type(leaf):
        return None
    if default is not Undefined and not isinstance(default, _PLAIN_DEFAULTS):
        return None
    return _Field(
        name=name,
        out_name=out_name or name,
        coerce=leaf.coerce_input_value,
        keeps_text=leaf in _TEXT,
        required=not nullable and default is Undefined,
        nullable=nullable,
        default=default,
    )


_plans: WeakKeyDictionary[GraphQLSchema, FlatListPlans] = WeakKeyDictionary()


class FlatVariablesExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with flat-list variables coerced in one pass."""

    @classmethod
    def build(  # graphql-core's signature, passed through
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> list[GraphQLError] | Executor[Any]:
        operation = _operation(document, operation_name)
        flat: dict[str, list[Any]] = {}
        if operation is not None and raw_variable_values:
            plans = _plans.get(schema)
            if plans is None:
                plans = _plans[schema] = FlatListPlans(schema)
            flat = plans.coerce(operation, raw_variable_values)
        # graphql-core coerces an empty list in place of each one done here, so every other
        # variable, default and error is still its own; the coerced lists go in after.
        raw = (
            {**raw_variable_values, **{name: [] for name in flat}}
            if flat and raw_variable_values
            else raw_variable_values
        )
        built = super().build(
            schema, document, root_value, context_value, raw, operation_name, *args, **kwargs
        )
        if flat and raw_variable_values and not isinstance(built, list):
            values = built.variable_values
            for name, items in flat.items():
                values.coerced[name] = items
                values.sources[name] = values.sources[name]._replace(
                    value=raw_variable_values[name]
                )
        return built


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation graphql-core will run (None when it will refuse the document)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    named = [o for o in operations if o.name is not None and o.name.value == name]
    return named[0] if len(named) == 1 else None
