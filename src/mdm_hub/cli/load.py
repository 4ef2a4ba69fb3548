"""`mdm-hub load FILE`: load a system's export through a mapping; `mdm-hub mappings`: list
the mappings. See docs/loading.md."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from mdm_hub.cli.exit_codes import EXIT_BAD_CONFIGURATION, EXIT_INTERRUPTED, EXIT_STOPPED
from mdm_hub.config import Settings
from mdm_hub.domain.audit import SYSTEM_ACTOR, AuditContext
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import ConfigurationError, MappingFileError, MdmError
from mdm_hub.onboarding.loading import engine
from mdm_hub.onboarding.loading.checkpoint import read_checkpoint
from mdm_hub.onboarding.loading.engine import (
    FileLoad,
    LoadOptions,
    LoadSummary,
    Outcome,
    default_checkpoint,
)
from mdm_hub.onboarding.loading.hub import DirectHub
from mdm_hub.onboarding.loading.remote import RemoteHub, hub_client
from mdm_hub.onboarding.mappings import ExportMapping, load_mapping, mapping_names, mappings_root
from mdm_hub.onboarding.mappings.files import SUFFIXES
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import MAX_UPSERT_BATCH
from mdm_hub.wiring import Services, load_declared_systems

LOADER_ACTOR = "mdm-hub load"
PIPED_WIDTH = 200

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def declared_systems(settings: Settings) -> SystemRegistry:
    """The systems a mapping may name: MDM_SYSTEMS_FILE when set, else the shipped ones."""
    return load_declared_systems(settings)


def load_command(
    file: Annotated[Path, typer.Argument(help="The export: .csv, .jsonl or .xlsx.")],
    system: Annotated[str, typer.Option(help="The system that exported it (systems.yaml).")],
    mapping: Annotated[
        str,
        typer.Option(
            help="A mapping name (netsuite/customer, or customer with --system netsuite) "
            "or a mapping file."
        ),
    ],
    batch: Annotated[
        int, typer.Option(min=1, max=MAX_UPSERT_BATCH, help="Records per call to the hub.")
    ] = engine.DEFAULT_BATCH,
    rejects: Annotated[
        Path | None, typer.Option(help="The reject file (default: FILE.rejects.csv).")
    ] = None,
    checkpoint: Annotated[
        Path | None, typer.Option(help="The checkpoint (default: FILE.checkpoint.json).")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore a checkpoint: load from the first row.")
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(help="Send to a running hub (http://host:port) instead of the store."),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="MDM_API_KEY", help="The key for --url.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar, no summary.")] = False,
) -> None:
    """Load source records from a system's own export, through a mapping, in batches.

    Exit 0 when the file was read to its end (refused rows are in the reject file), 2 on a
    configuration error, 1 when the load stopped (run it again to carry on)."""
    settings = Settings()
    export_mapping = _mapping(mapping, system, settings)
    options = LoadOptions(batch, rejects, checkpoint, restart)
    load = partial(FileLoad, file, export_mapping, options=options)
    try:
        summary = asyncio.run(_run(load, settings, url, api_key, quiet))
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    except MdmError as exc:
        _err.print(f"[red]stopped:[/red] {escape(str(exc))}\n{_carry_on(file, options)}")
        raise typer.Exit(EXIT_STOPPED) from None
    except KeyboardInterrupt:
        _err.print(f"[yellow]interrupted.[/yellow] {_carry_on(file, options)}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if not quiet:
        _print_summary(summary)


def _mapping(name: str, system: str, settings: Settings) -> ExportMapping:
    try:
        systems = declared_systems(settings)
        if "/" not in name and Path(name).suffix not in SUFFIXES and not Path(name).is_file():
            name = f"{system}/{name}"  # `customer` with --system netsuite: netsuite/customer
        found = load_mapping(name, systems, settings.mappings_dir)
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    if found.system != system:
        _err.print(
            f"[red]configuration error:[/red] the mapping {escape(found.label)} is for "
            f"{escape(found.system)}, not {escape(system)}"
        )
        raise typer.Exit(EXIT_BAD_CONFIGURATION)
    return found


# FileLoad with its file, mapping and options: the hub and progress are added in _run.
NewLoad = Callable[..., FileLoad]


async def _run(
    load: NewLoad, settings: Settings, url: str | None, api_key: str | None, quiet: bool
) -> LoadSummary:
    correlation_id = f"load-{uuid.uuid4()}"
    if url is not None:
        async with hub_client(api_key, correlation_id) as client:
            return await _with_progress(partial(load, RemoteHub(client, url)), quiet)
    services = Services.from_settings(settings)
    await services.store.open()
    try:
        audit = AuditContext(LOADER_ACTOR, SYSTEM_ACTOR, correlation_id)
        hub = DirectHub(services.ingest, services.store, correlation_id, audit)
        tune_garbage_collector()  # rules and lookup tables are loaded; a bulk load follows
        return await _with_progress(partial(load, hub), quiet)
    finally:
        await services.store.close()


async def _with_progress(load: NewLoad, quiet: bool) -> LoadSummary:
    if quiet:
        return await load().run()
    if not _err.is_terminal:
        return await load(notify=_notify).run()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[rows]:,} rows, {task.fields[rate]:,.0f} rows/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_err,
    ) as progress:
        task = progress.add_task("loading", total=None, rows=0, rate=0.0)

        def advance(done: engine.Progress) -> None:
            elapsed = progress.tasks[task].elapsed or 0.0
            rate = done.rows_this_run / elapsed if elapsed else 0.0
            progress.update(
                task, completed=done.position, total=done.total, rows=done.rows, rate=rate
            )

        return await load(notify=_notify, on_progress=advance).run()


def _notify(message: str) -> None:
    _err.print(escape(message))


def _print_summary(summary: LoadSummary) -> None:
    table = Table(show_edge=False)
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for outcome in Outcome:
        table.add_row(outcome.value, f"{summary.counts[outcome]:,}")
    table.add_row("total", f"{summary.rows:,}", style="bold")
    _out.print(table)
    rate = summary.rows_this_run / summary.seconds if summary.seconds else 0.0
    _out.print(f"{summary.rows_this_run:,} rows in {summary.seconds:.1f} s ({rate:,.0f} rows/s)")
    if summary.rejects is not None:
        where = escape(str(summary.rejects))
        _out.print(f"refused rows: {summary.reject_lines:,} problem lines in {where}")


def _carry_on(file: Path, options: LoadOptions) -> str:
    path = options.checkpoint or default_checkpoint(file)
    try:
        checkpoint = read_checkpoint(path)
    except ValueError:
        checkpoint = None
    if checkpoint is None:
        return "No batch was completed: running the same command again starts over."
    return (
        f"Rows up to line {checkpoint.last_line} are done ({path}): "
        "run the same command again to carry on after it."
    )


def mappings_command() -> None:
    """List the export mappings (the shipped ones, or MDM_MAPPINGS_DIR's): name, system,
    object, entity type, format. Exit 2 if one is invalid."""
    settings = Settings()
    root = mappings_root(settings.mappings_dir)
    systems = declared_systems(settings)
    table = Table(show_edge=False)
    for column in ("mapping", "system", "object", "entity type", "format"):
        table.add_column(column)
    invalid = 0
    for name in mapping_names(root):
        try:
            found = load_mapping(name, systems, settings.mappings_dir)
        except MappingFileError as exc:
            _err.print(f"[red]invalid:[/red] {escape(str(exc))}")
            invalid += 1
            continue
        table.add_row(name, found.system, found.object, found.entity_type, found.format or "")
    if table.row_count:
        # Piped, rich would fit the table into 80 columns and cut names short.
        _out.print(table, width=None if _out.is_terminal else PIPED_WIDTH)
    else:
        _out.print(f"no mappings in {root}")
    if invalid:
        raise typer.Exit(EXIT_BAD_CONFIGURATION)
