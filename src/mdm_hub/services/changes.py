"""Recording a change: its audit events and the change events derived from them, in the
transaction that makes it (one place per change, so the two never disagree)."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.domain.audit import AuditEntry, AuditEvent
from mdm_hub.domain.changes import changes_of
from mdm_hub.ports import StoreTransaction


async def record_change(tx: StoreTransaction, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append the change events `entries` stand for, then the audit events (last: the audit
    chain head is locked until commit)."""
    changes = changes_of(entries)
    if changes:
        await tx.append_changes(changes)
    return await tx.append_audit(entries)
