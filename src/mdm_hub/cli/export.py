"""`mdm-hub export`: golden records, crosswalk, relationships and open match candidates for
BI, as Parquet, CSV or JSON Lines files in a directory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn

from mdm_hub.cli.exit_codes import EXIT_UNUSABLE
from mdm_hub.config import Settings
from mdm_hub.errors import InvalidInput, MdmError
from mdm_hub.exports.tables import Tables, collect
from mdm_hub.exports.writers import ExportFormat, write_table
from mdm_hub.services.change_feed import position_of
from mdm_hub.wiring import build_store

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _since(text: str | None) -> tuple[datetime | None, int | None]:
    """A feed cursor (change:N) or an ISO-8601 time (without an offset: UTC)."""
    if text is None:
        return None, None
    if text.startswith("change:"):
        return None, position_of(text, "--since")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is neither a time (2026-01-31T00:00:00Z) nor a feed cursor (change:N)",
            param_hint="--since",
        ) from None
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment), None


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created).")],
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.PARQUET,
    since: Annotated[
        str | None,
        typer.Option(help="Only golden records changed since a time or a feed cursor."),
    ] = None,
) -> None:
    """Write golden_<type>, crosswalk, relationships and match_candidates files."""
    since_time, since_position = _since(since)
    settings = Settings()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=_err, transient=True
        ) as progress:
            task = progress.add_task("reading", total=None)

            def read(table: str, rows: int) -> None:
                progress.update(task, description=f"reading {table}", advance=rows)

            tables = asyncio.run(_collect(settings, since_time, since_position, read))
            progress.update(task, description="writing")
            written = [
                (write_table(out, table, rows, fmt), len(rows))
                for table, rows in sorted(tables.rows.items())
            ]
    except (MdmError, InvalidInput) as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None
    for path, count in written:
        _out.print(f"{escape(str(path))}: {count} rows")


async def _collect(
    settings: Settings,
    since_time: datetime | None,
    since_position: int | None,
    progress: Callable[[str, int], None],
) -> Tables:
    store = build_store(settings)
    await store.open()
    try:
        return await collect(store, since_time, since_position, progress)
    finally:
        await store.close()
