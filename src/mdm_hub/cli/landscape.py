"""`mdm-hub landscape`: generate a firm's six-system landscape as native export files, and
report what the hub made of one once loaded."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mdm_hub.cli.exit_codes import EXIT_NO_LABELS
from mdm_hub.config import Settings
from mdm_hub.evaluation.landscape import (
    DEFAULT_SEED,
    Landscape,
    Scale,
    generate_landscape,
    read_labels,
    write_landscape,
)
from mdm_hub.evaluation.landscape.exports import LABELS_FILE
from mdm_hub.evaluation.landscape.outcome import EntityOutcome, landscape_outcome

landscape_app = typer.Typer(no_args_is_help=True)
console = Console(width=120)


@landscape_app.command()
def generate(
    folder: Annotated[Path, typer.Argument(help="Where to write <system>/<export>.csv files.")],
    seed: Annotated[int, typer.Option(help="The same seed gives the same files.")] = DEFAULT_SEED,
    scale: Annotated[
        Scale, typer.Option(help="small: a few hundred rows; medium: a few thousand.")
    ] = Scale.SMALL,
) -> None:
    """Write one generated firm as Salesforce, NetSuite, PSA, Workday, ADP and Concur export
    it, plus labels.csv (which real-world thing every loaded record is)."""
    landscape = generate_landscape(seed, scale)
    write_landscape(landscape, folder)
    console.print(_files_table(landscape, folder))
    console.print(
        f"{sum(len(f.rows) for f in landscape.files)} rows in {len(landscape.files)} files; "
        f"labels: {folder / LABELS_FILE}; load each with "
        f"`mdm-hub load FILE --system S --mapping S/OBJECT` (see docs/landscape.md)"
    )


@landscape_app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A generated landscape (holds labels.csv).")],
) -> None:
    """What the configured store (MDM_STORE, MDM_EMBEDDED_PATH) made of a loaded landscape,
    per entity type, scored against its labels."""
    from mdm_hub.wiring import build_store  # noqa: PLC0415 - drivers load only to report

    labels_path = folder / LABELS_FILE
    if not labels_path.is_file():
        typer.echo(f"no {LABELS_FILE} in {folder}: generate the landscape there first", err=True)
        raise typer.Exit(EXIT_NO_LABELS)
    labels = read_labels(labels_path)

    async def run() -> list[EntityOutcome]:
        store = build_store(Settings())
        await store.open()
        try:
            return await landscape_outcome(store, labels)
        finally:
            await store.close()

    console.print(_outcome_table(asyncio.run(run())))


def _files_table(landscape: Landscape, folder: Path) -> Table:
    labelled = Counter(record.file for record in landscape.records)
    retired = Counter(record.file for record in landscape.records if record.deleted)
    table = Table(title=f"Landscape seed {landscape.seed} ({landscape.scale}) in {folder}")
    for column in ("file", "entity type", "mapping", "rows", "labelled", "retired"):
        table.add_column(
            column, justify="right" if column in ("rows", "labelled", "retired") else "left"
        )
    for export in landscape.files:
        table.add_row(
            export.path,
            export.entity_type.value,
            export.mapping,
            str(len(export.rows)),
            str(labelled[export.path]),
            str(retired[export.path]),
        )
    return table


def _outcome_table(outcomes: list[EntityOutcome]) -> Table:
    table = Table(title="What the hub made of the landscape")
    columns = ("entity type", "labelled", "records", "golden", "linked", "review", "refused",
               "precision", "recall")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "entity type" else "right")
    for o in outcomes:
        table.add_row(
            o.entity_type.value,
            str(o.labelled),
            str(o.records),
            str(o.golden),
            str(o.linked),
            str(o.review),
            str(o.refused),
            f"{o.precision:.3f}",
            f"{o.recall:.3f}",
        )
    return table
