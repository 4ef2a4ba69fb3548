"""The `mdm-hub` command: its command groups, and `serve`."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer
import uvicorn

from mdm_hub.cli.audit import verify_audit
from mdm_hub.cli.changes import changes_app
from mdm_hub.cli.evaluate import evaluate_command
from mdm_hub.cli.exit_codes import EXIT_BAD_CONFIGURATION
from mdm_hub.cli.export import export_command
from mdm_hub.cli.keys import dev_key, keys_app
from mdm_hub.cli.landscape import landscape_app
from mdm_hub.cli.load import load_command, mappings_command
from mdm_hub.cli.neo4j import neo4j_app
from mdm_hub.cli.rules import rules_app
from mdm_hub.cli.schema import schema_command
from mdm_hub.cli.serving import claim_embedded_file
from mdm_hub.cli.survivorship import recompute
from mdm_hub.cli.systems import systems
from mdm_hub.cli.webhooks import dispatch, webhooks_app
from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError
from mdm_hub.observability.logs import configure_logging
from mdm_hub.runtime import tune_garbage_collector

app = typer.Typer(no_args_is_help=True, help="mdm-hub: golden records and ID resolution.")
app.add_typer(neo4j_app, name="neo4j", help="Run a local Neo4j 5.26 from Maven Central jars.")
app.add_typer(keys_app, name="keys", help="Create, list and revoke API keys.")
app.add_typer(
    landscape_app, name="landscape", help="A generated six-system firm: export files and labels."
)
app.add_typer(rules_app, name="rules")
app.add_typer(changes_app, name="changes", help="The change feed: prune old change events.")
app.add_typer(webhooks_app, name="webhooks", help="Webhook subscribers to change events.")
app.command("dispatch")(dispatch)
app.command("export")(export_command)
app.command()(recompute)
app.command()(systems)

app.command("evaluate")(evaluate_command)
app.command("verify-audit")(verify_audit)
app.command("load")(load_command)
app.command("mappings")(mappings_command)
app.command("schema")(schema_command)

log = logging.getLogger("mdm_hub")


@app.command()
def serve(
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Development mode: GraphiQL at /graphql, Swagger at /docs; prints a "
            "development key.",
        ),
    ] = False,
    host: Annotated[str | None, typer.Option(help="Overrides MDM_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides MDM_PORT.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Processes serving the same port (Neo4j store only: the embedded store's "
            "file belongs to one process).",
        ),
    ] = 1,
) -> None:
    """Serve the GraphQL API (store chosen by MDM_STORE: embedded or neo4j)."""
    from mdm_hub.api.app import create_app  # noqa: PLC0415 - web stack loads only to serve

    overrides: dict[str, object] = {"graphiql": True, "api_docs": True} if dev else {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    configure_logging(settings.log_level, settings.log_format)
    if settings.store == "embedded":
        refusal = claim_embedded_file(settings.embedded_path, workers)
        if refusal is not None:
            log.error("refusing to start: %s", refusal)
            raise typer.Exit(EXIT_BAD_CONFIGURATION)
    where = settings.embedded_path if settings.store == "embedded" else settings.neo4j_uri
    log.info("mdm-hub on %s store (%s)", settings.store, where)
    if settings.graphiql:
        log.info("GraphiQL at http://%s:%d/graphql", settings.host, settings.port)
    log.info("steward workbench at http://%s:%d/ui", settings.host, settings.port)
    try:
        hub = create_app(settings)
    except ConfigurationError as exc:
        # Unusable settings or rule files: refuse to start, saying exactly what is wrong.
        log.error("refusing to start: %s", exc)
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    if dev and settings.auth == "on":
        token = dev_key(settings)
        typer.echo(
            f"Development API key ({settings.dev_key_file}, role steward):\n  {token}\n"
            f"Send it as the header  Authorization: Bearer {token}\n"
            f"  e.g. python examples/quickstart.py --api-key {token}"
        )
    if workers > 1:
        # Each worker builds its own app (and store connection) from the same settings.
        os.environ.update({f"MDM_{name.upper()}": str(value) for name, value in overrides.items()})
        uvicorn.run(
            "mdm_hub.api.app:create_worker_app",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
        )
        return
    tune_garbage_collector()  # the app, its rules and lookup tables are loaded
    uvicorn.run(
        hub,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        # Logging is configured above (structured); the app logs each request itself, with
        # more than uvicorn's access line would say.
        log_config=None,
        access_log=False,
    )
