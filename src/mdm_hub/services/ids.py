"""Golden record IDs: opaque, stable, and carrying their entity type for human readers."""

from __future__ import annotations

import secrets

from mdm_hub.domain.entity_types import EntityType


def random_golden_id(entity_type: EntityType) -> str:
    # 128 random bits: no coordination needed between hub instances.
    return f"{entity_type.id_prefix}_{secrets.token_hex(16)}"


def random_candidate_id() -> str:
    return f"mc_{secrets.token_hex(16)}"
