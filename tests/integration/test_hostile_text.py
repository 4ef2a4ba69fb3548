"""Text the hub cannot store, sent as a client could (JSON `\\ud800` escapes, `1e999`), on
every store: the bad record is refused naming its field, the rest of the batch goes on, the
reject is kept in a form strict JSON clients read back, and other arguments are refused as bad
input instead of failing the request."""

from __future__ import annotations

import json

from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from tests.integration.conftest import client_for
from tests.support.raw_requests import post_raw, problem_fields
from tests.support.services import ingest_service

UPSERT_MANY = (
    "mutation U($inputs: [SourceRecordInput!]!) "
    "{ upsertSourceRecords(inputs: $inputs) { goldenId outcome } }"
)
REJECTS = "{ rejectedRecords(first: 10) { payload problems { field reason } } }"


def upsert_body(*records: str) -> str:
    return json.dumps({"query": UPSERT_MANY}).removesuffix("}") + (
        ', "variables": {"inputs": [' + ", ".join(records) + "]}}"
    )


GOOD = (
    '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "ok", "attributes": {"name": "Acme"}}'
)


async def test_a_lone_surrogate_refuses_its_record_only_and_is_kept_escaped(store: Store) -> None:
    bad_value = (
        '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "v", '
        '"attributes": {"name": "Bad \\ud800 GmbH"}}'
    )
    bad_id = '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "i\\udc00", "attributes": {}}'
    bad_key = (
        '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "k", '
        '"attributes": {"na\\ud800me": "x"}}'
    )
    bad_system = (
        '{"system": "C\\ud800", "entityType": "CUSTOMER", "sourceId": "s", "attributes": {}}'
    )
    async with client_for(store) as http:
        body = await post_raw(http, upsert_body(GOOD, bad_value, bad_id, bad_key, bad_system))
        results = body["data"]["upsertSourceRecords"]
        assert results[0]["outcome"] == "CREATED"
        assert results[1:] == [None, None, None, None]
        fields = {
            tuple(e["path"]): [p["field"] for p in e["extensions"]["problems"]]
            for e in body["errors"]
        }
        assert fields[("upsertSourceRecords", 1)] == ["attributes.name"]
        assert fields[("upsertSourceRecords", 2)] == ["sourceId"]
        assert fields[("upsertSourceRecords", 3)] == ["attributes.na\\ud800me"]
        assert fields[("upsertSourceRecords", 4)][0] == "system"
        again = await post_raw(http, upsert_body(bad_value))  # the same again: refused alike
        assert again["data"]["upsertSourceRecords"] == [None]
        listed = await post_raw(http, json.dumps({"query": REJECTS}))
    payloads = [r["payload"] for r in listed["data"]["rejectedRecords"]]
    assert len(payloads) == 5
    assert {"name": "Bad \\ud800 GmbH"} in [p["attributes"] for p in payloads]
    assert "i\\udc00" in [p["sourceId"] for p in payloads]


async def test_a_number_json_cannot_hold_is_kept_as_text(store: Store) -> None:
    record = (
        '{"system": "CRM", "entityType": "CUSTOMER", "sourceId": "n", '
        '"attributes": {"name": 1e999}}'
    )
    async with client_for(store) as http:
        body = await post_raw(http, upsert_body(record))
        assert body["data"]["upsertSourceRecords"] == [None]
        listed = await post_raw(http, json.dumps({"query": REJECTS}))
    [reject] = listed["data"]["rejectedRecords"]
    assert reject["payload"]["attributes"] == {"name": "inf"}
    assert [p["field"] for p in reject["problems"]] == ["attributes.name"]


async def test_other_arguments_with_a_lone_surrogate_are_bad_input(store: Store) -> None:
    golden = '{"query": "query G($id: ID!) { goldenRecord(id: $id) { id } }", '
    async with client_for(store) as http:
        found = await post_raw(http, golden + '"variables": {"id": "cus_\\ud800"}}')
    assert found["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "lone surrogate" in found["errors"][0]["message"]
    create = (
        '{"query": "mutation K($n: String!) { createApiKey(name: $n, role: STEWARD) { token } }", '
    )
    async with client_for(store, role=Role.ADMIN) as http:
        key = await post_raw(http, create + '"variables": {"n": "k\\ud800"}}')
    assert key["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "lone surrogate" in key["errors"][0]["message"]


async def test_a_pinned_value_with_a_lone_surrogate_is_refused_naming_where(store: Store) -> None:
    """overrideAttribute's `value` is JSON: a surrogate in it, as text, in an object or in a
    list, is refused naming `value` and the path inside it, and nothing is pinned."""
    created = await ingest_service(store).upsert(RawRecord("CRM", "CUSTOMER", "p", {"name": "P"}))
    golden_id = created.golden_id
    pin = json.dumps(
        {
            "query": "mutation P($id: ID!, $v: JSON!) { overrideAttribute(goldenId: $id, "
            'attribute: "name", value: $v, expectedVersion: 1, reason: "r") { id } }'
        }
    ).removesuffix("}")
    sent = {'"x\\ud800"': "value", '{"k": "x\\ud800"}': "value.k", '["x\\ud800"]': "value[0]"}
    async with client_for(store) as http:
        for value, field in sent.items():
            body = await post_raw(
                http, pin + f', "variables": {{"id": "{golden_id}", "v": {value}}}}}'
            )
            [error] = body["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT", value
            assert problem_fields(error) == [field]
            assert "lone surrogate" in error["message"]
    view = await store.get_golden(golden_id)
    assert view is not None
    assert view.golden.version == 1
    assert view.override_history == ()
