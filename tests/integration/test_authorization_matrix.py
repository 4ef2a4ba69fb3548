"""The authorisation matrix: every role against every Query and Mutation field, generated from
the schema itself, on every store with access control on.

Each cell sends a minimal, valid operation selecting only that field (arguments filled in
from their types) with a real key of the role, and asserts it is either allowed (whatever
the resolver then says, it is not FORBIDDEN) or FORBIDDEN with nothing executed. A field
without a rule in api/auth/rules.py fails `test_every_field_has_a_rule`.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    is_composite_type,
)
from graphql.pyutils import Undefined

from mdm_hub.api.auth.rules import RULES
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from tests.integration.conftest import client_for

SCHEMA = build_schema(Settings())._schema
ROOTS = {"Query": SCHEMA.query_type, "Mutation": SCHEMA.mutation_type}
SCALAR_LITERALS = {
    "String": '"x"',
    "ID": '"x"',
    "Int": "1",
    "Float": "1.0",
    "Boolean": "true",
    "JSON": "{}",
    "DateTime": '"2026-01-01T00:00:00Z"',
}


def _literal(type_: GraphQLInputType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return "[]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        fields = [
            f"{name}: {_literal(field.type)}"
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        ]
        return "{" + ", ".join(fields) + "}"
    assert isinstance(type_, GraphQLScalarType)
    return SCALAR_LITERALS[type_.name]


def _operation(type_name: str, name: str, field: GraphQLField) -> str:
    required = [
        f"{arg_name}: {_literal(arg.type)}"
        for arg_name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull)
    ]
    arguments = f"({', '.join(required)})" if required else ""
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{type_name.lower()} {{ {name}{arguments}{selection} }}"


FIELDS = {
    f"{type_name}.{name}": _operation(type_name, name, field)
    for type_name, root in ROOTS.items()
    if root is not None
    for name, field in root.fields.items()
}


# Subscriptions run over WebSocket: their cells are in test_graphql_subscriptions.py.
SUBSCRIPTION_FIELDS = [f"Subscription.{name}" for name in SCHEMA.subscription_type.fields]  # type: ignore[union-attr]


def test_every_field_has_a_rule_and_every_rule_a_field() -> None:
    assert sorted([*FIELDS, *SUBSCRIPTION_FIELDS]) == sorted(RULES)


def test_there_is_something_to_check() -> None:
    assert {"Query.resolve", "Mutation.upsertSourceRecord", "Mutation.overrideAttribute"} <= set(
        FIELDS
    )


async def _send(http: httpx.AsyncClient, document: str) -> tuple[int, dict[str, Any]]:
    response = await http.post("/graphql", json={"query": document})
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("field", sorted(FIELDS))
async def test_cell(store: Store, role: Role, field: str) -> None:
    allowed = role in RULES.get(field, frozenset())
    async with client_for(store, role=role) as http:
        status, body = await _send(http, FIELDS[field])
    assert status == 200, body
    codes = _codes(body)
    if allowed:
        assert "FORBIDDEN" not in codes, body
        assert "UNAUTHENTICATED" not in codes, body
        assert "GRAPHQL_VALIDATION_FAILED" not in codes, body
    else:
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert field in error["message"]
        assert str(role) in error["message"]


@pytest.mark.parametrize("field", sorted(FIELDS))
async def test_without_credentials_every_field_is_unauthenticated(store: Store, field: str) -> None:
    async with client_for(store, role=None) as http:
        response = await http.post("/graphql", json={"query": FIELDS[field]})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["data"] is None
    assert _codes(body) == ["UNAUTHENTICATED"]
