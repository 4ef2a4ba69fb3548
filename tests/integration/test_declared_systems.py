"""Declared systems as users meet them: the `systems` query, `mdm-hub systems`, and survivorship
by kind through the real ingest on every store (a Salesforce and a NetSuite record of one
customer: the CRM names it, the ERP gives its tax ID)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from mdm_hub.services.ingest import RawRecord
from tests.integration.conftest import client_for
from tests.support.graphql_client import GraphQLClient
from tests.support.services import ingest_service

runner = CliRunner()

SYSTEMS = """
{ systems { code name kind entityTypes locale { dateOrder decimalSeparator } } }
"""


async def test_every_role_reads_the_declared_systems(store: Store) -> None:
    for role in (Role.INTEGRATION, Role.STEWARD, Role.AUDITOR, Role.ADMIN):
        async with client_for(store, role=role) as http:
            data = await GraphQLClient(http).data(SYSTEMS)
        by_code = {s["code"]: s for s in data["systems"]}
        assert by_code["salesforce"] == {
            "code": "salesforce",
            "name": "Salesforce",
            "kind": "CRM",
            "entityTypes": ["CUSTOMER"],
            "locale": {"dateOrder": "MDY", "decimalSeparator": "."},
        }
        assert by_code["sap"]["locale"] == {"dateOrder": "DMY", "decimalSeparator": ","}
        assert len(by_code["CRM"]["entityTypes"]) == 5


async def test_anonymous_callers_do_not_read_them(store: Store) -> None:
    async with client_for(store, role=None) as http:
        response = await http.post("/graphql", json={"query": SYSTEMS})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_survivorship_by_kind_through_ingest(store: Store) -> None:
    ingest = ingest_service(store)
    erp = RawRecord(
        "netsuite",
        "CUSTOMER",
        "8812",
        {"name": "NORTHWIND HOLDINGS", "tax_id": "DE811569869", "currency": "EUR"},
    )
    crm = RawRecord(
        "salesforce",
        "CUSTOMER",
        "0011x00000NWHLD",
        {"name": "Northwind Holdings", "tax_id": "DE 811 569 869", "industry": "Retail"},
    )
    first = await ingest.upsert(erp)
    second = await ingest.upsert(crm)
    assert second.golden_id == first.golden_id
    view = await store.get_golden(first.golden_id)
    assert view is not None
    chosen = {v.name: (v.value, v.source.system) for v in view.golden.attributes}
    # The shipped customer rules say "name: CRM, ERP" and "tax_id: ERP, CRM": kinds, so
    # Salesforce and NetSuite are ranked as the CRM and the ERP they are.
    assert chosen["name"] == ("Northwind Holdings", "salesforce")
    assert chosen["tax_id"] == ("DE811569869", "netsuite")


def test_the_cli_lists_the_systems_and_refuses_a_bad_file(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["systems"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "salesforce" in listed.output
    assert "Oracle NetSuite" in listed.output
    bad = tmp_path / "systems.yaml"
    bad.write_text("systems:\n  - {code: acme, name: Acme, kind: CMR}\n")
    refused = runner.invoke(app, ["systems"], env={"MDM_SYSTEMS_FILE": str(bad)})
    assert refused.exit_code == 2
    assert str(bad) in refused.output
    assert "systems[0] (acme).kind" in refused.output
