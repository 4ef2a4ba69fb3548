"""The GraphQL contract: schema.graphql at the repository root is what the hub serves.

A change to the schema shows up as a diff of schema.graphql in review; a removed or changed
field must go through deprecation first (docs/api-contract.md).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.cli.schema import served_sdl
from mdm_hub.config import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"
REGENERATE = "mdm-hub schema -o schema.graphql"


def test_the_served_schema_is_the_committed_schema_graphql() -> None:
    served = served_sdl()
    committed = COMMITTED.read_text(encoding="utf-8")
    if served != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                served.splitlines(keepends=True),
                "schema.graphql (committed)",
                "served",
            )
        )
        raise AssertionError(
            f"the served GraphQL schema differs from schema.graphql. If the change is meant, "
            f"regenerate it with `{REGENERATE}` and commit it (removing or changing a field "
            f"needs a deprecation first: docs/api-contract.md).\n{diff}"
        )


def test_settings_do_not_change_the_schema() -> None:
    strict = Settings(max_query_depth=3, max_aliases=1, max_tokens=100, auth="off")
    assert served_sdl(strict) == served_sdl()


def test_the_schema_command_prints_and_writes_it(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["schema"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == served_sdl()
    written = tmp_path / "schema.graphql"
    result = CliRunner().invoke(app, ["schema", "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert written.read_text(encoding="utf-8") == served_sdl()
