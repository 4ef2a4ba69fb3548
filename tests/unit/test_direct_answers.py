"""The direct pass over plain selections answers exactly as graphql-core's general way:
the same data, the same errors at the same paths, for clean values and for values only the
general way handles (nulls where the schema forbids them, values a scalar or enum refuses,
iterators, a resolver field beside plain ones)."""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
import strawberry
from strawberry.extensions import ParserCache

from mdm_hub.api.graphql import direct_answers
from mdm_hub.api.graphql.direct_answers import DirectExecution


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


class Stranger(enum.Enum):  # not the schema's enum: GraphQL must refuse it
    GREEN = "GREEN"


@strawberry.type
class Member:
    name: str
    colour: Colour
    rank: int | None


@strawberry.type
class Group:
    id: strawberry.ID
    members: list[Member]
    spare: list[Member] | None
    label: str | None

    @strawberry.field
    def shout(self) -> str:
        return self.id.upper()


def _member(name: Any = "a", colour: Any = Colour.RED, rank: Any = 1) -> Member:
    return Member(name=name, colour=colour, rank=rank)


def _groups(members: Any, spare: Any = None, label: Any = "x") -> list[Group]:
    return [
        Group(
            id=strawberry.ID("g1"),
            members=[_member(), _member("b", Colour.BLUE)],
            spare=None,
            label=None,
        ),
        Group(id=strawberry.ID("g2"), members=members, spare=spare, label=label),
    ]


# Built afresh for each execution (an iterator is read once).
CASES: dict[str, Callable[[], list[Group]]] = {
    "clean": lambda: _groups([_member(), _member("c", Colour.BLUE, None)], [_member("s")]),
    "null in a non-null leaf": lambda: _groups([_member(None)]),
    "null list item": lambda: _groups([None]),
    "an enum value of another enum": lambda: _groups([_member(colour=Stranger.GREEN)]),
    "a string for an enum": lambda: _groups([_member(colour="RED")]),
    "a float for an Int": lambda: _groups([_member(rank=1.5)]),
    "an integer beyond 32 bits": lambda: _groups([_member(rank=2**40)]),
    "an iterator for a list": lambda: _groups(iter([_member(), _member("d")])),
    "a tuple for a list": lambda: _groups((_member(), _member("d"))),
    "an object for a string": lambda: _groups([_member(name=object())]),
    "an exception as a value": lambda: _groups([_member(name=ValueError("boom"))]),
    "no groups": list,
}

QUERIES = {
    "plain": "{ groups { id members { name colour rank } spare { name } label } }",
    "aliases and typename": (
        "{ groups { __typename key: id members { n: name __typename c: colour } } }"
    ),
    "with a resolver field": "{ groups { id shout members { name colour } } }",
    "skip and include": (
        "query ($yes: Boolean!) { groups { id @skip(if: $yes) "
        "members { name @include(if: $yes) rank } } }"
    ),
    "fragments": (
        "{ groups { ...G } } fragment G on Group { id members { ... on Member { name } } }"
    ),
}


def _schema(case: str, direct: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def groups(self) -> list[Group] | None:
            return CASES[case]()

    if direct:
        return strawberry.Schema(query=Query, execution_context_class=DirectExecution)
    return strawberry.Schema(query=Query)


def _answer(case: str, query: str, direct: bool) -> tuple[Any, list[Any]]:
    result = _schema(case, direct).execute_sync(query, variable_values={"yes": True})
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
@pytest.mark.parametrize("case", list(CASES))
def test_the_direct_pass_answers_as_the_general_way(case: str, query: str) -> None:
    assert _answer(case, query, direct=True) == _answer(case, query, direct=False)


def test_a_refused_value_is_reported_where_it_is() -> None:
    data, errors = _answer("null in a non-null leaf", QUERIES["plain"], direct=True)
    assert data == {"groups": None}  # the error nulls the nearest nullable parent
    assert errors == [
        (
            "Cannot return null for non-nullable field Member.name.",
            ["groups", 1, "members", 0, "name"],
        )
    ]


def _cached_schema(case: str, direct: bool) -> strawberry.Schema:
    """As `_schema`, with the parse cached: each request of a text executes the same document,
    so the direct pass keeps what it compiled for that operation's next requests."""

    @strawberry.type
    class Query:
        @strawberry.field
        def groups(self) -> list[Group] | None:
            return CASES[case]()

    cache = [ParserCache(maxsize=16)]
    common: dict[str, Any] = {"query": Query, "extensions": [lambda: cache[0]]}
    if direct:
        return strawberry.Schema(**common, execution_context_class=DirectExecution)
    return strawberry.Schema(**common)


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_later_requests_of_a_document_answer_as_the_general_way(query: str) -> None:
    """Requests of one document, with values and variables that change between them."""
    for direct in (True, False):
        schemas = {case: _cached_schema(case, direct) for case in CASES}
        answers = []
        for yes in (True, False, True):
            for schema in schemas.values():
                result = schema.execute_sync(query, variable_values={"yes": yes})
                answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
        if direct:
            direct_answers = answers
        else:
            assert direct_answers == answers


def test_a_document_is_compiled_once_unless_its_variables_can_change_its_selection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An empty cache of its own: earlier tests in the process may have filled the shared one
    # to its bound, where each new document evicts the oldest and the size stays put.
    monkeypatch.setattr(direct_answers, "_shared", OrderedDict())
    schema = _cached_schema("clean", direct=True)
    shared_before = len(direct_answers._shared)
    for _ in range(3):  # a text no other test sends
        assert not schema.execute_sync("{ groups { onlyHere: id members { name } } }").errors
    assert len(direct_answers._shared) == shared_before + 1
    varying = "query ($yes: Boolean!) { groups { onlyHere: id @skip(if: $yes) } }"
    for yes in (True, False):
        assert not schema.execute_sync(varying, {"yes": yes}).errors
    assert len(direct_answers._shared) == shared_before + 1  # compiled per request
