"""The crosswalk edits behind steward merges and unmerges, inside one write transaction:
lock and version-check the golden records, apply the refusals, move memberships and
relationships, and recompute survivorship on every side (see services/merges.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.changes import ChangeEntry, ChangeKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import StewardNote
from mdm_hub.domain.records import GoldenView, Membership, SourceKey, steward_decided_by
from mdm_hub.domain.relationships import HIERARCHY_OF, RelationshipType
from mdm_hub.errors import InvalidInput, Problem, RelationshipCycle
from mdm_hub.ports import GoldenIdFactory, StoreTransaction
from mdm_hub.services.relationships import hierarchy_lock
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.services.versions import ExpectedVersions


class CrosswalkEditor:
    def __init__(self, golden: GoldenRecomputer, new_golden_id: GoldenIdFactory) -> None:
        self._golden = golden
        self._new_golden_id = new_golden_id

    async def merge(
        self,
        tx: StoreTransaction,
        golden_ids: Sequence[str],
        survivor_id: str | None,
        versions: ExpectedVersions,
        note: StewardNote,
        now: datetime,
        override_not_a_match: bool,
        context: AuditContext,
    ) -> str:
        """Merge `golden_ids` into the survivor (named, else the oldest); returns its ID."""
        views = await versions.lock(tx, golden_ids)
        if len({view.golden.id for view in views.values()}) != len(golden_ids):
            raise InvalidInput([Problem("goldenIds", "name one golden record only once")])
        types = sorted({view.golden.entity_type for view in views.values()})
        if len(types) > 1:
            raise InvalidInput(
                [Problem("goldenIds", f"cannot merge different entity types: {types}")]
            )
        if not override_not_a_match:
            await _refuse_separated(tx, list(views.values()))
        survivor = (
            survivor_id
            or min(views.values(), key=lambda v: (v.golden.created_at, v.golden.id)).golden.id
        )
        hierarchy = HIERARCHY_OF.get(EntityType(types[0]))
        if hierarchy is not None:
            await tx.lock_keys([hierarchy_lock(hierarchy)])
        for loser in sorted(set(golden_ids) - {survivor}):
            if hierarchy is not None:
                await _refuse_cycle(tx, loser, survivor, hierarchy)
            await tx.merge_golden(loser, survivor, now, steward_decided_by(note.actor))
            await tx.merge_relationships(loser, survivor)
        await self._golden.recompute(tx, survivor, now, only_if_changed=False, context=context)
        return survivor

    async def unmerge(
        self,
        tx: StoreTransaction,
        golden_id: str,
        sources: Sequence[SourceKey],
        target_id: str | None,
        versions: ExpectedVersions,
        note: StewardNote,
        now: datetime,
        context: AuditContext,
    ) -> str:
        """Move `sources` out of `golden_id` into `target_id` (revived if it was merged into
        `golden_id`) or a new golden record; returns the target's ID."""
        views = await versions.lock(tx, [golden_id, *([target_id] if target_id else [])])
        view = views[golden_id]
        members = {member.key for member in view.members}
        retired = {member.source.key for member in view.retired}
        for index, key in enumerate(sources):
            if key in retired:
                # A retired record stays where it was retired, for lineage; revived (sent
                # again), it is live and can be moved.
                why = f"{key} was retired by its system; only live members move"
                raise InvalidInput([Problem(f"sources[{index}]", why)])
            if key not in members:
                raise InvalidInput(
                    [Problem(f"sources[{index}]", f"{key} is not a member of {golden_id}")]
                )
        if members == set(sources):
            raise InvalidInput(
                [Problem("sources", f"would move every member of {golden_id}: nothing to split")]
            )
        entity_type = view.golden.entity_type
        if target_id is None:
            target = await split_off(tx, golden_id, entity_type, self._new_golden_id, now, context)
        else:
            target = await _named_target(tx, views[target_id], target_id, view, versions, now)
        await move_members(
            tx, sources, golden_id, Membership(target, now, steward_decided_by(note.actor))
        )
        for moved in sources:
            for remaining in sorted(members - set(sources)):
                await tx.record_not_a_match(moved, remaining, now)
        for changed in sorted({golden_id, target}):
            await self._golden.recompute(tx, changed, now, only_if_changed=False, context=context)
        return target


async def split_off(
    tx: StoreTransaction,
    golden_id: str,
    entity_type: EntityType,
    new_golden_id: GoldenIdFactory,
    now: datetime,
    context: AuditContext,
) -> str:
    """A new golden record for members about to leave `golden_id` (announced as unmerged
    from it); returns its ID. It has no values until recomputed with them."""
    target = new_golden_id(entity_type)
    await tx.create_golden(target, entity_type, now)
    created = {"unmergedFrom": golden_id}
    await tx.append_changes([ChangeEntry(ChangeKind.GOLDEN_CREATED, target, created, now, context)])
    return target


async def move_members(
    tx: StoreTransaction, sources: Sequence[SourceKey], golden_id: str, membership: Membership
) -> None:
    """Move `sources` out of `golden_id` into `membership`'s golden record, decided as it
    says; the relationships they assert or receive follow them."""
    for key in sources:
        await tx.set_membership(key, membership)
    await tx.move_relationships(sources, golden_id)


async def _named_target(
    tx: StoreTransaction,
    target: GoldenView,
    target_id: str,
    source: GoldenView,
    versions: ExpectedVersions,
    now: datetime,
) -> str:
    """A named target is either a live golden record of the same type (its version checked),
    or one that was merged into the source: that merge is undone and it answers again."""
    if target.merged_from is None:
        versions.require([target_id])
        if target.golden.entity_type is not source.golden.entity_type:
            raise InvalidInput(
                [Problem("targetGoldenId", f"{target_id} is a {target.golden.entity_type}")]
            )
        return target_id
    if target.golden.id != source.golden.id:
        raise InvalidInput(
            [
                Problem(
                    "targetGoldenId",
                    f"{target_id} was merged into {target.golden.id}, not {source.golden.id}",
                )
            ]
        )
    await tx.revive_golden(target_id, now)
    return target_id


async def _refuse_separated(tx: StoreTransaction, views: Sequence[GoldenView]) -> None:
    members = [member.key for view in views for member in view.members]
    if not members:
        return
    _, pairs = await tx.separations(members[0], [view.golden.id for view in views])
    if pairs:
        named = "; ".join(" and ".join(sorted(pair)) for pair in sorted(pairs, key=sorted))
        raise InvalidInput(
            [
                Problem(
                    "goldenIds",
                    f"a steward said these are not a match: {named} (to merge them "
                    "anyway, use the merge mutation with overrideNotAMatch: true)",
                )
            ]
        )


async def _refuse_cycle(
    tx: StoreTransaction, loser: str, survivor: str, hierarchy: RelationshipType
) -> None:
    """A direct edge between the two becomes a self-loop and is dropped; a longer path would
    become a loop through the survivor."""
    for start, end in ((loser, survivor), (survivor, loser)):
        path = await tx.hierarchy_path(start, end, hierarchy)
        if path is not None and len(path) > 2:
            loop = " → ".join([*path, start])
            raise RelationshipCycle(
                f"merge of {loser} into {survivor}",
                [Problem("goldenIds", f"would close a {hierarchy} cycle: {loop}")],
            )
