"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.fastapi import BaseContext

from mdm_hub.api.graphql.loaders import Loaders
from mdm_hub.wiring import Services


@dataclass
class Context(BaseContext):
    services: Services
    correlation_id: str
    # Who the request says it is (X-Actor), recorded with steward actions. Not authenticated:
    # access roles arrive in a later release.
    actor: str
    # Fresh per request: a DataLoader caches what it read, and must not outlive the request.
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.services.store)
