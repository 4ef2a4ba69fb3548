"""Query parameter shapes shared by the Neo4j store's modules."""

from __future__ import annotations

from mdm_hub.domain.records import SourceKey


def key_params(key: SourceKey) -> dict[str, str]:
    return {"system": key.system, "entityType": str(key.entity_type), "sourceId": key.source_id}
