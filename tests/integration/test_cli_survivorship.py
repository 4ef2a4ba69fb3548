"""`mdm-hub rules`, `mdm-hub recompute` and `mdm-hub serve` as an operator rolls out a rule
change: validate, find stale golden records, recompute; bad rules stop everything."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.domain.records import GoldenView
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services
from tests.support.paths import SHIPPED

runner = CliRunner()


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHIPPED / "survivorship", tmp_path / "survivorship"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _env(rules_dir: Path, db: Path) -> dict[str, str]:
    return {
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(db),
        "MDM_SURVIVORSHIP_DIR": str(rules_dir),
    }


async def _load_customers(db: Path) -> str:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        # As the API ingests: mapped through the shipped code sets.
        ingest = Services.over(store, codes=shipped_code_sets()).ingest
        crm = RawRecord("CRM", "CUSTOMER", "c1", {"name": "Acme Inc", "tax_id": "DE1"})
        golden_id = (await ingest.upsert(crm)).golden_id
        await ingest.upsert(RawRecord("ERP", "CUSTOMER", "e1", {"name": "ACME", "tax_id": "DE1"}))
        await ingest.upsert(RawRecord("CRM", "CUSTOMER", "c2", {"name": "Beta", "tax_id": "DE2"}))
        await ingest.upsert(RawRecord("PSA", "PROJECT", "p1", {"code": "P-1"}))
        return golden_id
    finally:
        await store.close()


async def _golden(db: Path, golden_id: str) -> GoldenView | None:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        return await store.get_golden(golden_id)
    finally:
        await store.close()


def test_rules_validates_and_prints_each_hash(rules_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules"], env=_env(rules_dir, tmp_path / "hub.db"))
    assert result.exit_code == 0, result.output
    for name in ("CUSTOMER", "EMPLOYEE", "PROJECT", "RATE_CARD", "ACCOUNTING_DIMENSION"):
        assert name in result.output
    assert "OK: every rule file is valid" in result.output


def test_rules_with_a_bad_file_exits_2_naming_file_attribute_and_problem(
    rules_dir: Path, tmp_path: Path
) -> None:
    _edit(
        rules_dir / "project.yaml",
        "status:\n    strategy: source_priority",
        "status:\n    strategy: latest",
    )
    result = runner.invoke(app, ["rules"], env=_env(rules_dir, tmp_path / "hub.db"))
    assert result.exit_code == 2
    assert "project.yaml" in result.output
    assert "attributes.status.strategy" in result.output
    assert "Input should be" in result.output


def test_serve_refuses_to_start_on_bad_rules(
    rules_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (rules_dir / "employee.yaml").unlink()
    with caplog.at_level(logging.ERROR, logger="mdm_hub"):
        result = runner.invoke(app, ["serve"], env=_env(rules_dir, tmp_path / "hub.db"))
    assert result.exit_code == 2
    assert "refusing to start" in caplog.text
    assert "employee.yaml" in caplog.text
    assert not (tmp_path / "hub.db").exists()  # nothing was opened, let alone written


def test_a_rule_change_rolled_out_with_check_and_recompute(rules_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    golden_id = asyncio.run(_load_customers(db))
    env = _env(rules_dir, db)
    current = runner.invoke(app, ["recompute", "--check"], env=env)
    assert current.exit_code == 0, current.output
    assert "CUSTOMER: 0 of 2 golden records stale" in current.output

    # The change: ERP, not CRM, owns the customer's name.
    _edit(
        rules_dir / "customer.yaml",
        "name:          {strategy: source_priority, systems: [CRM, ERP, PSA]}",
        "name:          {strategy: source_priority, systems: [ERP, CRM, PSA]}",
    )
    stale = runner.invoke(app, ["recompute", "--check"], env=env)
    assert stale.exit_code == 1
    assert "CUSTOMER: 2 of 2 golden records stale" in stale.output
    assert "PROJECT: 0 of 1 golden records stale" in stale.output

    done = runner.invoke(app, ["recompute", "--entity-type", "customer"], env=env)
    assert done.exit_code == 0, done.output
    assert (
        "CUSTOMER: recomputed 2 golden records: 1 changed, 1 unchanged but re-stamped, "
        "0 already current" in done.output
    )
    assert "PROJECT" not in done.output
    view = asyncio.run(_golden(db, golden_id))
    assert view is not None
    assert view.golden.values()["name"] == "ACME"

    after = runner.invoke(app, ["recompute", "--check"], env=env)
    assert after.exit_code == 0
    assert "CUSTOMER: 0 of 2 golden records stale" in after.output


def test_recompute_refuses_bad_rules_before_touching_the_store(
    rules_dir: Path, tmp_path: Path
) -> None:
    (rules_dir / "stray.yaml").write_text("entity_type: CUSTOMER\n")
    result = runner.invoke(app, ["recompute"], env=_env(rules_dir, tmp_path / "hub.db"))
    assert result.exit_code == 2
    assert "stray.yaml" in result.output
    assert not (tmp_path / "hub.db").exists()
