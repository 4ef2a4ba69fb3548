"""Upsert outcomes and match decisions, counted from what the ingest service returned."""

from __future__ import annotations

from collections.abc import Sequence

from mdm_hub.api.graphql.types import SourceRecordInput
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import UpsertOutcome, UpsertResult
from mdm_hub.errors import RecordRejected
from mdm_hub.matching.decide import rule_name
from mdm_hub.observability.metrics import MATCH_DECISIONS, UPSERTS
from mdm_hub.wiring import Services

REJECTED = "REJECTED"
UNDECLARED = "undeclared"  # a system label only names declared systems: a bounded set


def count_upserts(
    services: Services,
    inputs: Sequence[SourceRecordInput],
    results: Sequence[UpsertResult | RecordRejected],
) -> None:
    for record, result in zip(inputs, results, strict=True):
        entity_type = EntityType(record.entity_type.value)
        system = record.system if record.system in services.systems else UNDECLARED
        if isinstance(result, RecordRejected):
            UPSERTS.labels(entity_type, system, REJECTED).inc()
            continue
        UPSERTS.labels(entity_type, system, result.outcome).inc()
        band = _band(result)
        if band is not None:
            rule = rule_name(services.matcher.rules_for(entity_type))
            MATCH_DECISIONS.labels(rule, band).inc()


def _band(result: UpsertResult) -> str | None:
    """Which band matching put the record in; None when it did not match (a known record
    sent again, or revived)."""
    if result.match_candidate_id is not None:
        return "review"
    if result.outcome is UpsertOutcome.LINKED:
        return "link"
    if result.outcome is UpsertOutcome.CREATED:
        return "new"
    return None
