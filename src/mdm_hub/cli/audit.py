"""`mdm-hub verify-audit`: walk the audit chain and say whether it is intact."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_BROKEN, EXIT_UNUSABLE
from mdm_hub.config import Settings
from mdm_hub.domain.audit import ChainStatus
from mdm_hub.errors import MdmError
from mdm_hub.services.audit import AuditService
from mdm_hub.wiring import build_store

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def verify_audit() -> None:
    """Verify the audit log's SHA-256 chain: exit 0 when intact, 1 with the first broken seq
    and every gap otherwise. Prints the head (seq and hash) to anchor externally."""
    try:
        status = asyncio.run(_verify(Settings()))
    except MdmError as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None
    _out.print(describe(status), soft_wrap=True)
    if not status.intact:
        raise typer.Exit(EXIT_BROKEN)


def describe(status: ChainStatus) -> str:
    head = f"{status.events} events; head seq {status.head_seq} hash {status.head_hash}"
    if status.intact:
        return f"audit chain intact: {head}"
    lines = [f"audit chain BROKEN: {head}"]
    if status.first_broken_seq is not None:
        lines.append(f"first broken seq: {status.first_broken_seq}")
    lines.extend(f"gap: seq {gap.from_seq} to {gap.to_seq} missing" for gap in status.gaps)
    return "\n".join(lines)


async def _verify(settings: Settings) -> ChainStatus:
    store = build_store(settings)
    await store.open()
    try:
        return await AuditService(store).chain_status()
    finally:
        await store.close()
