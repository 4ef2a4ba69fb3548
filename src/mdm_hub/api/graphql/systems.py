"""The declared source systems, for integrations and people setting them up."""

from __future__ import annotations

import strawberry

from mdm_hub.api.graphql.resolvers import AppInfo
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain import systems as domain

strawberry.enum(
    domain.SystemKind,
    name="SystemKind",
    description="What kind of system: survivorship rules may name kinds as well as systems.",
)


@strawberry.type(description="How a system writes dates and decimals.")
class SystemLocale:
    date_order: str = strawberry.field(description="DMY, MDY or YMD: how 03/04/2024 is read.")
    decimal_separator: str


@strawberry.type(description="A declared source system (systems.yaml).")
class SourceSystem:
    code: str = strawberry.field(description="What a source record's `system` says.")
    name: str
    kind: domain.SystemKind
    entity_types: list[EntityType] = strawberry.field(
        description="What it may send (every entity type when it declares none)."
    )
    locale: SystemLocale

    @classmethod
    def of(cls, system: domain.SourceSystem) -> SourceSystem:
        sends = system.entity_types or tuple(EntityType)
        return cls(
            code=system.code,
            name=system.name,
            kind=system.kind,
            entity_types=list(sends),
            locale=SystemLocale(
                date_order=str(system.locale.date_order),
                decimal_separator=system.locale.decimal_separator,
            ),
        )


@strawberry.type
class SystemsQuery:
    @strawberry.field(description="Every declared source system, by code.")
    async def systems(self, info: AppInfo) -> list[SourceSystem]:
        registry = info.context.services.systems
        return [SourceSystem.of(registry.by_code[code]) for code in registry.codes()]
