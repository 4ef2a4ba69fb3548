"""`mdm-hub verify-audit`: walk the audit chain and say whether it is intact; with
`--repair-head`, rebuild a missing chain head from the verified events."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from mdm_hub.cli.exit_codes import EXIT_BROKEN, EXIT_UNUSABLE
from mdm_hub.config import Settings
from mdm_hub.domain.audit import ChainStatus, IndexEntry
from mdm_hub.errors import MdmError
from mdm_hub.services.audit import AuditService, HeadRepair, RepairOutcome
from mdm_hub.wiring import build_store

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

T = TypeVar("T")


def verify_audit(
    repair_head: bool = typer.Option(
        False,
        "--repair-head",
        help="Rebuild a missing (or set back) chain head from the events, once they verify; "
        "refused when the chain is broken or the head names a later or different event.",
    ),
) -> None:
    """Verify the audit log's SHA-256 chain, its head and its lineage index: exit 0 when
    intact, 1 with what is wrong otherwise (the first broken seq, every gap, a missing head,
    index entries missing or extra). Prints the head (seq and hash) to anchor externally."""
    try:
        if repair_head:
            repair = asyncio.run(_run(Settings(), lambda audit: audit.repair_head()))
            _out.print(describe_repair(repair), soft_wrap=True)
            if repair.outcome is RepairOutcome.REFUSED:
                raise typer.Exit(EXIT_BROKEN)
            return
        status = asyncio.run(_run(Settings(), lambda audit: audit.chain_status()))
    except MdmError as exc:
        _err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNUSABLE) from None
    _out.print(describe(status), soft_wrap=True)
    if not status.intact:
        raise typer.Exit(EXIT_BROKEN)


def describe(status: ChainStatus) -> str:
    head = f"{status.events} events; head seq {status.head_seq} hash {status.head_hash}"
    if status.head_missing:
        head = f"{status.events} events; head MISSING (last event seq {status.head_seq})"
    if status.intact:
        return f"audit chain intact: {head}"
    lines = [f"audit chain BROKEN: {head}"]
    if status.first_broken_seq is not None:
        lines.append(f"first broken seq: {status.first_broken_seq} ({status.first_broken_reason})")
    lines.extend(f"gap: seq {gap.from_seq} to {gap.to_seq} missing" for gap in status.gaps)
    if status.head_missing:
        lines.append("head missing: writes are refused until `verify-audit --repair-head`")
    lines.extend(_index_lines("missing from", status.index_missing))
    lines.extend(_index_lines("extra in", status.index_extra))
    return "\n".join(escape(line) for line in lines)


def _index_lines(what: str, entries: list[IndexEntry]) -> list[str]:
    return [
        f"lineage index entry {what} the index: seq {e.seq} subject {e.subject}" for e in entries
    ]


def describe_repair(repair: HeadRepair) -> str:
    seq, hash_ = repair.head
    if repair.outcome is RepairOutcome.REPAIRED:
        return f"audit head rebuilt: seq {seq} hash {hash_} ({repair.why})"
    if repair.outcome is RepairOutcome.NOT_NEEDED:
        return f"audit head intact, nothing to repair: seq {seq} hash {hash_}"
    return f"audit head NOT repaired: {repair.why}"


async def _run(settings: Settings, act: Callable[[AuditService], Awaitable[T]]) -> T:
    store = build_store(settings)
    await store.open()
    try:
        return await act(AuditService(store))
    finally:
        await store.close()
