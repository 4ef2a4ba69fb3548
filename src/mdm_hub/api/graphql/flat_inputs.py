"""Input types of scalars and enums only, built straight from graphql-core's coerced values.

An integration sends up to 1,000 refs to `resolveMany` and 1,000 records to
`upsertSourceRecords`. Strawberry's generic conversion walks each item field by field (resolving
each field's type and GraphQL name again for every item): 40% of a 1,000-ref `resolveMany` in
process. graphql-core has already validated and coerced every field of these types (an enum is
its Python member, a custom scalar its parsed value), so each item is built with one call,
through the `from_input` hook Strawberry offers for this.

Reaching that hook still cost each item Strawberry's dispatch (six type checks and an
`InputContext`): 8.8 ms of a 1,000-ref list, of which building the items 2.3 ms. Strawberry
offers no hook before it, so its module-level `convert_argument` is wrapped: a list of one of
these types is built item by item here, and every other value goes on to Strawberry's own
conversion unchanged. `tests/unit/test_flat_inputs.py` compares both ways and fails if a
Strawberry release stops converting arguments through the wrapped function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import strawberry.types.arguments as strawberry_arguments
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryType, get_object_definition
from strawberry.types.info import Info

# Each flat input type's builder: the GraphQL input value's fields, by Python name.
_BUILDERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}

_STRAWBERRY_CONVERT = strawberry_arguments.convert_argument


def build_flat(*input_types: type) -> None:
    """Have Strawberry build these input types by keyword from the coerced input value. Only
    for types whose fields are all scalars or enums: a nested input would stay unconverted."""
    converter = StrawberryConfig().name_converter
    for input_type in input_types:
        definition = get_object_definition(input_type, strict=True)
        names = {converter.from_field(field): field.python_name for field in definition.fields}

        def build(
            value: Mapping[str, Any], cls: type = input_type, names: dict[str, str] = names
        ) -> Any:
            return cls(**{names[name]: item for name, item in value.items() if name in names})

        def from_input(
            cls: type, value: Mapping[str, Any], _: InputContext, build: Any = build
        ) -> Any:
            return build(value)

        definition.from_input = from_input
        _BUILDERS[input_type] = build
    strawberry_arguments.convert_argument = convert_argument


def convert_argument(
    value: object,
    type_: StrawberryType | type,
    scalar_registry: Any,
    config: StrawberryConfig,
    info: Info | None = None,
    *,
    path: tuple[str | int, ...] = (),
) -> object:
    """Strawberry's `convert_argument`, with a list of a flat input type (items not null in
    the schema) built here: the result Strawberry gives, each item through its builder."""
    if type(value) is list and type(type_) is StrawberryList and isinstance(type_.of_type, type):
        build = _BUILDERS.get(type_.of_type)
        if build is not None:
            # A null item, which a schema of nullable items would allow, stays None as there.
            return [None if item is None else build(item) for item in value]
    return _STRAWBERRY_CONVERT(value, type_, scalar_registry, config, info, path=path)
