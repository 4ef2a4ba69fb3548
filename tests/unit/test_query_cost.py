"""The query cost estimate: objects a query may resolve, nested lists multiplied."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.api.limits.cost import USUAL_FAN_OUT, query_cost
from mdm_hub.config import Settings

SCHEMA = build_schema(Settings())._schema


def cost(document: str, variables: dict[str, Any] | None = None) -> int:
    parsed = parse(document)
    [operation] = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    return query_cost(SCHEMA, parsed, operation, variables)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ('{ goldenRecord(id: "g") { id } }', 1),
        # the record, then 5 children, each with its parent
        ('{ goldenRecord(id: "g") { children(first: 5) { parent { id } } } }', 1 + 5 * 2),
        # nested pages multiply: 1 + 3 * (1 + 4)
        ('{ goldenRecord(id: "g") { children(first: 3) { children(first: 4) { id } } } }', 16),
        # an unpaged list counts its usual fan-out
        ('{ goldenRecord(id: "g") { crosswalk { system } } }', 1 + USUAL_FAN_OUT),
        # a connection's page size is counted once, at the connection
        ("{ goldenRecords(entityType: CUSTOMER, first: 7) { edges { node { id } } } }", 7 * 3),
    ],
)
def test_lists_multiply_what_is_below_them(document: str, expected: int) -> None:
    assert cost(document) == expected


def test_page_sizes_from_variables_and_defaults_and_fragments_count() -> None:
    by_variable = 'query Q($n: Int!) { goldenRecord(id: "g") { children(first: $n) { id } } }'
    assert cost(by_variable, {"n": 20}) == 21
    assert cost('{ goldenRecord(id: "g") { children { id } } }') == 51  # default first: 50
    fragment = (
        'query F { goldenRecord(id: "g") { ...Kids } } '
        "fragment Kids on GoldenRecord { children(first: 2) { id } }"
    )
    assert cost(fragment) == 3
    refs = "query R($r: [SourceRefInput!]!) { resolveMany(refs: $r) { goldenId } }"
    assert cost(refs, {"r": [{}] * 40}) == 40
