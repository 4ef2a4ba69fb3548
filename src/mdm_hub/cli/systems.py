"""`mdm-hub systems`: the declared source systems, checked."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mdm_hub.cli.exit_codes import EXIT_BAD_CONFIGURATION
from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError
from mdm_hub.wiring import load_declared_systems

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def systems() -> None:
    """List the declared source systems (MDM_SYSTEMS_FILE, default the shipped systems.yaml);
    exit 2 naming the file, system and field when the file is invalid."""
    try:
        registry = load_declared_systems(Settings())
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    table = Table(title=f"Declared source systems ({escape(registry.origin)})")
    for column in ("code", "name", "kind", "sends", "dates", "decimal"):
        table.add_column(column)
    for code in registry.codes():
        system = registry.by_code[code]
        sends = ", ".join(system.entity_types) if system.entity_types else "all"
        if set(system.entity_types) == set(EntityType):
            sends = "all"
        locale = system.locale
        table.add_row(
            escape(code),
            escape(system.name),
            system.kind,
            sends,
            locale.date_order,
            locale.decimal_separator,
        )
    _out.print(table)
