"""GraphQL types of API key management (admins only; see api/auth/rules.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from mdm_hub.api.graphql.scalars import Role
from mdm_hub.domain.access import ApiKey as DomainApiKey


@strawberry.type(description="An API key as stored: never its secret.")
class ApiKey:
    prefix: str
    name: str
    role: Role
    systems: list[str] | None = strawberry.field(
        description="The source systems it may upsert and resolve for; null: any."
    )
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: DomainApiKey) -> ApiKey:
        return cls(
            prefix=key.prefix,
            name=key.name,
            role=key.role,
            systems=sorted(key.systems) if key.systems is not None else None,
            created_at=key.created_at,
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
        )


@strawberry.type
class CreatedApiKey:
    key: ApiKey
    token: str = strawberry.field(
        description="The full key, `mdm_<prefix>_<secret>`: shown this once, never stored."
    )
