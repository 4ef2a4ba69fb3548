"""The golden records merged into the one on the page, each with the members it brought: what
"undo merge" moves back (unmerge with targetGoldenId revives the merged-away ID).

Read from the page's lineage (which holds the events of every record merged into this one)
and, for each, the record as it stood just before its merge: no second source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request

from mdm_hub.domain.access import Principal
from mdm_hub.domain.audit import Action
from mdm_hub.ui.workbench import Workbench

MERGES = {Action.MERGE, Action.BRIDGING_MERGE, Action.REMATCH_MERGE}
SHOWN = 10  # each costs a replay of the audit log: the latest ones a steward would undo


@dataclass(frozen=True)
class MergedIn:
    id: str
    at: str  # the merge event's time, as hashed
    actor: str
    reason: str | None
    members: tuple[str, ...] = ()  # "system/sourceId" of those still members here


def merged_in(lineage: list[dict[str, Any]], golden_id: str) -> list[MergedIn]:
    """Golden IDs that resolve to `golden_id` now, latest merge first: merged into it or into
    one of those, and not revived by an unmerge since."""
    found: dict[str, MergedIn] = {}
    for event in lineage:
        after = event.get("after") or {}
        if event["action"] in MERGES and after.get("survivorId") in {golden_id, *found}:
            for merged in after["mergedIds"]:
                found[merged] = MergedIn(merged, event["at"], event["actor"], event["reason"])
        elif event["action"] == Action.UNMERGE:
            found.pop(str(after.get("goldenId")), None)
    found.pop(golden_id, None)
    return sorted(found.values(), key=lambda m: m.at, reverse=True)[:SHOWN]


async def with_members(
    wb: Workbench,
    request: Request,
    user: Principal,
    golden: dict[str, Any],
    lineage: list[dict[str, Any]],
) -> list[MergedIn]:
    """Each merged record with its members just before its merge that are still here."""
    here = {f"{m['system']}/{m['sourceId']}" for m in golden["crosswalk"]}
    found = []
    for merged in merged_in(lineage, golden["id"]):
        before = datetime.fromisoformat(merged.at) - timedelta(microseconds=1)
        variables = {"id": merged.id, "asOf": before.isoformat()}
        then = (await wb.run(request, user, "MergedMembers", variables))["goldenRecord"]
        brought = {f"{m['system']}/{m['sourceId']}" for m in (then or {}).get("crosswalk", [])}
        found.append(
            MergedIn(
                merged.id, merged.at, merged.actor, merged.reason, tuple(sorted(brought & here))
            )
        )
    return found
