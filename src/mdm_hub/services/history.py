"""A golden record as it stood at a past time, replayed from the audit log: which source
records were its members then (ingest links, merges, unmerges, retirements and revivals up to
that time), each at the version it had then, and the steward pins in force then, with
survivorship applied under the current rules (and code sets). The version is not replayed: it
reads 0."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mdm_hub.domain.audit import MEMBER_MOVES, Action, AuditEvent
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideAction, OverrideEvent
from mdm_hub.domain.records import (
    GoldenRecord,
    GoldenView,
    RetiredMember,
    SourceKey,
    StoredSource,
)
from mdm_hub.domain.retirement import Retirement, status_of
from mdm_hub.ports import GoldenReads
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.audit import AuditService
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.survivorship.rules import RuleSet

_SOURCE = "source:"
_MERGES = (Action.MERGE, Action.BRIDGING_MERGE, Action.REMATCH_MERGE)
MAX_REDIRECTS = 100


def _key(subject: str) -> SourceKey:
    system, entity_type, source_id = subject.removeprefix(_SOURCE).split("/", 2)
    return SourceKey(system, EntityType(entity_type), source_id)


class HistoryService:
    def __init__(
        self, store: GoldenReads, rules: RuleSet, audit: AuditService, codes: CodeSets | None = None
    ) -> None:
        self._store = store
        self._golden = GoldenRecomputer(rules, codes)
        self._audit = audit

    async def golden_as_of(self, golden_id: str, at: datetime) -> GoldenView | None:
        """None when the golden record did not exist yet at `at` (or is unknown)."""
        current = await self._store.get_golden(golden_id)
        if current is None:
            return None
        asked = golden_id
        for _ in range(MAX_REDIRECTS):
            events = [
                e
                for e in await self._audit.lineage(golden_id)
                if datetime.fromisoformat(e.at) <= at
            ]
            if not events:
                return None
            state = _replay(events)
            if golden_id not in state.redirect:
                break
            golden_id = state.redirect[golden_id]  # merged away by then: its survivor answers
        members = [
            member
            for subject, golden in sorted(state.owner.items())
            if golden == golden_id
            and (member := await self._version_at(_key(subject), at)) is not None
        ]
        retired = [
            RetiredMember(member, retirement)
            for subject, (golden, retirement) in sorted(state.retired.items())
            if golden == golden_id
            and (member := await self._version_at(_key(subject), at)) is not None
        ]
        history = tuple(_overrides(events, golden_id))
        entity_type = current.golden.entity_type
        # As the store computes it: with no live member, from the ones retired (services/
        # survivorship.py).
        computed_from = members or [r.source for r in retired]
        attributes, computed_by = self._golden.compute(entity_type, computed_from, history)
        created = datetime.fromisoformat(events[0].at)
        golden = GoldenRecord(
            golden_id,
            entity_type,
            0,
            created,
            at,
            attributes,
            computed_by,
            status_of(len(members)),
        )
        view = GoldenView(golden, tuple(members), history, retired=tuple(retired))
        return replace(view, merged_from=asked) if asked != golden_id else view

    async def _version_at(self, key: SourceKey, at: datetime) -> StoredSource | None:
        versions = [v for v in await self._store.source_versions(key) if v.recorded_at <= at]
        return versions[-1] if versions else None


@dataclass
class _State:
    """After some events: the golden record each live source record was in, which golden
    records had been merged into which, and the retired records with their retirement."""

    owner: dict[str, str] = field(default_factory=dict)
    redirect: dict[str, str] = field(default_factory=dict)
    retired: dict[str, tuple[str, Retirement]] = field(default_factory=dict)


def _replay(events: list[AuditEvent]) -> _State:
    state = _State()
    owner, retired = state.owner, state.retired
    for event in events:
        after: Any = event.after
        if event.action in (Action.INGEST_CREATED, Action.INGEST_LINKED):
            owner[_source_of(event)] = after["goldenId"]
        elif event.action in _MERGES:
            survivor = after["survivorId"]
            for merged in after["mergedIds"]:
                state.redirect[merged] = survivor
                for source, golden in owner.items():
                    if golden == merged:
                        owner[source] = survivor
                for source, (golden, retirement) in retired.items():
                    if golden == merged:  # retired members move with a merge too
                        retired[source] = (survivor, retirement)
        elif event.action in MEMBER_MOVES:
            state.redirect.pop(after["goldenId"], None)  # a revived golden record answers again
            for source in after["sources"]:
                owner[source] = after["goldenId"]
        elif event.action == Action.SOURCE_RETIRED:
            source = _source_of(event)
            owner.pop(source, None)
            retirement = Retirement(
                datetime.fromisoformat(after["retiredAt"]),
                datetime.fromisoformat(after["observedAt"]),
                event.reason,
            )
            retired[source] = (after["goldenId"], retirement)
        elif event.action == Action.SOURCE_REVIVED:
            source = _source_of(event)
            retired.pop(source, None)
            owner[source] = after["goldenId"]
    return state


def _source_of(event: AuditEvent) -> str:
    [source] = [s for s in event.subject_ids if s.startswith(_SOURCE)]
    return source


def _overrides(events: list[AuditEvent], golden_id: str) -> list[OverrideEvent]:
    found = []
    for event in events:
        if event.action in (Action.OVERRIDE, Action.CLEAR_OVERRIDE) and (
            event.subject_ids == (golden_id,)
        ):
            after: Any = event.after
            found.append(
                OverrideEvent(
                    revision=after["revision"],
                    attribute=after["attribute"],
                    action=OverrideAction.PIN
                    if event.action == Action.OVERRIDE
                    else OverrideAction.CLEAR,
                    value=after["pinned"],
                    actor=event.actor,
                    reason=event.reason or "",
                    at=datetime.fromisoformat(event.at),
                )
            )
    return found
