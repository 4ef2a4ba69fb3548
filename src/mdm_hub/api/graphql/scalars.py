"""GraphQL enums mirrored from the domain, so the two can never drift apart."""

from __future__ import annotations

import strawberry

from mdm_hub.domain.entity_types import EntityType as DomainEntityType
from mdm_hub.domain.records import UpsertOutcome as DomainUpsertOutcome

EntityType = strawberry.enum(DomainEntityType, name="EntityType")
UpsertOutcome = strawberry.enum(DomainUpsertOutcome, name="UpsertOutcome")
