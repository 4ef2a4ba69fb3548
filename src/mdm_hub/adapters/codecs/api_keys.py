"""How both stores keep an API key: flat camelCase fields, times as ISO text, systems as a
JSON list (null: any system)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mdm_hub.adapters.codecs.values import as_datetime
from mdm_hub.domain.access import ApiKey, Role


def api_key_to_fields(key: ApiKey) -> dict[str, Any]:
    return {
        "prefix": key.prefix,
        "name": key.name,
        "role": str(key.role),
        "secretHash": key.secret_hash,
        "createdAt": key.created_at.isoformat(),
        "systems": json.dumps(sorted(key.systems)) if key.systems is not None else None,
        "expiresAt": _iso(key.expires_at),
        "revokedAt": _iso(key.revoked_at),
    }


def api_key_from_fields(fields: Mapping[str, Any]) -> ApiKey:
    present = set(fields.keys())  # sqlite3.Row answers `in` over values; Neo4j omits nulls

    def get(name: str) -> Any:
        return fields[name] if name in present else None

    systems = get("systems")
    return ApiKey(
        prefix=fields["prefix"],
        name=fields["name"],
        role=Role(fields["role"]),
        secret_hash=fields["secretHash"],
        created_at=as_datetime(fields["createdAt"]),
        systems=frozenset(json.loads(systems)) if systems is not None else None,
        expires_at=_datetime(get("expiresAt")),
        revoked_at=_datetime(get("revokedAt")),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None
