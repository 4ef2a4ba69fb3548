"""The enforcement pieces on their own: which root fields an operation selects, and that a
schema executed without the hub's request context refuses every protected field."""

from __future__ import annotations

from graphql import parse

from mdm_hub.api.auth.enforce import root_fields
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.domain.access import Principal, Role


def test_root_fields_follow_fragments_and_inline_fragments_once() -> None:
    document = parse(
        """
        query A { __typename ...F ... on Query { resolve(system: "a", entityType: CUSTOMER,
                                                         sourceId: "b") { goldenId } } }
        fragment F on Query { alias: rejectedRecords { receivedAt } ...F }
        mutation B { clearOverride(goldenId: "g", attribute: "a", reason: "r") { id } }
        """
    )
    assert root_fields(document, "A") == ("Query", ["__typename", "rejectedRecords", "resolve"])
    assert root_fields(document, "B") == ("Mutation", ["clearOverride"])
    assert root_fields(document, "missing") == ("", [])


async def test_without_the_hub_context_protected_fields_fail_closed() -> None:
    schema = build_schema(Settings())
    refused = await schema.execute("{ rejectedRecords { receivedAt } }")
    assert refused.data is None
    assert refused.errors is not None
    assert [e.extensions["code"] for e in refused.errors if e.extensions] == ["UNAUTHENTICATED"]
    assert (await schema.execute("{ __typename }")).data == {"__typename": "Query"}


def test_a_principal_names_its_roles_and_systems() -> None:
    scoped = Principal("crm", frozenset({Role.INTEGRATION}), frozenset({"CRM"}))
    assert (scoped.role_names, scoped.may_use_system("CRM"), scoped.may_use_system("HR")) == (
        "integration",
        True,
        False,
    )
    assert Principal("x", frozenset()).role_names == "no role"
    assert Principal("x", frozenset(Role)).may_use_system("anything")
