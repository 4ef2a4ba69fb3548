"""`mdm-hub evaluate`: matching quality and speed on FEBRL and a generated customer set."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.companies import generate_companies
from mdm_hub.evaluation.datasets import Dataset, febrl1, febrl3, febrl4
from mdm_hub.evaluation.harness import Evaluation, evaluate, evaluation_systems
from mdm_hub.evaluation.landscape.dataset import dataset_name, landscape_dataset
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import MAX_UPSERT_BATCH
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.wiring import matching_directory

DATASETS: dict[str, Callable[[], Dataset]] = {
    "febrl1": febrl1,
    "febrl3": febrl3,
    "febrl4": febrl4,
    "companies": generate_companies,
    # The generated six-system firm, one data set per entity type.
    **{dataset_name(t): partial(landscape_dataset, t) for t in EntityType},
}

console = Console(width=120)


def evaluate_command(
    dataset: Annotated[
        list[str] | None,
        typer.Option("--dataset", "-d", help=f"One of {', '.join(DATASETS)} (repeatable)."),
    ] = None,
    shuffle: Annotated[
        int, typer.Option(help="Also run N random arrival orders and report the F1 spread.")
    ] = 0,
    seed: Annotated[int, typer.Option(help="First seed of the shuffled runs.")] = 1,
    batch: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_UPSERT_BATCH,
            help="Records per upsert call, as an integration posting batches sends them "
            "(each is still matched on arrival; the store commits them in groups).",
        ),
    ] = 1,
    matching_dir: Annotated[
        Path | None, typer.Option(help="Match rule folder (default: MDM_MATCHING_DIR).")
    ] = None,
) -> None:
    """Run data sets through the real ingest service, matching one record at a time, on the
    embedded store; print pairwise precision, recall and F1 of the automatic links,
    records/s and the size of the review queue."""
    names = dataset or list(DATASETS)
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise typer.BadParameter(f"unknown data set(s) {unknown}; choose from {list(DATASETS)}")
    matcher = RecordMatcher.from_directory(
        matching_dir or matching_directory(Settings()), evaluation_systems()
    )
    per_call = "one record per call" if batch == 1 else f"{batch} records per call"
    table = Table(title=f"mdm-hub matching evaluation (embedded store, {per_call})")
    for column in (
        "data set",
        "records",
        "precision",
        "recall",
        "F1",
        "records/s",
        "review",
        "F1 spread",
    ):
        table.add_column(column, justify="right" if column != "data set" else "left")
    for name in names:
        data = DATASETS[name]()
        console.print(f"[bold]{data.description}[/bold]")
        tune_garbage_collector()  # as `mdm-hub serve` runs: the data set is loaded now
        result = asyncio.run(evaluate(data, matcher, batch=batch))
        spread = _shuffled_spread(data, matcher, shuffle, seed, batch) if shuffle else None
        table.add_row(*_row(result, spread))
    console.print(table)


def _shuffled_spread(
    data: Dataset, matcher: RecordMatcher, runs: int, first_seed: int, batch: int
) -> tuple[float, float, float]:
    scores = []
    for offset in range(runs):
        result = asyncio.run(evaluate(data, matcher, seed=first_seed + offset, batch=batch))
        console.print(f"  order seed {first_seed + offset}: F1 {result.f1:.4f}")
        scores.append(result.f1)
    return min(scores), max(scores), statistics.pstdev(scores)


def _row(result: Evaluation, spread: tuple[float, float, float] | None) -> list[str]:
    spread_text = (
        f"{spread[1] - spread[0]:.4f} ({spread[0]:.4f}-{spread[1]:.4f})" if spread else "-"
    )
    return [
        result.dataset,
        str(result.records),
        f"{result.precision:.4f}",
        f"{result.recall:.4f}",
        f"{result.f1:.4f}",
        f"{result.records_per_second:,.0f}",
        str(result.review_queue),
        spread_text,
    ]
