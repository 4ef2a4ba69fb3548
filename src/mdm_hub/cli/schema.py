"""`mdm-hub schema`: the GraphQL schema the hub serves, as SDL (what schema.graphql holds)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mdm_hub.config import Settings


def served_sdl(settings: Settings | None = None) -> str:
    """The printed schema, ending in one newline. It does not depend on settings: limits
    and access rules apply to requests, not to the schema's shape."""
    from mdm_hub.api.graphql.schema import build_schema  # noqa: PLC0415 - web stack on demand

    return build_schema(settings or Settings()).as_str().rstrip("\n") + "\n"


def schema_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (e.g. schema.graphql) instead of stdout."),
    ] = None,
) -> None:
    """Print the served GraphQL schema (SDL). Regenerate the committed contract with
    `mdm-hub schema -o schema.graphql`."""
    sdl = served_sdl()
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
