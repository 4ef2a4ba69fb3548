"""`mdm-hub rules fit` on a small embedded store loaded through ingest: it prints current and
fitted weights, writes a proposal the loader accepts, leaves the live rules alone and, with
labels, compares the two rule sets."""

from __future__ import annotations

import asyncio
import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.matching.rules import MatchRules
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services
from tests.support.paths import SHIPPED

runner = CliRunner()
GIVEN = ["Anna", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hugo"]
FAMILY = ["Albers", "Brandt", "Castell", "Dorsey", "Engel", "Fischer"]


def _people() -> list[tuple[str, dict[str, str]]]:
    """48 people, each as (person key, attributes)."""
    people = []
    for g, given in enumerate(GIVEN):
        for f, family in enumerate(FAMILY):
            people.append(
                (
                    f"p{g}-{f}",
                    {
                        "given_name": given,
                        "family_name": family,
                        "birth_date": f"19{60 + g}-0{1 + f}-1{f}",
                        "address_line1": f"{10 + g * 7 + f} {family} Street",
                        "city": ["Oslo", "Bergen", "Turku"][(g + f) % 3],
                        "postal_code": f"{1000 + g * 10 + f}",
                    },
                )
            )
    return people


def _typo(name: str) -> str:
    return name[:-2] + name[-1] + name[-2]  # the last two letters swapped


async def _load(db: Path) -> None:
    store = EmbeddedStore(str(db))
    await store.open()
    try:
        ingest = Services.over(store).ingest
        for index, (key, person) in enumerate(_people()):
            await ingest.upsert(RawRecord("HRIS", "EMPLOYEE", key, person))
            payroll = dict(person)
            if index % 2:
                payroll["given_name"] = _typo(person["given_name"])
            await ingest.upsert(RawRecord("PAYROLL", "EMPLOYEE", f"pay-{key}", payroll))
    finally:
        await store.close()


@pytest.fixture
def hub(tmp_path: Path) -> dict[str, str]:
    asyncio.run(_load(tmp_path / "hub.db"))
    matching = shutil.copytree(SHIPPED / "matching", tmp_path / "matching")
    return {
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"),
        "MDM_MATCHING_DIR": str(matching),
    }


def _labels(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["system", "entity_type", "source_id", "entity_key"])
        for key, _ in _people():
            writer.writerow(["HRIS", "EMPLOYEE", key, key])
            writer.writerow(["PAYROLL", "EMPLOYEE", f"pay-{key}", key])
        writer.writerow(["CRM", "CUSTOMER", "c1", "someone"])  # another type: ignored
    return path


def test_fit_writes_a_proposal_the_loader_accepts_and_leaves_the_live_rules(
    hub: dict[str, str], tmp_path: Path
) -> None:
    live = Path(hub["MDM_MATCHING_DIR"]) / "employee.yaml"
    before = live.read_bytes()
    out = tmp_path / "proposal.yaml"

    result = runner.invoke(
        app,
        ["rules", "fit", "--entity-type", "employee", "--sample", "2000", "--out", str(out)],
        env=hub,
    )

    assert result.exit_code == 0, result.output
    assert "EMPLOYEE rules fitted to 96 records" in result.output
    assert "fitted weight" in result.output
    assert "given_name" in result.output
    proposed = MatchRules.load(out)
    current = MatchRules.load(live)
    assert live.read_bytes() == before
    assert proposed.rules.blocking == current.rules.blocking
    assert proposed.rules.thresholds == current.rules.thresholds
    # Half the payroll names carry a typo: the data moves given_name's top-level m.
    [fitted_given] = [c for c in proposed.rules.comparisons if c.attributes == ["given_name"]]
    [current_given] = [c for c in current.rules.comparisons if c.attributes == ["given_name"]]
    assert fitted_given.levels[0].m != current_given.levels[0].m
    assert "precision" not in result.output


def test_fit_writes_to_the_current_folder_by_default(
    hub: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["rules", "fit", "--entity-type", "EMPLOYEE", "--sample", "500"], env=hub
    )
    assert result.exit_code == 0, result.output
    MatchRules.load(tmp_path / "employee.fitted.yaml")


def test_fit_with_labels_compares_current_and_fitted_rules(
    hub: dict[str, str], tmp_path: Path
) -> None:
    labels = _labels(tmp_path / "labels.csv")
    result = runner.invoke(
        app,
        [
            "rules",
            "fit",
            "--entity-type",
            "employee",
            "--sample",
            "2000",
            "--labels",
            str(labels),
            "--out",
            str(tmp_path / "proposal.yaml"),
        ],
        env=hub,
    )

    assert result.exit_code == 0, result.output
    assert "Linking the 96 labelled records" in result.output
    cells = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.output.splitlines()
        if line.startswith(("│ current", "│ fitted"))
    ]
    rows = {row[0]: row[1:] for row in cells}
    assert set(rows) == {"current", "fitted"}
    for figures in rows.values():
        precision, recall, _, _, true_pairs = figures
        assert true_pairs == "48"
        assert 0.0 <= float(precision) <= 1.0
        assert float(recall) > 0.5  # the exact copies link under either rule set


def test_fit_refuses_to_write_over_the_live_rules(hub: dict[str, str]) -> None:
    live = Path(hub["MDM_MATCHING_DIR"]) / "employee.yaml"
    before = live.read_bytes()
    result = runner.invoke(
        app, ["rules", "fit", "--entity-type", "employee", "--out", str(live)], env=hub
    )
    assert result.exit_code == 2
    assert "is the live rule file" in result.output
    assert live.read_bytes() == before


def test_fit_names_a_labels_file_without_its_columns(hub: dict[str, str], tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("system,source_id\nHRIS,p0-0\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["rules", "fit", "--entity-type", "employee", "--labels", str(labels)],
        env=hub,
    )
    assert result.exit_code == 2
    assert "missing column(s) entity_type, entity_key" in result.output


def test_fit_needs_records_of_the_type(hub: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["rules", "fit", "--entity-type", "customer", "--out", str(tmp_path / "c.yaml")],
        env=hub,
    )
    assert result.exit_code == 2
    assert "holds 0 CUSTOMER record(s)" in result.output
    assert not (tmp_path / "c.yaml").exists()
