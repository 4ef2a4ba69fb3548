"""The README's GraphQL is true of the code: its API block matches the served schema, and every
operation in it runs against the app, on every store. The examples in docs/ validate against
the schema (the tests beside this one run them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    InputObjectTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    OperationDefinitionNode,
    TypeSystemDefinitionNode,
    parse,
    print_ast,
    validate,
)

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from tests.support.graphql_client import GraphQLClient, record
from tests.support.paths import REPO_ROOT

GRAPHQL_BLOCK = re.compile(r"```graphql\n(.*?)```", flags=re.DOTALL)
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DOCUMENTS = [parse(block) for block in GRAPHQL_BLOCK.findall(README)]
SCHEMA = build_schema(Settings())._schema
ROOTS = ("Query", "Mutation", "Subscription")


def _is_sdl(document: DocumentNode) -> bool:
    return all(isinstance(d, TypeSystemDefinitionNode) for d in document.definitions)


def _operations() -> dict[str, str]:
    named: dict[str, str] = {}
    for document in DOCUMENTS:
        if _is_sdl(document):
            continue
        [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert operation.name is not None, "name every README operation, so a test can run it"
        named[operation.name.value] = print_ast(document)
    return named


OPERATIONS = _operations()
[API] = [document for document in DOCUMENTS if _is_sdl(document)]


def test_the_api_block_lists_the_served_types_fields_and_arguments() -> None:
    for definition in API.definitions:
        name = definition.name.value  # type: ignore[attr-defined]
        served = SCHEMA.get_type(name)
        assert served is not None, f"{name} is not in the schema"
        if isinstance(definition, EnumTypeDefinitionNode):
            assert isinstance(served, GraphQLEnumType)
            assert {v.name.value for v in definition.values or ()} == set(served.values), name
            continue
        assert isinstance(definition, ObjectTypeDefinitionNode | InputObjectTypeDefinitionNode)
        assert isinstance(served, GraphQLObjectType | GraphQLInputObjectType)
        listed = {field.name.value: field for field in definition.fields or ()}
        if name in ROOTS:
            assert set(listed) == set(served.fields), f"{name}: every root field is documented"
        for field_name, field in listed.items():
            where = f"{name}.{field_name}"
            assert field_name in served.fields, f"{where} is not in the schema"
            actual = served.fields[field_name]
            assert print_ast(field.type) == str(actual.type), where
            arguments = getattr(field, "arguments", None) or ()
            served_arguments = getattr(actual, "args", {})
            assert {a.name.value for a in arguments} == set(served_arguments), where
            for argument in arguments:
                served_type = served_arguments[argument.name.value].type
                assert print_ast(argument.type) == str(served_type), where


def test_every_readme_operation_validates_against_the_schema() -> None:
    for name, document in OPERATIONS.items():
        assert validate(SCHEMA, parse(document)) == [], name


@pytest.mark.parametrize("doc", sorted((REPO_ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_every_docs_example_validates_against_the_schema(doc: Path) -> None:
    for block in GRAPHQL_BLOCK.findall(doc.read_text(encoding="utf-8")):
        assert validate(SCHEMA, parse(block)) == [], block


CRM = record("CRM", "0011x00000ACME", name="Acme Corporation", tax_id="12-3456789", country="US")
ERP = record("ERP", "C-100234", name="ACME CORP", tax_id="123456789", currency="USD")


async def test_every_readme_operation_runs(gql: GraphQLClient) -> None:
    answers: dict[str, dict[str, Any]] = {}

    async def run(name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        answers[name] = await gql.data(OPERATIONS[name], variables)
        return answers[name]

    created = (await run("Upsert", {"input": CRM}))["upsertSourceRecord"]
    assert created["outcome"] == "CREATED"
    linked = (await gql.data(OPERATIONS["Upsert"], {"input": ERP}))["upsertSourceRecord"]
    assert (linked["outcome"], linked["goldenId"]) == ("LINKED", created["goldenId"])
    golden_id = created["goldenId"]

    resolved = (await run("Resolve"))["resolve"]
    assert resolved["goldenId"] == golden_id
    assert {m["system"] for m in resolved["crosswalk"]} == {"CRM", "ERP"}
    assert resolved["decisionEventId"] is not None

    quarter_end = datetime.now(UTC).isoformat()
    golden = await run("Golden", {"id": golden_id, "quarterEnd": quarter_end})
    assert golden["now"]["attributes"]
    assert golden["then"]["attributesJson"] == {
        a["name"]: a["value"] for a in golden["now"]["attributes"]
    }

    version = golden["now"]["version"]
    pinned = (await run("Pin", {"id": golden_id, "version": version}))["overrideAttribute"]
    [legal_name] = [a for a in pinned["attributes"] if a["name"] == "legal_name"]
    assert (legal_name["rule"], legal_name["reason"]) == ("STEWARD", "per signed MSA, ticket 4711")

    assert (await run("ChainStatus"))["auditChainStatus"]["intact"] is True
    assert set(answers) == set(OPERATIONS), "a README operation this test does not run"
