"""Runs the workbench's GraphQL operations through the hub's schema as the signed-in caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from strawberry import Schema

from mdm_hub.api.graphql.context import Context
from mdm_hub.domain.access import Principal
from mdm_hub.wiring import Services


@dataclass(frozen=True)
class OperationError(Exception):
    """The first error of a GraphQL answer, as the API would have sent it."""

    message: str
    code: str
    extensions: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    @property
    def problems(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.extensions.get("problems", [])
        return found


@cache
def operation(name: str) -> str:
    """The document of operations/<name>.graphql."""
    return resources.files(__package__).joinpath("operations", f"{name}.graphql").read_text()


class Gateway:
    def __init__(self, schema: Schema, services: Services) -> None:
        self._schema = schema
        self._services = services

    async def run(
        self,
        name: str,
        variables: dict[str, Any] | None,
        principal: Principal,
        correlation_id: str,
    ) -> dict[str, Any]:
        """The data of operation `name`; OperationError when the answer has an error."""
        context = Context(self._services, correlation_id, principal=principal)
        result = await self._schema.execute(
            operation(name), variable_values=variables or {}, context_value=context
        )
        if result.errors:
            first = result.errors[0]
            extensions = dict(first.extensions or {})
            raise OperationError(first.message, str(extensions.get("code", "")), extensions)
        data: dict[str, Any] = result.data or {}
        return data
