"""Who may do what: roles, the principal a request acts as, and API keys as stored.

Pure data. How a principal is authenticated (keys, OIDC tokens) and which GraphQL fields each
role may use live in the API layer (mdm_hub.api.auth); the services only see the principal's
name, recorded as the actor of what it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    INTEGRATION = "integration"  # upsert and resolve, optionally for its own systems only
    STEWARD = "steward"  # all an integration may, plus merge, unmerge, decide and override
    AUDITOR = "auditor"  # read golden records, candidates, lineage and audit; no mutations
    ADMIN = "admin"  # manage keys and rules


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. `systems` limits upserts and resolves to those source systems
    (None: any system)."""

    name: str
    roles: frozenset[Role]
    systems: frozenset[str] | None = None

    def may_use_system(self, system: str) -> bool:
        return self.systems is None or system in self.systems

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(self.roles)) or "no role"


@dataclass(frozen=True)
class ApiKey:
    """An API key as the store keeps it: the public prefix and a hash, never the secret."""

    prefix: str
    name: str
    role: Role
    secret_hash: str
    created_at: datetime
    systems: frozenset[str] | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, at: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or at < self.expires_at

    def principal(self) -> Principal:
        return Principal(name=self.name, roles=frozenset({self.role}), systems=self.systems)
