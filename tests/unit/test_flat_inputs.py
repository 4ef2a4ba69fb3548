"""Lists of flat input types are built without Strawberry's per-item dispatch, and reach the
resolver exactly as Strawberry's own conversion builds them: two schemas alike but for
`build_flat` answer every query the same."""

from typing import Any

import pytest
import strawberry
import strawberry.types.arguments as strawberry_arguments

from mdm_hub.api.graphql import flat_inputs
from mdm_hub.api.graphql.flat_inputs import build_flat
from tests.support.flat_items import item_type


def _schema(item: Any) -> strawberry.Schema:
    @strawberry.input(name="Holder")
    class Holder:
        label: str
        items: list[item]  # type: ignore[valid-type]

    def describe(value: Any) -> str:
        if value is None:
            return "null"
        # Whether the resolver got the schema's own type, then each field.
        fields = (f"{name}={getattr(value, name)!r}" for name in vars(value))
        return "|".join((str(type(value) is item), *fields))

    @strawberry.type
    class Query:
        @strawberry.field
        def items(self, items: list[item]) -> list[str]:  # type: ignore[valid-type]
            return [describe(value) for value in items]

        @strawberry.field
        def nullable(self, items: list[item | None] | None = None) -> list[str] | None:  # type: ignore[valid-type]
            return None if items is None else [describe(value) for value in items]

        @strawberry.field
        def one(self, item: item) -> str:  # type: ignore[valid-type]
            return describe(item)

        @strawberry.field
        def held(self, holder: Holder) -> list[str]:
            return [holder.label, *(describe(value) for value in holder.items)]

    return strawberry.Schema(query=Query)


FLAT_ITEM = item_type()
build_flat(FLAT_ITEM)
FLAT = _schema(FLAT_ITEM)
STRAWBERRY = _schema(item_type())

CLEAN = {"name": "a", "kind": "RED", "key": "k1", "count": 3, "data": {"x": [1, {"y": 2}]}}
OTHER = {"name": "b", "kind": "BLUE", "key": 7, "count": None, "data": "text", "note": "given"}

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "a list variable": (
        "query ($items: [Item!]!) { items(items: $items) }",
        {"items": [CLEAN, OTHER]},
    ),
    "an empty list": ("query ($items: [Item!]!) { items(items: $items) }", {"items": []}),
    "a list with an unknown field": (
        "query ($items: [Item!]!) { items(items: $items) }",
        {"items": [{**CLEAN, "colour": "RED"}]},
    ),
    "a list with a bad value": (
        "query ($items: [Item!]!) { items(items: $items) }",
        {"items": [{**CLEAN, "kind": "GREEN"}]},
    ),
    "nullable items with a null": (
        "query ($items: [Item]) { nullable(items: $items) }",
        {"items": [CLEAN, None, OTHER]},
    ),
    "a null list": ("query ($items: [Item]) { nullable(items: $items) }", {"items": None}),
    "the list left out": ("{ nullable }", {}),
    "one item": ("query ($item: Item!) { one(item: $item) }", {"item": OTHER}),
    "a list inside an input": (
        "query ($holder: Holder!) { held(holder: $holder) }",
        {"holder": {"label": "h", "items": [OTHER, CLEAN]}},
    ),
    "a literal list": (
        '{ items(items: [{name: "a", kind: BLUE, key: 3, count: null, data: {x: 1}}]) }',
        {},
    ),
    "a literal single item for the list": (
        '{ items(items: {name: "a", kind: RED, key: "k", count: 1, data: [1]}) }',
        {},
    ),
}


def _run(schema: strawberry.Schema, query: str, variables: dict[str, Any]) -> Any:
    result = schema.execute_sync(query, variable_values=variables)
    return result.data, [(error.message, error.path) for error in result.errors or []]


@pytest.mark.parametrize("case", QUERIES)
def test_flat_inputs_reach_the_resolver_as_strawberry_builds_them(case: str) -> None:
    query, variables = QUERIES[case]
    assert _run(FLAT, query, variables) == _run(STRAWBERRY, query, variables)


def test_a_list_of_flat_inputs_skips_strawberrys_conversion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the equality is worth: Strawberry still converts arguments through the wrapped
    function (a release that stopped would make this fail, not only slow down), and no item of
    a flat list goes through its own conversion."""
    wrapped: list[Any] = []
    strawberry_own: list[Any] = []
    original = flat_inputs._STRAWBERRY_CONVERT

    def seen_by_wrapper(value: Any, type_: Any, *args: Any, **kwargs: Any) -> object:
        wrapped.append(type_)
        return flat_inputs.convert_argument(value, type_, *args, **kwargs)

    def seen_by_strawberry(value: Any, type_: Any, *args: Any, **kwargs: Any) -> object:
        strawberry_own.append(type_)
        return original(value, type_, *args, **kwargs)

    monkeypatch.setattr(strawberry_arguments, "convert_argument", seen_by_wrapper)
    monkeypatch.setattr(flat_inputs, "_STRAWBERRY_CONVERT", seen_by_strawberry)
    query, variables = QUERIES["a list variable"]
    data, errors = _run(FLAT, query, variables)
    assert errors == []
    assert [answer.split("|")[:2] for answer in data["items"]] == [
        ["True", "name='a'"],
        ["True", "name='b'"],
    ]
    assert wrapped, "Strawberry no longer converts arguments through convert_argument"
    assert FLAT_ITEM not in strawberry_own
    assert strawberry_own == []
