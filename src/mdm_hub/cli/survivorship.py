"""`mdm-hub rules` and `mdm-hub recompute`: check rule and reference data files, and roll a rule
or mapping change out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
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

from mdm_hub.cli.exit_codes import EXIT_BAD_CONFIGURATION, EXIT_STALE
from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError, MdmError
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.recompute import PAGE_SIZE, RecomputeService
from mdm_hub.services.survivorship import Refresh
from mdm_hub.survivorship.loader import rule_file_name
from mdm_hub.survivorship.rules import RuleSet
from mdm_hub.wiring import build_store, load_reference, load_rules, survivorship_directory

# Exit codes a deploy script can act on.

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


def checked_codes(settings: Settings) -> CodeSets:
    """The configured code sets, or exit 2 with the error naming file, code set and field."""
    try:
        return load_reference(settings)
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None


def rules() -> None:
    """Validate the survivorship rule files (MDM_SURVIVORSHIP_DIR) and the reference data
    (MDM_REFERENCE_DIR); print each hash and each code set's version."""
    settings = Settings()
    rule_set = checked_rules(settings)
    codes = checked_codes(settings)
    # Full hashes, one line each. A golden record's ruleSetHash is its rules' hash, folded with
    # its code sets' when any govern its attributes (`mdm-hub recompute --check` compares).
    for entity_type in EntityType:
        path = survivorship_directory(settings) / rule_file_name(entity_type)
        _out.print(f"{entity_type:<21} {rule_set.for_type(entity_type).hash}  {path}")
    _out.print("OK: every rule file is valid")
    for name, version in codes.versions.items():
        _out.print(f"{name:<21} version {version}")
    _out.print(f"OK: reference data is valid (hash {codes.hash})")


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
    """Recompute golden records under the current rules and mappings (after a change)."""
    settings = Settings()
    rule_set = checked_rules(settings)
    codes = checked_codes(settings)
    types = [entity_type] if entity_type else list(EntityType)
    tune_garbage_collector()  # a bulk pass over every golden record follows
    try:
        stale = asyncio.run(
            _run(settings, RecomputeSetup(rule_set, codes, page_size), types, check)
        )
    except MdmError as exc:
        _err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    if check and stale:
        raise typer.Exit(EXIT_STALE)


@dataclass(frozen=True)
class RecomputeSetup:
    rules: RuleSet
    codes: CodeSets
    page_size: int


async def _run(
    settings: Settings, setup: RecomputeSetup, types: list[EntityType], check: bool
) -> int:
    store = build_store(settings)
    await store.open()
    try:
        service = RecomputeService(store, setup.rules, page_size=setup.page_size, codes=setup.codes)
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
    mapped = await service.count_mapped_codes(entity_type)
    if mapped:
        _out.print(f"{entity_type}: {mapped} queued unmapped codes are mapped now")
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
    if report.dropped_codes:
        _out.print(
            f"{entity_type}: {report.dropped_codes} queued unmapped codes are mapped now: "
            "taken off the queue"
        )
