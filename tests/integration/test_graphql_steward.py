"""Stewards pin and clear golden values over GraphQL, on every store; auditors read the
provenance, the rule set hash and the override history."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.ports import Store
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.wiring import shipped_rules
from tests.integration.conftest import client_for
from tests.support.auth import KeyAuth
from tests.support.graphql_client import (
    CLEAR_OVERRIDE,
    GOLDEN_STEWARDSHIP,
    OVERRIDE,
    UPSERT_MANY,
    GraphQLClient,
    record,
)
from tests.support.paths import SHIPPED


async def _customer(gql: GraphQLClient) -> str:
    crm = record("CRM", "C-1", name="Acme Inc", tax_id="DE111", email="info@acme.com")
    crm["observedAt"] = "2026-01-05T08:00:00Z"
    erp = record("ERP", "400", name="ACME", tax_id="de 111", email="ap@acme.com", currency="EUR")
    erp["observedAt"] = "2026-02-05T08:00:00Z"
    result = await gql.data(UPSERT_MANY, {"inputs": [crm, erp]})
    golden_id: str = result["upsertSourceRecords"][0]["goldenId"]
    return golden_id


def _attribute(golden: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [a for a in golden["attributes"] if a["name"] == name]
    return found


async def test_golden_record_shows_rule_provenance_and_rule_set_hash(gql: GraphQLClient) -> None:
    golden_id = await _customer(gql)
    golden = (await gql.data(GOLDEN_STEWARDSHIP, {"id": golden_id}))["goldenRecord"]
    # The rules' hash, folded with the hash of the code sets governing customer attributes.
    computed_by = GoldenRecomputer(shipped_rules(), shipped_code_sets())
    assert golden["ruleSetHash"] == computed_by.hash_for(EntityType.CUSTOMER)
    assert _attribute(golden, "name") == {
        "name": "name",
        "value": "Acme Inc",
        "rule": "source_priority",
        "reason": None,
        "source": {
            "system": "CRM",
            "sourceId": "C-1",
            "version": 1,
            "observedAt": "2026-01-05T08:00:00+00:00",
        },
        "parts": [],
    }
    assert _attribute(golden, "email")["rule"] == "most_recent"
    assert _attribute(golden, "email")["source"]["system"] == "ERP"
    assert golden["overrideHistory"] == []


async def test_override_then_clear_record_the_authenticated_key_not_the_claim(
    store: Store,
) -> None:
    jane = client_for(store, role=None)
    jane.auth = KeyAuth(store, Role.STEWARD, name="jane.doe@firm.example")
    async with jane as http:
        gql = GraphQLClient(http)
        golden_id = await _customer(gql)
        variables = {
            "goldenId": golden_id,
            "attribute": "name",
            "value": "Acme Incorporated",
            "expectedVersion": 2,  # after the two upserts
            "reason": "legal name per signed MSA",
        }
        # X-Actor is a claim; with access control on, the key's name is recorded instead.
        body = await gql.post(OVERRIDE, variables, **{"X-Actor": "mallory"})
    assert "errors" not in body, body
    golden = body["data"]["overrideAttribute"]
    name = _attribute(golden, "name")
    assert (name["value"], name["rule"], name["reason"]) == (
        "Acme Incorporated",
        "STEWARD",
        "legal name per signed MSA",
    )
    assert name["source"]["system"] == "STEWARD"
    assert name["source"]["sourceId"] == "jane.doe@firm.example"
    assert name["source"]["version"] == 1
    assert golden["attributesJson"]["name"] == "Acme Incorporated"
    [pin] = golden["overrideHistory"]
    assert (pin["revision"], pin["action"], pin["value"], pin["actor"]) == (
        1,
        "PIN",
        "Acme Incorporated",
        "jane.doe@firm.example",
    )

    john = client_for(store, role=None)
    john.auth = KeyAuth(store, Role.STEWARD, name="john")
    async with john as http:
        gql = GraphQLClient(http)
        clear = {
            "goldenId": golden_id,
            "attribute": "name",
            "expectedVersion": body["data"]["overrideAttribute"]["version"],
            "reason": "CRM corrected",
        }
        golden = (await gql.data(CLEAR_OVERRIDE, clear))["clearOverride"]
        again = (await gql.data(GOLDEN_STEWARDSHIP, {"id": golden_id}))["goldenRecord"]
    assert _attribute(golden, "name")["value"] == "Acme Inc"
    assert [(e["action"], e["actor"], e["value"]) for e in golden["overrideHistory"]] == [
        ("PIN", "jane.doe@firm.example", "Acme Incorporated"),
        ("CLEAR", "john", None),
    ]
    assert again == golden


async def test_with_auth_off_the_x_actor_claim_is_recorded(store: Store) -> None:
    async with client_for(store, Settings(auth="off"), role=None) as http:
        gql = GraphQLClient(http)
        golden_id = await _customer(gql)
        pin = {
            "goldenId": golden_id,
            "attribute": "name",
            "value": "Acme",
            "reason": "r",
            "expectedVersion": 2,
        }
        body = await gql.post(OVERRIDE, pin, **{"X-Actor": "jane.doe@firm.example"})
        assert "errors" not in body, body
        clear = {"goldenId": golden_id, "attribute": "name", "reason": "r", "expectedVersion": 3}
        golden = (await gql.data(CLEAR_OVERRIDE, clear))["clearOverride"]
        empty = await gql.post(OVERRIDE, pin, **{"X-Actor": ""})
    assert [(e["action"], e["actor"]) for e in golden["overrideHistory"]] == [
        ("PIN", "jane.doe@firm.example"),
        ("CLEAR", "anonymous"),  # no X-Actor header: recorded as anonymous
    ]
    assert empty["data"] is None
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def _unchanged_after(store: Store, golden_id: str) -> None:
    view = await store.get_golden(golden_id)
    assert view is not None
    assert view.override_history == ()
    assert view.golden.version == 2  # the two upserts; nothing since


@pytest.mark.parametrize(
    ("attribute", "value", "headers", "field"),
    [
        ("colour", "red", {}, "attribute"),
        ("currency", "Euro", {}, "value"),
        ("parent", {"system": "CRM"}, {}, "value.sourceId"),
    ],
)
async def test_bad_override_is_bad_user_input_naming_the_field(
    gql: GraphQLClient,
    store: Store,
    attribute: str,
    value: Any,
    headers: dict[str, str],
    field: str,
) -> None:
    golden_id = await _customer(gql)
    variables = {
        "goldenId": golden_id,
        "attribute": attribute,
        "value": value,
        "reason": "r",
        "expectedVersion": 2,
    }
    body = await gql.post(OVERRIDE, variables, **headers)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [p["field"] for p in error["extensions"]["problems"]] == [field]
    assert field in error["message"]
    await _unchanged_after(store, golden_id)


async def test_null_value_is_refused_by_the_schema(gql: GraphQLClient, store: Store) -> None:
    golden_id = await _customer(gql)
    variables = {
        "goldenId": golden_id,
        "attribute": "name",
        "value": None,
        "reason": "r",
        "expectedVersion": 2,
    }
    [error] = (await gql.post(OVERRIDE, variables))["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$value" in error["message"]
    await _unchanged_after(store, golden_id)


async def test_clear_without_a_pin_is_bad_user_input(gql: GraphQLClient, store: Store) -> None:
    golden_id = await _customer(gql)
    clear = {"goldenId": golden_id, "attribute": "name", "reason": "r", "expectedVersion": 2}
    [error] = (await gql.post(CLEAR_OVERRIDE, clear))["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["problems"][0]["field"] == "attribute"
    await _unchanged_after(store, golden_id)


@pytest.mark.parametrize("mutation", [OVERRIDE, CLEAR_OVERRIDE])
async def test_unknown_golden_record_is_not_found(gql: GraphQLClient, mutation: str) -> None:
    variables = {
        "goldenId": "cus_missing",
        "attribute": "name",
        "value": "x",
        "reason": "r",
        "expectedVersion": 1,
    }
    if mutation is CLEAR_OVERRIDE:
        del variables["value"]
    body = await gql.post(mutation, variables)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "cus_missing" in error["message"]


async def test_overlong_golden_id_names_the_argument(gql: GraphQLClient) -> None:
    variables = {
        "goldenId": "x" * 500,
        "attribute": "name",
        "value": "x",
        "reason": "r",
        "expectedVersion": 1,
    }
    [error] = (await gql.post(OVERRIDE, variables))["errors"]
    assert error["extensions"]["problems"][0]["field"] == "goldenId"


async def test_configured_rule_directory_is_used_and_union_parts_are_shown(
    store: Store, tmp_path: Path
) -> None:
    rules_dir = Path(shutil.copytree(SHIPPED / "survivorship", tmp_path / "rules"))
    customer = rules_dir / "customer.yaml"
    customer.write_text(
        customer.read_text().replace(
            "email:         {strategy: most_recent}", "email:         {strategy: union}"
        )
    )
    async with client_for(store, Settings(survivorship_dir=rules_dir)) as http:
        gql = GraphQLClient(http)
        golden_id = await _customer(gql)
        golden = (await gql.data(GOLDEN_STEWARDSHIP, {"id": golden_id}))["goldenRecord"]
    email = _attribute(golden, "email")
    assert (email["rule"], email["value"]) == ("union", ["ap@acme.com", "info@acme.com"])
    assert [(p["value"], p["source"]["system"]) for p in email["parts"]] == [
        ("ap@acme.com", "ERP"),
        ("info@acme.com", "CRM"),
    ]
    shipped = GoldenRecomputer(shipped_rules(), shipped_code_sets())
    assert golden["ruleSetHash"] != shipped.hash_for(EntityType.CUSTOMER)


async def test_a_stale_expected_version_is_a_version_conflict(
    gql: GraphQLClient, store: Store
) -> None:
    golden_id = await _customer(gql)
    pin = {
        "goldenId": golden_id,
        "attribute": "name",
        "value": "Acme",
        "expectedVersion": 1,  # read before the ERP record linked
        "reason": "r",
    }
    [error] = (await gql.post(OVERRIDE, pin))["errors"]
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    assert (error["extensions"]["expectedVersion"], error["extensions"]["currentVersion"]) == (1, 2)
    await _unchanged_after(store, golden_id)
    clear = {"goldenId": golden_id, "attribute": "name", "reason": "r", "expectedVersion": 1}
    [error] = (await gql.post(CLEAR_OVERRIDE, clear))["errors"]
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
