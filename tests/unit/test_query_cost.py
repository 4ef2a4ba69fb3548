"""The query cost estimate: objects a query may resolve, nested lists multiplied."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.api.limits.cost import USUAL_FAN_OUT, query_cost
from mdm_hub.config import Settings
from mdm_hub.domain.paging import DEFAULT_PAGE_SIZE

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


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # the write itself, then what it answers as in a query
        (
            'mutation { overrideAttribute(goldenId: "g", attribute: "a", value: 1, '
            'expectedVersion: 1, reason: "r") { id } }',
            1,
        ),
        (
            'mutation { clearOverride(goldenId: "g", attribute: "a", expectedVersion: 1, '
            'reason: "r") { id children(first: 5) { id } } }',
            1 + 5,
        ),
        # a write answering a scalar still counts, once per root field (aliases too)
        ('mutation { a: deleteWebhook(id: "w1") b: deleteWebhook(id: "w2") }', 2),
    ],
)
def test_a_mutation_counts_its_writes_and_what_they_answer(document: str, expected: int) -> None:
    assert cost(document) == expected


def test_a_mutation_answering_nested_lists_costs_like_the_query_would() -> None:
    deep = "children { parent { children { parent { children { parent { id } } } } } }"
    as_query = cost(f'{{ goldenRecord(id: "g") {{ {deep} }} }}')
    as_mutation = cost(
        f'mutation {{ merge(goldenIds: ["a", "b"], expectedVersions: [], reason: "r") '
        f"{{ {deep} }} }}"
    )
    assert as_mutation == as_query == 1 + 50 * (2 + 50 * (2 + 50 * 2))


def test_hierarchy_walks_count_per_step_of_max_depth() -> None:
    # down: a default page of children per step; up: one parent per step
    down = 'query D($d: Int!) { goldenRecord(id: "g") { descendants(maxDepth: $d) { depth } } }'
    assert cost(down, {"d": 3}) == 1 + 3 * DEFAULT_PAGE_SIZE
    assert cost('{ goldenRecord(id: "g") { descendants { golden { id } } } }') == (
        1 + 10 * DEFAULT_PAGE_SIZE * 2
    )
    assert cost('{ goldenRecord(id: "g") { ancestors(maxDepth: 4) { golden { id } } } }') == (
        1 + 4 * 2
    )
    # a walk below each of a walk's records multiplies: refused at the default limit
    nested = (
        '{ goldenRecord(id: "g") { descendants { golden { descendants { golden { id } } } } } }'
    )
    assert cost(nested) > Settings().max_query_cost
