"""`mdm-hub landscape report`'s figures: what the store holds of a landscape's labelled records,
the golden records they form, and pairwise precision and recall against the labels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli import app
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape import Label, Scale, generate_landscape
from mdm_hub.evaluation.landscape.outcome import EntityOutcome, landscape_outcome
from mdm_hub.services.ingest import RawRecord
from tests.support.services import ingest_service

CUSTOMER = EntityType.CUSTOMER
ACME = {"name": "Acme Analytics", "tax_id": "DE347891063", "country": "DE", "city": "Berlin"}
runner = CliRunner()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    hub = EmbeddedStore(str(tmp_path / "hub.db"))
    await hub.open()
    yield hub
    await hub.close()


def label(system: str, source_id: str, key: str, deleted: bool = False) -> Label:
    return Label(system, CUSTOMER, source_id, key, deleted, f"{system}/accounts.csv")


def customers(outcomes: list[EntityOutcome]) -> EntityOutcome:
    return next(o for o in outcomes if o.entity_type is CUSTOMER)


async def test_a_linked_pair_a_refusal_and_a_record_never_sent(store: EmbeddedStore) -> None:
    ingest = ingest_service(store)
    await ingest.upsert_many(
        [
            RawRecord("salesforce", "CUSTOMER", "001A", ACME),
            RawRecord("netsuite", "CUSTOMER", "1093", {**ACME, "name": "Acme Analytics GmbH"}),
            RawRecord("psa", "CUSTOMER", "GLOBEX01", {"name": "Globex", "country": "Narnia"}),
        ]
    )
    labels = [
        label("salesforce", "001A", "customer:1"),
        label("netsuite", "1093", "customer:1"),
        label("psa", "GLOBEX01", "customer:2"),  # refused: no such country
        label("psa", "ACME01", "customer:1"),  # never loaded
        label("netsuite", "1094", "customer:1", deleted=True),  # retired: not counted
    ]
    outcome = customers(await landscape_outcome(store, labels))
    assert (outcome.labelled, outcome.records, outcome.golden, outcome.linked) == (4, 2, 1, 2)
    assert outcome.refused == 1
    assert (outcome.true_pairs, outcome.predicted_pairs, outcome.correct_pairs) == (3, 1, 1)
    assert outcome.precision == 1.0
    assert outcome.recall == pytest.approx(1 / 3)


async def test_the_whole_small_landscape_is_accounted_for(store: EmbeddedStore) -> None:
    landscape = generate_landscape(7, Scale.SMALL)
    live = [r for r in landscape.records if not r.deleted]
    ingest = ingest_service(store)
    for start in range(0, len(live), 100):
        batch = live[start : start + 100]
        await ingest.upsert_many(
            [RawRecord(r.system, r.entity_type.value, r.source_id, r.attributes) for r in batch]
        )
    labels = [
        Label(r.system, r.entity_type, r.source_id, r.entity_key, r.deleted, r.file)
        for r in landscape.records
    ]
    outcomes = await landscape_outcome(store, labels)
    assert [o.entity_type for o in outcomes] == list(EntityType)
    for outcome in outcomes:
        # Every record sent is either held or refused (a subsidiary wrongly merged into its
        # holding makes its own parent reference a cycle, which is refused).
        assert outcome.records + outcome.refused == outcome.labelled > 0, outcome
        assert outcome.golden + outcome.linked >= outcome.records >= outcome.golden


def test_generate_writes_the_exports_and_report_reads_the_configured_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "firm"
    generated = runner.invoke(app, ["landscape", "generate", str(folder), "--seed", "3"])
    assert generated.exit_code == 0, generated.output
    assert (folder / "salesforce" / "accounts.csv").is_file()
    assert (folder / "labels.csv").is_file()
    monkeypatch.setenv("MDM_STORE", "embedded")
    monkeypatch.setenv("MDM_EMBEDDED_PATH", str(tmp_path / "empty.db"))
    reported = runner.invoke(app, ["landscape", "report", str(folder)])
    assert reported.exit_code == 0, reported.output
    assert "ACCOUNTING_DIMENSION" in reported.output
    missing = runner.invoke(app, ["landscape", "report", str(tmp_path / "nowhere")])
    assert missing.exit_code != 0
    assert "labels.csv" in missing.output
