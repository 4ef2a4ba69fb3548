"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.fastapi import BaseContext

from mdm_hub.wiring import Services


@dataclass
class Context(BaseContext):
    services: Services
    correlation_id: str
    # Who the request says it is (X-Actor), recorded with steward actions. Not authenticated:
    # access roles arrive in a later release.
    actor: str

    def __post_init__(self) -> None:
        super().__init__()
