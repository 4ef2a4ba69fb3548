"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from strawberry.fastapi import BaseContext

from mdm_hub.api.graphql.loaders import Loaders
from mdm_hub.api.graphql.request_summary import RequestSummary
from mdm_hub.domain.access import Principal
from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.overrides import ANONYMOUS
from mdm_hub.wiring import Services


@dataclass
class Context(BaseContext):
    services: Services
    correlation_id: str
    # Who the request acts as; None when it could not be authenticated (auth_failure says
    # why), in which case the Authorization extension refuses every protected field.
    principal: Principal | None
    auth_failure: str = ""
    # A WebSocket's connection_init payload (strawberry sets it), where its credentials are,
    # and how to check them again: a connection outlives a revoked key or an expired token.
    connection_params: dict[str, object] | None = None
    reauthenticate: Callable[[], Awaitable[Principal]] | None = None
    # What the request did, for its log line and metrics (shared with the HTTP middleware).
    summary: RequestSummary = field(default_factory=RequestSummary)
    # Fresh per request: a DataLoader caches what it read, and must not outlive the request.
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.services.store, self._limited_to)

    def _limited_to(self) -> frozenset[str] | None:
        return self.principal.systems if self.principal is not None else None

    async def still_authenticated(self) -> None:
        """Unauthenticated if the connection's credentials no longer hold (nothing to check
        for an HTTP request: it was authenticated a moment ago)."""
        if self.reauthenticate is not None:
            await self.reauthenticate()

    @property
    def actor(self) -> str:
        """Recorded with steward actions: the key's name or the token's subject (with
        MDM_AUTH=off, the X-Actor header's claim)."""
        return self.principal.name if self.principal is not None else ANONYMOUS

    @property
    def audit(self) -> AuditContext:
        """Who the audit log records for a change this request makes: actor, role(s) and the
        correlation ID."""
        roles = sorted(str(role) for role in self.principal.roles) if self.principal else []
        return AuditContext(self.actor, ",".join(roles) or ANONYMOUS, self.correlation_id)
