"""Reading the audit log: verify the chain, and the lineage of golden and source records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from mdm_hub.domain.audit import (
    GENESIS,
    MEMBER_MOVES,
    Action,
    AuditEvent,
    ChainStatus,
    ChainVerifier,
    source_subject,
)
from mdm_hub.domain.records import SourceKey
from mdm_hub.ports import AuditHeadRepair

PAGE_SIZE = 1000
# Lineage index faults reported, of each kind: enough to see the pattern and the extent.
MAX_INDEX_FAULTS = 100
# Lineage of one record: more events than this is a bulk export, not an auditor's question.
MAX_LINEAGE_EVENTS = 10_000

_MERGES = (Action.MERGE, Action.BRIDGING_MERGE, Action.REMATCH_MERGE)


@dataclass(frozen=True)
class MembershipStretch:
    """A stretch of a source record's life in one golden record, from the events; with
    `retired_at` when its system retired it during (or before) the stretch: it stayed there,
    but not live. A revival starts a new stretch."""

    golden_id: str
    since: str
    event_seq: int
    action: str
    retired_at: str | None = None


class RepairOutcome(StrEnum):
    REPAIRED = "repaired"
    NOT_NEEDED = "not needed"
    REFUSED = "refused"


@dataclass(frozen=True)
class HeadRepair:
    outcome: RepairOutcome
    why: str
    head: tuple[int, str]  # the head as stored after the repair (or as found)


class AuditService:
    def __init__(self, store: AuditHeadRepair, page_size: int = PAGE_SIZE) -> None:
        self._store = store
        self._page_size = page_size

    async def chain_status(self) -> ChainStatus:
        """Walk every event in seq order, page by page, and check it against the stored head;
        then check the lineage index against the events."""
        head = await self._store.audit_head()
        verifier = await self._walk()
        index = await self._store.audit_index_faults(MAX_INDEX_FAULTS)
        return verifier.finish(head, head_stored=True, index=index)

    async def _walk(self) -> ChainVerifier:
        verifier = ChainVerifier()
        after = 0
        while page := await self._store.audit_events(after, self._page_size):
            verifier.feed(page)
            after = page[-1].seq
        return verifier

    async def repair_head(self) -> HeadRepair:
        """Rebuild a missing head (or one set back) from the events, once they verify on their
        own. A head past the last event, or naming another hash, is the evidence of events
        cut or forged at the end: it is never overwritten."""
        chain = (await self._walk()).finish()
        last = (chain.head_seq, chain.head_hash)
        if not chain.intact:
            where = f"first broken seq {chain.first_broken_seq}" if chain.first_broken_seq else ""
            gaps = ", ".join(f"seq {g.from_seq} to {g.to_seq} missing" for g in chain.gaps)
            why = "; ".join(part for part in (where, gaps) if part)
            return HeadRepair(RepairOutcome.REFUSED, f"the chain itself is broken: {why}", last)
        head = await self._store.audit_head()
        if head == last or (head is None and last == (0, GENESIS)):
            return HeadRepair(RepairOutcome.NOT_NEEDED, "the head names the last event", last)
        if head is not None and not await self._set_back(head, last[0]):
            why = (
                f"the head names seq {head[0]} hash {head[1]}, which is not an event of the "
                f"chain before its last (seq {last[0]}): events were cut or forged at the end"
            )
            return HeadRepair(RepairOutcome.REFUSED, why, head)
        await self._store.rewrite_audit_head(last)
        found = "was missing" if head is None else f"named seq {head[0]}"
        return HeadRepair(RepairOutcome.REPAIRED, f"the head {found}", last)

    async def _set_back(self, head: tuple[int, str], last_seq: int) -> bool:
        """Whether `head` names an earlier event of the chain exactly (a head set back)."""
        if not 0 < head[0] < last_seq:
            return False
        found = await self._store.audit_events(head[0] - 1, 1)
        return bool(found) and (found[0].seq, found[0].hash) == head

    async def lineage(self, golden_id: str) -> list[AuditEvent]:
        """Every event of the golden record and of every golden record merged into it (through
        chains of merges), in seq order."""
        ids = {golden_id}
        frontier = [golden_id]
        events: dict[int, AuditEvent] = {}
        while frontier:
            found = await self._store.audit_events_for(frontier, MAX_LINEAGE_EVENTS)
            frontier = []
            for event in found:
                events[event.seq] = event
                if _is_merge(event) and event.after["survivorId"] in ids:
                    for merged in event.after["mergedIds"]:
                        if merged not in ids:
                            ids.add(merged)
                            frontier.append(merged)
        return [events[seq] for seq in sorted(events)]

    async def source_events(self, key: SourceKey) -> list[AuditEvent]:
        return await self._store.audit_events_for([source_subject(key)], MAX_LINEAGE_EVENTS)

    async def source_lineage(self, key: SourceKey) -> list[MembershipStretch]:
        """Every golden record the source record belonged to, and from when: its own events
        (ingest, unmerge) and the merges of the golden record it was in at the time."""
        own = await self.source_events(key)
        memberships: list[MembershipStretch] = []
        for event in own:
            golden = _golden_after(event, source_subject(key))
            if golden is not None:
                memberships.append(MembershipStretch(golden, event.at, event.seq, event.action))
        if not memberships:
            return []
        # Follow merges of the golden record it was in, between its own moves.
        result: list[MembershipStretch] = []
        for index, stretch in enumerate(memberships):
            result.append(stretch)
            until = memberships[index + 1].event_seq if index + 1 < len(memberships) else None
            current = stretch.golden_id
            after_seq = stretch.event_seq
            while True:
                merge = await self._merged_away(current, after_seq, until)
                if merge is None:
                    break
                current = merge.after["survivorId"]
                after_seq = merge.seq
                result.append(MembershipStretch(current, merge.at, merge.seq, merge.action))
        result = _with_retirements(result, [e for e in own if e.action == Action.SOURCE_RETIRED])
        # A move into the golden record it was already in is no new membership (a revival is).
        return [
            m
            for i, m in enumerate(result)
            if i == 0 or result[i - 1].golden_id != m.golden_id or m.action == Action.SOURCE_REVIVED
        ]

    async def _merged_away(
        self, golden_id: str, after_seq: int, until: int | None
    ) -> AuditEvent | None:
        for event in await self._store.audit_events_for([golden_id], MAX_LINEAGE_EVENTS):
            if event.seq <= after_seq or (until is not None and event.seq >= until):
                continue
            if _is_merge(event) and golden_id in event.after["mergedIds"]:
                return event
        return None

    async def decision_event(self, key: SourceKey) -> AuditEvent | None:
        """The event that decided the source record's current membership: its last own
        membership event, or a later merge that carried its golden record."""
        lineage = await self.source_lineage(key)
        if not lineage:
            return None
        found = await self._store.audit_events(lineage[-1].event_seq - 1, 1)
        return found[0] if found else None


def _is_merge(event: AuditEvent) -> bool:
    # An unreadable event (edited outside the hub) is listed but not followed.
    return event.action in _MERGES and event.unreadable is None


def _with_retirements(
    stretches: list[MembershipStretch], retirements: list[AuditEvent]
) -> list[MembershipStretch]:
    """Mark each stretch during which the record was retired: the one its retirement fell in,
    and those merges carried it into before a revival."""
    marked: list[MembershipStretch] = []
    pending = iter(retirements)
    retirement = next(pending, None)
    retired_at: str | None = None
    for index, stretch in enumerate(stretches):
        if stretch.action == Action.SOURCE_REVIVED:
            retired_at = None
        until = stretches[index + 1].event_seq if index + 1 < len(stretches) else None
        while retirement is not None and (until is None or retirement.seq < until):
            retired_at = retirement.at
            retirement = next(pending, None)
        marked.append(replace(stretch, retired_at=retired_at) if retired_at else stretch)
    return marked


def _golden_after(event: AuditEvent, subject: str) -> str | None:
    """The golden record the event put this source record in, if it moved it."""
    if event.unreadable is not None:
        return None
    if event.action in (Action.INGEST_CREATED, Action.INGEST_LINKED, Action.SOURCE_REVIVED):
        golden: str = event.after["goldenId"]
        return golden
    if event.action in MEMBER_MOVES and subject in event.after["sources"]:
        target: str = event.after["goldenId"]
        return target
    return None
