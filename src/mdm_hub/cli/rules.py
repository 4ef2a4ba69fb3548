"""`mdm-hub rules`: with no subcommand, validate the rule files; `rules fit` fits match rules."""

from __future__ import annotations

import typer

from mdm_hub.cli.rules_fit import fit_command
from mdm_hub.cli.survivorship import rules

rules_app = typer.Typer(
    invoke_without_command=True,
    help="Validate the rule files (no subcommand), or fit match rules to the hub's records.",
)
rules_app.command("fit")(fit_command)


@rules_app.callback()
def validate(ctx: typer.Context) -> None:
    """Validate the survivorship rule files and the reference data (no subcommand)."""
    if ctx.invoked_subcommand is None:
        rules()
