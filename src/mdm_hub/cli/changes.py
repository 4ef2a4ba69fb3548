"""`mdm-hub changes prune`: drop change events older than the retention period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_UNUSABLE
from mdm_hub.config import Settings
from mdm_hub.errors import MdmError
from mdm_hub.wiring import build_store

changes_app = typer.Typer(no_args_is_help=True)
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


@changes_app.command("prune")
def prune(
    older_than_days: Annotated[
        int | None,
        typer.Option(
            min=1, help="Keep this many days of events (default MDM_CHANGE_RETENTION_DAYS, 30)."
        ),
    ] = None,
) -> None:
    """Delete change events recorded before the retention period; the feed's positions go on
    from where they were (a consumer whose cursor is older misses the pruned events)."""
    settings = Settings()
    days = older_than_days or settings.change_retention_days
    before = datetime.now(UTC) - timedelta(days=days)
    try:
        pruned = asyncio.run(_prune(settings, before))
    except MdmError as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None
    _out.print(f"pruned {pruned} change events recorded before {before.isoformat()}")


async def _prune(settings: Settings, before: datetime) -> int:
    store = build_store(settings)
    await store.open()
    try:
        return await store.prune_changes(before)
    finally:
        await store.close()
