"""`mdm-hub keys create|list|revoke`, and the development key `serve --dev` prints.

They act on the configured store (MDM_STORE, MDM_EMBEDDED_PATH, MDM_NEO4J_*).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_BAD_CONFIGURATION, EXIT_FAILED
from mdm_hub.config import Settings
from mdm_hub.domain.access import ApiKey, Role
from mdm_hub.errors import ConfigurationError, MdmError, Unauthenticated
from mdm_hub.services.api_keys import ApiKeyService
from mdm_hub.wiring import build_store

T = TypeVar("T")
DEV_KEY_NAME = "dev"
DEV_KEY_ROLE = Role.STEWARD

keys_app = typer.Typer(no_args_is_help=True)
_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _with_keys(settings: Settings, work: Callable[[ApiKeyService], Awaitable[T]]) -> T:
    async def run() -> T:
        store = build_store(settings)
        await store.open()
        try:
            return await work(ApiKeyService(store))
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_CONFIGURATION) from None
    except MdmError as exc:
        _err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_FAILED) from None


def _describe(key: ApiKey) -> str:
    systems = ",".join(sorted(key.systems)) if key.systems is not None else "any system"
    expires = key.expires_at.isoformat() if key.expires_at else "never"
    state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "active"
    return f"{key.prefix}  {key.name}  {key.role}  {systems}  expires {expires}  {state}"


@keys_app.command()
def create(
    role: Annotated[Role, typer.Option(case_sensitive=False, help="What the key may do.")],
    name: Annotated[str, typer.Option(help="Who uses it; recorded as the actor.")],
    systems: Annotated[
        str | None,
        typer.Option(help="Comma-separated source systems it may upsert and resolve for."),
    ] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Default: never.")] = None,
) -> None:
    """Create an API key and print it: it is shown this once, and stored only as a hash."""
    system_list = [s.strip() for s in systems.split(",")] if systems is not None else None
    expires_in = timedelta(days=expires_in_days) if expires_in_days is not None else None
    key, token = _with_keys(
        Settings(), lambda keys: keys.create(name, role, system_list, expires_in)
    )
    _err.print(f"created {escape(_describe(key))}\nthe key is shown once; keep it safe:")
    _out.print(token)


@keys_app.command("list")
def list_keys() -> None:
    """Every key: prefix, name, role, systems, expiry and whether it is revoked."""
    for key in _with_keys(Settings(), lambda keys: keys.list()):
        _out.print(escape(_describe(key)))


@keys_app.command()
def revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (see keys list).")],
) -> None:
    """Revoke a key: it stops working at once."""
    key = _with_keys(Settings(), lambda keys: keys.revoke(prefix))
    _out.print(f"revoked {escape(_describe(key))}")


def dev_key(settings: Settings) -> str:
    """The development key: the one saved in MDM_DEV_KEY_FILE while it still works, else a new
    steward key (saved there, readable by its owner only)."""
    path = Path(settings.dev_key_file)

    async def ensure(keys: ApiKeyService) -> str:
        if path.is_file():
            saved = path.read_text(encoding="utf-8").strip()
            try:
                await keys.authenticate(saved)
            except Unauthenticated:
                pass
            else:
                return saved
        _, token = await keys.create(DEV_KEY_NAME, DEV_KEY_ROLE)
        path.write_text(token + "\n", encoding="utf-8")
        path.chmod(0o600)
        return token

    return _with_keys(settings, ensure)
