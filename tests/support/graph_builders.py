"""Builders for relationship tests: golden records with members, and what members assert."""

from __future__ import annotations

from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import Membership, SourceKey, StoredSource
from mdm_hub.domain.relationships import (
    REFERENCE_RULES,
    ReferenceChanges,
    asserted_references,
)
from mdm_hub.ports import Store, StoreTransaction
from tests.support.builders import at, stored


def ref_to(target: SourceKey) -> dict[str, str]:
    """A reference attribute's value, as a source system sends it."""
    return {"system": target.system, "sourceId": target.source_id}


def record(
    source_key: SourceKey, version: int = 1, minute: int = 0, **attributes: Any
) -> StoredSource:
    return stored(source_key, attributes, version=version, minute=minute)


async def golden_with(
    store: Store, golden_id: str, *members: StoredSource, minute: int = 0
) -> None:
    """A golden record (of its first member's type) and its members, asserting nothing yet."""
    entity_type = members[0].key.entity_type if members else EntityType.CUSTOMER

    async def work(tx: StoreTransaction) -> None:
        await tx.create_golden(golden_id, entity_type, at(minute))
        for member in members:
            await tx.put_source(member, [])
            await tx.set_membership(member.key, Membership(golden_id, at(minute), "test"))

    await store.write(work)


async def assert_references(store: Store, *records: StoredSource) -> list[str | None]:
    """Store what each record's attributes assert (replacing its earlier references), link
    nothing, and re-derive its golden's edges; return the target goldens, in order."""

    async def work(tx: StoreTransaction) -> list[str | None]:
        targets: list[str | None] = []
        for source in records:
            asserted = asserted_references(source.key.entity_type, source.attributes)
            changes = ReferenceChanges(asserted=asserted, retracted=_all_attributes(source))
            targets += await tx.put_references(source, changes)
            found = await tx.get_source(source.key)
            assert found is not None
            await tx.sync_relationships([found[1].golden_id])
        return targets

    return await store.write(work)


def _all_attributes(source: StoredSource) -> tuple[str, ...]:
    # Replace every reference attribute, so a reference the record no longer has goes.
    return tuple(rule.attribute for rule in REFERENCE_RULES[source.key.entity_type])
