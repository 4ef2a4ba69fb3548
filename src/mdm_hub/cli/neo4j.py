"""`mdm-hub neo4j start|status|stop`: a detached local Neo4j Community server, no Docker."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_FAILED
from mdm_hub.neo4j_local.jars import JarResolutionError
from mdm_hub.neo4j_local.java import JavaNotFoundError
from mdm_hub.neo4j_local.server import (
    DEFAULT_STARTUP_TIMEOUT_S,
    DEFAULT_STOP_TIMEOUT_S,
    LocalNeo4jServer,
    Neo4jStartError,
    ServerState,
    clear_state,
    is_our_server,
    read_server_info,
    read_state,
    terminate_pid,
)

neo4j_app = typer.Typer(
    help="Run a local Neo4j Community server from Maven Central jars (Java 17/21 + Maven).",
    no_args_is_help=True,
)
# Progress and hints go to stderr so `eval "$(mdm-hub neo4j start)"` sees only the export line.
_err = Console(stderr=True, highlight=False, soft_wrap=True)
_out = Console(highlight=False, soft_wrap=True)

DEFAULT_DIR = Path(".mdm-neo4j")
DirOption = Annotated[
    Path,
    typer.Option("--dir", file_okay=False, help="Instance directory (conf, data, logs, state)."),
]


@contextmanager
def _instance_lock(home: Path) -> Iterator[None]:
    """One start/stop at a time per instance directory."""
    with (home / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prepare_dir(directory: Path) -> Path:
    home = directory.resolve()
    home.mkdir(parents=True, exist_ok=True)
    ignore = home / ".gitignore"
    if not ignore.exists():  # keep a database created inside a checkout out of git
        ignore.write_text("*\n", encoding="utf-8")
    return home


def _live_state(home: Path) -> ServerState | None:
    state = read_state(home)
    return state if state is not None and is_our_server(state) else None


def _query_version(state: ServerState) -> tuple[str, str]:
    with GraphDatabase.driver(state.uri, auth=None, connection_timeout=5.0) as driver:
        driver.verify_connectivity()
        return read_server_info(driver)


@neo4j_app.command()
def start(
    directory: DirOption = DEFAULT_DIR,
    bolt_port: Annotated[
        int | None, typer.Option(help="Bolt port on 127.0.0.1 [default: a free one]")
    ] = None,
    http_port: Annotated[
        int | None, typer.Option(help="HTTP port on 127.0.0.1 [default: a free one]")
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for Bolt to answer.")
    ] = DEFAULT_STARTUP_TIMEOUT_S,
) -> None:
    """Start Neo4j in the background and print the MDM_NEO4J_URI export line."""
    home = _prepare_dir(directory)
    with _instance_lock(home):
        if (running := _live_state(home)) is not None:
            _err.print(
                f"Neo4j is already running in {home} (pid {running.pid}) at {running.uri}.\n"
                f"Stop it first with: mdm-hub neo4j stop --dir {directory}"
            )
            raise typer.Exit(EXIT_FAILED)
        clear_state(home)  # a leftover from a crashed or killed server
        server = LocalNeo4jServer(
            home, bolt_port=bolt_port, http_port=http_port, startup_timeout=timeout, detach=True
        )
        began = time.monotonic()
        try:
            with _err.status(f"Starting Neo4j {server.version} in {home} ..."):
                state = server.start()
        except (JavaNotFoundError, JarResolutionError, Neo4jStartError) as exc:
            _err.print(f"[red]Could not start Neo4j:[/red] {escape(str(exc))}")
            raise typer.Exit(EXIT_FAILED) from exc
    _err.print(
        f"[green]Neo4j {state.version} {state.edition}[/green] is up after "
        f"{time.monotonic() - began:.1f}s (pid {state.pid})\n"
        f"  bolt: {state.uri}\n  http: http://127.0.0.1:{state.http_port}\n"
        f"  logs: {home / 'logs'}\n  stop: mdm-hub neo4j stop --dir {directory}"
    )
    _out.print(f"export MDM_NEO4J_URI={state.uri}")


@neo4j_app.command()
def status(directory: DirOption = DEFAULT_DIR) -> None:
    """Say whether Neo4j runs there; exit code 0 if it answers on Bolt, 1 otherwise."""
    home = directory.resolve()
    state = _live_state(home)
    if state is None:
        _out.print(f"Neo4j is not running in {home}")
        raise typer.Exit(EXIT_FAILED)
    try:
        version, edition = _query_version(state)
    except (Neo4jError, DriverError, OSError) as exc:
        _out.print(
            f"Neo4j process {state.pid} is alive in {home} but {state.uri} does not answer: "
            f"{escape(str(exc))}"
        )
        raise typer.Exit(EXIT_FAILED) from exc
    _out.print(
        f"Neo4j is running in {home}\n  pid: {state.pid}\n  uri: {state.uri}\n"
        f"  http: http://127.0.0.1:{state.http_port}\n  version: {version} {edition}"
    )


@neo4j_app.command()
def stop(
    directory: DirOption = DEFAULT_DIR,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait after SIGTERM before SIGKILL.")
    ] = DEFAULT_STOP_TIMEOUT_S,
) -> None:
    """Stop the Neo4j started by `start` in that directory (nothing to do if none runs)."""
    home = directory.resolve()
    if not home.is_dir():
        _out.print(f"Neo4j is not running in {home} (no such directory)")
        return
    with _instance_lock(home):
        state = _live_state(home)
        if state is None:
            clear_state(home)
            _out.print(f"Neo4j is not running in {home}")
            return
        began = time.monotonic()
        with _err.status(f"Stopping Neo4j (pid {state.pid}) ..."):
            terminate_pid(state.pid, timeout)
        clear_state(home)
    _out.print(f"Stopped Neo4j (pid {state.pid}) in {time.monotonic() - began:.1f}s")
