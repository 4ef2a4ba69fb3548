"""Input types of scalars and enums only, built straight from graphql-core's coerced values.

An integration sends up to 1,000 refs to `resolveMany` and 1,000 records to
`upsertSourceRecords`. Strawberry's generic conversion walks each item field by field (resolving
each field's type and GraphQL name again for every item): 40% of a 1,000-ref `resolveMany` in
process. graphql-core has already validated and coerced every field of these types (an enum is
its Python member, a custom scalar its parsed value), so each item is built with one call,
through the `from_input` hook Strawberry offers for this."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import InputContext
from strawberry.types.base import get_object_definition


def build_flat(*input_types: type) -> None:
    """Have Strawberry build these input types by keyword from the coerced input value. Only
    for types whose fields are all scalars or enums: a nested input would stay unconverted."""
    converter = StrawberryConfig().name_converter
    for input_type in input_types:
        definition = get_object_definition(input_type, strict=True)
        names = {converter.from_field(field): field.python_name for field in definition.fields}

        def from_input(
            cls: type, value: Mapping[str, Any], _: InputContext, names: dict[str, str] = names
        ) -> Any:
            return cls(**{names[name]: item for name, item in value.items() if name in names})

        definition.from_input = from_input
