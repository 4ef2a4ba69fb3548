"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.fastapi import BaseContext

from mdm_hub.wiring import Services


@dataclass
class Context(BaseContext):
    services: Services
    correlation_id: str

    def __post_init__(self) -> None:
        super().__init__()
