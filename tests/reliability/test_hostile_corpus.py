"""Hostile strings and an injection corpus through every text argument of the schema, on both
stores: each answered in strict JSON with a clean error or a plain result, never a 5xx or an
unclassified error; what was there before is unchanged; injections are stored as the text
they are."""

from __future__ import annotations

import json
from typing import Any

import httpx

from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.graphql_client import UPSERT_MANY, GraphQLClient, record
from tests.support.hostile_inputs import HUGE, INJECTIONS, LONG, UNSTORABLE, text_inputs
from tests.support.raw_requests import send_raw, strict_json

OPEN = Settings(auth="off")  # every field may run: the corpus reaches every resolver
SEED = "query Seed($id: ID!) { goldenRecord(id: $id) { version attributesJson } }"
CHAIN = "{ auditChainStatus { intact events } }"


async def ask(http: httpx.AsyncClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Sent with JSON escapes (a lone surrogate as \\ud800), as a client's JSON has it."""
    response = await send_raw(http, json.dumps({"query": document, "variables": variables}))
    assert response.status_code in {200, 400}, response.text[:300]
    body = strict_json(response)
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, (document, body)
    return body


async def test_every_text_argument_takes_the_corpus_cleanly(store: Store) -> None:
    inputs = list(text_inputs(build_schema(OPEN)._schema))
    assert {i.field for i in inputs} >= {"upsertSourceRecords", "overrideAttribute", "merge"}
    async with client_for(store, OPEN, role=None) as http:
        http.headers["X-Actor"] = "corpus"
        gql = GraphQLClient(http)
        seed = await gql.data(UPSERT_MANY, {"inputs": [record("CRM", "seed", name="Northwind")]})
        seed_id = seed["upsertSourceRecords"][0]["goldenId"]
        before = await gql.data(SEED, {"id": seed_id})
        for index, text_input in enumerate(inputs):
            # Every unstorable string everywhere; the injections in turn, two per argument.
            corpus = [
                *UNSTORABLE,
                LONG,
                *(INJECTIONS[(index + n) % len(INJECTIONS)] for n in (0, 1)),
            ]
            for text in corpus:
                await ask(http, text_input.document, text_input.with_text(text))
        assert await gql.data(SEED, {"id": seed_id}) == before
        assert (await gql.data(CHAIN))["auditChainStatus"]["intact"] is True


async def test_injections_are_stored_as_the_text_they_are(store: Store) -> None:
    records = [record("CRM", f"inj-{n}", name=text) for n, text in enumerate(INJECTIONS)]
    async with client_for(store, OPEN, role=None) as http:
        http.headers["X-Actor"] = "corpus"
        gql = GraphQLClient(http)
        results = (await gql.data(UPSERT_MANY, {"inputs": records}))["upsertSourceRecords"]
        names = []
        for result in results:
            found = await gql.data(SEED, {"id": result["goldenId"]})
            names.append(found["goldenRecord"]["attributesJson"]["name"])
    assert sorted(set(names)) == sorted(INJECTIONS)


async def test_huge_numbers_and_deep_nesting_in_attributes_are_refused_cleanly(
    store: Store,
) -> None:
    head = '{"query": ' + json.dumps(UPSERT_MANY) + ', "variables": {"inputs": ['
    bodies = [
        head + '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "h", "attributes": '
        '{"name": ' + HUGE + "}}]}}",
        head + '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "f", "attributes": '
        '{"name": 1e999}}]}}',
        head + '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "d", "attributes": '
        '{"name": ' + "[" * 50 + "]" * 50 + "}}]}}",
    ]
    async with client_for(store, OPEN, role=None) as http:
        http.headers["X-Actor"] = "corpus"
        answers = [await send_raw(http, body) for body in bodies]
        listed = await GraphQLClient(http).data(
            "{ goldenRecords(entityType: CUSTOMER) { edges { cursor } } }"
        )
    assert [a.status_code for a in answers] == [200, 200, 400]
    for answer in answers:
        assert strict_json(answer)["errors"]
    assert listed["goldenRecords"]["edges"] == []  # none of them was stored
