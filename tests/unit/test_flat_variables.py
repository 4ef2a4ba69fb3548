"""Flat-list variables coerced in one pass give exactly what graphql-core's general coercion
gives: the same values reach the resolver, and every value the one pass does not take ends in
the same error, at the same path, as without it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import strawberry
from graphql import parse
from graphql.language import OperationDefinitionNode

from mdm_hub.api.graphql.flat_variables import FlatListPlans, FlatVariablesExecution
from tests.support.flat_items import Kind, item_type

Item = item_type()


@strawberry.input
class Inner:
    name: str


@strawberry.input
class Nested:  # an input inside an input: never planned
    inner: Inner


@strawberry.input(one_of=True)
class Either:
    name: str | None = strawberry.UNSET
    key: strawberry.ID | None = strawberry.UNSET


def _describe(item: Any) -> str:
    return "|".join(repr(getattr(item, name)) for name in vars(item))


@strawberry.type
class Query:
    @strawberry.field
    def items(self, items: list[Item]) -> list[str]:
        return [_describe(item) for item in items]

    @strawberry.field
    def maybe(self, items: list[Item] | None = None, flag: bool = False) -> list[str] | None:
        return None if items is None else [f"{flag}:{_describe(item)}" for item in items]

    @strawberry.field
    def nested(self, items: list[Nested]) -> list[str]:
        return [item.inner.name for item in items]

    @strawberry.field
    def either(self, items: list[Either]) -> list[str]:
        return [_describe(item) for item in items]


ONE_PASS = strawberry.Schema(query=Query, execution_context_class=FlatVariablesExecution)
GENERAL = strawberry.Schema(query=Query)

ITEMS = "query ($items: [Item!]!) { items(items: $items) }"
MAYBE = "query ($items: [Item!], $flag: Boolean!) { maybe(items: $items, flag: $flag) }"


def _clean(**changes: Any) -> dict[str, Any]:
    item = {"name": "a", "kind": "RED", "key": "k1", "count": 3, "data": {"x": [1, {"y": 2}]}}
    item.update(changes)
    return {name: value for name, value in item.items() if value is not _ABSENT}


_ABSENT = object()

VALUES: dict[str, Any] = {
    "clean": [_clean(), _clean(name="b", kind="BLUE", note="given", count=None)],
    "empty": [],
    "an ID given as an integer": [_clean(key=42)],
    "an ID given as a float": [_clean(key=4.0)],
    "an ID given as a fraction": [_clean(key=4.5)],
    "an optional field left out": [_clean(count=_ABSENT)],
    "a required field left out": [_clean(name=_ABSENT)],
    "an unknown field": [{**_clean(), "colour": "RED"}],
    "null for a non-null field": [_clean(name=None)],
    "null for the default's field": [_clean(note=None)],
    "an integer for a String": [_clean(name=7)],
    "an unknown enum value": [_clean(kind="GREEN")],
    "a float for an Int": [_clean(count=1.5)],
    "an Int beyond 32 bits": [_clean(count=2**40)],
    "a null item": [_clean(), None],
    "a list for an item": [[_clean()]],
    "one object for the list": _clean(),
    "a string for the list": "abc",
    "null for the list": None,
    "a deep JSON value": [_clean(data=[[[[{"a": [[[]]]}]]]])],
}


def _run(schema: strawberry.Schema, query: str, variables: dict[str, Any]) -> Any:
    result = schema.execute_sync(query, variable_values=variables)
    errors = [(error.message, error.path) for error in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize("case", VALUES)
def test_a_list_of_flat_inputs_coerces_as_graphql_core_does(case: str) -> None:
    variables = {"items": VALUES[case]}
    assert _run(ONE_PASS, ITEMS, variables) == _run(GENERAL, ITEMS, variables)


@pytest.mark.parametrize("case", VALUES)
def test_a_nullable_list_beside_another_variable_coerces_as_graphql_core_does(case: str) -> None:
    for flag in (True, "not a boolean"):
        variables = {"items": VALUES[case], "flag": flag}
        assert _run(ONE_PASS, MAYBE, variables) == _run(GENERAL, MAYBE, variables)


def test_clean_lists_take_the_one_pass_and_others_the_general_way() -> None:
    """What the equality above is worth: the clean values really are coerced here."""
    plans = FlatListPlans(ONE_PASS._schema)
    operation = parse(ITEMS).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    taken = {case for case, value in VALUES.items() if plans.coerce(operation, {"items": value})}
    assert taken == {
        "clean",
        "empty",
        "an ID given as an integer",
        "an ID given as a float",
        "an optional field left out",
        "null for the default's field",
        "a deep JSON value",
    }
    coerced = plans.coerce(operation, {"items": VALUES["clean"]})["items"]
    assert coerced[0]["kind"] is Kind.RED
    assert coerced[0]["note"] == "none given"
    assert coerced[1]["count"] is None
    assert coerced[1]["note"] == "given"


def test_nested_inputs_are_left_to_graphql_core() -> None:
    plans = FlatListPlans(ONE_PASS._schema)
    query = "query ($items: [Nested!]!) { nested(items: $items) }"
    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    for items in ([{"inner": {"name": "a"}}], [{"inner": {"nom": "a"}}]):
        assert plans.coerce(operation, {"items": items}) == {}
        assert _run(ONE_PASS, query, {"items": items}) == _run(GENERAL, query, {"items": items})


@pytest.mark.parametrize(
    "items",
    [[{"name": "a"}], [{"key": 5}, {"name": "b"}], [{"name": "a", "key": "k"}], [{}]],
    ids=["one field", "two items", "two fields set", "none set"],
)
def test_one_of_inputs_are_checked_as_graphql_core_checks_them(items: list[Any]) -> None:
    query = "query ($items: [Either!]!) { either(items: $items) }"
    assert _run(ONE_PASS, query, {"items": items}) == _run(GENERAL, query, {"items": items})


def test_the_named_operation_of_several_is_the_one_coerced() -> None:
    document = f"query First {ITEMS[6:]} query Second {MAYBE[6:]}"
    for name, variables in (
        ("First", {"items": VALUES["clean"]}),
        ("Second", {"items": VALUES["clean"], "flag": True}),
        ("Second", {"items": VALUES["an unknown field"], "flag": True}),
    ):
        one = ONE_PASS.execute_sync(document, variable_values=variables, operation_name=name)
        general = GENERAL.execute_sync(document, variable_values=variables, operation_name=name)
        assert (one.data, [e.message for e in one.errors or []]) == (
            general.data,
            [e.message for e in general.errors or []],
        )


def test_random_mixtures_coerce_as_graphql_core_does() -> None:
    """Lists mixing clean items with every kind of bad field, in seeded random orders."""
    pieces = [value[0] for value in VALUES.values() if isinstance(value, list) and value]
    chooser = random.Random(20261207)
    for _ in range(200):
        items = [chooser.choice(pieces) for _ in range(chooser.randint(1, 6))]
        variables = {"items": items}
        assert _run(ONE_PASS, ITEMS, variables) == _run(GENERAL, ITEMS, variables)
