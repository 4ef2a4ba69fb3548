"""Small builders for test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD
from mdm_hub.domain.records import (
    AttributeValue,
    Membership,
    SourceKey,
    StoredSource,
    content_hash,
)
from mdm_hub.ports import Store, StoreTransaction

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def key(system: str, source_id: str, entity_type: EntityType = EntityType.CUSTOMER) -> SourceKey:
    return SourceKey(system, entity_type, source_id)


def stored(
    source_key: SourceKey, attributes: dict[str, Any], version: int = 1, minute: int = 0
) -> StoredSource:
    return StoredSource(
        key=source_key,
        attributes=attributes,
        content_hash=content_hash(attributes),
        version=version,
        observed_at=at(minute),
        recorded_at=at(minute),
    )


def pinned(
    name: str,
    value: Any,
    actor: str,
    revision: int,
    minute: int,
    reason: str,
    entity_type: EntityType = EntityType.CUSTOMER,
) -> AttributeValue:
    """A golden value as a steward's pin reads: rule STEWARD, source (STEWARD, type, actor)."""
    return AttributeValue(
        name=name,
        value=value,
        rule=STEWARD,
        source=SourceKey(STEWARD, entity_type, actor),
        source_version=revision,
        observed_at=at(minute),
        reason=reason,
    )


async def golden_with(store: Store, golden_id: str, *members: StoredSource) -> None:
    """A customer golden record with these members, written straight through the store."""

    async def work(tx: StoreTransaction) -> None:
        await tx.create_golden(golden_id, EntityType.CUSTOMER, at(0))
        for member in members:
            await tx.put_source(member, [f"CUSTOMER|tax_id|{member.key.source_id}"])
            await tx.set_membership(member.key, Membership(golden_id, at(0), "test"))

    await store.write(work)


# One employee as HR holds her: the matching tests' reference person.
ANN = {
    "given_name": "Ann",
    "family_name": "Lee",
    "birth_date": "1980-05-17",
    "address_line1": "12 High Street",
    "city": "Leeds",
    "postal_code": "LS1 4AB",
    "region": "yorkshire",
}
