"""Plain parts of an answer completed in one pass.

A 1,000-ref `resolveMany` answers ~7,600 fields, nearly all of them a scalar or enum read
straight off an attribute (`goldenId`, a crosswalk member's `system`) inside lists of objects
made of such fields. graphql-core completes each field the general way: a path entry, a
resolve-info object, argument values, the completion chain for non-null, list, leaf, object.
That was over half of the request in process.

Here a selection whose every field Strawberry resolves with its default resolver (no resolver
function, no field extension, no arguments), of scalars, enums and lists or objects of them,
is completed by one compiled function per selection: read the attribute, coerce the leaf.
The compiled functions of an operation are kept for its next requests (the parser cache hands
back the same document for the same text) when nothing in it depends on a request's variables:
no directive anywhere (`@skip`, `@include`, `@defer`...) and no fragment variables, so what is
selected follows from the document and the types alone; otherwise they are compiled again for
each request. Anything else takes the general way, and so does any value the direct pass does
not finish cleanly (a null where the schema forbids one, a value a scalar refuses, a list that
is not a list, an error): the general way then gives exactly the answer and error it always gave
(reading an attribute twice is harmless).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

from graphql import (
    BREAK,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.language import Node, OperationDefinitionNode, Visitor
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from mdm_hub.api.graphql.flat_variables import FlatVariablesExecution

# Values that are never awaitable and that a scalar or enum coerces without side effects.
_SIMPLE = frozenset({str, int, float, bool})
_TEXT = (GraphQLString, GraphQLID)
_LISTS = frozenset({list, tuple})
Complete = Callable[[Any], Any]
Read = Callable[[Any], Any]
# By (type, the selection's field nodes): the compiled pass (None: the general way), with the
# type and nodes kept alive so their ids are not reused.
Passes = dict[tuple[int, ...], tuple[object, Complete | None]]
# Operations whose compiled passes are kept across requests; as many as the parser keeps.
SHARED_OPERATIONS = 1024
_shared: OrderedDict[int, tuple[OperationDefinitionNode, Passes]] = OrderedDict()


class _GeneralWay(Exception):
    """The direct pass met something only the general way answers properly."""


class DirectExecution(FlatVariablesExecution):
    """graphql-core's executor, with the direct pass for plain selections and leaves (and
    flat-list variables coerced in one pass)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A field middleware (an extension's `resolve` hook) must see every field.
        self._direct = manager is None or not manager.middlewares
        # Compiled passes: the operation's, shared by its requests, when what it selects does
        # not depend on the variables; else this request's own, by the selection's identity
        # (graphql-core memoizes sub-fields the same way).
        shared = _shared_passes(self.operation, self.fragment_definitions) if self._direct else None
        self._shared = shared is not None
        self._passes: Passes = shared if shared is not None else {}
        # By field: its read and coercion from the parent object (None: general way).
        self._leaves: dict[int, tuple[GraphQLField, Complete | None]] = {}

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        if self._direct and result is not None and not isinstance(result, Exception):
            key = (
                (id(return_type), *[id(details.node) for details in field_details_list])
                if self._shared
                else (id(return_type), id(field_details_list))
            )
            known = self._passes.get(key)
            if known is None:
                alive = (return_type, field_details_list)
                known = (alive, self._compile(return_type, field_details_list))
                self._passes[key] = known
            complete = known[1]
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # noqa: S110 - the general way reports it
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        # A leaf of an object the general way completes (one with a resolver field beside it).
        if self._direct:
            node = field_details_list[0].node
            field = parent_type.fields.get(node.name.value)
            if field is not None and not node.arguments:
                known = self._leaves.get(id(field))
                if known is None:
                    known = self._leaves[id(field)] = (field, _leaf_of(field))
                complete = known[1]
                if complete is not None:
                    try:
                        return complete(source)
                    except Exception:  # noqa: S110 - the general way reports it
                        pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _compile(self, type_: GraphQLOutputType, selection: FieldDetailsList) -> Complete | None:
        if is_non_null_type(type_):
            if is_leaf_type(type_.of_type):
                return _leaf(type_.of_type, non_null=True)  # one call a leaf, not two
            inner = self._compile(type_.of_type, selection)
            return _non_null(inner) if inner is not None else None
        if is_list_type(type_):
            if any(details.node.directives for details in selection):  # @stream among them
                return None
            item = self._compile(type_.of_type, selection)
            return _list(item) if item is not None else None
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_object_type(type_) and not type_.is_type_of:
            return self._compile_object(type_, selection)
        return None  # an interface or union, or a type that checks its values

    def _compile_object(
        self, type_: GraphQLObjectType, selection: FieldDetailsList
    ) -> Complete | None:
        grouped, deferred, forbidden = self.collect_subfields(type_, selection)
        if deferred or forbidden:
            return None
        fields: list[tuple[str, Read, Complete]] = []
        for response_name, sub_selection in grouped.items():
            if any(details.defer_usage is not None for details in sub_selection):
                return None
            node = sub_selection[0].node
            name = node.name.value
            if name == "__typename":
                fields.append((response_name, _constant(type_.name), _same))
                continue
            field = type_.fields.get(name)
            read = _plain_read(field) if field is not None and not node.arguments else None
            if field is None or read is None:
                return None
            complete = self._compile(field.type, sub_selection)
            if complete is None:
                return None
            fields.append((response_name, read, complete))
        return _object(tuple(fields))


def _shared_passes(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Passes | None:
    """The passes shared by the requests of `operation`, or None when what it selects may
    depend on a request's variables."""
    known = _shared.get(id(operation))
    if known is not None and known[0] is operation:
        _shared.move_to_end(id(operation))
        return known[1]
    if _varies(operation) or any(_varies(fragment) for fragment in fragments.values()):
        return None
    passes: Passes = {}
    _shared[id(operation)] = (operation, passes)
    if len(_shared) > SHARED_OPERATIONS:
        _shared.popitem(last=False)
    return passes


def _varies(node: Node) -> bool:
    """Whether a directive or a fragment variable may make the fields it selects vary."""
    if isinstance(node, FragmentDefinitionNode) and node.variable_definitions:
        return True
    found = False

    class Directives(Visitor):
        def enter_directive(self, *_: Any) -> Any:
            nonlocal found
            found = True
            return BREAK

    visit(node, Directives())
    return found


def _plain_read(field: GraphQLField) -> Read | None:
    """The attribute read of a field Strawberry resolves by default; None for any other."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field.resolve
    if (
        not isinstance(definition, StrawberryField)
        or not definition.is_basic_field
        or field.args
        or resolve is None
        # Strawberry's resolver of a basic field: it reads the attribute and ignores `info`.
        or getattr(resolve, "__name__", "") != "_get_basic_result"
    ):
        return None
    if definition.default_resolver is getattr:  # what the basic resolver calls, in one step
        return attrgetter(definition.python_name)
    return resolve


def _leaf_of(field: GraphQLField) -> Complete | None:
    """Read and coerce a plain leaf field from its parent object."""
    read = _plain_read(field)
    named = field.type.of_type if is_non_null_type(field.type) else field.type
    if read is None or not is_leaf_type(named):
        return None
    leaf = _leaf(named, non_null=is_non_null_type(field.type))

    def complete(source: Any) -> Any:
        return leaf(read(source))

    return complete


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            raise _GeneralWay
        completed = inner(value)
        if completed is None:
            raise _GeneralWay
        return completed

    return complete


def _list(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if type(value) not in _LISTS:  # an iterator or async iterable: the general way
            raise _GeneralWay
        return [item(each) for each in value]

    return complete


def _leaf(type_: GraphQLLeafType, *, non_null: bool = False) -> Complete:
    coerce = type_.coerce_output_value
    # String and ID give back a str as it is: no call for the thousands of them in an answer.
    text_as_is = type_ in _TEXT
    # An enum member coerces to the same name every time; Strawberry's enum coercion looks
    # through the type's values for it. Keyed with its class: members of two string enums
    # can be equal.
    names: dict[tuple[type, Enum], Any] = {}

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _GeneralWay
            return None
        if text_as_is and type(value) is str:
            return value
        if type(value) in _SIMPLE:
            coerced = coerce(value)
        elif isinstance(value, Enum):
            key = (type(value), value)
            coerced = names.get(key)
            if coerced is None:
                coerced = coerce(value)
                if coerced is not None and coerced is not Undefined:
                    names[key] = coerced
        else:
            raise _GeneralWay
        if coerced is None or coerced is Undefined:
            raise _GeneralWay
        return coerced

    return complete


def _object(fields: tuple[tuple[str, Read, Complete], ...]) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Exception):
            raise _GeneralWay
        return {name: finish(read(value)) for name, read, finish in fields}

    return complete


def _constant(value: str) -> Read:
    return lambda _: value


def _same(value: Any) -> Any:
    return value
