"""SQL fragments and parameter shapes shared by the embedded store's modules."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.adapters.codecs.values import dumps
from mdm_hub.domain.records import SourceKey

# Source keys arrive as one JSON array of [system, entityType, sourceId] (see keys_param).
KEYS_CTE = """keys AS (
  SELECT value ->> '$[0]' AS system, value ->> '$[1]' AS entityType,
         value ->> '$[2]' AS sourceId
  FROM json_each(?)
)"""
KEY_WHERE = (
    "{alias}.system = keys.system AND {alias}.entityType = keys.entityType "
    "AND {alias}.sourceId = keys.sourceId"
)


def key_params(key: SourceKey) -> tuple[str, str, str]:
    return (key.system, str(key.entity_type), key.source_id)


def keys_param(keys: Sequence[SourceKey]) -> str:
    return dumps([key_params(key) for key in keys])


def ids_param(ids: Sequence[str]) -> str:
    """A list of IDs as one JSON parameter, read back with json_each."""
    return dumps(list(ids))
