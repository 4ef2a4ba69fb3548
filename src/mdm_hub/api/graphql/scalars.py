"""GraphQL enums mirrored from the domain, so the two can never drift apart."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from mdm_hub.domain.access import Role as DomainRole
from mdm_hub.domain.entity_types import EntityType as DomainEntityType
from mdm_hub.domain.overrides import OverrideAction as DomainOverrideAction
from mdm_hub.domain.records import CandidateStatus as DomainCandidateStatus
from mdm_hub.domain.records import UpsertOutcome as DomainUpsertOutcome
from mdm_hub.domain.relationships import Direction as DomainDirection
from mdm_hub.domain.relationships import RelationshipType as DomainRelationshipType
from mdm_hub.domain.retirement import GoldenStatus as DomainGoldenStatus
from mdm_hub.domain.retirement import RetireOutcome as DomainRetireOutcome

# strawberry.enum registers the domain class itself, so annotations can use it as it is.
strawberry.enum(DomainEntityType, name="EntityType")
strawberry.enum(DomainUpsertOutcome, name="UpsertOutcome")
strawberry.enum(DomainCandidateStatus, name="CandidateStatus")
strawberry.enum(DomainOverrideAction, name="OverrideAction")
strawberry.enum(DomainRelationshipType, name="RelationshipType")
strawberry.enum(DomainDirection, name="Direction")
strawberry.enum(DomainRole, name="Role")
strawberry.enum(
    DomainGoldenStatus,
    name="GoldenStatus",
    description="ACTIVE while a golden record has a live member; RETIRED once every member "
    "was retired by its system (it still resolves).",
)
strawberry.enum(DomainRetireOutcome, name="RetireOutcome")

EntityType: TypeAlias = DomainEntityType
UpsertOutcome: TypeAlias = DomainUpsertOutcome
CandidateStatus: TypeAlias = DomainCandidateStatus
OverrideAction: TypeAlias = DomainOverrideAction
RelationshipType: TypeAlias = DomainRelationshipType
Direction: TypeAlias = DomainDirection
Role: TypeAlias = DomainRole
GoldenStatus: TypeAlias = DomainGoldenStatus
RetireOutcome: TypeAlias = DomainRetireOutcome
