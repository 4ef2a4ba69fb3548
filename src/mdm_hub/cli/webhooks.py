"""`mdm-hub webhooks ...` (create, list, delete, replay subscribers) and `mdm-hub dispatch`
(the webhook dispatcher on its own, for when serve runs with MDM_WEBHOOK_DISPATCHER=false)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_UNUSABLE
from mdm_hub.config import Settings
from mdm_hub.domain.webhooks import Webhook
from mdm_hub.errors import MdmError
from mdm_hub.services.webhooks.registry import WebhookService
from mdm_hub.wiring import build_dispatcher, build_store

T = TypeVar("T")
webhooks_app = typer.Typer(no_args_is_help=True)
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _with_service(act: Callable[[WebhookService], Awaitable[T]]) -> T:
    settings = Settings()

    async def run() -> T:
        store = build_store(settings)
        await store.open()
        try:
            return await act(WebhookService(store, settings.webhook_allow_private))
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except MdmError as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None


@webhooks_app.command("create")
def create(
    url: str,
    event: Annotated[list[str] | None, typer.Option(help="A change kind (repeat); all.")] = None,
    entity_type: Annotated[list[str] | None, typer.Option(help="Repeat; default all.")] = None,
    system: Annotated[list[str] | None, typer.Option(help="Repeat; default all.")] = None,
) -> None:
    """Subscribe URL to change events; prints its ID and its signing secret (shown once)."""
    hook = _with_service(lambda s: s.create(url, event, entity_type, system))
    _out.print(f"webhook {hook.id} for {escape(hook.url)}")
    _out.print(f"secret (shown once; verifies X-MDM-Signature): {hook.secret}")


@webhooks_app.command("list")
def list_webhooks() -> None:
    """Every subscriber with its cursor, the failed attempts at its next event and its dead
    letters."""

    async def read(service: WebhookService) -> list[tuple[Webhook, int]]:
        return [(h, len(await service.dead_letters(h.id))) for h in await service.all()]

    for hook, dead in _with_service(read):
        selects = ", ".join(
            f"{name}={','.join(values)}"
            for name, values in (
                ("events", hook.events),
                ("entityTypes", hook.entity_types),
                ("systems", hook.systems),
            )
            if values
        )
        _out.print(
            f"{hook.id} {escape(hook.url)} cursor={hook.cursor} failedAttempts={hook.attempts} "
            f"deadLetters={dead}" + (f" {escape(selects)}" if selects else "")
        )


@webhooks_app.command("delete")
def delete(webhook_id: str) -> None:
    """Stop posting to a subscriber (its dead letters go too)."""
    _with_service(lambda s: s.delete(webhook_id))
    _out.print(f"deleted webhook {webhook_id}")


@webhooks_app.command("replay")
def replay(webhook_id: str) -> None:
    """Deliver a subscriber's dead letters again."""
    queued = _with_service(lambda s: s.replay(webhook_id))
    _out.print(f"queued {queued} dead letters of {webhook_id} for delivery")


def dispatch() -> None:
    """Deliver change events to webhook subscribers until stopped (Ctrl-C or SIGTERM). Safe
    beside other dispatchers and serve processes: each subscriber is served by one at a time."""
    settings = Settings()

    async def run() -> None:
        store = build_store(settings)
        await store.open()
        dispatcher, sender = build_dispatcher(settings, store)
        try:
            _out.print(f"dispatching webhooks as {dispatcher.owner}")
            await dispatcher.run()
        finally:
            await sender.close()
            await store.close()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run())
    except MdmError as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None
