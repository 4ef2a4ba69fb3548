"""`mdm-hub rules` and `mdm-hub recompute`: check rule files, and roll a rule change out."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError, MdmError
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.recompute import PAGE_SIZE, RecomputeService
from mdm_hub.services.survivorship import Refresh
from mdm_hub.survivorship.loader import rule_file_name
from mdm_hub.survivorship.rules import RuleSet
from mdm_hub.wiring import build_store, load_rules

# Exit codes a deploy script can act on.
EXIT_STALE = 1
EXIT_BAD_CONFIGURATION = 2

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

EntityTypeOption = Annotated[
    EntityType | None,
    typer.Option(
        "--entity-type", case_sensitive=False, help="Only this entity type (default: all)."
    ),
]


def checked_rules(settings: Settings) -> RuleSet:
    """The configured rules, or exit 2 with the error naming file, field and problem."""
    try:
        return load_rules(settings)
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None


def rules() -> None:
    """Validate the survivorship rule files (MDM_SURVIVORSHIP_DIR) and print each hash."""
    settings = Settings()
    rule_set = checked_rules(settings)
    # Full hashes, one line each: they are compared with GoldenRecord.ruleSetHash.
    for entity_type in EntityType:
        path = settings.survivorship_dir / rule_file_name(entity_type)
        _out.print(f"{entity_type:<21} {rule_set.for_type(entity_type).hash}  {path}")
    _out.print("OK: every rule file is valid")


def recompute(
    entity_type: EntityTypeOption = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing: count stale golden records; exit 1 if there are any."
        ),
    ] = False,
    page_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="Golden IDs read per page.")
    ] = PAGE_SIZE,
) -> None:
    """Recompute golden records under the current rules (after a rule change)."""
    settings = Settings()
    rule_set = checked_rules(settings)
    types = [entity_type] if entity_type else list(EntityType)
    tune_garbage_collector()  # a bulk pass over every golden record follows
    try:
        stale = asyncio.run(_run(settings, rule_set, types, check, page_size))
    except MdmError as exc:
        _err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    if check and stale:
        raise typer.Exit(EXIT_STALE)


async def _run(
    settings: Settings, rule_set: RuleSet, types: list[EntityType], check: bool, page_size: int
) -> int:
    store = build_store(settings)
    await store.open()
    try:
        service = RecomputeService(store, rule_set, page_size=page_size)
        stale = 0
        for entity_type in types:
            if check:
                stale += await _report_stale(service, entity_type)
            else:
                await _recompute_with_progress(service, entity_type)
        return stale
    finally:
        await store.close()


async def _report_stale(service: RecomputeService, entity_type: EntityType) -> int:
    stale = await service.count_stale(entity_type)
    total = await service.count(entity_type)
    short_hash = service.rule_set_hash(entity_type)[:12]
    _out.print(f"{entity_type}: {stale} of {total} golden records stale (rules {short_hash})")
    return stale


async def _recompute_with_progress(service: RecomputeService, entity_type: EntityType) -> None:
    total = await service.count(entity_type)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[changed]} changed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_err,
    ) as progress:
        task = progress.add_task(str(entity_type), total=total, changed=0)
        changed = 0

        def advance(outcome: Refresh) -> None:
            nonlocal changed
            changed += outcome is Refresh.CHANGED
            progress.update(task, advance=1, changed=changed)

        report = await service.recompute(entity_type, advance)
    _out.print(
        f"{entity_type}: recomputed {report.recomputed} golden records: {report.changed} "
        f"changed, {report.restamped} unchanged but re-stamped, "
        f"{report.outcomes[Refresh.CURRENT]} already current (rules {report.rule_set_hash[:12]})"
    )
